/**
 * Runs the interactive console until the user quits, and owns the terminal while it does: the
 * alternate screen is entered on start and left — with the cursor shown again — on every way out: q or
 * Ctrl+C, SIGTERM/SIGINT/SIGHUP, an uncaught error, or even a stray process.exit(). Errors are not
 * swallowed: runConsole rejects with them after the terminal is restored, so the caller prints them on
 * the normal screen. The caller owns the driver and closes it afterwards.
 */
import {constants} from 'node:os';
import {render, type Instance} from 'ink';
import {App} from '../app.js';
import {startDemo} from '../demo/demo.js';
import type {Context} from '../contexts/context.js';
import type {Driver} from '../driver/driver.js';
import {ContextSwitcher, type ContextSwitcherProps} from './context-switcher.js';

export type ConsoleOptions = {
	driver: Driver;
	demo: boolean;
	demoRate?: number;
	pollIntervalMs?: number;
	/** Records a live tail keeps (default 5,000). */
	tailBufferSize?: number;
	/** Where audit.log records the splits, merges and scalings made from the console. */
	auditDirectory?: string;
	/** Iterator age above which a stream is highlighted and the bell rings (--alert-iterator-age). */
	alertIteratorAgeMs?: number;
	/** Switching contexts (`:ctx`), and the context the console starts in. */
	contexts?: {opener: ContextSwitcherProps['opener']; initialContext?: Context};
	/** The terminal (process.stdin / process.stdout / process.stderr by default). */
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
};

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';
/**
 * Bracketed paste: the terminal marks a paste, so a prompt takes it whole, line breaks and all
 * (key-reader.ts), instead of a line break in it being Enter. Turned off again with the screen.
 */
const PASTE_MARKS_ON = '\u001B[?2004h';
const PASTE_MARKS_OFF = '\u001B[?2004l';
/** The terminal bell: the iterator-age alert rings it, straight to the terminal (not through Ink). */
const BELL = '\u0007';
const EXIT_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/**
 * The frame rate cap. Ink holds a frame back until 1/MAX_FPS after the last one, so this is also the
 * longest a key press waits behind a frame just drawn: 17 ms here. What draws steadily is bounded
 * elsewhere — a live tail publishes at most 10 times a second (live-tail.ts), the clock once — so the
 * cap only matters for bursts of keys. At 30 a key behind a tail frame waited up to 33 ms, a third of
 * the 100 ms key-to-frame budget.
 */
const MAX_FPS = 60;

export class NotATerminalError extends Error {
	override readonly name = 'NotATerminalError';
}

export async function runConsole(options: ConsoleOptions): Promise<void> {
	const stdin = options.stdin ?? process.stdin;
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	if (!stdin.isTTY || !stdout.isTTY) {
		throw new NotATerminalError(
			'The interactive console needs a terminal on stdin and stdout. In scripts and pipes use the ' +
				'headless commands instead (they write NDJSON); see `kinesis-top --help`.',
		);
	}

	let restored = false;
	const restoreTerminal = () => {
		if (restored) return;
		restored = true;
		try {
			stdout.write(PASTE_MARKS_OFF + LEAVE_ALTERNATE_SCREEN + SHOW_CURSOR);
		} catch {
			// The terminal may already be gone (SIGHUP); nothing left to restore.
		}
	};

	let instance: Instance | undefined;
	let fatal: unknown;
	const onSignal = (signal: NodeJS.Signals) => {
		// The conventional status for death by signal, 128 + its number, unless the caller sets another.
		process.exitCode ??= 128 + (constants.signals[signal] ?? 0);
		instance?.unmount();
	};

	const onFatal = (error: unknown) => {
		fatal ??= error;
		if (instance) instance.unmount(error instanceof Error ? error : new Error(String(error)));
		else restoreTerminal();
	};

	stdout.write(ENTER_ALTERNATE_SCREEN + PASTE_MARKS_ON);
	process.on('exit', restoreTerminal);
	for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
	process.on('uncaughtException', onFatal);
	process.on('unhandledRejection', onFatal);
	const demo = options.demo ? startDemo(options.driver, {rate: options.demoRate}) : undefined;
	try {
		const appProps = {
			driver: options.driver,
			demo: options.demo,
			pollIntervalMs: options.pollIntervalMs,
			tailBufferSize: options.tailBufferSize,
			auditDirectory: options.auditDirectory,
			alertIteratorAgeMs: options.alertIteratorAgeMs,
			bell: () => stdout.write(BELL),
		};
		instance = render(
			options.contexts ? (
				<ContextSwitcher
					{...appProps}
					opener={options.contexts.opener}
					initialContext={options.contexts.initialContext}
				/>
			) : (
				<App {...appProps} />
			),
			{stdin, stdout, stderr, exitOnCtrlC: false, maxFps: MAX_FPS},
		);
		await instance.waitUntilExit();
	} catch (error) {
		fatal ??= error;
	} finally {
		instance?.unmount();
		instance?.cleanup();
		restoreTerminal();
		process.off('exit', restoreTerminal);
		for (const signal of EXIT_SIGNALS) process.off(signal, onSignal);
		process.off('uncaughtException', onFatal);
		process.off('unhandledRejection', onFatal);
		await demo?.stop();
	}

	if (fatal !== undefined) throw fatal;
}

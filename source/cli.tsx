/**
 * The kinesis-top executable (bin/kinesis-top.js imports this): hands the process's streams to run(),
 * which parses the flags (meow) and dispatches to a headless command or the console, and sets the exit
 * status from its answer. Ctrl-C stops the running command cleanly (the data directory is released); a
 * second Ctrl-C exits at once.
 */
import {register} from 'node:module';
import {isatty} from 'node:tty';
import {setFlagsFromString} from 'node:v8';
import type {CommandIo, ConsoleOptions} from './commands/command.js';
import {errorLine} from './commands/error-line.js';
import {run} from './commands/run.js';
import {armExitSafetyNet} from './exit-safety-net.js';
import {warnUnlessInkCachesBounded} from './ui/bounded-ink-caches.js';
import {importOutsideCi} from './ui/import-outside-ci.js';

/** Old-generation headroom after a major collection, in percent of the live heap (V8's own: 10–300). */
const CONSOLE_HEAP_GROWING_PERCENT = 50;

const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
const onInterrupt = (signal: NodeJS.Signals) => {
	if (signalled) process.exit(130);
	signalled = signal;
	controller.abort();
};

process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);
// A reader that goes away (EPIPE, as with `| head`) is dealt with where stdout is written; this only
// keeps a late error event from crashing the process on its way out.
process.stdout.on('error', () => undefined);

const io: CommandIo = {
	// Only `put` reads stdin: touching process.stdin otherwise could keep a terminal open.
	get stdin() {
		return process.stdin;
	},
	stdout: process.stdout,
	stderr: process.stderr,
	// The console draws on stdout and reads keys from stdin: both must be a terminal.
	isTTY: isatty(0) && isatty(1),
	signal: controller.signal,
	async openConsole(options: ConsoleOptions) {
		// The console runs for hours beside other work, and a busy tail turns over thousands of records a
		// second: keep V8's heap near what is live, where by default it lets the old generation grow to
		// several times that between major collections. V8 reads this at every collection, so setting it
		// now (not on the command line) takes effect.
		setFlagsFromString(`--heap-growing-percent=${CONSOLE_HEAP_GROWING_PERCENT}`);
		// Before Ink loads: bound the two text caches Ink 6 never empties (see bounded-ink-caches.ts).
		register('./ui/bounded-ink-caches.js', import.meta.url);
		// Loaded only for the console, so the headless commands start without Ink and React; with the CI
		// variables hidden from Ink alone (there is a terminal here, checked before the console opens).
		const {runConsole} = await importOutsideCi(() => import('./ui/run-console.js'));
		// Before the console takes the screen, so that the warning stays readable after it.
		warnUnlessInkCachesBounded(process.stderr);
		await runConsole(options);
	},
};

try {
	const status = await run(process.argv.slice(2), io);
	// Stopped by a signal: 128 + its number, as a shell reports it (130 for Ctrl-C, 143 for SIGTERM).
	process.exitCode = status === 130 && signalled === 'SIGTERM' ? 143 : status;
} catch (error) {
	process.stderr.write(errorLine(error));
	process.exitCode = 1;
} finally {
	process.off('SIGINT', onInterrupt);
	process.off('SIGTERM', onInterrupt);
}

// Everything is closed and written by now, so the process ends on its own. Should a stray timer or
// socket keep it alive, a quit console must still quit: the net exits 3 s later and names the leak.
armExitSafetyNet(process.stderr);

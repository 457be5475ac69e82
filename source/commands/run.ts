/**
 * kinesis-top's entry point, callable in-process: parses the command line, opens the backend, runs a
 * headless command or the console, closes the backend (releasing the data directory) and answers the
 * exit status — 0 done, 1 error (one line on stderr), 2 wrong usage (with the help), 130 interrupted.
 * It writes only to the streams it is given and never exits the process: cli.tsx does that.
 */
import type {Driver} from '../driver/driver.js';
import {openDriver} from '../driver/open-driver.js';
import {parseCount, UsageError, type Action, type CommandIo} from './command.js';
import {parseCommandLine, type CommandLine} from './command-line.js';
import {errorLine} from './error-line.js';
import {helpText} from './help.js';
import {Output} from './output.js';

export type {CommandIo} from './command.js';

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
	let commandLine: CommandLine;
	let action: Action;
	try {
		commandLine = parseCommandLine(argv);
		if (commandLine.flags.help) {
			io.stdout.write(helpText());
			return 0;
		}

		if (commandLine.flags.version) {
			io.stdout.write(`${commandLine.version}\n`);
			return 0;
		}

		if (!commandLine.command && !(io.isTTY && io.openConsole)) {
			io.stderr.write(
				'error: the console needs a terminal, and this is not one. In scripts and pipes use the ' +
					'headless commands — kinesis-top streams, describe STREAM, tail STREAM, put STREAM, … ' +
					'(kinesis-top --help lists them all)\n',
			);
			return 2;
		}

		action = commandLine.command
			? commandLine.command.prepare(commandLine.input, commandLine.flags)
			: consoleAction(commandLine, io);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.stderr.write(`error: ${error.message}\n\n${helpText()}`);
		return 2;
	}

	return execute(commandLine, action, io);
}

function consoleAction({flags}: CommandLine, io: CommandIo): Action {
	const demoRate =
		flags.demoRate === undefined ? undefined : parseCount(flags.demoRate, '--demo-rate');
	return async ({driver}) => io.openConsole!({driver, demo: flags.demo, demoRate});
}

/** Runs `action` with the backend open, and turns how it ended into the exit status. */
async function execute(commandLine: CommandLine, action: Action, io: CommandIo) {
	const controller = new AbortController();
	const interrupt = () => controller.abort(io.signal?.reason);
	io.signal?.addEventListener('abort', interrupt, {once: true});
	if (io.signal?.aborted) interrupt();
	const out = new Output(io.stdout, () => controller.abort());
	let driver: Driver | undefined;
	let status: number;
	try {
		driver = await openDriver(commandLine.backend);
		status =
			(await action({
				driver,
				out,
				io,
				json: commandLine.flags.json,
				signal: controller.signal,
			})) ?? 0;
	} catch (error) {
		status = out.closed || io.signal?.aborted ? 0 : report(io, error);
	}

	try {
		// Waits for pending writes and releases the data directory.
		await driver?.close();
	} catch (error) {
		if (status === 0) status = report(io, error);
	} finally {
		out.dispose();
		io.signal?.removeEventListener('abort', interrupt);
	}

	if (out.error) return report(io, out.error);
	if (out.closed) return status;
	if (io.signal?.aborted) return 130;
	return status;
}

function report(io: CommandIo, error: unknown) {
	io.stderr.write(errorLine(error));
	return 1;
}

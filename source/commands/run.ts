/**
 * kinesis-top's entry point, callable in-process: parses the command line, opens the backend, runs a
 * headless command or the console, closes the backend (releasing the data directory) and answers the
 * exit status — 0 done, 1 error (one line on stderr), 2 wrong usage (with the help), 130 interrupted.
 * `serve` runs with the engine itself instead of a backend, and ends with 0 when stopped by a signal.
 * It writes only to the streams it is given and never exits the process: cli.tsx does that.
 */
import type {Driver} from '../driver/driver.js';
import {LocalDriver} from '../driver/local-driver.js';
import type {EmbeddedDynamoDb} from '../server/embedded-dynamodb.js';
import {openDriver} from '../driver/open-driver.js';
import {chooseBackend} from '../contexts/choose-context.js';
import {targetContext} from '../contexts/context.js';
import {ContextOpener} from '../contexts/context-opener.js';
import {retrying} from '../driver/retry.js';
import {LocalBackend, type LocalBackendOptions} from '../engine/local-backend.js';
import {defaultDataDirectory} from '../engine/log/data-directory.js';
import {MAX_TAIL_BUFFER_SIZE} from '../tail/tail-buffer.js';
import {
	parseCount,
	UsageError,
	type Action,
	type Command,
	type CommandIo,
	type EngineAction,
	type PlainContext,
} from './command.js';
import {parseCommandLine, type CommandLine} from './command-line.js';
import {parseAge} from './duration.js';
import {errorLine, retryLine} from './error-line.js';
import {helpText} from './help.js';
import {Output} from './output.js';

export type {CommandIo} from './command.js';

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
	let start: () => Promise<number>;
	try {
		const commandLine = parseCommandLine(argv);
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

		const {command, input, flags} = commandLine;
		if (command?.kind === 'engine') {
			const prepared = command.prepare(input, flags, io.environment ?? process.env);
			start = () => executeEngine(prepared, io);
		} else if (command?.kind === 'plain') {
			const action = command.prepare(input, flags);
			start = () => executePlain(action, commandLine, io);
		} else {
			const action = command ? command.prepare(input, flags) : consoleAction(commandLine, io);
			start = () => execute(commandLine, command, action, io);
		}
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.stderr.write(`error: ${error.message}\n\n${helpText()}`);
		return 2;
	}

	return start();
}

/**
 * The console. When its backend is the local engine over a data directory, this process owns that
 * directory for as long as the console is open: it serves the engine on loopback (a random port,
 * recorded in the directory) so that other kinesis-top invocations on the same directory — a `put` in
 * another terminal, say — use this engine instead of failing on the lock.
 */
function consoleAction({flags, backend: flagBackend}: CommandLine, io: CommandIo): Action {
	const demoRate =
		flags.demoRate === undefined ? undefined : parseCount(flags.demoRate, '--demo-rate');
	const tailBufferSize =
		flags.tailBuffer === undefined
			? undefined
			: parseCount(flags.tailBuffer, '--tail-buffer', 100, MAX_TAIL_BUFFER_SIZE);
	const alertIteratorAgeMs =
		flags.alertIteratorAge === undefined
			? undefined
			: parseAge(flags.alertIteratorAge, '--alert-iterator-age');
	return async ({driver, context}) => {
		const backend = driver instanceof LocalDriver ? driver.backend : undefined;
		const server = backend?.dataDirectory
			? await serveOnLoopback(backend, (driver as LocalDriver).localDynamoDb?.embedded)
			: undefined;
		const opener = new ContextOpener({
			initial: {driver, context},
			request: {readWrite: flags.readWrite, backend: flagBackend},
			environment: io.environment ?? process.env,
		});
		try {
			await io.openConsole!({
				driver,
				demo: flags.demo,
				demoRate,
				tailBufferSize,
				alertIteratorAgeMs,
				// Splits, merges and scalings made from the console are logged in the data directory.
				auditDirectory: auditDirectoryOf(driver, io),
				contexts: {opener, initialContext: context},
			});
		} finally {
			await opener.close();
			await server?.stop();
		}
	};
}

async function serveOnLoopback(backend: LocalBackend, dynamodb: EmbeddedDynamoDb | undefined) {
	const {KinesisServer} = await import('../server/server.js');
	const server = new KinesisServer({
		engine: backend.kinesis,
		firehose: backend.firehose,
		// Its lease tables too, for `kinesis-top lag` in another terminal.
		dynamodb,
		host: '127.0.0.1',
		port: 0,
	});
	backend.recordEndpoint(await server.start());
	return server;
}

/**
 * An engine command: opens the engine its flags describe (taking the data directory's lock), runs it
 * until it ends — for serve, until Ctrl-C or SIGTERM — and closes the engine, which waits for its
 * pending writes and releases the directory.
 */
async function executeEngine(
	prepared: {engine: LocalBackendOptions; action: EngineAction},
	io: CommandIo,
): Promise<number> {
	const controller = new AbortController();
	const interrupt = () => controller.abort(io.signal?.reason);
	io.signal?.addEventListener('abort', interrupt, {once: true});
	if (io.signal?.aborted) interrupt();
	const out = new Output(io.stdout);
	let backend: LocalBackend | undefined;
	let status: number;
	try {
		backend = LocalBackend.open(prepared.engine);
		status = (await prepared.action({backend, out, io, signal: controller.signal})) ?? 0;
	} catch (error) {
		status = report(io, error);
	}

	try {
		await backend?.close();
	} catch (error) {
		if (status === 0) status = report(io, error);
	} finally {
		out.dispose();
		io.signal?.removeEventListener('abort', interrupt);
	}

	return out.error ? report(io, out.error) : status;
}

/**
 * A headless command's driver retries failing calls itself, saying so on stderr: for --retry-for, or
 * for as long as a following command runs. (The console's screens show their own failures.)
 */
function retryingFor(command: Command, commandLine: CommandLine, driver: Driver, io: CommandIo) {
	const follows = command.follows?.(commandLine.flags) ?? false;
	return retrying(driver, {
		retryForMs: follows ? Number.POSITIVE_INFINITY : commandLine.retryForMs,
		onReport: (report) => io.stderr.write(retryLine(report)),
	});
}

/** Runs `action` with the backend open, and turns how it ended into the exit status. */
async function execute(
	commandLine: CommandLine,
	command: Command | undefined,
	action: Action,
	io: CommandIo,
) {
	const controller = new AbortController();
	const interrupt = () => controller.abort(io.signal?.reason);
	io.signal?.addEventListener('abort', interrupt, {once: true});
	if (io.signal?.aborted) interrupt();
	const out = new Output(io.stdout, () => controller.abort());
	let driver: Driver | undefined;
	let status: number;
	try {
		const chosen = await chooseBackend(
			{
				context: commandLine.flags.context,
				readWrite: commandLine.flags.readWrite,
				backend: commandLine.backend,
			},
			io.environment ?? process.env,
		);
		driver = await openDriver(
			command ? {...chosen.backend, maxAttempts: 1} : chosen.backend,
			io.environment,
		);
		if (chosen.context) driver.target.context = targetContext(chosen.context);
		status =
			(await action({
				driver: command ? retryingFor(command, commandLine, driver, io) : driver,
				out,
				io,
				json: commandLine.flags.json,
				signal: controller.signal,
				context: chosen.context,
				auditDirectory: auditDirectoryOf(driver, io),
			})) ?? 0;
		warnOfLostAnswers(driver, io);
	} catch (error) {
		warnOfLostAnswers(driver, io);
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

/** A command that opens no backend: runs it, and turns how it ended into the exit status. */
async function executePlain(
	action: (context: PlainContext) => Promise<number | void>,
	commandLine: CommandLine,
	io: CommandIo,
) {
	const out = new Output(io.stdout);
	let status: number;
	try {
		status = (await action({out, io, json: commandLine.flags.json, flags: commandLine.flags})) ?? 0;
	} catch (error) {
		status = report(io, error);
	} finally {
		out.dispose();
	}

	return out.error ? report(io, out.error) : status;
}

/**
 * Said once a command ends, before how it ended: a put whose answer was lost may have been stored all
 * the same, and stored again by its retry.
 */
function warnOfLostAnswers(driver: Driver | undefined, io: CommandIo) {
	const lost = driver?.lostPutAnswers() ?? 0;
	if (lost === 0) return;
	io.stderr.write(
		lost === 1
			? 'warning: the answer to 1 put request was lost after it was sent: its records may have been stored, twice if its retry stored them again\n'
			: `warning: the answers to ${lost} put requests were lost after they were sent: their records may have been stored, twice where a retry stored them again\n`,
	);
}

/** audit.log goes to the local engine's data directory, else to the default one. */
function auditDirectoryOf(driver: Driver, io: CommandIo) {
	const backend = driver instanceof LocalDriver ? driver.backend : undefined;
	return backend?.dataDirectory ?? defaultDataDirectory(io.environment);
}

function report(io: CommandIo, error: unknown) {
	io.stderr.write(errorLine(error));
	return 1;
}

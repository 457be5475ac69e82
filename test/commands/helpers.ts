/** Runs kinesis-top in-process against a local engine in a temporary data directory. */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable, Writable} from 'node:stream';
import {afterEach} from 'vitest';
import type {CommandIo} from '../../source/commands/command.js';
import {run} from '../../source/commands/run.js';

export type Outcome = {status: number; stdout: string; stderr: string};

const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

export function temporaryDirectory() {
	const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-commands-'));
	directories.push(directory);
	return directory;
}

/** A stdout/stderr that keeps what is written. */
export function collector() {
	const chunks: Buffer[] = [];
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(Buffer.from(chunk));
			callback();
		},
	});
	return {stream, text: () => Buffer.concat(chunks).toString('utf8')};
}

/** Runs `argv` as it is, with `stdin` as standard input. */
export async function runRaw(
	argv: string[],
	options: {stdin?: string; io?: Partial<CommandIo>} = {},
): Promise<Outcome> {
	const stdout = collector();
	const stderr = collector();
	const status = await run(argv, {
		stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
		stdout: stdout.stream,
		stderr: stderr.stream,
		...options.io,
	});
	return {status, stdout: stdout.text(), stderr: stderr.text()};
}

/** A kinesis-top whose every run uses the local engine over one data directory. */
export function localCli(dataDirectory = temporaryDirectory()) {
	const cli = (argv: string[], options: {stdin?: string; io?: Partial<CommandIo>} = {}) =>
		runRaw(['--local', '--data-dir', dataDirectory, ...argv], options);
	/** Runs and insists on success. */
	const ok = async (argv: string[], options: {stdin?: string} = {}) => {
		const outcome = await cli(argv, options);
		if (outcome.status !== 0) {
			throw new Error(`kinesis-top ${argv.join(' ')} exited ${outcome.status}: ${outcome.stderr}`);
		}

		return outcome.stdout;
	};

	return {dataDirectory, cli, ok};
}

export const ndjson = <T = Record<string, unknown>>(text: string): T[] =>
	text
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => JSON.parse(line) as T);

export type TailLine = {
	ShardId: string;
	SequenceNumber: string;
	ApproximateArrivalTimestamp: string;
	PartitionKey: string;
	Data: string;
};

export type PutLine = {
	ShardId?: string;
	SequenceNumber?: string;
	ErrorCode?: string;
	ErrorMessage?: string;
};

export const decode = (line: TailLine) => Buffer.from(line.Data, 'base64').toString('utf8');

export const lines = (count: number, prefix = 'record') =>
	Array.from({length: count}, (_, i) => `${prefix}-${i}`).join('\n') + '\n';

/**
 * Failures that speak: every headless command against an endpoint that refuses connections, one that
 * accepts and never answers, one that answers garbage, and a `serve` that goes away mid-stream. Each
 * ends within its --retry-for bound with `error: <Code>: <message>` and exit 1, having said on stderr
 * that it was retrying; a following tail or query rides out the outage and says when it is over.
 */
import {createServer, type AddressInfo, type Socket} from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {waitFor} from '../helpers/wait-for.js';
import {Readable} from 'node:stream';
import {run} from '../../source/commands/run.js';
import {collector, decode, lines, ndjson, runRaw, type Outcome, type TailLine} from './helpers.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Generous: the bound is 2 s; this only catches a command that hangs. */
const OUTER_BOUND_MS = 20_000;

// ─── Endpoints that fail ──────────────────────────────────────────────────────────────────────

type Opened = {url: string; close(): Promise<unknown>};

/**
 * A server on 127.0.0.1, port 0; `close` destroys its connections too. (Closed by each test itself:
 * the tests run concurrently, and an afterEach would close the servers of the others.)
 */
async function tcpServer(onSocket: (socket: Socket) => void): Promise<Opened> {
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('error', () => undefined);
		onSocket(socket);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** A port nothing listens on: bound, then closed. */
async function refusing() {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return {url: `http://127.0.0.1:${port}`, close: async () => undefined};
}

const silent = () => tcpServer(() => undefined);

/** Answers every request with bytes that are neither HTTP/1.1 nor HTTP/2. */
const garbage = () =>
	tcpServer((socket) => {
		socket.once('data', () => socket.end('\u0000\u0001garbage\r\n\r\nnot an answer at all'));
	});

type Endpoint = 'refusing' | 'silent' | 'garbage';
const ENDPOINTS: Record<Endpoint, () => Promise<Opened>> = {refusing, silent, garbage};

// ─── Every one-shot command ───────────────────────────────────────────────────────────────────

const ONE_SHOT: Array<{argv: string[]; stdin?: string}> = [
	{argv: ['streams']},
	{argv: ['describe', 's']},
	{argv: ['create', 't', '--shards', '1']},
	{argv: ['delete', 's']},
	{argv: ['put', 's', '--data', 'x']},
	{argv: ['put', 's'], stdin: lines(3)},
	{argv: ['tail', 's', '--from', 'trim-horizon', '--no-follow']},
	{argv: ['query', 's', 'SELECT data FROM s', '--from', 'trim-horizon', '--no-follow']},
	{argv: ['split', 's', 'shardId-000000000000']},
	{argv: ['merge', 's', 'shardId-000000000000', 'shardId-000000000001']},
	{argv: ['scale', 's', '--shards', '2']},
	{argv: ['metrics', 's']},
	{argv: ['consumers', 's']},
	{argv: ['firehose', 'list']},
	{argv: ['firehose', 'describe', 'd']},
	{argv: ['firehose', 'put', 'd', '--data', 'x']},
];

/** What a given-up command prints last: the error, and how the retrying ended. */
const GAVE_UP =
	/^error: (NetworkingError|TimeoutError): .+ \((gave up after \d+ attempts? in [\d.]+ s)\)$/;
const RETRYING = /^retrying: .+ \(attempt 2, next in [\d.]+ s\)$/;

async function runTimed(argv: string[], stdin?: string) {
	const started = Date.now();
	const outcome = await runRaw(argv, {stdin});
	return {...outcome, elapsed: Date.now() - started};
}

/**
 * The stderr lines, without the put command's stdin prompt and the warning of lost put answers (checked
 * on its own: a put answered with garbage, or cut by a server that went away, may have been stored).
 */
const stderrLines = (outcome: Outcome) =>
	outcome.stderr
		.split('\n')
		.filter(
			(line) => line !== '' && !line.startsWith('Reading records') && !line.startsWith('warning: '),
		);
const LOST_ANSWERS = /^warning: the answers? to \d+ put requests? (was|were) lost after/m;

describe.each(Object.keys(ENDPOINTS) as Endpoint[])('against an endpoint that is %s', (kind) => {
	test.concurrent.each(ONE_SHOT)(
		'$argv gives up within --retry-for with the error and exit 1',
		async ({argv, stdin}) => {
			const {url: endpoint, close} = await ENDPOINTS[kind]();
			let outcome;
			try {
				outcome = await runTimed(['--endpoint', endpoint, '--retry-for', '2s', ...argv], stdin);
			} finally {
				await close();
			}

			expect(outcome.status, outcome.stderr).toBe(1);
			expect(outcome.elapsed).toBeLessThan(OUTER_BOUND_MS);
			const reported = stderrLines(outcome);
			expect(reported.at(-1)).toMatch(GAVE_UP);
			if (kind === 'silent') {
				// One attempt, cut at the bound: nothing was retried, so nothing is announced.
				expect(reported).toEqual([
					expect.stringMatching(
						new RegExp(
							`^error: TimeoutError: no answer from ${endpoint} \\(gave up after 1 attempt`,
						),
					),
				]);
			} else {
				// Retried: said once when it started, never once per attempt.
				expect(reported).toEqual([expect.stringMatching(RETRYING), reported.at(-1)]);
				expect(reported.at(-1)).toMatch(/gave up after ([3-9]|\d\d+) attempts/);
			}

			// A put sent and answered with garbage may have been stored: said, before the error. A put
			// never sent (refused) or never answered (cut at the bound, as a caller's abort is) is not.
			const puts = argv[0] === 'put' || argv[1] === 'put';
			if (kind === 'garbage' && puts) expect(outcome.stderr).toMatch(LOST_ANSWERS);
			else expect(outcome.stderr).not.toMatch(LOST_ANSWERS);
		},
		OUTER_BOUND_MS * 2,
	);
});

test('the reported hang: tail --no-follow against nothing listening ends, naming the endpoint', async () => {
	const {url: endpoint} = await refusing();
	const {port} = new URL(endpoint);
	const outcome = await runTimed([
		'--endpoint',
		endpoint,
		'--retry-for',
		'1s',
		'tail',
		's1',
		'--from',
		'trim-horizon',
		'--no-follow',
	]);
	expect(outcome.status).toBe(1);
	expect(outcome.stdout).toBe('');
	expect(stderrLines(outcome)).toEqual([
		expect.stringMatching(
			new RegExp(
				`^retrying: ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(attempt 2, next in [\\d.]+ s\\)$`,
			),
		),
		expect.stringMatching(
			new RegExp(`^error: NetworkingError: ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(gave up after`),
		),
	]);
});

test('Ctrl-C while retrying stops at once, exit 130', async () => {
	const controller = new AbortController();
	const running = start(['--endpoint', (await refusing()).url, '--retry-for', '1h', 'streams'], {
		signal: controller.signal,
	});
	await waitFor(() => running.stderr().startsWith('retrying: '), {message: 'the retrying line'});
	controller.abort();
	const outcome = await running.done;
	expect(outcome.status).toBe(130);
	expect(outcome.elapsed).toBeLessThan(OUTER_BOUND_MS);
});

test('--retry-for 0 does not retry: one attempt, the error, exit 1', async () => {
	const outcome = await runTimed([
		'--endpoint',
		(await refusing()).url,
		'--retry-for',
		'0',
		'streams',
	]);
	expect(outcome.status).toBe(1);
	expect(outcome.stderr).toMatch(
		/^error: NetworkingError: ECONNREFUSED \S+ \(not retried: --retry-for 0\)\n$/,
	);
});

test('--retry-for is checked as a duration, and is for commands, not the console', async () => {
	for (const value of ['soon', '2x', '1d']) {
		const outcome = await runRaw([
			'--endpoint',
			'http://127.0.0.1:1',
			'--retry-for',
			value,
			'streams',
		]);
		expect(outcome.status, value).toBe(2);
		expect(outcome.stderr.split('\n')[0]).toBe(
			`error: --retry-for must be 0 or a duration such as 2s, 30s, 5m or 1h, not "${value}"`,
		);
	}

	const console = await runRaw(['--local', '--in-memory', '--retry-for', '2s']);
	expect(console.status).toBe(2);
	expect(console.stderr.split('\n')[0]).toBe('error: --retry-for needs a command');
});

test(
	'errors that are not transient are not retried: unknown stream, validation, bad credentials',
	async () => {
		const served = await serve();
		const checked = new KinesisServer({
			engine: served.engine,
			port: 0,
			verifySignatures: [{accessKeyId: 'owner', secretAccessKey: 'owner-secret'}],
		});
		const checking = await checked.start();
		cleanups.push(() => checked.stop());
		const cases: Array<[string[], RegExp]> = [
			[['--endpoint', served.url, 'describe', 'missing'], /^error: ResourceNotFoundException: /],
			[['--endpoint', served.url, 'create', 'x', '--shards', '100000'], /^error: \w+Exception: /],
			[['--endpoint', checking, 'streams'], /^error: \w+: /],
		];
		for (const [argv, expected] of cases) {
			// A bound far beyond the outer one: a retry would show as a timeout here.
			const outcome = await runTimed(['--retry-for', '1h', ...argv]);
			expect(outcome.status, argv.join(' ')).toBe(1);
			expect(outcome.stderr).toMatch(expected);
			expect(stderrLines(outcome), argv.join(' ')).toHaveLength(1);
		}
	},
	OUTER_BOUND_MS,
);

// ─── A serve that goes away mid-stream ────────────────────────────────────────────────────────

/** `kinesis-top serve` in the test: an engine that outlives servers stopped and restarted on one port. */
async function serve() {
	const engine = new KinesisEngine({
		createDelayMs: 0,
		updateDelayMs: 0,
		deleteDelayMs: 0,
		enforceLimits: false,
	});
	// Counts the reads and writes answered, for a test to stop the server mid-stream.
	let answered = 0;
	const {getRecords, putRecords, putBatch} = engine;
	engine.getRecords = (input) => {
		answered++;
		return getRecords.call(engine, input);
	};

	engine.putRecords = async (input) => {
		answered++;
		return putRecords.call(engine, input);
	};

	// PutRecords bodies serve reads in place (server/put-records-json.ts) come this way.
	engine.putBatch = async (input, batch) => {
		answered++;
		return putBatch.call(engine, input, batch);
	};

	let server = new KinesisServer({engine, port: 0});
	const url = await server.start();
	const port = Number(new URL(url).port);
	let running = true;
	const stop = async () => {
		if (!running) return;
		running = false;
		await server.stop();
	};

	cleanups.push(async () => {
		await stop();
		await engine.close();
	});
	return {
		engine,
		url,
		stop,
		answered: () => answered,
		async restart() {
			server = new KinesisServer({engine, port});
			await server.start();
			running = true;
		},
	};
}

/** Starts `argv` in-process; stdout and stderr can be read while it runs. */
function start(argv: string[], options: {stdin?: string; signal?: AbortSignal} = {}) {
	const stdout = collector();
	const stderr = collector();
	const started = Date.now();
	const done = run(argv, {
		stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
		stdout: stdout.stream,
		stderr: stderr.stream,
		signal: options.signal,
	}).then((status) => ({
		status,
		stdout: stdout.text(),
		stderr: stderr.text(),
		elapsed: Date.now() - started,
	}));
	return {stdout: stdout.text, stderr: stderr.text, done};
}

async function streamWithRecords(engine: KinesisEngine, count: number) {
	await engine.createStream({StreamName: 's', ShardCount: 2});
	await engine.putRecords({
		StreamName: 's',
		Records: Array.from({length: count}, (_, i) => ({
			Data: Buffer.from(`record-${i}`),
			PartitionKey: `key-${i}`,
		})),
	});
}

describe('a serve that goes away mid-stream', () => {
	test.each([
		['tail', 's', '--from', 'trim-horizon', '--no-follow'],
		['query', 's', 'SELECT data FROM s', '--from', 'trim-horizon', '--no-follow'],
		['put', 's'],
	])(
		'%s … gives up within --retry-for once it stops answering',
		async (...argv) => {
			const served = await serve();
			await streamWithRecords(served.engine, 10);
			const running = start(['--endpoint', served.url, '--retry-for', '2s', ...argv], {
				stdin: lines(5000),
			});
			const before = served.answered();
			await waitFor(() => served.answered() > before, {message: 'the first read or write'});
			await served.stop();
			const outcome = await running.done;
			expect(outcome.status, outcome.stderr).toBe(1);
			expect(outcome.elapsed).toBeLessThan(OUTER_BOUND_MS);
			expect(stderrLines(outcome).at(-1)).toMatch(GAVE_UP);
			if (argv[0] === 'put') {
				// What was acknowledged before the server went is printed; not everything was.
				expect(ndjson(outcome.stdout).length).toBeLessThan(5000);
			}
		},
		OUTER_BOUND_MS * 2,
	);

	/** What a following command printed: each record's data, and its shard and sequence number if known. */
	type Printed = {data: string; shardId?: string; sequence?: bigint};
	const FOLLOWING: Array<[string, string[], (line: Record<string, unknown>) => Printed]> = [
		[
			'tail',
			['tail', 's', '--from', 'trim-horizon'],
			(line) => ({
				data: decode(line as TailLine),
				shardId: String(line.ShardId),
				sequence: BigInt(String(line.SequenceNumber)),
			}),
		],
		[
			'query',
			['query', 's', 'SELECT data, shard_id, sequence_number FROM s', '--from', 'trim-horizon'],
			(line) => ({
				data: String(line.data),
				shardId: String(line.shard_id),
				sequence: BigInt(String(line.sequence_number)),
			}),
		],
	];

	test.each(FOLLOWING)(
		'a following %s rides out the outage: said once each way, every record once, in order',
		async (_name, argv, parse) => {
			const served = await serve();
			await streamWithRecords(served.engine, 10);
			const controller = new AbortController();
			cleanups.push(() => controller.abort());
			const running = start(['--endpoint', served.url, ...argv], {signal: controller.signal});
			const printed = () => ndjson(running.stdout()).map((line) => parse(line));
			await waitFor(() => printed().length === 10, {message: 'the first 10'});
			await served.stop();
			// Written while the server is away: the command must find them when it is back, once each.
			await served.engine.putRecords({
				StreamName: 's',
				Records: Array.from({length: 10}, (_, i) => ({
					Data: Buffer.from(`record-${10 + i}`),
					PartitionKey: `key-${10 + i}`,
				})),
			});
			await waitFor(() => running.stderr().startsWith('retrying: '), {
				timeoutMs: 10_000,
				message: 'the retrying line',
			});
			await served.restart();
			await waitFor(() => printed().length >= 20, {timeoutMs: 15_000, message: 'all 20 records'});
			await waitFor(() => running.stderr().includes('recovered'), {message: 'the recovered line'});
			controller.abort();
			const outcome = await running.done;
			expect(outcome.status).toBe(130);
			const records = ndjson(outcome.stdout).map((line) => parse(line));
			expect(records.map(({data}) => data).sort()).toEqual(
				Array.from({length: 20}, (_, i) => `record-${i}`).sort(),
			);
			for (const shard of new Set(records.map(({shardId}) => shardId))) {
				const sequence = records
					.filter(({shardId}) => shardId === shard)
					.map((record) => record.sequence!);
				expect(sequence).toEqual(sequence.toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
			}

			expect(stderrLines(outcome)).toEqual([
				expect.stringMatching(/^retrying: ECONNREFUSED \S+ \(attempt 2, next in [\d.]+ s\)$/),
				expect.stringMatching(/^recovered after [\d.]+ s$/),
			]);
		},
		OUTER_BOUND_MS * 2,
	);
});

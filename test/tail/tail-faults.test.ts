/**
 * Fault tests for the live tail over the AWS driver, against an in-test `kinesis-top serve`: a server
 * restarted mid-tail, connections dropped with requests in flight, a server answering 503, throttled
 * puts and reads, iterators expiring while the tail is paused or idle, a split followed into its
 * children. After each fault, what the tail handed out must be exactly what the
 * stream holds: every record once, each shard's in order, parents before children.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer as createHttpServer} from 'node:http';
import {createConnection, createServer, type AddressInfo, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {
	DriverError,
	type GetRecordsOutput,
	type IteratorStart,
	type KinesisRecord,
	type PutRecordsRequestEntry,
} from '../../source/driver/driver.js';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine, type EngineOptions} from '../../source/engine/engine.js';
import {putReliably} from '../../source/put/put-reliably.js';
import {KinesisServer} from '../../source/server/server.js';
import {TailSession, type TailBatch, type TailOptions} from '../../source/tail/tail-session.js';
import {waitFor} from '../helpers/wait-for.js';

const STREAM = 's';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// ─── An in-test `serve` that can be restarted on the same port and data directory ─────────────

type Serve = {
	url: string;
	restart(): Promise<void>;
	stop(): Promise<void>;
};

async function startServe(options: EngineOptions = {}): Promise<Serve> {
	const engineOptions: EngineOptions = {
		createDelayMs: 0,
		updateDelayMs: 0,
		deleteDelayMs: 0,
		enforceLimits: false,
		...options,
	};
	let engine = new KinesisEngine(engineOptions);
	let server = new KinesisServer({engine, port: 0});
	const url = await server.start();
	const port = Number(new URL(url).port);
	let running = true;
	const stop = async () => {
		if (!running) return;
		running = false;
		await server.stop();
		await engine.close();
	};

	const serve: Serve = {
		url,
		stop,
		async restart() {
			engine = new KinesisEngine(engineOptions);
			server = new KinesisServer({engine, port});
			await server.start();
			running = true;
		},
	};
	cleanups.push(stop);
	return serve;
}

/**
 * A TCP proxy in front of the server whose connections the test can cut at any moment, requests in
 * flight included: what a network drop or a load balancer's reset looks like to the client.
 */
async function startCuttingProxy(upstream: string) {
	const {hostname, port} = new URL(upstream);
	const sockets = new Set<Socket>();
	let cuts = 0;
	const proxy = createServer((client) => {
		const server = createConnection(Number(port), hostname);
		for (const socket of [client, server]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => undefined);
		}

		client.pipe(server).on('error', () => undefined);
		server.pipe(client).on('error', () => undefined);
		client.on('close', () => server.destroy());
		server.on('close', () => client.destroy());
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	const stop = async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise((resolve) => proxy.close(resolve));
	};

	cleanups.push(stop);
	return {
		url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
		/**
		 * Drops every open connection, requests in flight included: by turns with a reset (RST) and a
		 * plain close (FIN), which clients report differently.
		 */
		cut() {
			cuts++;
			for (const socket of sockets) {
				if (cuts % 2 === 1) socket.resetAndDestroy();
				else socket.destroy();
			}
		},
		get cuts() {
			return cuts;
		},
	};
}

/**
 * The AWS driver with every GetRecords and GetShardIterator recorded, and GetRecords held at a gate
 * when a test needs to act between two calls of the tail.
 */
class ObservedDriver extends AwsDriver {
	readonly reads: Array<{at: number; error?: unknown}> = [];
	readonly iterators: IteratorStart[] = [];
	readonly putErrors: unknown[] = [];
	held = 0;
	private gate: Promise<void> | undefined;
	private openGate: (() => void) | undefined;

	hold() {
		this.gate = new Promise((resolve) => {
			this.openGate = resolve;
		});
	}

	release() {
		this.gate = undefined;
		this.openGate?.();
	}

	override async getRecords(iterator: string, limit?: number, signal?: AbortSignal) {
		if (this.gate) {
			this.held++;
			await this.gate;
		}

		try {
			const page: GetRecordsOutput = await super.getRecords(iterator, limit, signal);
			this.reads.push({at: Date.now()});
			return page;
		} catch (error) {
			this.reads.push({at: Date.now(), error});
			throw error;
		}
	}

	override async getShardIterator(
		name: string,
		shardId: string,
		from: IteratorStart,
		signal?: AbortSignal,
	) {
		this.iterators.push(from);
		return super.getShardIterator(name, shardId, from, signal);
	}

	override async putRecords(name: string, records: PutRecordsRequestEntry[], signal?: AbortSignal) {
		try {
			return await super.putRecords(name, records, signal);
		} catch (error) {
			this.putErrors.push(error);
			throw error;
		}
	}
}

function driverFor(
	serve: {url: string},
	options: {httpVersion?: '1.1' | '2'; maxAttempts?: number} = {},
): ObservedDriver {
	const driver = new ObservedDriver({
		endpoint: serve.url,
		region: 'us-east-1',
		environment: {},
		...options,
	});
	cleanups.push(() => driver.close());
	return driver;
}

async function createStream(driver: AwsDriver, shardCount: number) {
	await driver.createStream(STREAM, {mode: 'PROVISIONED', shardCount});
	await waitFor(
		async () => (await driver.describeStreamSummary(STREAM)).StreamStatus === 'ACTIVE',
		{message: 'the stream to be ACTIVE'},
	);
}

// ─── The tail and what it handed out ───────────────────────────────────────────────────────────

/** Fast polling and backoff, so faults are met and recovered from within a test's time. */
const FAST: TailOptions = {idlePollMs: 20, catchUpPollMs: 5, minBackoffMs: 20, maxBackoffMs: 200};

type Seen = {shardId: string; sequenceNumber: string; data: string};

function startTail(driver: AwsDriver, options: TailOptions = {}) {
	const tail = new TailSession(driver, STREAM, {from: {type: 'TRIM_HORIZON'}, ...FAST, ...options});
	const seen: Seen[] = [];
	tail.onBatch((batch) => {
		for (const record of batch.records) {
			seen.push({
				shardId: batch.shardId,
				sequenceNumber: record.SequenceNumber,
				data: Buffer.from(record.Data).toString(),
			});
		}
	});
	cleanups.push(() => tail.stop());
	void tail.start();
	return {tail, seen};
}

/** Every shard's records, read from its beginning to its end or tip, retrying throttled reads. */
async function readStream(driver: AwsDriver) {
	const byShard = new Map<string, KinesisRecord[]>();
	const {Shards: shards} = await driver.describeStream(STREAM);
	for (const shard of shards) {
		const records: KinesisRecord[] = [];
		let iterator: string | undefined = await driver.getShardIterator(STREAM, shard.ShardId, {
			type: 'TRIM_HORIZON',
		});
		while (iterator) {
			const page = await driver.getRecords(iterator, 10_000);
			records.push(...page.Records);
			if (page.Records.length === 0 && page.MillisBehindLatest === 0) break;
			iterator = page.NextShardIterator;
		}

		byShard.set(shard.ShardId, records);
	}

	return {shards, byShard};
}

/**
 * Waits until the tail has handed out as many records as the stream holds, then checks they are the
 * stream's records exactly: per shard the same sequence numbers in the same order (no gap, no
 * duplicate), and every parent's records before any of its children's.
 */
async function expectExactlyOnce(tail: TailSession, seen: Seen[], reader: AwsDriver) {
	const stored = await readStream(reader);
	const total = [...stored.byShard.values()].reduce((sum, records) => sum + records.length, 0);
	await waitFor(() => seen.length >= total || tail.ended, {
		timeoutMs: 20_000,
		message: `the tail to hand out all ${total} records (it has ${seen.length})`,
	});
	expect(tail.ended).toBeUndefined();
	for (const [shardId, records] of stored.byShard) {
		expect(
			seen.filter((each) => each.shardId === shardId).map((each) => each.sequenceNumber),
			`records of ${shardId}`,
		).toEqual(records.map((record) => record.SequenceNumber));
	}

	expect(seen).toHaveLength(total);
	for (const shard of stored.shards) {
		const first = seen.findIndex((each) => each.shardId === shard.ShardId);
		if (first === -1) continue;
		for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
			if (parent) expect(seen.findLastIndex((each) => each.shardId === parent)).toBeLessThan(first);
		}
	}

	return stored;
}

// ─── A producer that keeps putting until told to stop ──────────────────────────────────────────

function startProducer(driver: AwsDriver, batchSize = 20) {
	const acknowledged: Array<{data: string; shardId: string; sequenceNumber: string}> = [];
	let stopping = false;
	let throttled = 0;
	let next = 0;
	const done = (async () => {
		while (!stopping) {
			const entries = Array.from({length: batchSize}, () => {
				const data = `record-${next++}`;
				return {PartitionKey: data, Data: Buffer.from(data)};
			});
			const results = await putReliably(driver, STREAM, entries, {
				minBackoffMs: 20,
				maxBackoffMs: 200,
				// A restart takes a moment: keep retrying through it, as a producer must.
				maxFailureRetries: 1000,
				onThrottled: (count) => {
					throttled += count;
				},
			});
			results.forEach((result, index) => {
				if (result.ErrorCode !== undefined) throw new Error(`put failed: ${result.ErrorCode}`);
				acknowledged.push({
					data: Buffer.from(entries[index].Data).toString(),
					shardId: result.ShardId,
					sequenceNumber: result.SequenceNumber,
				});
			});
		}
	})();
	const stop = async () => {
		stopping = true;
		await done;
	};

	cleanups.push(() => stop().catch(() => undefined));
	return {
		acknowledged,
		stop,
		get throttled() {
			return throttled;
		},
	};
}

const isThrottling = (error: unknown) =>
	error instanceof DriverError && error.code === 'ProvisionedThroughputExceededException';

// ─── The tests ─────────────────────────────────────────────────────────────────────────────────

describe.each(['2', '1.1'] as const)('tail over the AWS driver, HTTP/%s', (httpVersion) => {
	test('survives the server being restarted on the same port and data directory mid-tail', async () => {
		const dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-tail-faults-'));
		cleanups.push(() => rmSync(dataDirectory, {recursive: true, force: true}));
		const serve = await startServe({dataDirectory});
		const producerDriver = driverFor(serve, {httpVersion});
		await createStream(producerDriver, 2);
		const tailDriver = driverFor(serve, {httpVersion});
		const {tail, seen} = startTail(tailDriver);
		const producer = startProducer(producerDriver);
		await waitFor(() => seen.length >= 100, {message: 'the tail to see records'});

		await serve.stop();
		// Both sides must meet the outage, not sail past it between two calls.
		await waitFor(
			() =>
				producerDriver.putErrors.length > 0 &&
				tailDriver.reads.some((read) => read.error !== undefined),
			{timeoutMs: 20_000, message: 'the producer and the tail to meet the stopped server'},
		);
		const acknowledgedBeforeRestart = producer.acknowledged.length;
		await serve.restart();
		await waitFor(() => producer.acknowledged.length >= acknowledgedBeforeRestart + 100, {
			timeoutMs: 20_000,
			message: 'the producer to put again after the restart',
		});
		await producer.stop();

		// The failures were retryable ones: a connection refused or dropped, a stopping server's 503.
		for (const error of [
			...producerDriver.putErrors,
			...tailDriver.reads.flatMap((read) => read.error ?? []),
		]) {
			expect(error).toBeInstanceOf(DriverError);
			expect((error as DriverError).retryable).toBe(true);
		}

		await expectExactlyOnce(tail, seen, producerDriver);
		// Every acknowledged put survived the restart and reached the tail.
		const handedOut = new Set(seen.map((each) => each.sequenceNumber));
		for (const record of producer.acknowledged) expect(handedOut).toContain(record.sequenceNumber);
	});

	test('survives connections dropped with requests in flight', async () => {
		const serve = await startServe();
		await createStream(driverFor(serve), 2);
		const proxy = await startCuttingProxy(serve.url);
		// One attempt per call: every reset reaches the tail and the producer, not only the SDK's retries.
		const producerDriver = driverFor(proxy, {httpVersion, maxAttempts: 1});
		const tailDriver = driverFor(proxy, {httpVersion, maxAttempts: 1});
		const {tail, seen} = startTail(tailDriver);
		const producer = startProducer(producerDriver);
		const failures = () =>
			producerDriver.putErrors.length + tailDriver.reads.filter((read) => read.error).length;
		// Cut every connection each time more records went through, until both sides met the drops.
		while (
			proxy.cuts < 6 ||
			producerDriver.putErrors.length === 0 ||
			!tailDriver.reads.some((read) => read.error)
		) {
			const seenBefore = seen.length;
			const failuresBefore = failures();
			await waitFor(() => seen.length >= seenBefore + 20 || failures() > failuresBefore, {
				timeoutMs: 20_000,
				message: 'records to flow between cuts',
			});
			proxy.cut();
			expect(proxy.cuts).toBeLessThan(500);
		}

		const acknowledged = producer.acknowledged.length;
		await waitFor(() => producer.acknowledged.length >= acknowledged + 100, {
			timeoutMs: 20_000,
			message: 'the producer to put again after the drops',
		});
		await producer.stop();
		for (const error of [
			...producerDriver.putErrors,
			...tailDriver.reads.flatMap((read) => read.error ?? []),
		]) {
			expect(error).toBeInstanceOf(DriverError);
			expect((error as DriverError).retryable).toBe(true);
		}

		await expectExactlyOnce(tail, seen, driverFor(serve));
	});
});

test("a stopping server's 503 is a retryable DriverError", async () => {
	// What `serve` answers on an open connection while it shuts down (and what a load balancer
	// answers while a backend is away): the SDK reports it as a client fault, yet it is transient.
	const unavailable = createHttpServer((request, response) => {
		request.resume();
		request.on('end', () => {
			response.writeHead(503, {'Content-Type': 'application/x-amz-json-1.1'});
			response.end(
				'{"__type":"ServiceUnavailable","message":"kinesis-top serve is shutting down."}',
			);
		});
	});
	await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
	cleanups.push(() => {
		unavailable.closeAllConnections();
		unavailable.close();
	});
	const url = `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}`;
	const driver = driverFor({url}, {httpVersion: '1.1', maxAttempts: 1});
	const error: unknown = await driver
		.getRecords('AAAAAAAAAAEiterator')
		.catch((error_: unknown) => error_);
	expect(error).toBeInstanceOf(DriverError);
	expect(error).toMatchObject({code: 'ServiceUnavailable', retryable: true});
});

describe('throttling over the AWS driver', () => {
	test('puts over 1,000 records/s are refused per record and put-reliably retries them all', async () => {
		const serve = await startServe({enforceLimits: true});
		const driver = driverFor(serve, {maxAttempts: 1});
		await createStream(driver, 1);
		const burst = (prefix: string) =>
			Array.from({length: 500}, (_, index) => ({
				PartitionKey: `${prefix}-${index}`,
				Data: Buffer.from(`${prefix}-${index}`),
			}));

		// Straight through the driver, a burst past the shard's 1,000 records/s is refused per record.
		// The limit holds per second of the clock: 3,000 records sent at once span at most two of them.
		const outputs = await Promise.all(
			['a', 'b', 'c', 'd', 'e', 'f'].map((prefix) => driver.putRecords(STREAM, burst(prefix))),
		);
		const refused = outputs.flatMap((output) =>
			output.records.filter((record) => record.ErrorCode !== undefined),
		);
		expect(refused.length).toBeGreaterThanOrEqual(1000);
		for (const record of refused)
			expect(record.ErrorCode).toBe('ProvisionedThroughputExceededException');

		// Through putReliably, the same burst loses nothing.
		let throttled = 0;
		const prefixes = ['g', 'h', 'i', 'j', 'k', 'l'];
		const entries = prefixes.flatMap((prefix) => burst(prefix));
		const results = (
			await Promise.all(
				prefixes.map((prefix) =>
					putReliably(driver, STREAM, burst(prefix), {
						minBackoffMs: 50,
						maxBackoffMs: 500,
						onThrottled: (count) => {
							throttled += count;
						},
					}),
				),
			)
		).flat();
		expect(throttled).toBeGreaterThan(0);
		expect(results.filter((result) => result.ErrorCode !== undefined)).toEqual([]);
		const stored = await readStream(driverFor(serve, {maxAttempts: 10}));
		const data = new Set(
			[...stored.byShard.values()].flat().map((record) => Buffer.from(record.Data).toString()),
		);
		for (const entry of entries) expect(data).toContain(Buffer.from(entry.Data).toString());
	});

	test('a throttled read is a retryable DriverError, and the tail backs off and misses nothing', async () => {
		const serve = await startServe({enforceLimits: true});
		const driver = driverFor(serve, {maxAttempts: 1});
		await createStream(driver, 1);
		const iterator = await driver.getShardIterator(STREAM, 'shardId-000000000000', {
			type: 'TRIM_HORIZON',
		});
		// Kinesis allows 5 GetRecords per second per shard: 12 at once span at most two seconds.
		const attempts = await Promise.allSettled(
			Array.from({length: 12}, () => driver.getRecords(iterator)),
		);
		const errors = attempts.flatMap((attempt) =>
			attempt.status === 'rejected' ? [attempt.reason as unknown] : [],
		);
		expect(errors.length).toBeGreaterThan(0);
		for (const error of errors) {
			expect(error).toBeInstanceOf(DriverError);
			expect((error as DriverError).code).toBe('ProvisionedThroughputExceededException');
			expect((error as DriverError).retryable).toBe(true);
		}

		// A tail polling far faster than the budget is throttled, waits, and still hands out everything.
		const tailDriver = driverFor(serve, {maxAttempts: 1});
		const minBackoffMs = 100;
		const {tail, seen} = startTail(tailDriver, {
			idlePollMs: 0,
			catchUpPollMs: 0,
			pageSize: 50,
			minBackoffMs,
			maxBackoffMs: 400,
		});
		// A bounded backlog (the tail drains at most 5 pages of 50 a second): 500-odd records, then stop.
		const producer = startProducer(driverFor(serve), 50);
		await waitFor(() => producer.acknowledged.length >= 500, {
			timeoutMs: 20_000,
			message: '500 records put',
		});
		await producer.stop();
		await waitFor(() => tail.progress().shards[0]?.throttled >= 3, {
			timeoutMs: 20_000,
			message: 'the tail to be throttled',
		});
		// Checked against what the puts acknowledged, not by reading the stream back: a reader would
		// compete with the throttled tail for the same 5 reads a second and could wait out the test.
		const put = producer.acknowledged;
		await waitFor(() => seen.length >= put.length, {
			timeoutMs: 20_000,
			message: `the tail to hand out all ${put.length} records (it has ${seen.length})`,
		});
		expect(tail.ended).toBeUndefined();
		expect(seen.map((each) => each.sequenceNumber)).toEqual(put.map((each) => each.sequenceNumber));
		// After each refusal the tail waited at least the minimum backoff before calling again.
		tailDriver.reads.forEach((read, index) => {
			const next = tailDriver.reads[index + 1];
			if (isThrottling(read.error) && next) {
				expect(next.at - read.at).toBeGreaterThanOrEqual(minBackoffMs - 5);
			}
		});
	});
});

describe('expired iterators over the AWS driver', () => {
	const FIVE_MINUTES_AND_MORE = 6 * 60 * 1000;

	async function setUp() {
		const clock = new ManualClock(Date.now());
		const serve = await startServe({clock});
		const driver = driverFor(serve);
		await createStream(driver, 1);
		const tailDriver = driverFor(serve);
		return {clock, driver, tailDriver};
	}

	const put = async (driver: AwsDriver, prefix: string, count = 10) => {
		const output = await driver.putRecords(
			STREAM,
			Array.from({length: count}, (_, index) => ({
				PartitionKey: `${prefix}-${index}`,
				Data: Buffer.from(`${prefix}-${index}`),
			})),
		);
		expect(output.failedRecordCount).toBe(0);
		return output.records.map((record) => record.SequenceNumber!);
	};

	const expiredReads = (driver: ObservedDriver) =>
		driver.reads.filter(
			(read) => read.error instanceof DriverError && read.error.code === 'ExpiredIteratorException',
		).length;

	test('an idle tail renews its iterator after the last record seen', async () => {
		const {clock, driver, tailDriver} = await setUp();
		const first = await put(driver, 'a');
		const {tail, seen} = startTail(tailDriver);
		await waitFor(() => seen.length === 10, {message: 'the first records'});
		// Hold the tail between two calls, so the records below arrive before it renews its iterator.
		tailDriver.hold();
		await waitFor(() => tailDriver.held > 0, {message: 'the tail to poll again'});
		clock.advance(FIVE_MINUTES_AND_MORE);
		const second = await put(driver, 'b');
		tailDriver.release();
		await waitFor(() => seen.length >= 20, {message: 'the records put after the expiry'});

		expect(expiredReads(tailDriver)).toBe(1);
		expect(tailDriver.iterators.at(-1)).toEqual({
			type: 'AFTER_SEQUENCE_NUMBER',
			sequenceNumber: first.at(-1),
		});
		expect(seen.map((each) => each.sequenceNumber)).toEqual([...first, ...second]);
		await expectExactlyOnce(tail, seen, driver);
	});

	test('a tail paused by its reader renews its iterator when it resumes', async () => {
		const {clock, driver, tailDriver} = await setUp();
		const tail = new TailSession(tailDriver, STREAM, {
			from: {type: 'TRIM_HORIZON'},
			...FAST,
			// Reading pauses as soon as one batch waits to be taken.
			highWaterMark: 0,
		});
		cleanups.push(() => tail.stop());
		const reader = tail[Symbol.asyncIterator]();
		const first = await put(driver, 'a');
		// A tail that stalls must fail this test in seconds, not hang it.
		const nextBatch = async () => {
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error('no batch within 10 s')), 10_000);
			});
			try {
				return (await Promise.race([reader.next(), timeout])).value as TailBatch;
			} finally {
				clearTimeout(timer);
			}
		};

		const firstBatch = await nextBatch();
		expect(firstBatch.records.map((record) => record.SequenceNumber)).toEqual(first);

		// The next batch is read and waits, untaken: the tail is paused, holding its next iterator.
		const second = await put(driver, 'b');
		await waitFor(() => tail.progress().records === 20, {message: 'the second batch'});
		clock.advance(FIVE_MINUTES_AND_MORE);
		const third = await put(driver, 'c');

		const handedOut: string[] = [];
		while (handedOut.length < 20) {
			const batch = await nextBatch();
			handedOut.push(...batch.records.map((record) => record.SequenceNumber));
		}

		expect(handedOut).toEqual([...second, ...third]);
		expect(expiredReads(tailDriver)).toBe(1);
		expect(tailDriver.iterators.at(-1)).toEqual({
			type: 'AFTER_SEQUENCE_NUMBER',
			sequenceNumber: second.at(-1),
		});
		expect(tail.ended).toBeUndefined();
	});
});

describe('resharding over the AWS driver', () => {
	test('a split during the tail is followed into both children with no gap or duplicate', async () => {
		const serve = await startServe();
		const driver = driverFor(serve);
		await createStream(driver, 2);
		const {tail, seen} = startTail(driverFor(serve));
		const producer = startProducer(driverFor(serve));
		await waitFor(() => seen.length >= 100, {message: 'the tail to see records'});

		const parent = (await driver.describeStream(STREAM)).Shards[0];
		const {StartingHashKey: low, EndingHashKey: high} = parent.HashKeyRange;
		await driver.splitShard(STREAM, parent.ShardId, String((BigInt(low) + BigInt(high)) / 2n));
		await waitFor(
			async () => (await driver.describeStreamSummary(STREAM)).StreamStatus === 'ACTIVE',
			{message: 'the split to finish'},
		);
		const children = (await driver.describeStream(STREAM)).Shards.filter(
			(shard) => shard.ParentShardId === parent.ShardId,
		);
		expect(children).toHaveLength(2);
		await waitFor(
			() =>
				children.every(
					(child) =>
						producer.acknowledged.filter((record) => record.shardId === child.ShardId).length >= 20,
				),
			{timeoutMs: 20_000, message: 'records in both children'},
		);
		await producer.stop();

		await expectExactlyOnce(tail, seen, driver);
		for (const child of children) {
			expect(seen.some((each) => each.shardId === child.ShardId)).toBe(true);
		}
	});
});

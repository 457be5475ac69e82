import {afterEach, describe, expect, test, vi} from 'vitest';
import {
	DriverError,
	type Driver,
	type GetRecordsOutput,
	type IteratorStart,
	type KinesisRecord,
} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {TailSession, type TailBatch, type TailOptions} from '../../source/tail/tail-session.js';

const drivers: Driver[] = [];
const sessions: TailSession[] = [];
afterEach(async () => {
	for (const session of sessions.splice(0)) session.stop();
	for (const driver of drivers.splice(0)) await driver.close();
});

function openDriver(enforceLimits = false) {
	const driver = LocalDriver.open({enforceLimits});
	drivers.push(driver);
	return driver;
}

/** Fast polling for tests that do not measure the read budget (the engine's limits are off there). */
const FAST: TailOptions = {idlePollMs: 20, catchUpPollMs: 5, minBackoffMs: 5, maxBackoffMs: 20};

function tailOf(driver: Driver, options: TailOptions, signal?: AbortSignal) {
	const session = new TailSession(driver, 's', {...FAST, ...options}, signal);
	sessions.push(session);
	return session;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

async function put(driver: Driver, prefix: string, count: number, key?: string) {
	const output = await driver.putRecords(
		's',
		Array.from({length: count}, (_, i) => ({
			PartitionKey: key ?? `${prefix}-${i}`,
			Data: Buffer.from(`${prefix}-${i}`),
		})),
	);
	expect(output.failedRecordCount).toBe(0);
	return output.records.map((record) => record.SequenceNumber!);
}

type Seen = {shardId: string; record: KinesisRecord};

function collect(session: TailSession) {
	const seen: Seen[] = [];
	session.onBatch((batch: TailBatch) => {
		for (const record of batch.records) seen.push({shardId: batch.shardId, record});
	});
	return seen;
}

const text = (seen: Seen) => Buffer.from(seen.record.Data).toString('utf8');

/** Every record once, each shard's in order, every parent's before any of its children's. */
async function expectConsistent(driver: Driver, seen: Seen[]) {
	const sequences = seen.map((each) => each.record.SequenceNumber);
	expect(new Set(sequences).size).toBe(sequences.length);
	for (const shard of (await driver.describeStream('s')).Shards) {
		const own = seen.filter((each) => each.shardId === shard.ShardId);
		const ownSequences = own.map((each) => BigInt(each.record.SequenceNumber));
		expect(ownSequences).toEqual([...ownSequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
		const firstOwn = seen.findIndex((each) => each.shardId === shard.ShardId);
		if (firstOwn === -1) continue;
		for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
			if (!parent) continue;
			expect(seen.findLastIndex((each) => each.shardId === parent)).toBeLessThan(firstOwn);
		}
	}
}

/** A driver whose calls can be watched and made to fail. */
function instrumented(
	driver: Driver,
	hooks: {
		getRecords?: (call: number) => DriverError | undefined;
		mapPage?: (page: GetRecordsOutput) => GetRecordsOutput;
	} = {},
) {
	const iteratorRequests: Array<{shardId: string; from: IteratorStart}> = [];
	const getRecordsCalls: Array<{at: number; shardId?: string}> = [];
	const shardOfIterator = new Map<string, string>();
	let calls = 0;
	const wrapped = Object.create(driver) as Driver;
	Object.assign(wrapped, {
		async getShardIterator(
			name: string,
			shardId: string,
			from: IteratorStart,
			signal?: AbortSignal,
		) {
			iteratorRequests.push({shardId, from});
			const iterator = await driver.getShardIterator(name, shardId, from, signal);
			shardOfIterator.set(iterator, shardId);
			return iterator;
		},
		async getRecords(iterator: string, limit?: number, signal?: AbortSignal) {
			const shardId = shardOfIterator.get(iterator);
			getRecordsCalls.push({at: Date.now(), shardId});
			const failure = hooks.getRecords?.(++calls);
			if (failure) throw failure;
			const page = await driver.getRecords(iterator, limit, signal);
			if (page.NextShardIterator && shardId) shardOfIterator.set(page.NextShardIterator, shardId);
			return hooks.mapPage ? hooks.mapPage(page) : page;
		},
	});
	return {driver: wrapped, iteratorRequests, getRecordsCalls};
}

describe('TailSession', () => {
	test('follows live traffic through a split and a merge with no gap and no duplicate', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 2});
		const session = tailOf(driver, {});
		const seen = collect(session);
		void session.start();
		const polled = () => {
			const {shards} = session.progress();
			return shards.length === 2 && shards.every((shard) => shard.getRecordsCalls > 0);
		};

		await waitFor(polled, 'both shards to be polled');
		await put(driver, 'a', 200);
		await driver.splitShard('s', 'shardId-000000000000', String(2n ** 126n));
		await put(driver, 'b', 200);
		await driver.mergeShards('s', 'shardId-000000000002', 'shardId-000000000003');
		await put(driver, 'c', 200);
		await driver.splitShard('s', 'shardId-000000000001', String(3n * 2n ** 126n));
		await put(driver, 'd', 200);
		await waitFor(() => seen.length >= 800, 'all 800 records');
		expect(seen.map(text).sort()).toEqual(
			['a', 'b', 'c', 'd']
				.flatMap((prefix) => Array.from({length: 200}, (_, i) => `${prefix}-${i}`))
				.sort(),
		);
		await expectConsistent(driver, seen);
		const states = Object.fromEntries(
			session.progress().shards.map((shard) => [shard.shardId, shard.state]),
		);
		expect(states).toEqual({
			'shardId-000000000000': 'ended',
			'shardId-000000000001': 'ended',
			'shardId-000000000002': 'ended',
			'shardId-000000000003': 'ended',
			'shardId-000000000004': 'reading',
			'shardId-000000000005': 'reading',
			'shardId-000000000006': 'reading',
		});
		session.stop();
		expect(await session.finished).toEqual({reason: 'stopped'});
	});

	test('without follow, reads closed shards, then their children from TRIM_HORIZON, and ends', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await put(driver, 'before', 50);
		await driver.splitShard('s', 'shardId-000000000000', String(2n ** 127n));
		await put(driver, 'after', 50);
		const watched = instrumented(driver);
		const session = tailOf(watched.driver, {from: {type: 'TRIM_HORIZON'}, follow: false});
		const seen = collect(session);
		expect(await session.start()).toEqual({reason: 'drained'});
		expect(seen).toHaveLength(100);
		expect(seen.slice(0, 50).every((each) => each.shardId === 'shardId-000000000000')).toBe(true);
		await expectConsistent(driver, seen);
		expect(watched.iteratorRequests).toEqual([
			{shardId: 'shardId-000000000000', from: {type: 'TRIM_HORIZON'}},
			{shardId: 'shardId-000000000001', from: {type: 'TRIM_HORIZON'}},
			{shardId: 'shardId-000000000002', from: {type: 'TRIM_HORIZON'}},
		]);
		expect(session.progress().shards.map((shard) => shard.state)).toEqual([
			'ended',
			'caught-up',
			'caught-up',
		]);
	});

	test('finds children through DescribeStream when the backend does not name them', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await put(driver, 'before', 10);
		await driver.splitShard('s', 'shardId-000000000000', String(2n ** 127n));
		await put(driver, 'after', 10);
		const watched = instrumented(driver, {
			mapPage: ({ChildShards: _children, ...page}) => page,
		});
		const session = tailOf(watched.driver, {from: {type: 'TRIM_HORIZON'}, follow: false});
		const seen = collect(session);
		expect(await session.start()).toEqual({reason: 'drained'});
		expect(seen).toHaveLength(20);
		await expectConsistent(driver, seen);
	});

	test('renews an expired iterator AFTER_SEQUENCE_NUMBER the last record seen', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		const sequences = await put(driver, 'r', 10, 'one-key');
		const watched = instrumented(driver, {
			getRecords: (call) =>
				call === 3 ? new DriverError('ExpiredIteratorException', 'Iterator expired.') : undefined,
		});
		const session = tailOf(watched.driver, {
			from: {type: 'TRIM_HORIZON'},
			follow: false,
			pageSize: 3,
		});
		const seen = collect(session);
		expect(await session.start()).toEqual({reason: 'drained'});
		expect(seen.map(text)).toEqual(Array.from({length: 10}, (_, i) => `r-${i}`));
		expect(watched.iteratorRequests.map((request) => request.from)).toEqual([
			{type: 'TRIM_HORIZON'},
			{type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: sequences[5]},
		]);
	});

	test('backs off on ProvisionedThroughputExceededException and loses nothing', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await put(driver, 'r', 30, 'one-key');
		const watched = instrumented(driver, {
			getRecords: (call) =>
				call % 2 === 0
					? new DriverError('ProvisionedThroughputExceededException', 'Rate exceeded.', true)
					: undefined,
		});
		const session = tailOf(watched.driver, {
			from: {type: 'TRIM_HORIZON'},
			follow: false,
			pageSize: 7,
			minBackoffMs: 30,
			maxBackoffMs: 30,
		});
		const seen = collect(session);
		expect(await session.start()).toEqual({reason: 'drained'});
		expect(seen.map(text)).toEqual(Array.from({length: 30}, (_, i) => `r-${i}`));
		expect(session.progress().shards[0].throttled).toBeGreaterThan(0);
		// Every throttled call was followed by a pause of at least the back-off.
		const calls = watched.getRecordsCalls;
		for (let i = 1; i < calls.length; i += 2) {
			if (i + 1 < calls.length) expect(calls[i + 1].at - calls[i].at).toBeGreaterThanOrEqual(25);
		}
	});

	test('keeps within the read budget: at most 4 calls a second catching up, 1 a second idle', async () => {
		// On a controlled clock (the tail's, the engine's and their timers'): the calls a second are
		// exact, whatever the machine's load.
		vi.useFakeTimers();
		try {
			const driver = openDriver(true);
			await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
			await put(driver, 'r', 450, 'one-key');
			await put(driver, 'r', 450, 'one-key');
			const watched = instrumented(driver);
			// Default pacing; the engine enforces Kinesis's 5 GetRecords a second per shard.
			const session = new TailSession(watched.driver, 's', {
				from: {type: 'TRIM_HORIZON'},
				pageSize: 100,
			});
			sessions.push(session);
			const seen = collect(session);
			void session.start();
			for (let step = 0; step < 1000 && seen.length < 900; step++) {
				await vi.advanceTimersByTimeAsync(10);
			}

			expect(seen).toHaveLength(900);
			const caughtUpAt = Date.now();
			await vi.advanceTimersByTimeAsync(3000);
			session.stop();
			const times = watched.getRecordsCalls.map((call) => call.at);
			const inAnySecond = Math.max(
				...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length),
			);
			expect(inAnySecond).toBe(4);
			expect(session.progress().shards[0].throttled).toBe(0);
			// Idle at the tip: one call a second.
			const idleCalls = times.filter((at) => at > caughtUpAt);
			expect(idleCalls.length).toBeGreaterThanOrEqual(2);
			expect(idleCalls.length).toBeLessThanOrEqual(3);
			expect(idleCalls.slice(1).map((at, i) => at - idleCalls[i])).toEqual(
				idleCalls.slice(1).map(() => 1000),
			);
			expect(session.progress().shards[0].millisBehindLatest).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});

	test('the async iterator applies back-pressure and --limit stops exactly', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await put(driver, 'r', 100, 'one-key');
		const watched = instrumented(driver);
		const session = tailOf(watched.driver, {
			from: {type: 'TRIM_HORIZON'},
			pageSize: 10,
			highWaterMark: 15,
			limit: 95,
		});
		const iterator = session[Symbol.asyncIterator]();
		const first = await iterator.next();
		expect(first.done).toBe(false);
		// Nothing was taken: once the queue is full, reading waits for room, with no call due.
		await waitFor(() => session.shardsWaitingForRoom === 1, 'reading to wait for room');
		const callsWhileFull = watched.getRecordsCalls.length;
		expect(callsWhileFull).toBeGreaterThanOrEqual(3);
		// Taking a batch makes room: reading goes on.
		const second = await iterator.next();
		await waitFor(() => watched.getRecordsCalls.length > callsWhileFull, 'reading to go on');
		const texts = [...(first.value as TailBatch).records, ...(second.value as TailBatch).records];
		for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
			texts.push(...next.value.records);
		}

		expect(texts.map((record) => Buffer.from(record.Data).toString())).toEqual(
			Array.from({length: 95}, (_, i) => `r-${i}`),
		);
		expect(await session.finished).toEqual({reason: 'limit'});
	});

	test('a stream deleted under a following tail ends it with the error', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		const session = tailOf(driver, {});
		void session.start();
		await waitFor(() => session.progress().shards[0]?.getRecordsCalls > 0, 'the first poll');
		await driver.deleteStream('s');
		const end = await session.finished;
		expect(end.reason).toBe('error');
		expect(end.reason === 'error' && (end.error as DriverError).code).toBe(
			'ResourceNotFoundException',
		);
	});

	test('the iterator throws the error that ended the tail', async () => {
		const driver = openDriver();
		const session = tailOf(driver, {});
		await expect(async () => {
			for await (const _batch of session) {
				// No stream: nothing arrives.
			}
		}).rejects.toThrow(/Stream s under account .* not found/);
	});

	test('an AbortSignal stops the tail', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		const controller = new AbortController();
		const session = tailOf(driver, {}, controller.signal);
		void session.start();
		await waitFor(() => session.progress().shards[0]?.getRecordsCalls > 0, 'the first poll');
		controller.abort();
		expect(await session.finished).toEqual({reason: 'stopped'});
	});

	test('--from time reads children created before that time from that time too', async () => {
		const driver = openDriver();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await driver.splitShard('s', 'shardId-000000000000', String(2n ** 127n));
		await put(driver, 'old', 20);
		const newest = Date.now();
		await waitFor(() => Date.now() > newest + 1, 'the clock to move on');
		const since = new Date();
		await waitFor(() => Date.now() > since.getTime(), 'the clock to move on');
		await put(driver, 'new', 20);
		const session = tailOf(driver, {from: {type: 'AT_TIMESTAMP', timestamp: since}, follow: false});
		const seen = collect(session);
		expect(await session.start()).toEqual({reason: 'drained'});
		expect(seen.map(text).sort()).toEqual(Array.from({length: 20}, (_, i) => `new-${i}`).sort());
	});
});

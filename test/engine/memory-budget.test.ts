import {expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import type {MemoryTrimNotice} from '../../source/engine/memory-budget.js';
import {drain, iterator, readShard, shardId, text} from './helpers.js';

const S0 = shardId(0);
const SEGMENT_BYTES = 64 * 1024;
const BUDGET = 256 * 1024;
/** Frame bytes per record below: 1,000 bytes of data, a key of up to 10, 26 of header. */
const FRAME_BYTES = 1036;

function setup() {
	const clock = new ManualClock();
	const engine = new KinesisEngine({
		clock,
		enforceLimits: false,
		segmentBytes: SEGMENT_BYTES,
		memoryBudgetBytes: BUDGET,
	});
	return {clock, engine};
}

const data = Buffer.alloc(1000, 7);
async function put(engine: KinesisEngine, clock: ManualClock, stream: string, keys: string[]) {
	clock.advance(10);
	const output = await engine.putRecords({
		StreamName: stream,
		Records: keys.map((key) => ({
			PartitionKey: key,
			Data: Buffer.concat([Buffer.from(key), data]),
		})),
	});
	return output.Records.map((record) => record.SequenceNumber!);
}

const keys = (prefix: string, from: number, count: number) =>
	Array.from({length: count}, (_, i) => `${prefix}-${from + i}`);
const keyOf = (record: {Data: Uint8Array}) => text(record.Data).split('\u0007')[0];

test('memory-only mode keeps its records within the budget, dropping the oldest first', async () => {
	const {clock, engine} = setup();
	engine.createStream({StreamName: 's', ShardCount: 2});
	for (let batch = 0; batch < 40; batch++) await put(engine, clock, 's', keys('r', batch * 50, 50));

	let readable = 0;
	for (const shard of engine.listShards({StreamName: 's'})) {
		const records = readShard(engine, 's', shard.ShardId);
		readable += records.length;
		// What is left of each shard is its newest records, none from the start.
		expect(Number(keyOf(records[0]).slice(2))).toBeGreaterThan(100);
		expect(keyOf(records.at(-1)!)).toMatch(/^r-19\d\d$/);
	}

	// 2,000 records of ~1 KB were put; the buffers holding what stays (allocated, not just used) fit
	// the budget, which the engine checks every 1/32 of it.
	expect(readable * FRAME_BYTES).toBeLessThanOrEqual(BUDGET * (1 + 1 / 32));
	expect(readable).toBeGreaterThan(100);
	await engine.close();
});

test('the largest stream is trimmed first; a small stream keeps every record', async () => {
	const {clock, engine} = setup();
	engine.createStream({StreamName: 'big', ShardCount: 1});
	engine.createStream({StreamName: 'small', ShardCount: 1});
	// The small stream's records are the oldest of all: a globally-oldest policy would trim them first.
	await put(engine, clock, 'small', keys('s', 0, 30));
	for (let batch = 0; batch < 20; batch++)
		await put(engine, clock, 'big', keys('b', batch * 20, 20));

	expect(readShard(engine, 'small', S0).map((record) => keyOf(record))).toEqual(keys('s', 0, 30));
	const big = readShard(engine, 'big', S0);
	expect(keyOf(big[0])).not.toBe('b-0');
	expect(keyOf(big.at(-1)!)).toBe('b-399');
	await engine.close();
});

test('readers of trimmed positions get what AWS gives for expired records', async () => {
	const {clock, engine} = setup();
	engine.createStream({StreamName: 's', ShardCount: 1});
	const oldIterator = iterator(engine, 's', S0);
	const first = await put(engine, clock, 's', keys('r', 0, 10));
	for (let batch = 1; batch < 20; batch++) await put(engine, clock, 's', keys('r', batch * 20, 20));
	const oldest = keyOf(readShard(engine, 's', S0)[0]);
	expect(oldest).not.toBe('r-0');

	// TRIM_HORIZON has moved forward; AT_SEQUENCE_NUMBER of a trimmed record and an iterator issued
	// before the trim (still within its five minutes) both read from the oldest record kept.
	const atTrimmed = iterator(engine, 's', S0, 'AT_SEQUENCE_NUMBER', {
		StartingSequenceNumber: first[0],
	});
	for (const start of [atTrimmed, oldIterator]) {
		const records = drain(engine, start).records;
		expect(keyOf(records[0])).toBe(oldest);
		expect(keyOf(records.at(-1)!)).toBe('r-399');
	}

	await engine.close();
});

test('the first early trim is announced once, with the reason, not per trim', async () => {
	const {clock, engine} = setup();
	engine.createStream({StreamName: 's', ShardCount: 1});
	const notices: MemoryTrimNotice[] = [];
	engine.onMemoryTrim((notice) => notices.push(notice));
	await put(engine, clock, 's', keys('r', 0, 20));
	expect(engine.memoryTrimNotice).toBeUndefined();
	for (let batch = 1; batch < 40; batch++) await put(engine, clock, 's', keys('r', batch * 20, 20));

	expect(notices).toHaveLength(1);
	expect(engine.memoryTrimNotice).toBe(notices[0]);
	expect(notices[0].message).toMatch(/256 KiB memory budget \(--max-memory\)/);
	// A listener that comes later hears it at once.
	const late: MemoryTrimNotice[] = [];
	engine.onMemoryTrim((notice) => late.push(notice));
	expect(late).toEqual(notices);
	await engine.close();
});

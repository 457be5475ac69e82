import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	bytes,
	drain,
	iterator,
	readShard,
	removeTemporaryDirectories,
	shardId,
	temporaryDirectory,
	text,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const HOUR = 3_600_000;
const S0 = shardId(0);

function segmentFiles(dataDirectory: string) {
	const [streamDirectory] = readdirSync(join(dataDirectory, 'streams'));
	return readdirSync(join(dataDirectory, 'streams', streamDirectory, S0))
		.filter((name) => name.endsWith('.seg'))
		.sort();
}

async function put(kinesis: KinesisEngine, names: string[]) {
	await kinesis.putRecords({
		StreamName: 's',
		Records: names.map((name) => ({PartitionKey: name, Data: bytes(name)})),
	});
}

const names = (prefix: string, count: number) =>
	Array.from({length: count}, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe.each([
	['in memory', false],
	['durable', true],
])('retention (%s)', (_label, durable) => {
	function setup() {
		const clock = new ManualClock();
		const kinesis = new KinesisEngine({
			clock,
			enforceLimits: false,
			dataDirectory: durable ? temporaryDirectory() : undefined,
			segmentBytes: 2048,
		});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		return {clock, kinesis};
	}

	test('records older than the retention period are not returned', async () => {
		const {clock, kinesis} = setup();
		await put(kinesis, ['old']);
		clock.advance(HOUR);
		await put(kinesis, ['newer']);
		clock.advance(23 * HOUR);
		// Exactly 24 hours old: still retained.
		expect(readShard(kinesis, 's', S0).map((record) => text(record.Data))).toEqual([
			'old',
			'newer',
		]);
		clock.advance(1);
		expect(readShard(kinesis, 's', S0).map((record) => text(record.Data))).toEqual(['newer']);
		// Whatever the iterator type.
		const atOld = iterator(kinesis, 's', S0, 'AT_TIMESTAMP', {Timestamp: 0});
		expect(drain(kinesis, atOld).records.map((record) => text(record.Data))).toEqual(['newer']);
		clock.advance(HOUR);
		expect(readShard(kinesis, 's', S0)).toEqual([]);
		await kinesis.close();
	});

	test('a longer retention period keeps records longer', async () => {
		const {clock, kinesis} = setup();
		kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 48});
		await put(kinesis, ['kept']);
		clock.advance(47 * HOUR);
		await put(kinesis, ['later']);
		expect(readShard(kinesis, 's', S0)).toHaveLength(2);
		// Decreasing it makes older records expire at once.
		kinesis.decreaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 24});
		expect(readShard(kinesis, 's', S0).map((record) => text(record.Data))).toEqual(['later']);
		await kinesis.close();
	});

	test('an iterator positioned on expired records skips to the oldest retained one', async () => {
		const {clock, kinesis} = setup();
		const it = iterator(kinesis, 's', S0);
		await put(kinesis, names('a', 40));
		clock.advance(2 * HOUR);
		await put(kinesis, names('b', 40));
		clock.advance(23 * HOUR);
		const it2 = iterator(kinesis, 's', S0);
		const read = drain(kinesis, it2).records.map((record) => text(record.Data));
		expect(read).toEqual(names('b', 40));
		// An older iterator (issued before the records) is expired by now, as iterators live 5 minutes.
		expect(() => kinesis.getRecords({ShardIterator: it})).toThrow(/Iterator expired/);
		await kinesis.close();
	});
});

describe('retention on disk', () => {
	test('whole expired segments are deleted; a partly expired one is kept', async () => {
		const clock = new ManualClock();
		const dataDirectory = temporaryDirectory();
		const kinesis = new KinesisEngine({
			clock,
			enforceLimits: false,
			dataDirectory,
			segmentBytes: 1024,
		});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		// ~60 bytes a frame: a 1 KiB segment holds about 16 records.
		for (let batch = 0; batch < 10; batch++) await put(kinesis, names(`old${batch}-`, 10));
		const oldSegments = segmentFiles(dataDirectory);
		expect(oldSegments.length).toBeGreaterThan(4);
		clock.advance(2 * HOUR);
		await put(kinesis, names('mid', 3));
		const withMiddle = segmentFiles(dataDirectory);
		clock.advance(22 * HOUR + 1);
		// The trim runs on the put path: the old segments go, the last one (holding 'mid') stays.
		await put(kinesis, names('new', 3));
		const after = segmentFiles(dataDirectory);
		const survivor = withMiddle.at(-1)!;
		expect(after[0]).toBe(survivor);
		for (const name of oldSegments.slice(0, -1)) expect(after).not.toContain(name);
		expect(after.length).toBeLessThanOrEqual(2);
		const read = readShard(kinesis, 's', S0).map((record) => text(record.Data));
		expect(read).toEqual([...names('mid', 3), ...names('new', 3)]);
		clock.advance(2 * HOUR);
		await put(kinesis, ['last']);
		// 'new' shares that segment: it is kept whole, but only its retained records are served.
		expect(segmentFiles(dataDirectory)).toEqual(after);
		expect(readShard(kinesis, 's', S0).map((record) => text(record.Data))).toEqual([
			...names('new', 3),
			'last',
		]);
		await kinesis.close();
		// After a restart the expired data stays gone and the rest is still there.
		const reopened = new KinesisEngine({clock, enforceLimits: false, dataDirectory});
		expect(readShard(reopened, 's', S0).map((record) => text(record.Data))).toEqual([
			...names('new', 3),
			'last',
		]);
		await reopened.close();
	});

	test('sequence numbers keep increasing after everything older has expired and the engine restarted', async () => {
		const clock = new ManualClock();
		const dataDirectory = temporaryDirectory();
		const first = new KinesisEngine({
			clock,
			enforceLimits: false,
			dataDirectory,
			segmentBytes: 512,
		});
		first.createStream({StreamName: 's', ShardCount: 1});
		await put(first, names('a', 20));
		const last = readShard(first, 's', S0).at(-1)!.SequenceNumber;
		clock.advance(25 * HOUR);
		await put(first, ['b']);
		await first.close();
		const second = new KinesisEngine({clock, enforceLimits: false, dataDirectory});
		await put(second, ['c']);
		const records = readShard(second, 's', S0);
		expect(records.map((record) => text(record.Data))).toEqual(['b', 'c']);
		expect(BigInt(records[0].SequenceNumber) > BigInt(last)).toBe(true);
		expect(BigInt(records[1].SequenceNumber) > BigInt(records[0].SequenceNumber)).toBe(true);
		await second.close();
	});
});

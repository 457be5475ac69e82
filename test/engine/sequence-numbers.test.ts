import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	decodeSequenceNumber,
	formatSequenceNumber,
	sequencePrefix,
	shardSuffix,
} from '../../source/engine/sequence-number.js';
import {bytes, readShard, shardId} from './helpers.js';

const seq = (value: string) => BigInt(value);

function engine() {
	const clock = new ManualClock();
	const kinesis = new KinesisEngine({clock, enforceLimits: false});
	kinesis.createStream({StreamName: 's', ShardCount: 3});
	return {clock, kinesis};
}

async function put(kinesis: KinesisEngine, keys: string[]) {
	const output = await kinesis.putRecords({
		StreamName: 's',
		Records: keys.map((key) => ({PartitionKey: key, Data: bytes(key)})),
	});
	expect(output.FailedRecordCount).toBe(0);
	return output.Records.map((record) => ({
		shard: record.ShardId!,
		sequence: record.SequenceNumber!,
	}));
}

describe('sequence numbers', () => {
	test('format every counter exactly, whatever the order of calls (the formatter caches its high digits)', () => {
		const prefixes = [sequencePrefix(1_700_000_000_000), sequencePrefix(1_800_000_000_123)];
		const counters = [0, 1, 999, 1000, 1001, 999_999, 1_000_000, 123_456_789_012_345, 2 ** 53 - 1];
		const plain = (prefix: string, counter: number, suffix: string) =>
			prefix + String(counter).padStart(27, '0') + suffix;
		for (const counter of counters) {
			for (const prefix of prefixes) {
				for (const shard of [0, 7]) {
					const formatted = formatSequenceNumber(prefix, counter, shardSuffix(shard));
					expect(formatted).toBe(plain(prefix, counter, shardSuffix(shard)));
					expect(decodeSequenceNumber(formatted)?.counter).toBe(counter);
				}
			}
		}
	});

	test('are 56 decimal digits', async () => {
		const {kinesis} = engine();
		const results = await put(
			kinesis,
			Array.from({length: 50}, (_, i) => `k${i}`),
		);
		for (const {sequence} of results) expect(sequence).toMatch(/^[1-9]\d{55}$/);
		for (const shard of kinesis.listShards({StreamName: 's'})) {
			expect(shard.SequenceNumberRange.StartingSequenceNumber).toMatch(/^\d{56}$/);
		}
	});

	test('increase within each shard and stream-wide, across calls and time', async () => {
		const {clock, kinesis} = engine();
		const all: Array<{shard: string; sequence: string}> = [];
		for (let batch = 0; batch < 20; batch++) {
			all.push(
				...(await put(
					kinesis,
					Array.from({length: 25}, (_, i) => `b${batch}-${i}`),
				)),
			);
			if (batch % 3 === 0) clock.advance(1234);
		}

		const single = await kinesis.putRecord({
			StreamName: 's',
			PartitionKey: 'one',
			Data: bytes('1'),
		});
		all.push({shard: single.ShardId, sequence: single.SequenceNumber});
		for (let i = 1; i < all.length; i++) {
			expect(seq(all[i].sequence) > seq(all[i - 1].sequence)).toBe(true);
			// Same length, so string order is numeric order.
			expect(all[i].sequence > all[i - 1].sequence).toBe(true);
		}

		expect(new Set(all.map((each) => each.sequence)).size).toBe(all.length);
		for (const shard of kinesis.listShards({StreamName: 's'})) {
			const read = readShard(kinesis, 's', shard.ShardId).map((record) => record.SequenceNumber);
			expect(read).toEqual(
				all.filter((each) => each.shard === shard.ShardId).map((e) => e.sequence),
			);
			expect(read.length).toBeGreaterThan(0);
			for (const value of read) {
				expect(seq(value) >= seq(shard.SequenceNumberRange.StartingSequenceNumber)).toBe(true);
			}
		}
	});

	test("children's sequence numbers are greater than their parents'", async () => {
		const {kinesis} = engine();
		const before = await put(
			kinesis,
			Array.from({length: 100}, (_, i) => `p${i}`),
		);
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: shardId(0),
			NewStartingHashKey: '12345678901234567890',
		});
		kinesis.mergeShards({
			StreamName: 's',
			ShardToMerge: shardId(1),
			AdjacentShardToMerge: shardId(2),
		});
		const after = await put(
			kinesis,
			Array.from({length: 100}, (_, i) => `c${i}`),
		);
		const maxBefore = before.reduce(
			(max, each) => (seq(each.sequence) > max ? seq(each.sequence) : max),
			0n,
		);
		for (const each of after) expect(seq(each.sequence) > maxBefore).toBe(true);
		const shards = kinesis.describeStream({StreamName: 's'}).Shards;
		const byId = new Map(shards.map((shard) => [shard.ShardId, shard]));
		for (const child of shards.filter((shard) => shard.ParentShardId)) {
			for (const parentId of [child.ParentShardId!, child.AdjacentParentShardId].filter(Boolean)) {
				const parent = byId.get(parentId!)!;
				const ending = seq(parent.SequenceNumberRange.EndingSequenceNumber!);
				expect(seq(child.SequenceNumberRange.StartingSequenceNumber) > ending).toBe(true);
				for (const record of readShard(kinesis, 's', parent.ShardId)) {
					expect(seq(record.SequenceNumber) < ending).toBe(true);
				}

				for (const record of readShard(kinesis, 's', child.ShardId)) {
					expect(seq(record.SequenceNumber) > ending).toBe(true);
				}
			}
		}
	});

	test('a recreated stream of the same name never reuses sequence numbers', async () => {
		const {clock, kinesis} = engine();
		const [first] = await put(kinesis, ['k']);
		kinesis.deleteStream({StreamName: 's'});
		clock.advance(1);
		kinesis.createStream({StreamName: 's', ShardCount: 3});
		const [second] = await put(kinesis, ['k']);
		expect(second.sequence).not.toBe(first.sequence);
		expect(seq(second.sequence) > seq(first.sequence)).toBe(true);
	});
});

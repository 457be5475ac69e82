import {describe, expect, test} from 'vitest';
import type {Shard} from '../../source/driver/driver.js';
import {evenHashKeyRanges} from '../../source/kinesis/hash-key.js';
import {
	isolationPoint,
	middleOf,
	parseSplitPoint,
	previewReshard,
	shareOf,
} from '../../source/reshard/preview.js';
import {hashKeyOf, MAX_HASH_KEY} from '../../source/kinesis/routing.js';

/** N open shards over the even ranges AWS gives, ids 0 … N-1. */
const shards = (count: number): Shard[] =>
	evenHashKeyRanges(count).map((range, index) => ({
		ShardId: `shardId-${String(index).padStart(12, '0')}`,
		HashKeyRange: {StartingHashKey: String(range.start), EndingHashKey: String(range.end)},
		SequenceNumberRange: {StartingSequenceNumber: '1'},
	}));

describe('previewReshard', () => {
	test('a split at the middle makes two children of half the share each', () => {
		const four = shards(4);
		const preview = previewReshard(four, {
			action: 'split',
			shardId: four[1].ShardId,
			newStartingHashKey: middleOf(four[1]),
		});
		expect(preview.problem).toBeUndefined();
		expect(preview.after.map((range) => shareOf(range))).toEqual([25, 12.5, 12.5, 25, 25]);
		expect(preview.after[1].from).toEqual([four[1].ShardId]);
		expect(preview.after[1].end + 1n).toBe(preview.after[2].start);
		expect(preview.before.writeRecords).toBe(4000);
		expect(preview.afterCapacity).toEqual({
			openShards: 5,
			writeRecords: 5000,
			writeBytes: 5 * 1024 * 1024,
			readBytes: 10 * 1024 * 1024,
		});
	});

	test('a split point outside the shard is refused, as AWS refuses it', () => {
		const two = shards(2);
		const preview = previewReshard(two, {
			action: 'split',
			shardId: two[0].ShardId,
			newStartingHashKey: MAX_HASH_KEY,
		});
		expect(preview.problem).toMatch(/must lie inside the shard/);
		expect(preview.after).toHaveLength(2);
	});

	test('a merge joins neighbours only', () => {
		const three = shards(3);
		const merged = previewReshard(three, {
			action: 'merge',
			shardId: three[1].ShardId,
			adjacentShardId: three[2].ShardId,
		});
		expect(merged.problem).toBeUndefined();
		expect(merged.after).toHaveLength(2);
		expect(merged.after[1]).toMatchObject({
			end: MAX_HASH_KEY,
			from: [three[1].ShardId, three[2].ShardId],
		});
		const apart = previewReshard(three, {
			action: 'merge',
			shardId: three[0].ShardId,
			adjacentShardId: three[2].ShardId,
		});
		expect(apart.problem).toMatch(/not adjacent/);
	});

	test('scaling is uniform and within double and half', () => {
		const four = shards(4);
		const up = previewReshard(four, {action: 'scale', targetShardCount: 6});
		expect(up.after).toHaveLength(6);
		expect(up.after.at(-1)!.end).toBe(MAX_HASH_KEY);
		expect(previewReshard(four, {action: 'scale', targetShardCount: 9}).problem).toMatch(
			/at most 8/,
		);
		expect(previewReshard(four, {action: 'scale', targetShardCount: 1}).problem).toMatch(
			/at least 2/,
		);
		expect(previewReshard(four, {action: 'scale', targetShardCount: 4}).problem).toMatch(
			/already has 4/,
		);
	});
});

describe('parseSplitPoint', () => {
	const [shard] = shards(1);
	test('a hash key, a partition key’s hash, or a percentage of the range', () => {
		expect(parseSplitPoint('12345', shard)).toBe(12345n);
		expect(parseSplitPoint('key:user-42', shard)).toBe(hashKeyOf('user-42'));
		expect(parseSplitPoint('25%', shard)).toBe((MAX_HASH_KEY + 1n) / 4n);
		expect(parseSplitPoint('nope', shard)).toMatch(/a hash key/);
		expect(parseSplitPoint('key:', shard)).toMatch(/1–256/);
	});
});

describe('isolationPoint', () => {
	const [shard] = shards(1);
	test('puts the key at the edge of the smaller child', () => {
		const low = 1000n;
		expect(isolationPoint(shard, low)).toBe(low + 1n); // lower child [0, 1000] ends with the key
		const high = MAX_HASH_KEY - 1000n;
		expect(isolationPoint(shard, high)).toBe(high); // upper child starts with the key
		expect(isolationPoint(shard, 0n)).toBe(2n);
		expect(isolationPoint(shard, MAX_HASH_KEY)).toBe(MAX_HASH_KEY - 1n);
	});
});

import {describe, expect, test} from 'vitest';
import type {Shard} from '../../source/driver/driver.js';
import {ShardLineage} from '../../source/tail/shard-lineage.js';

const shard = (id: number, parents: number[] = [], closed = false): Shard => ({
	ShardId: `shardId-${String(id).padStart(12, '0')}`,
	...(parents[0] === undefined
		? {}
		: {ParentShardId: `shardId-${String(parents[0]).padStart(12, '0')}`}),
	...(parents[1] === undefined
		? {}
		: {AdjacentParentShardId: `shardId-${String(parents[1]).padStart(12, '0')}`}),
	HashKeyRange: {StartingHashKey: '0', EndingHashKey: '1'},
	SequenceNumberRange: {
		StartingSequenceNumber: '1',
		...(closed ? {EndingSequenceNumber: '2'} : {}),
	},
});

const id = (n: number) => `shardId-${String(n).padStart(12, '0')}`;

describe('ShardLineage', () => {
	test('knows parents, children, closed shards and descent', () => {
		const lineage = new ShardLineage();
		expect(
			lineage.learnShards([
				shard(0, [], true),
				shard(1, [], true),
				shard(2, [0]),
				shard(3, [0, 1]),
			]),
		).toEqual([id(0), id(1), id(2), id(3)]);
		expect(lineage.learnShards([shard(2, [0])])).toEqual([]);
		expect(lineage.parentsOf(id(3))).toEqual([id(0), id(1)]);
		expect(lineage.childrenOf(id(0))).toEqual([id(2), id(3)]);
		expect(lineage.isClosed(id(0))).toBe(true);
		expect(lineage.isClosed(id(2))).toBe(false);
		expect(lineage.descendsFrom(id(3), new Set([id(1)]))).toBe(true);
		expect(lineage.descendsFrom(id(2), new Set([id(1)]))).toBe(false);
	});

	test('learns children from GetRecords and notices parents it has not met', () => {
		const lineage = new ShardLineage();
		lineage.learnShards([shard(0)]);
		lineage.markClosed(id(0));
		expect(
			lineage.learnChildren([
				{
					ShardId: id(5),
					ParentShards: [id(0), id(4)],
					HashKeyRange: {StartingHashKey: '0', EndingHashKey: '1'},
				},
			]),
		).toEqual([id(5)]);
		expect(lineage.isClosed(id(0))).toBe(true);
		expect(lineage.hasUnknownParent(id(5))).toBe(true);
		lineage.learnShards([shard(4, [], true)]);
		expect(lineage.hasUnknownParent(id(5))).toBe(false);
	});
});

import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import type {Shard} from '../../source/kinesis/types.js';
import {ACCOUNT, bytes, expectKinesisError, MAX_HASH_KEY, readShard, shardId} from './helpers.js';

const DAY = 24 * 3_600_000;

function setup(shards = 2, options: {updateDelayMs?: number} = {}) {
	const clock = new ManualClock();
	const kinesis = new KinesisEngine({clock, enforceLimits: false, ...options});
	kinesis.createStream({StreamName: 's', ShardCount: shards});
	return {clock, kinesis};
}

const range = (shard: Shard) => ({
	start: BigInt(shard.HashKeyRange.StartingHashKey),
	end: BigInt(shard.HashKeyRange.EndingHashKey),
});
const isOpen = (shard: Shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined;
const openShards = (kinesis: KinesisEngine) =>
	kinesis
		.listShards({StreamName: 's'})
		.filter(isOpen)
		.sort((a, b) => (range(a).start < range(b).start ? -1 : 1));

/** The open shards' ranges cover 0 … 2^128-1 exactly, without gaps or overlaps. */
function expectTiling(kinesis: KinesisEngine) {
	const open = openShards(kinesis);
	expect(range(open[0]).start).toBe(0n);
	expect(range(open.at(-1)!).end).toBe(MAX_HASH_KEY);
	for (let i = 1; i < open.length; i++)
		expect(range(open[i]).start).toBe(range(open[i - 1]).end + 1n);
	return open;
}

describe('SplitShard', () => {
	test('at the midpoint: parent closed, two children dividing its range', async () => {
		const {kinesis} = setup(2);
		const parent = kinesis.listShards({StreamName: 's'})[0];
		const {start, end} = range(parent);
		const middle = (start + end) / 2n;
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: parent.ShardId,
			NewStartingHashKey: String(middle),
		});
		const shards = kinesis.describeStream({StreamName: 's'}).Shards;
		expect(shards).toHaveLength(4);
		expect(isOpen(shards[0])).toBe(false);
		expect(shards[2]).toMatchObject({
			ShardId: shardId(2),
			ParentShardId: shardId(0),
			HashKeyRange: {StartingHashKey: String(start), EndingHashKey: String(middle - 1n)},
		});
		expect(shards[3]).toMatchObject({
			ShardId: shardId(3),
			ParentShardId: shardId(0),
			HashKeyRange: {StartingHashKey: String(middle), EndingHashKey: String(end)},
		});
		expect(shards[2].AdjacentParentShardId).toBeUndefined();
		expectTiling(kinesis);
		// New records go to the children.
		const output = await kinesis.putRecords({
			StreamName: 's',
			Records: [
				{PartitionKey: 'a', ExplicitHashKey: String(middle - 1n), Data: bytes('low')},
				{PartitionKey: 'b', ExplicitHashKey: String(middle), Data: bytes('high')},
			],
		});
		expect(output.Records.map((each) => each.ShardId)).toEqual([shardId(2), shardId(3)]);
	});

	test('at any key strictly inside (start + 1, end)', () => {
		const {kinesis} = setup(1);
		kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(0), NewStartingHashKey: '2'});
		const [low, high] = openShards(kinesis);
		expect(range(low)).toEqual({start: 0n, end: 1n});
		expect(range(high)).toEqual({start: 2n, end: MAX_HASH_KEY});
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: high.ShardId,
			NewStartingHashKey: String(MAX_HASH_KEY - 1n),
		});
		expect(openShards(kinesis).map(range)).toEqual([
			{start: 0n, end: 1n},
			{start: 2n, end: MAX_HASH_KEY - 2n},
			{start: MAX_HASH_KEY - 1n, end: MAX_HASH_KEY},
		]);
	});

	test('NewStartingHashKey out of bounds is InvalidArgumentException with AWS wording', () => {
		const {kinesis} = setup(2);
		const [first] = kinesis.listShards({StreamName: 's'});
		const {start, end} = range(first);
		for (const key of [start, start + 1n, end, end + 1n]) {
			expectKinesisError(
				() =>
					kinesis.splitShard({
						StreamName: 's',
						ShardToSplit: shardId(0),
						NewStartingHashKey: String(key),
					}),
				'InvalidArgumentException',
				`NewStartingHashKey ${key} used in SplitShard() on shard ${shardId(0)} in stream s under account ${ACCOUNT} is not both greater than one plus the shard's StartingHashKey ${start} and less than the shard's EndingHashKey ${end}.`,
			);
		}

		for (const key of ['-1', 'abc', String(MAX_HASH_KEY + 1n), '']) {
			expectKinesisError(
				() =>
					kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(0), NewStartingHashKey: key}),
				'ValidationException',
				/at 'newStartingHashKey'/,
			);
		}

		expectKinesisError(
			() =>
				kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(7), NewStartingHashKey: '5'}),
			'ResourceNotFoundException',
			`Could not find shard ${shardId(7)} in stream s under account ${ACCOUNT}.`,
		);
		expectKinesisError(
			() =>
				kinesis.splitShard({StreamName: 'nope', ShardToSplit: shardId(0), NewStartingHashKey: '5'}),
			'ResourceNotFoundException',
		);
		expect(kinesis.listShards({StreamName: 's'})).toHaveLength(2);
	});

	test('an already-closed shard cannot be split or merged again', () => {
		const {kinesis} = setup(2);
		const middle = String(range(kinesis.listShards({StreamName: 's'})[0]).end / 2n);
		kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(0), NewStartingHashKey: middle});
		const message = `Shard ${shardId(0)} in stream s under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`;
		expectKinesisError(
			() =>
				kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(0), NewStartingHashKey: middle}),
			'InvalidArgumentException',
			message,
		);
		// shardId-000000000000 still ends where shardId-000000000001 starts, but it is closed.
		expectKinesisError(
			() =>
				kinesis.mergeShards({
					StreamName: 's',
					ShardToMerge: shardId(0),
					AdjacentShardToMerge: shardId(1),
				}),
			'InvalidArgumentException',
			message,
		);
		expect(kinesis.listShards({StreamName: 's'})).toHaveLength(4);
	});
});

describe('MergeShards', () => {
	test('adjacent shards merge into one child with both parents', () => {
		const {kinesis} = setup(3);
		const [a, b] = kinesis.listShards({StreamName: 's'});
		kinesis.mergeShards({
			StreamName: 's',
			ShardToMerge: b.ShardId,
			AdjacentShardToMerge: a.ShardId,
		});
		const shards = kinesis.describeStream({StreamName: 's'}).Shards;
		expect(shards).toHaveLength(4);
		expect(shards[3]).toMatchObject({
			ShardId: shardId(3),
			ParentShardId: b.ShardId,
			AdjacentParentShardId: a.ShardId,
			HashKeyRange: {StartingHashKey: '0', EndingHashKey: b.HashKeyRange.EndingHashKey},
		});
		expect(isOpen(shards[0]) || isOpen(shards[1])).toBe(false);
		expectTiling(kinesis);
	});

	test('non-adjacent shards, or a shard with itself, are InvalidArgumentException', () => {
		const {kinesis} = setup(3);
		const notAdjacent = (one: string, other: string) =>
			`Shards ${one} and ${other} in stream s under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`;
		expectKinesisError(
			() =>
				kinesis.mergeShards({
					StreamName: 's',
					ShardToMerge: shardId(0),
					AdjacentShardToMerge: shardId(2),
				}),
			'InvalidArgumentException',
			notAdjacent(shardId(0), shardId(2)),
		);
		expectKinesisError(
			() =>
				kinesis.mergeShards({
					StreamName: 's',
					ShardToMerge: shardId(1),
					AdjacentShardToMerge: shardId(1),
				}),
			'InvalidArgumentException',
			notAdjacent(shardId(1), shardId(1)),
		);
		expectKinesisError(
			() =>
				kinesis.mergeShards({
					StreamName: 's',
					ShardToMerge: shardId(1),
					AdjacentShardToMerge: shardId(9),
				}),
			'ResourceNotFoundException',
			`Could not find shard ${shardId(9)} in stream s under account ${ACCOUNT}.`,
		);
		expect(kinesis.listShards({StreamName: 's'})).toHaveLength(3);
	});
});

describe('UPDATING', () => {
	test('a reshard shows UPDATING for updateDelayMs and blocks another one meanwhile', async () => {
		const {clock, kinesis} = setup(2, {updateDelayMs: 10_000});
		kinesis.mergeShards({
			StreamName: 's',
			ShardToMerge: shardId(0),
			AdjacentShardToMerge: shardId(1),
		});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('UPDATING');
		const inUse = `Stream s under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`;
		expectKinesisError(
			() =>
				kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(2), NewStartingHashKey: '100'}),
			'ResourceInUseException',
			inUse,
		);
		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 2,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'ResourceInUseException',
			inUse,
		);
		// Reads and writes carry on while UPDATING.
		await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('x')});
		expect(readShard(kinesis, 's', shardId(2))).toHaveLength(1);
		clock.advance(9999);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('UPDATING');
		clock.advance(1);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('ACTIVE');
		kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(2), NewStartingHashKey: '100'});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('UPDATING');
	});
});

describe('UpdateShardCount', () => {
	const cases: Array<[number, number]> = [
		[1, 2],
		[2, 4],
		[4, 2],
		[2, 1],
		[3, 5],
		[5, 3],
		[4, 5],
		[10, 13],
		[10, 5],
		[7, 14],
		[6, 4],
	];
	test.each(cases)(
		'from %i to %i: uniform result, at most two parents per new shard',
		(from, to) => {
			const {kinesis} = setup(from);
			const output = kinesis.updateShardCount({
				StreamName: 's',
				TargetShardCount: to,
				ScalingType: 'UNIFORM_SCALING',
			});
			expect(output).toEqual({
				StreamName: 's',
				StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`,
				CurrentShardCount: from,
				TargetShardCount: to,
			});
			const open = expectTiling(kinesis);
			expect(open).toHaveLength(to);
			const width = (MAX_HASH_KEY + 1n) / BigInt(to);
			open.forEach((shard, i) => {
				expect(range(shard).start).toBe(BigInt(i) * width);
				expect(range(shard).end).toBe(i === to - 1 ? MAX_HASH_KEY : BigInt(i + 1) * width - 1n);
			});
			const all = kinesis.describeStream({StreamName: 's'}).Shards;
			const ids = new Set(all.map((shard) => shard.ShardId));
			for (const shard of all.slice(from)) {
				expect(shard.ParentShardId).toBeDefined();
				expect(ids.has(shard.ParentShardId!)).toBe(true);
				if (shard.AdjacentParentShardId) expect(ids.has(shard.AdjacentParentShardId)).toBe(true);
			}

			// Every original shard that does not survive is closed; every closed shard has children.
			for (const shard of all.filter((each) => !isOpen(each))) {
				expect(
					all.some(
						(child) =>
							child.ParentShardId === shard.ShardId ||
							child.AdjacentParentShardId === shard.ShardId,
					),
				).toBe(true);
			}

			expect(kinesis.describeStreamSummary({StreamName: 's'}).OpenShardCount).toBe(to);
		},
	);

	test('records written before and after stay readable through the lineage', async () => {
		const {kinesis} = setup(3);
		const keys = Array.from({length: 300}, (_, i) => `key-${i}`);
		const put = async (tag: string) =>
			kinesis.putRecords({
				StreamName: 's',
				Records: keys.map((key) => ({PartitionKey: key, Data: bytes(`${tag}:${key}`)})),
			});
		await put('before');
		kinesis.updateShardCount({
			StreamName: 's',
			TargetShardCount: 5,
			ScalingType: 'UNIFORM_SCALING',
		});
		await put('after');
		let total = 0;
		for (const shard of kinesis.listShards({StreamName: 's'})) {
			total += readShard(kinesis, 's', shard.ShardId).length;
		}

		expect(total).toBe(600);
	});

	test('more than double or less than half is LimitExceededException', () => {
		const {kinesis} = setup(4);
		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 9,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'LimitExceededException',
			'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9',
		);
		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 1,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'LimitExceededException',
			'UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1',
		);
		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 0,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'ValidationException',
		);
		expect(openShards(kinesis)).toHaveLength(4);
		kinesis.updateShardCount({
			StreamName: 's',
			TargetShardCount: 8,
			ScalingType: 'UNIFORM_SCALING',
		});
		expect(openShards(kinesis)).toHaveLength(8);
		kinesis.updateShardCount({
			StreamName: 's',
			TargetShardCount: 4,
			ScalingType: 'UNIFORM_SCALING',
		});
		expect(openShards(kinesis)).toHaveLength(4);
	});

	test('at most 10 scalings per rolling 24 hours', () => {
		const {clock, kinesis} = setup(2);
		const start = clock.now();
		for (let i = 0; i < 10; i++) {
			kinesis.updateShardCount({
				StreamName: 's',
				TargetShardCount: i % 2 === 0 ? 3 : 2,
				ScalingType: 'UNIFORM_SCALING',
			});
			clock.advance(60_000);
		}

		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 3,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'LimitExceededException',
			`Stream s under account ${ACCOUNT} has exceeded the limit of 10 UpdateShardCount calls per rolling 24 hour period.`,
		);
		// The first call leaves the window 24 hours after it was made.
		clock.set(start + DAY - 1);
		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 3,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'LimitExceededException',
		);
		clock.set(start + DAY);
		kinesis.updateShardCount({
			StreamName: 's',
			TargetShardCount: 3,
			ScalingType: 'UNIFORM_SCALING',
		});
		expect(openShards(kinesis)).toHaveLength(3);
	});

	test('the account shard limit (500) applies', () => {
		const {kinesis} = setup(300);
		expectKinesisError(
			() =>
				kinesis.updateShardCount({
					StreamName: 's',
					TargetShardCount: 501,
					ScalingType: 'UNIFORM_SCALING',
				}),
			'LimitExceededException',
		);
		expectKinesisError(
			() => kinesis.createStream({StreamName: 'more', ShardCount: 201}),
			'LimitExceededException',
			/This request would exceed the shard limit for the account 000000000000 in us-east-1\. Current shard count for the account: 300\. Limit: 500\./,
		);
		kinesis.createStream({StreamName: 'more', ShardCount: 200});
		expectKinesisError(
			() =>
				kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(0), NewStartingHashKey: '100'}),
			'LimitExceededException',
		);
	});
});

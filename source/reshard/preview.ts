/**
 * What a split, a merge or a scaling would do, before it is done: the open shards after it with their
 * hash-key ranges, the stream's write and read capacity before and after, and — when the backend would
 * refuse it — why, in the terms AWS's own checks use. The console shows this preview and asks for a
 * typed confirmation; nothing here calls the backend.
 */
import type {Shard} from '../driver/driver.js';
import {evenHashKeyRanges} from '../kinesis/hash-key.js';
import {HASH_KEY_SPACE, hashKeyOf, isOpen, parseHashKey} from '../kinesis/routing.js';

export type ReshardPlan =
	| {action: 'split'; shardId: string; newStartingHashKey: bigint}
	| {action: 'merge'; shardId: string; adjacentShardId: string}
	| {action: 'scale'; targetShardCount: number};

/** One open shard after the change: an existing one (`shardId`) or a new one (`from` its parents). */
export type PreviewShard = {start: bigint; end: bigint; shardId?: string; from?: string[]};

export type Capacity = {
	openShards: number;
	/** Per second, summed over the open shards: 1,000 records and 1 MiB in, 2 MiB out each. */
	writeRecords: number;
	writeBytes: number;
	readBytes: number;
};

export type ReshardPreview = {
	after: PreviewShard[];
	before: Capacity;
	afterCapacity: Capacity;
	/** Why the backend would refuse it; the preview is then not to be confirmed. */
	problem?: string;
	/** What to know before confirming (limits, effects on consumers). */
	notes: string[];
};

const MIB = 1024 * 1024;

export const capacityOf = (openShards: number): Capacity => ({
	openShards,
	writeRecords: openShards * 1000,
	writeBytes: openShards * MIB,
	readBytes: openShards * 2 * MIB,
});

const rangeOf = (shard: Shard) => ({
	start: BigInt(shard.HashKeyRange.StartingHashKey),
	end: BigInt(shard.HashKeyRange.EndingHashKey),
});

export const openShardsOf = (shards: readonly Shard[]) =>
	shards
		.filter((shard) => isOpen(shard))
		.sort((a, b) => (rangeOf(a).start < rangeOf(b).start ? -1 : 1));

/** The middle of a shard's range: the default split point (AWS's own example splits there). */
export function middleOf(shard: Shard) {
	const {start, end} = rangeOf(shard);
	return start + (end - start + 1n) / 2n;
}

/**
 * A split point from what the user typed: a hash key (decimal), `key:NAME` for a partition key's MD5
 * hash (the key then starts the upper child), or a percentage of the shard's range (`25%`).
 */
export function parseSplitPoint(text: string, shard: Shard): bigint | string {
	const trimmed = text.trim();
	if (trimmed.startsWith('key:')) {
		const key = trimmed.slice(4);
		if (key.length === 0 || key.length > 256) return 'a partition key is 1–256 characters';
		return hashKeyOf(key);
	}

	const percent = /^(\d{1,2}(?:\.\d+)?)%$/.exec(trimmed);
	if (percent) {
		const {start, end} = rangeOf(shard);
		const millis = BigInt(Math.round(Number(percent[1]) * 1000));
		return start + ((end - start + 1n) * millis) / 100_000n;
	}

	return (
		parseHashKey(trimmed) ?? 'a hash key (0 … 2^128-1), key:PARTITION_KEY, or a percentage like 25%'
	);
}

/**
 * The split point that puts a hot key's hash at the edge of the smaller child: the key then shares its
 * new shard with as few other keys as one split allows (a second split at the other edge would leave it
 * alone).
 */
export function isolationPoint(shard: Shard, hashKey: bigint): bigint {
	const {start, end} = rangeOf(shard);
	const at = hashKey - start < end - hashKey ? hashKey + 1n : hashKey;
	// SplitShard's own bounds: above the first key + 1, below the last.
	return at < start + 2n ? start + 2n : at > end - 1n ? end - 1n : at;
}

const RESHARD_NOTE =
	'The parent shards close (readable until the retention ends); consumers move to the children once they finish the parents.';

export function previewReshard(shards: readonly Shard[], plan: ReshardPlan): ReshardPreview {
	const open = openShardsOf(shards);
	const before = capacityOf(open.length);
	const unchanged = (except: readonly string[]) =>
		open
			.filter((shard) => !except.includes(shard.ShardId))
			.map((shard) => ({...rangeOf(shard), shardId: shard.ShardId}));
	const result = (after: PreviewShard[], problem?: string, notes: string[] = []) => ({
		after: after.sort((a, b) => (a.start < b.start ? -1 : 1)),
		before,
		afterCapacity: capacityOf(after.length),
		problem,
		notes: [...notes, RESHARD_NOTE],
	});

	switch (plan.action) {
		case 'split': {
			const shard = open.find((each) => each.ShardId === plan.shardId);
			if (!shard) return result(unchanged([]), `Shard ${plan.shardId} is not an open shard`);
			const {start, end} = rangeOf(shard);
			const at = plan.newStartingHashKey;
			const problem =
				at <= start + 1n || at >= end
					? 'The split point must lie inside the shard: above its first hash key + 1, below its last'
					: undefined;
			const children = problem
				? [{start, end, shardId: shard.ShardId}]
				: [
						{start, end: at - 1n, from: [shard.ShardId]},
						{start: at, end, from: [shard.ShardId]},
					];
			return result([...unchanged([shard.ShardId]), ...children], problem);
		}

		case 'merge': {
			const shard = open.find((each) => each.ShardId === plan.shardId);
			const other = open.find((each) => each.ShardId === plan.adjacentShardId);
			if (!shard || !other) {
				return result(unchanged([]), 'Both shards must be open shards of the stream');
			}

			const [lower, upper] = [rangeOf(shard), rangeOf(other)].sort((a, b) =>
				a.start < b.start ? -1 : 1,
			);
			if (lower.end + 1n !== upper.start) {
				return result(
					unchanged([]),
					`Shards ${shard.ShardId} and ${other.ShardId} are not adjacent: only neighbours in the hash-key space can merge`,
				);
			}

			return result([
				...unchanged([shard.ShardId, other.ShardId]),
				{start: lower.start, end: upper.end, from: [shard.ShardId, other.ShardId]},
			]);
		}

		case 'scale': {
			const current = open.length;
			const target = plan.targetShardCount;
			const problem =
				!Number.isInteger(target) || target < 1
					? 'The target is a whole number of shards, at least 1'
					: target > current * 2
						? `UpdateShardCount cannot scale up over double the open shard count (${current} → at most ${current * 2})`
						: target < current / 2
							? `UpdateShardCount cannot scale down below half the open shard count (${current} → at least ${Math.ceil(current / 2)})`
							: target === current
								? `The stream already has ${current} open shards`
								: undefined;
			const after = problem
				? unchanged([])
				: evenHashKeyRanges(target).map((range) => ({...range, from: ['uniform']}));
			return result(after, problem, [
				'UNIFORM_SCALING: every open shard is replaced by evenly sized new ones (intermediate splits and merges).',
				'AWS allows 10 UpdateShardCount calls per stream per rolling 24 hours, and at most double or half per call.',
			]);
		}
	}
}

/** A range's share of the key space, in percent. */
export const shareOf = (range: {start: bigint; end: bigint}) =>
	Number(((range.end - range.start + 1n) * 100_000n) / HASH_KEY_SPACE) / 1000;

/**
 * Resharding: SplitShard, MergeShards and UpdateShardCount (uniform scaling). Each closes its parent
 * shards and opens children (reshard.ts makes the change) on an ACTIVE stream, which then shows UPDATING
 * for the engine's `updateDelayMs`; the change is undone if its metadata cannot be saved.
 */
import type {Clock} from './clock.js';
import type {EngineOptions} from './engine-options.js';
import {invalidArgument, limitExceeded, resourceInUse, validationError} from './errors.js';
import {parseHashKey} from '../kinesis/hash-key.js';
import {LIMITS} from '../kinesis/limits.js';
import {Reshard} from './reshard.js';
import type {StreamLookup} from './stream-lookup.js';
import type {StreamRef} from '../kinesis/types.js';
import type {StreamStore} from './stream-store.js';
import type {ShardState, Stream} from './stream.js';

const DAY_MS = 24 * 3_600_000;

export class Resharding {
	constructor(
		private readonly clock: Clock,
		private readonly accountId: string,
		private readonly options: EngineOptions,
		private readonly store: StreamStore,
		private readonly lookup: StreamLookup,
	) {}

	/** SplitShard: NewStartingHashKey must be greater than the parent's start + 1 and below its end. */
	splitShard(input: StreamRef & {ShardToSplit: string; NewStartingHashKey: string}) {
		const at = parseHashKey(input.NewStartingHashKey);
		if (at === undefined) {
			throw validationError([
				{
					value: input.NewStartingHashKey,
					at: 'newStartingHashKey',
					constraint: 'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})',
				},
			]);
		}

		const stream = this.lookup.streamOf(input);
		const shard = this.lookup.shardOf(stream, input.ShardToSplit, 'not found');
		this.store.checkShardLimit(1);
		if (at <= shard.start + 1n || at >= shard.end) {
			throw invalidArgument(
				`NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shard.id} in stream ${stream.name} under account ${this.accountId} is not both greater than one plus the shard's StartingHashKey ${shard.start} and less than the shard's EndingHashKey ${shard.end}.`,
			);
		}

		this.reshard(stream, [shard], (change) => change.split(shard, at));
	}

	/** MergeShards: the two shards must be open and adjacent (one's end + 1 is the other's start). */
	mergeShards(input: StreamRef & {ShardToMerge: string; AdjacentShardToMerge: string}) {
		const stream = this.lookup.streamOf(input);
		const shard = this.lookup.shardOf(stream, input.ShardToMerge, 'not found');
		const adjacent = this.lookup.shardOf(stream, input.AdjacentShardToMerge, 'not found');
		const [lower, upper] = shard.start < adjacent.start ? [shard, adjacent] : [adjacent, shard];
		if (lower.end + 1n !== upper.start || shard === adjacent) {
			throw invalidArgument(
				`Shards ${shard.id} and ${adjacent.id} in stream ${stream.name} under account ${this.accountId} are not an adjacent pair of shards eligible for merging`,
			);
		}

		this.reshard(stream, [shard, adjacent], (change) => change.merge(lower, upper, shard));
	}

	/** UpdateShardCount with UNIFORM_SCALING, within AWS's limits (≤ 2×, ≥ ½, 10 per rolling day). */
	updateShardCount(
		input: StreamRef & {TargetShardCount: number; ScalingType?: 'UNIFORM_SCALING'},
	): {StreamName: string; StreamARN: string; CurrentShardCount: number; TargetShardCount: number} {
		const target = input.TargetShardCount;
		const stream = this.lookup.streamOf(input);
		const current = stream.openShards.length;
		const now = this.clock.now();
		const problem =
			target > current * 2
				? 'UpdateShardCount cannot scale up over double your current open shard count.'
				: target < current / 2
					? 'UpdateShardCount cannot scale down below half your current open shard count.'
					: target > LIMITS.accountShardLimit
						? `Target shard count or number of open shards cannot be greater than ${LIMITS.accountShardLimit}.`
						: undefined;
		if (problem) {
			throw limitExceeded(
				`${problem} Current open shard count: ${current}, Target shard count: ${target}`,
			);
		}

		const recent = stream.scalingHistory.filter((time) => time > now - DAY_MS);
		if (recent.length >= LIMITS.updateShardCountPerDay) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.accountId} has exceeded the limit of ${LIMITS.updateShardCountPerDay} UpdateShardCount calls per rolling 24 hour period.`,
			);
		}

		this.store.checkShardLimit(Math.max(0, target - current));
		if (target !== current) {
			this.reshard(
				stream,
				[],
				(change) => change.scaleUniformly(target),
				() => {
					stream.scalingHistory = [...recent, now];
				},
			);
		}

		return {
			StreamName: stream.name,
			StreamARN: stream.arn,
			CurrentShardCount: current,
			TargetShardCount: target,
		};
	}

	private reshard(
		stream: Stream,
		parents: ShardState[],
		change: (reshard: Reshard) => void,
		alsoRecord?: () => void,
	) {
		const now = this.clock.now();
		const status = stream.status(now);
		if (status !== 'ACTIVE') {
			throw resourceInUse(
				`Stream ${stream.name} under account ${this.accountId} not ACTIVE, instead in state ${status}`,
			);
		}

		for (const parent of parents) {
			if (parent.endingCounter !== undefined) {
				// AWS answers InvalidArgumentException here (the stream is not what is in use).
				throw invalidArgument(
					`Shard ${parent.id} in stream ${stream.name} under account ${this.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`,
				);
			}
		}

		const previous = {
			transition: stream.transition,
			scalingHistory: stream.scalingHistory,
			nextCounter: stream.nextCounter,
		};
		const reshard = new Reshard(
			stream,
			stream.nextCounter,
			now,
			this.store.logOpener(stream.name, stream.createdAt),
		);
		// Children start at a counter of their own, above every record their parents can hold.
		stream.nextCounter++;
		change(reshard);
		alsoRecord?.();
		const delay = this.options.updateDelayMs ?? 0;
		if (delay > 0) stream.transition = {status: 'UPDATING', until: now + delay};
		this.store.saveOrUndo(() => {
			reshard.undo();
			Object.assign(stream, previous);
		});
	}
}

/**
 * What the engine's feature modules (consumers, subscriptions, stream settings, channels, account
 * settings, resource tags and policies) see of the engine: its clock and identity, stream lookup with
 * the engine's own validation and wording, and the metadata save that keeps memory and disk in step.
 * The engine builds one and hands it to each module; the modules never reach into the engine otherwise.
 */
import type {KinesisMetrics} from './kinesis-metrics.js';
import type {Clock} from './clock.js';
import type {EngineOptions} from './engine-options.js';
import type {StreamRef} from '../kinesis/types.js';
import {resourceInUse} from './errors.js';
import type {Stream} from './stream.js';
import type {ShardIteratorType} from '../kinesis/types.js';

export type EngineContext = {
	readonly clock: Clock;
	readonly region: string;
	readonly accountId: string;
	readonly options: EngineOptions;
	/** Whether per-shard throughput limits are enforced (switchable at run time). */
	enforceLimits(): boolean;
	/** The stream a request names, as every action finds it (ResourceNotFoundException otherwise). */
	streamOf(ref: StreamRef, forData?: boolean): Stream;
	/** The stream of that name now (finished deletions settled), if any. */
	findStream(name: string): Stream | undefined;
	/** Every stream now (finished deletions settled). */
	streams(): Stream[];
	/** Saves the metadata; if that fails, runs `undo` and throws InternalFailure. */
	saveOrUndo(undo: () => void): void;
	/** The AWS/Kinesis metric hooks (SubscribeToShard records its calls and events through them). */
	readonly metrics: KinesisMetrics;
	/** GetShardIterator, for its validation and its positions. */
	getShardIterator(input: {
		StreamName: string;
		ShardId: string;
		ShardIteratorType: ShardIteratorType;
		StartingSequenceNumber?: string;
		Timestamp?: Date | number;
	}): {ShardIterator: string};
};

/** Stream-changing actions need an ACTIVE stream, as resharding does (same wording). */
export function requireActive(context: EngineContext, stream: Stream) {
	const status = stream.status(context.clock.now());
	if (status !== 'ACTIVE') {
		throw resourceInUse(
			`Stream ${stream.name} under account ${context.accountId} not ACTIVE, instead in state ${status}`,
		);
	}
}

/** The stream shows UPDATING for the configured `updateDelayMs`, as after a reshard. */
export function beginUpdate(context: EngineContext, stream: Stream) {
	const delay = context.options.updateDelayMs ?? 0;
	if (delay > 0) stream.transition = {status: 'UPDATING', until: context.clock.now() + delay};
}

/** Timestamps within the rolling day before `now` (for the per-24-hours limits). */
export const withinDay = (times: number[] | undefined, now: number) =>
	(times ?? []).filter((time) => time > now - 24 * 3_600_000);

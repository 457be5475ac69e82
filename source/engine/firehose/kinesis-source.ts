/**
 * KinesisStreamAsSource: a delivery stream reading a local Kinesis stream as Firehose does — one
 * GetRecords per shard per second, parents before children (a shard is read once the shards it was
 * split or merged from are read to their end, or have expired), so records reach the buffer in the
 * stream's order per partition key across resharding. It goes through the KinesisEngine's public API
 * only (ListShards, GetShardIterator, GetRecords), so it counts against the shards' read limits like
 * any other consumer.
 *
 * Position: the last sequence number taken from each shard (its checkpoint) and the shards read to
 * their end. A shard without a checkpoint starts at TRIM_HORIZON (or, with `AT_DELIVERY_START`, at the
 * delivery stream's creation time). Records are appended to the durable buffer before the checkpoint
 * moves, so after a restart reading resumes right after the last record that was accepted.
 */
import type {KinesisEngine} from '../engine.js';
import {KinesisError} from '../errors.js';
import type {KinesisRecord, Shard} from '../../kinesis/types.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import type {DeliveryError} from './types.js';

export type SourceStartingPosition = 'TRIM_HORIZON' | 'AT_DELIVERY_START';

export type SourceMetadata = {
	streamARN: string;
	roleARN: string;
	startedAt: number;
	startingPosition: SourceStartingPosition;
	checkpoints: Record<string, string>;
	finished: string[];
};

/** Takes records read from `shardId`, in order; returns how many it accepted (fewer on failure). */
export type AcceptRecords = (shardId: string, records: KinesisRecord[]) => number;

export const streamNameOfArn = (arn: string) => arn.slice(arn.indexOf(':stream/') + 8);

export class KinesisSource {
	readonly checkpoints: Map<string, string>;
	readonly finished: Set<string>;
	error: DeliveryError | undefined;
	private nextRoundAt = 0;

	constructor(
		readonly metadata: Omit<SourceMetadata, 'checkpoints' | 'finished'> & Partial<SourceMetadata>,
	) {
		this.checkpoints = new Map(Object.entries(metadata.checkpoints ?? {}));
		this.finished = new Set(metadata.finished ?? []);
	}

	get streamName() {
		return streamNameOfArn(this.metadata.streamARN);
	}

	toMetadata(): SourceMetadata {
		return {
			streamARN: this.metadata.streamARN,
			roleARN: this.metadata.roleARN,
			startedAt: this.metadata.startedAt,
			startingPosition: this.metadata.startingPosition,
			checkpoints: Object.fromEntries(this.checkpoints),
			finished: [...this.finished],
		};
	}

	/** Moves a shard's checkpoint forward to `sequenceNumber` (never back): used by recovery. */
	advance(shardId: string, sequenceNumber: string) {
		const current = this.checkpoints.get(shardId);
		if (current === undefined || BigInt(sequenceNumber) > BigInt(current)) {
			this.checkpoints.set(shardId, sequenceNumber);
		}
	}

	/**
	 * One polling round, at most once per second: lists the shards, then reads each readable shard once
	 * (children in the same round when their parents end in it). Returns whether a shard was read to its
	 * end (the caller saves that).
	 */
	poll(kinesis: KinesisEngine | undefined, now: number, accept: AcceptRecords): boolean {
		if (now < this.nextRoundAt) return false;
		this.nextRoundAt = now + FIREHOSE_LIMITS.sourcePollIntervalMs;
		if (!kinesis) {
			this.error = {
				code: 'Kinesis.SourceUnavailable',
				message:
					'No Kinesis engine was given to this Firehose engine to read the source stream from.',
				at: now,
			};
			return false;
		}

		let shards: Shard[];
		try {
			shards = kinesis.listShards({StreamARN: this.metadata.streamARN});
		} catch (error) {
			this.fail(error, now);
			return false;
		}

		const listed = new Set(shards.map((shard) => shard.ShardId));
		const done = (id: string | undefined) =>
			id === undefined || this.finished.has(id) || !listed.has(id);
		const read = new Set<string>();
		let ended = false;
		let progress = true;
		this.error = undefined;
		while (progress) {
			progress = false;
			for (const shard of shards) {
				const id = shard.ShardId;
				if (read.has(id) || this.finished.has(id)) continue;
				if (!done(shard.ParentShardId) || !done(shard.AdjacentParentShardId)) continue;
				read.add(id);
				const outcome = this.readShard(kinesis, id, now, accept);
				if (outcome === 'ended') {
					this.finished.add(id);
					this.checkpoints.delete(id);
					ended = true;
					progress = true;
				}
			}
		}

		// Shards that expired out of the stream need no position any more.
		for (const id of [...this.finished]) if (!listed.has(id)) this.finished.delete(id);
		return ended;
	}

	private readShard(
		kinesis: KinesisEngine,
		shardId: string,
		now: number,
		accept: AcceptRecords,
	): 'read' | 'ended' | 'failed' {
		const checkpoint = this.checkpoints.get(shardId);
		try {
			const {ShardIterator} = kinesis.getShardIterator({
				StreamARN: this.metadata.streamARN,
				ShardId: shardId,
				...(checkpoint !== undefined
					? {ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint}
					: this.metadata.startingPosition === 'AT_DELIVERY_START'
						? {ShardIteratorType: 'AT_TIMESTAMP', Timestamp: this.metadata.startedAt}
						: {ShardIteratorType: 'TRIM_HORIZON'}),
			});
			const page = kinesis.getRecords({ShardIterator});
			const accepted = page.Records.length === 0 ? 0 : accept(shardId, page.Records);
			if (accepted > 0) this.checkpoints.set(shardId, page.Records[accepted - 1].SequenceNumber);
			if (accepted < page.Records.length) return 'failed';
			return page.NextShardIterator === undefined ? 'ended' : 'read';
		} catch (error) {
			this.fail(error, now);
			return 'failed';
		}
	}

	private fail(error: unknown, now: number) {
		this.error =
			error instanceof KinesisError
				? {code: error.code, message: error.message, at: now}
				: {code: 'InternalError', message: (error as Error)?.message ?? String(error), at: now};
	}
}

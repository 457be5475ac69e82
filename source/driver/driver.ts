/**
 * THE contract between kinesis-top's models and a backend. Every backend — the bundled local engine, real
 * AWS, or any Kinesis-compatible endpoint — implements `Driver`, and every implementation passes the same
 * contract suite (test/driver-contract.test.ts). The domain types are AWS's own shapes, re-exported from
 * the engine, so `--json` output and the wire server pass them through unchanged.
 */
export type {
	ChildShard,
	GetRecordsOutput,
	KinesisRecord,
	PutRecordsRequestEntry,
	PutRecordsResultEntry,
	Shard,
	StreamDescription,
	StreamDescriptionSummary,
	StreamMode,
	StreamStatus,
} from '../engine/types.js';
import type {
	GetRecordsOutput,
	PutRecordsRequestEntry,
	PutRecordsResultEntry,
	StreamDescription,
	StreamDescriptionSummary,
	StreamMode,
} from '../engine/types.js';

/** What the header shows: which backend, where, and whether mutations are allowed. */
export type Target = {
	backend: 'local' | 'aws' | 'endpoint';
	region: string;
	/** Account id where known (AWS: from the stream ARNs or STS; local: the engine's). */
	account?: string;
	/** Endpoint URL for `endpoint`, the data directory (or "in memory") for `local`. */
	location?: string;
	readOnly: boolean;
};

/** Where a new iterator starts: the five GetShardIterator types. */
export type IteratorStart =
	| {type: 'LATEST'}
	| {type: 'TRIM_HORIZON'}
	| {type: 'AT_SEQUENCE_NUMBER'; sequenceNumber: string}
	| {type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string}
	| {type: 'AT_TIMESTAMP'; timestamp: Date};

export type CreateStreamOptions =
	| {mode: Extract<StreamMode, 'PROVISIONED'>; shardCount: number}
	| {mode: Extract<StreamMode, 'ON_DEMAND'>};

export type PutRecordsResult = {failedRecordCount: number; records: PutRecordsResultEntry[]};

/**
 * An error that crossed the contract. `code` is the AWS exception name (ResourceNotFoundException,
 * ProvisionedThroughputExceededException, ExpiredIteratorException, …) whichever backend raised it;
 * `retryable` says whether the same call may succeed later unchanged.
 */
export class DriverError extends Error {
	override readonly name = 'DriverError';

	constructor(
		readonly code: string,
		message: string,
		readonly retryable = false,
	) {
		super(message);
	}
}

/** Mutating calls a read-only driver refuses. */
export const MUTATING_METHODS = [
	'createStream',
	'deleteStream',
	'putRecords',
	'splitShard',
	'mergeShards',
	'updateShardCount',
] as const;

export type Driver = {
	readonly target: Target;
	listStreams(signal?: AbortSignal): Promise<string[]>;
	describeStreamSummary(name: string, signal?: AbortSignal): Promise<StreamDescriptionSummary>;
	/** All shards, open and closed, with lineage and hash-key ranges. */
	describeStream(name: string, signal?: AbortSignal): Promise<StreamDescription>;
	createStream(name: string, options: CreateStreamOptions, signal?: AbortSignal): Promise<void>;
	deleteStream(name: string, signal?: AbortSignal): Promise<void>;
	/** Per-record success (ShardId, SequenceNumber) or AWS error code, in request order. */
	putRecords(
		name: string,
		records: PutRecordsRequestEntry[],
		signal?: AbortSignal,
	): Promise<PutRecordsResult>;
	getShardIterator(
		name: string,
		shardId: string,
		from: IteratorStart,
		signal?: AbortSignal,
	): Promise<string>;
	/** Records, the next iterator (absent at the end of a closed shard), MillisBehindLatest, child shards. */
	getRecords(iterator: string, limit?: number, signal?: AbortSignal): Promise<GetRecordsOutput>;
	splitShard(
		name: string,
		shardId: string,
		newStartingHashKey: string,
		signal?: AbortSignal,
	): Promise<void>;
	mergeShards(
		name: string,
		shardId: string,
		adjacentShardId: string,
		signal?: AbortSignal,
	): Promise<void>;
	updateShardCount(name: string, targetShardCount: number, signal?: AbortSignal): Promise<void>;
	/** Releases whatever the driver holds (files, sockets, the data directory). */
	close(): Promise<void>;
};

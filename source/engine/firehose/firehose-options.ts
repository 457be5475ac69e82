/**
 * How the Firehose engine (firehose-engine.ts) is built: clock and identity, where delivery streams,
 * their buffers and the buckets are kept, the Kinesis engine a delivery stream can read, throughput
 * quotas, ticking, sync policy and delivery retries.
 */
import type {Clock} from '../clock.js';
import type {KinesisEngine} from '../engine.js';
import type {FileSystem} from '../log/file-system.js';
import type {SourceStartingPosition} from './kinesis-source.js';

export type FirehoseEngineOptions = {
	clock?: Clock;
	/** Default: the Kinesis engine's, else us-east-1. */
	region?: string;
	/** Default: the Kinesis engine's, else 000000000000. */
	accountId?: string;
	/** Where delivery streams and their buffers are kept (under `firehose/`); undefined: in memory. */
	dataDirectory?: string;
	/**
	 * Where buckets are: `<bucketDirectory>/<bucket>/<key>`. Default `<dataDirectory>/buckets`; without
	 * either, delivered objects are kept in memory (see {@link FirehoseEngine.listObjects}).
	 */
	bucketDirectory?: string;
	/** In memory: the most bytes of delivered objects kept, the oldest expired first (default: no bound). */
	memoryBucketBytes?: number;
	/** The engine KinesisStreamAsSource delivery streams read from. */
	kinesis?: KinesisEngine;
	/** Per-delivery-stream throughput quotas, on by default as in AWS. */
	enforceLimits?: boolean;
	/** How long a delivery stream shows CREATING / DELETING. */
	createDelayMs?: number;
	deleteDelayMs?: number;
	/** How often the engine ticks itself. Default 250 ms with the system clock, never with an injected one. */
	tickIntervalMs?: number;
	/** fdatasync each buffer append before acknowledging it (else every `syncIntervalMs`). */
	syncEveryWrite?: boolean;
	syncIntervalMs?: number;
	/** The buffer files' operations (default node:fs); tests inject disk failures through it. */
	files?: FileSystem;
	/** Failed attempts before a buffer goes to the error output prefix. Default 10. */
	maxDeliveryAttempts?: number;
	/** Default 1,000 ms, doubling per attempt up to `retryMaxDelayMs` (default 5,000 ms). */
	retryBaseDelayMs?: number;
	retryMaxDelayMs?: number;
	/** Give up (error output) this long after the first failure even with attempts left. Default 24 h. */
	retryDurationMs?: number;
	/**
	 * Where a KinesisStreamAsSource delivery stream starts reading shards: TRIM_HORIZON (default) or
	 * AT_DELIVERY_START (AT_TIMESTAMP of its creation, which is what the Firehose guide describes as
	 * reading from LATEST).
	 */
	sourceStartingPosition?: SourceStartingPosition;
};

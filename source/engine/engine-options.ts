/**
 * How the Kinesis engine (engine.ts) is built: clock and identity, where streams are kept and how durably,
 * throughput limits, memory, and the delays of AWS's asynchronous state changes.
 */
import type {Clock} from './clock.js';
import type {FileSystem} from './log/file-system.js';

export type EngineOptions = {
	clock?: Clock;
	region?: string;
	accountId?: string;
	/** Where streams are kept; undefined keeps everything in memory. */
	dataDirectory?: string;
	/** Per-shard throughput limits, on by default as in AWS. */
	enforceLimits?: boolean;
	/** How long a stream shows CREATING / DELETING / UPDATING. */
	createDelayMs?: number;
	deleteDelayMs?: number;
	updateDelayMs?: number;
	/** fdatasync before acknowledging each group commit (else every `syncIntervalMs`). */
	syncEveryWrite?: boolean;
	syncIntervalMs?: number;
	/** The write path's file operations (default node:fs); tests inject disk failures through it. */
	files?: FileSystem;
	segmentBytes?: number;
	/** On-disk mode: segment data kept cached in memory (default `memoryBudgetBytes`, else 256 MiB). */
	cacheBytes?: number;
	/**
	 * The memory budget for record data (default 512 MiB). In memory-only mode, the most record data
	 * kept: beyond it the oldest records of the largest streams are trimmed, as if retention had expired
	 * them (memory-budget.ts), so a long-running demo cannot exhaust memory. With a data directory every
	 * record stays on disk and, when given, this bounds the segment cache instead (unless `cacheBytes` is).
	 */
	memoryBudgetBytes?: number;
	/** How long a consumer shows CREATING after RegisterStreamConsumer / DELETING after deregistering. */
	consumerCreateDelayMs?: number;
	consumerDeleteDelayMs?: number;
	/** SubscribeToShard: lifetime (engine clock, default 5 min), shard poll interval, empty-event interval. */
	subscriptionLifetimeMs?: number;
	subscriptionPollMs?: number;
	subscriptionHeartbeatMs?: number;
};

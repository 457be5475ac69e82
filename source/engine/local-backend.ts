/**
 * The whole bundled backend: the Kinesis engine and the Firehose engine built on it (KinesisStreamAsSource
 * delivery streams read its streams; both record into one CloudWatch metrics recorder). The local driver,
 * `serve` and the console's loopback server all open it through here, so they agree on where each part
 * keeps its data: the streams in DATA/, delivery streams under DATA/firehose/, delivered objects under
 * DATA/buckets/ (or `bucketDirectory`).
 */
import {KinesisEngine, type EngineOptions} from './engine.js';
import {FirehoseEngine} from './firehose/firehose-engine.js';
import {DEFAULT_MEMORY_BUDGET_BYTES} from './memory-budget.js';
import type {MetricsRecorder} from './metrics.js';

export type LocalBackendOptions = EngineOptions & {
	/** Where Firehose's local S3 buckets are (default DATA/buckets, or memory without a data directory). */
	bucketDirectory?: string;
};

export class LocalBackend {
	private closing: Promise<void> | undefined;

	constructor(
		readonly kinesis: KinesisEngine,
		readonly firehose: FirehoseEngine,
	) {}

	/** Opens both engines on the same data directory (or both in memory), taking its locks. */
	static open(options: LocalBackendOptions = {}) {
		const kinesis = new KinesisEngine(options);
		try {
			const firehose = new FirehoseEngine({
				kinesis,
				clock: options.clock,
				dataDirectory: kinesis.dataDirectory,
				bucketDirectory: options.bucketDirectory,
				// Delivered objects kept in memory share the memory budget: an eighth of it.
				memoryBucketBytes: (options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES) / 8,
				enforceLimits: options.enforceLimits,
				createDelayMs: options.createDelayMs,
				deleteDelayMs: options.deleteDelayMs,
				syncEveryWrite: options.syncEveryWrite,
				syncIntervalMs: options.syncIntervalMs,
				files: options.files,
			});
			return new LocalBackend(kinesis, firehose);
		} catch (error) {
			void kinesis.close();
			throw error;
		}
	}

	get dataDirectory() {
		return this.kinesis.dataDirectory;
	}

	/** The CloudWatch recorder both engines write to. */
	get metrics(): MetricsRecorder {
		return this.kinesis.metrics;
	}

	/** Calls `listener` when either engine fails to write to the data directory (for serve's log). */
	onDiskFailure(listener: (message: string) => void): () => void {
		const stops = [this.kinesis.onDiskFailure(listener), this.firehose.onDiskFailure(listener)];
		return () => {
			for (const stop of stops) stop();
		};
	}

	/** Records the loopback endpoint serving this backend, for other processes on the same directory. */
	recordEndpoint(endpoint: string) {
		this.kinesis.recordEndpoint(endpoint);
	}

	/**
	 * Firehose first (it stops reading the Kinesis streams it is fed from), then Kinesis; each waits for
	 * its pending writes and releases its part of the data directory.
	 */
	close() {
		this.closing ??= (async () => {
			try {
				await this.firehose.close();
			} finally {
				await this.kinesis.close();
			}
		})();
		return this.closing;
	}
}

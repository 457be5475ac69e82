/** Kinesis Data Streams quotas, as the developer guide lists them. */
export const LIMITS = {
	maxRecordBytes: 1024 * 1024,
	maxPartitionKeyLength: 256,
	maxPutRecordsEntries: 500,
	maxPutRecordsBytes: 5 * 1024 * 1024,
	maxGetRecordsLimit: 10_000,
	maxGetRecordsBytes: 10 * 1024 * 1024,
	shardWriteRecordsPerSecond: 1000,
	shardWriteBytesPerSecond: 1024 * 1024,
	shardReadCallsPerSecond: 5,
	shardReadBytesPerSecond: 2 * 1024 * 1024,
	iteratorLifetimeMs: 5 * 60 * 1000,
	minRetentionHours: 24,
	maxRetentionHours: 8760,
	defaultRetentionHours: 24,
	onDemandInitialShards: 4,
	accountShardLimit: 500,
	maxStreamNameLength: 128,
	updateShardCountPerDay: 10,
} as const;

/**
 * Counts use within the current one-second window, as the per-shard throughput limits do. Kinesis
 * measures per second; a fresh window each second reproduces that closely enough to throttle exactly
 * the bursts AWS would.
 */
export class PerSecondMeter {
	private second = -1;
	count = 0;
	bytes = 0;

	/** Brings the window up to `nowMs`, resetting it when a new second has begun. */
	at(nowMs: number) {
		const second = Math.floor(nowMs / 1000);
		if (second !== this.second) {
			this.second = second;
			this.count = 0;
			this.bytes = 0;
		}

		return this;
	}
}

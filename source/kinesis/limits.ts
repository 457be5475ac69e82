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

/** Enhanced fan-out consumers: per stream, at once in CREATING, per ListStreamConsumers page. */
export const CONSUMER_LIMITS = {
	perStream: 20,
	creatingAtOnce: 5,
	maxListResults: 100,
	nextTokenLifetimeMs: 300_000,
} as const;

/** Per-stream settings: record size, encryption and capacity-mode changes, warm throughput. */
export const SETTINGS_LIMITS = {
	minRecordSizeKiB: 1024,
	maxRecordSizeKiB: 10_240,
	defaultRecordSizeKiB: 1024,
	encryptionChangesPerDay: 25,
	modeSwitchesPerDay: 2,
	maxWarmThroughputMiBps: 10_240,
	onDemandStreamLimit: 50,
} as const;

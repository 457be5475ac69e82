/**
 * Amazon Data Firehose quotas, as the developer guide ("Amazon Data Firehose quota") and the API
 * reference list them. The per-delivery-stream throughput quotas are the DirectPut defaults of
 * us-east-1 (the largest region defaults); they are enforced by default and can be switched off
 * (`enforceLimits: false`) like the Kinesis engine's.
 */
export const FIREHOSE_LIMITS = {
	/** A record's data blob, before base64: 1,000 KiB. */
	maxRecordBytes: 1_024_000,
	maxBatchRecords: 500,
	/** A PutRecordBatch request's records: 4 MiB. */
	maxBatchBytes: 4 * 1024 * 1024,
	recordsPerSecond: 500_000,
	requestsPerSecond: 2_000,
	bytesPerSecond: 5 * 1024 * 1024,
	maxDeliveryStreamNameLength: 64,
	deliveryStreamsPerRegion: 5_000,
	maxTags: 50,
	maxTagKeyLength: 128,
	maxTagValueLength: 256,
	minBufferSizeMiB: 1,
	maxBufferSizeMiB: 128,
	defaultBufferSizeMiB: 5,
	minBufferIntervalSeconds: 0,
	maxBufferIntervalSeconds: 900,
	defaultBufferIntervalSeconds: 300,
	maxPrefixLength: 1024,
	maxEvaluatedPrefixLength: 512,
	defaultListLimit: 10,
	maxListLimit: 10_000,
	/** Firehose keeps undelivered data, retrying S3, for up to 24 hours. */
	maxRetentionMs: 24 * 60 * 60 * 1000,
	/** Firehose reads each shard of a source stream once per second. */
	sourcePollIntervalMs: 1000,
	/** DescribeDeliveryStream's only destination. */
	destinationId: 'destinationId-000000000001',
} as const;

/**
 * The Kinesis Data Streams shapes, named and structured as the AWS API reference names them.
 *
 * The engine speaks these shapes so that the wire server, the drivers and `--json` output can pass them
 * through without translation. Timestamps are `Date`s as in the AWS SDK v3; record data is raw bytes.
 */

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export type ShardIteratorType =
	'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

export type HashKeyRange = {
	/** Decimal string, 0 … 2^128-1. */
	StartingHashKey: string;
	EndingHashKey: string;
};

export type SequenceNumberRange = {
	StartingSequenceNumber: string;
	/** Present once the shard is closed. */
	EndingSequenceNumber?: string;
};

export type Shard = {
	ShardId: string;
	ParentShardId?: string;
	AdjacentParentShardId?: string;
	HashKeyRange: HashKeyRange;
	SequenceNumberRange: SequenceNumberRange;
};

export type EnhancedMetrics = {ShardLevelMetrics: string[]};

export type StreamDescriptionSummary = {
	StreamName: string;
	StreamARN: string;
	StreamStatus: StreamStatus;
	StreamModeDetails: {StreamMode: StreamMode};
	RetentionPeriodHours: number;
	StreamCreationTimestamp: Date;
	EnhancedMonitoring: EnhancedMetrics[];
	EncryptionType: 'NONE' | 'KMS';
	KeyId?: string;
	OpenShardCount: number;
	ConsumerCount: number;
	MaxRecordSizeInKiB?: number;
	/** ON_DEMAND streams in accounts with a minimum throughput billing commitment only. */
	WarmThroughput?: {TargetMiBps?: number; CurrentMiBps?: number};
	/** ON_DEMAND streams only. */
	RecordDistributionStrategy?: 'AUTO' | 'USER_PARTITION_KEY';
	ChannelCount?: number;
};

export type StreamDescription = {
	StreamName: string;
	StreamARN: string;
	StreamStatus: StreamStatus;
	StreamModeDetails: {StreamMode: StreamMode};
	Shards: Shard[];
	HasMoreShards: boolean;
	RetentionPeriodHours: number;
	StreamCreationTimestamp: Date;
	EnhancedMonitoring: EnhancedMetrics[];
	EncryptionType: 'NONE' | 'KMS';
	KeyId?: string;
};

export type PutRecordsRequestEntry = {
	Data: Uint8Array;
	PartitionKey: string;
	ExplicitHashKey?: string;
};

/** One entry per request entry, in order: either ShardId + SequenceNumber or ErrorCode + ErrorMessage. */
export type PutRecordsResultEntry =
	| {ShardId: string; SequenceNumber: string; ErrorCode?: undefined; ErrorMessage?: undefined}
	| {ShardId?: undefined; SequenceNumber?: undefined; ErrorCode: string; ErrorMessage: string};

export type PutRecordsOutput = {
	FailedRecordCount: number;
	Records: PutRecordsResultEntry[];
	EncryptionType: 'NONE' | 'KMS';
};

export type PutRecordOutput = {
	ShardId: string;
	SequenceNumber: string;
	EncryptionType: 'NONE' | 'KMS';
};

export type KinesisRecord = {
	SequenceNumber: string;
	ApproximateArrivalTimestamp: Date;
	Data: Uint8Array;
	PartitionKey: string;
	EncryptionType?: 'NONE' | 'KMS';
};

export type ChildShard = {
	ShardId: string;
	ParentShards: string[];
	HashKeyRange: HashKeyRange;
};

export type GetRecordsOutput = {
	Records: KinesisRecord[];
	/** Absent (undefined) once a closed shard has been read to its end. */
	NextShardIterator?: string;
	MillisBehindLatest: number;
	ChildShards?: ChildShard[];
};

export type Tag = {Key: string; Value?: string};

export type RecordDistributionStrategy = 'AUTO' | 'USER_PARTITION_KEY';

// ─── Enhanced fan-out consumers ─────────────────────────────────────────────────────────────────

export type ConsumerStatus = 'CREATING' | 'ACTIVE' | 'DELETING';

export type Consumer = {
	ConsumerName: string;
	ConsumerARN: string;
	ConsumerStatus: ConsumerStatus;
	ConsumerCreationTimestamp: Date;
};

export type ConsumerDescription = Consumer & {StreamARN: string};

/** How DescribeStreamConsumer and DeregisterStreamConsumer name a consumer. */
export type ConsumerRef = {ConsumerARN?: string; StreamARN?: string; ConsumerName?: string};

/** How an action names its stream: by name or by ARN (since the StreamARN update, either). */
export type StreamRef = {StreamName?: string; StreamARN?: string};

/** CreateStream's input. */
export type CreateStreamInput = {
	StreamName: string;
	ShardCount?: number;
	StreamModeDetails?: {StreamMode: StreamMode};
	Tags?: Record<string, string>;
	MaxRecordSizeInKiB?: number;
	WarmThroughputMiBps?: number;
	RecordDistributionStrategy?: string;
};

/** GetShardIterator's input. */
export type GetShardIteratorInput = StreamRef & {
	ShardId: string;
	ShardIteratorType: ShardIteratorType;
	StartingSequenceNumber?: string;
	Timestamp?: Date | number;
};

/** RegisterStreamConsumer's input. */
export type RegisterStreamConsumerInput = {
	StreamARN?: string;
	ConsumerName?: string;
	Tags?: Record<string, string>;
};

/** UpdateStreamRecordDistributionStrategy's input. */
export type UpdateStreamRecordDistributionStrategyInput = {
	StreamARN?: string;
	RecordDistributionStrategy?: string;
};

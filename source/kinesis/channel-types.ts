/**
 * The Kinesis channel shapes (CreateChannel, UpdateChannel, DescribeChannel), named and structured as
 * the Kinesis API reference names them.
 */

export type ChannelStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'FAILED';

export type RecordConfiguration = {RecordFormatType: string; GSRSchemaARN?: string};
export type DeadLetterQueue = {
	BucketARN: string;
	ExpectedBucketOwner: string;
	ErrorOutputPrefix?: string;
};
export type S3Destination = {
	DataFreshnessInSeconds: number;
	DeadLetterQueueS3Configuration: DeadLetterQueue;
	StorageConfiguration: {
		BucketARN: string;
		ExpectedBucketOwner: string;
		OutputKeyTemplate?: string;
		StorageClass?: string;
		CompressionType: string;
	};
};
export type S3TablesDestination = {
	DataFreshnessInSeconds: number;
	DeadLetterQueueS3Configuration: DeadLetterQueue;
	S3TablesConfigurationList: Array<{
		TableBucketARN: string;
		Namespace: string;
		TableName: string;
		CompressionType: string;
		PartitionSpec?: {PartitionFields: Array<{Transform: string; SourceName: string}>};
	}>;
};
export type Logging = {
	CloudWatchLogs: {Enabled: boolean; LogGroupName?: string; LogStreamName?: string};
};

export type CreateChannelInput = {
	ChannelName?: string;
	ServiceExecutionRoleARN?: string;
	StreamConfigurationList?: Array<{
		StreamARN?: string;
		RecordConfiguration?: Partial<RecordConfiguration>;
	}>;
	S3DestinationConfiguration?: DeepPartial<S3Destination>;
	S3TablesDestinationConfiguration?: DeepPartial<S3TablesDestination>;
	EncryptionConfiguration?: {EncryptionType?: string; KeyId?: string};
	Tags?: Record<string, string>;
	LoggingConfiguration?: DeepPartial<Logging>;
};

export type UpdateChannelInput = {
	ChannelARN?: string;
	S3DestinationConfiguration?: {DataFreshnessInSeconds?: number};
	S3TablesDestinationConfiguration?: {DataFreshnessInSeconds?: number};
	LoggingConfiguration?: DeepPartial<Logging>;
};

export type DeepPartial<T> = T extends object ? {[K in keyof T]?: DeepPartial<T[K]>} : T;

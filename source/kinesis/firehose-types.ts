/**
 * The Amazon Data Firehose shapes the local engine speaks, named and structured as the Firehose API
 * reference (and `@aws-sdk/client-firehose`) names them, so that the wire server and the drivers can
 * pass them through without translation. Only the S3 destination family is modelled in detail: it is
 * the one destination the local engine delivers to (a directory per bucket).
 */

export type DeliveryStreamType =
	'DirectPut' | 'KinesisStreamAsSource' | 'MSKAsSource' | 'DatabaseAsSource';

export type DeliveryStreamStatus =
	'CREATING' | 'CREATING_FAILED' | 'DELETING' | 'DELETING_FAILED' | 'ACTIVE';

export type CompressionFormat = 'UNCOMPRESSED' | 'GZIP' | 'ZIP' | 'Snappy' | 'HADOOP_SNAPPY';

export type Tag = {Key: string; Value?: string};

export type BufferingHints = {SizeInMBs?: number; IntervalInSeconds?: number};

export type ProcessorParameter = {ParameterName: string; ParameterValue: string};

export type Processor = {Type: string; Parameters?: ProcessorParameter[]};

export type ProcessingConfiguration = {Enabled?: boolean; Processors?: Processor[]};

export type EncryptionConfiguration = {
	NoEncryptionConfig?: 'NoEncryption';
	KMSEncryptionConfig?: {AWSKMSKeyARN: string};
};

export type CloudWatchLoggingOptions = {
	Enabled?: boolean;
	LogGroupName?: string;
	LogStreamName?: string;
};

/** `S3DestinationConfiguration` (the deprecated plain S3 destination). */
export type S3DestinationConfiguration = {
	RoleARN: string;
	BucketARN: string;
	Prefix?: string;
	ErrorOutputPrefix?: string;
	BufferingHints?: BufferingHints;
	CompressionFormat?: CompressionFormat;
	EncryptionConfiguration?: EncryptionConfiguration;
	CloudWatchLoggingOptions?: CloudWatchLoggingOptions;
};

/** `ExtendedS3DestinationConfiguration`: the S3 destination with processing and the newer options. */
export type ExtendedS3DestinationConfiguration = S3DestinationConfiguration & {
	ProcessingConfiguration?: ProcessingConfiguration;
	S3BackupMode?: 'Disabled' | 'Enabled';
	S3BackupConfiguration?: S3DestinationConfiguration;
	DataFormatConversionConfiguration?: {Enabled?: boolean} & Record<string, unknown>;
	DynamicPartitioningConfiguration?: {
		Enabled?: boolean;
		RetryOptions?: {DurationInSeconds?: number};
	};
	FileExtension?: string;
	CustomTimeZone?: string;
};

export type S3DestinationUpdate = Partial<S3DestinationConfiguration>;
export type ExtendedS3DestinationUpdate = Partial<ExtendedS3DestinationConfiguration>;

export type KinesisStreamSourceConfiguration = {KinesisStreamARN: string; RoleARN: string};

export type CreateDeliveryStreamInput = {
	DeliveryStreamName: string;
	DeliveryStreamType?: DeliveryStreamType;
	KinesisStreamSourceConfiguration?: KinesisStreamSourceConfiguration;
	DirectPutSourceConfiguration?: {ThroughputHintInMBs?: number};
	S3DestinationConfiguration?: S3DestinationConfiguration;
	ExtendedS3DestinationConfiguration?: ExtendedS3DestinationConfiguration;
	Tags?: Tag[];
	/** Any other destination (Redshift, OpenSearch, Splunk, HTTP, …): refused by the local engine. */
	[otherDestination: string]: unknown;
};

export type UpdateDestinationInput = {
	DeliveryStreamName: string;
	CurrentDeliveryStreamVersionId: string;
	DestinationId: string;
	S3DestinationUpdate?: S3DestinationUpdate;
	ExtendedS3DestinationUpdate?: ExtendedS3DestinationUpdate;
	[otherDestination: string]: unknown;
};

export type S3DestinationDescription = {
	RoleARN: string;
	BucketARN: string;
	Prefix?: string;
	ErrorOutputPrefix?: string;
	BufferingHints: Required<BufferingHints>;
	CompressionFormat: CompressionFormat;
	EncryptionConfiguration: EncryptionConfiguration;
	CloudWatchLoggingOptions: CloudWatchLoggingOptions;
};

export type ExtendedS3DestinationDescription = S3DestinationDescription & {
	ProcessingConfiguration: ProcessingConfiguration;
	S3BackupMode: 'Disabled' | 'Enabled';
	DataFormatConversionConfiguration?: {Enabled?: boolean} & Record<string, unknown>;
	DynamicPartitioningConfiguration?: {
		Enabled?: boolean;
		RetryOptions?: {DurationInSeconds?: number};
	};
	FileExtension?: string;
	CustomTimeZone?: string;
};

export type DestinationDescription = {
	DestinationId: string;
	S3DestinationDescription: S3DestinationDescription;
	ExtendedS3DestinationDescription: ExtendedS3DestinationDescription;
};

export type SourceDescription = {
	DirectPutSourceDescription?: {ThroughputHintInMBs?: number};
	KinesisStreamSourceDescription?: {
		KinesisStreamARN: string;
		RoleARN: string;
		DeliveryStartTimestamp: Date;
	};
};

export type DeliveryStreamDescription = {
	DeliveryStreamName: string;
	DeliveryStreamARN: string;
	DeliveryStreamStatus: DeliveryStreamStatus;
	DeliveryStreamEncryptionConfiguration: {Status: 'DISABLED'};
	DeliveryStreamType: DeliveryStreamType;
	VersionId: string;
	CreateTimestamp: Date;
	LastUpdateTimestamp?: Date;
	Source?: SourceDescription;
	Destinations: DestinationDescription[];
	HasMoreDestinations: boolean;
};

export type FirehoseRecord = {Data: Uint8Array};

export type PutRecordOutput = {RecordId: string; Encrypted: boolean};

/** One entry per request record, in order: either a RecordId or ErrorCode + ErrorMessage. */
export type PutRecordBatchResponseEntry =
	| {RecordId: string; ErrorCode?: undefined; ErrorMessage?: undefined}
	| {RecordId?: undefined; ErrorCode: string; ErrorMessage: string};

export type PutRecordBatchOutput = {
	FailedPutCount: number;
	Encrypted: boolean;
	RequestResponses: PutRecordBatchResponseEntry[];
};

/** DescribeDeliveryStream's input. */
export type DescribeDeliveryStreamInput = {
	DeliveryStreamName: string;
	Limit?: number;
	ExclusiveStartDestinationId?: string;
};

/** ListDeliveryStreams' input. */
export type ListDeliveryStreamsInput = {
	Limit?: number;
	DeliveryStreamType?: DeliveryStreamType;
	ExclusiveStartDeliveryStreamName?: string;
};

/** ListTagsForDeliveryStream's input. */
export type ListTagsForDeliveryStreamInput = {
	DeliveryStreamName: string;
	ExclusiveStartTagKey?: string;
	Limit?: number;
};

/** PutRecordBatch's input. */
export type PutRecordBatchInput = {
	DeliveryStreamName: string;
	Records: FirehoseRecord[];
};

/**
 * The contract's shapes for the consumers of a stream that live outside Kinesis: the DynamoDB tables
 * where KCL applications keep their leases, and the Lambda event-source mappings that read the stream.
 * AWS's own shapes (DynamoDB's attribute values, Lambda's EventSourceMappingConfiguration), so a lease
 * reads exactly as KCL wrote it and `--json` passes a mapping through unchanged.
 */

/** One DynamoDB attribute value in DynamoDB's wire shape (`{S: '…'}`, `{N: '42'}`, `{SS: […]}`, …). */
export type AttributeValue = {
	S?: string;
	N?: string;
	B?: Uint8Array;
	SS?: string[];
	NS?: string[];
	BS?: Uint8Array[];
	BOOL?: boolean;
	NULL?: boolean;
	M?: Record<string, AttributeValue>;
	L?: AttributeValue[];
};

/** One DynamoDB item: attribute name → value. */
export type TableItem = Record<string, AttributeValue>;

/** What DescribeTable tells about a table that matters for recognising a lease table. */
export type TableDescription = {
	TableName: string;
	TableStatus: string;
	/** The primary key: KCL's lease tables have one HASH key, `leaseKey`, of type S. */
	KeySchema: Array<{AttributeName: string; KeyType: 'HASH' | 'RANGE'}>;
	/** Each key attribute's type (S, N or B). */
	KeyAttributeTypes: Record<string, string>;
	/** Approximate, refreshed by DynamoDB every six hours or so. */
	ItemCount?: number;
	CreationDateTime?: Date;
	/** KCL 3.x adds the `LeaseOwnerToLeaseKeyIndex` index to its lease tables. */
	GlobalSecondaryIndexNames: string[];
};

/** One page of a Scan: the items and, when there are more, where the next page starts. */
export type ScanPage = {Items: TableItem[]; LastEvaluatedKey?: TableItem};

export type ScanOptions = {
	/** Items to read at most in this call (DynamoDB's `Limit`). */
	limit: number;
	exclusiveStartKey?: TableItem;
};

/**
 * A conditional UpdateItem: what to write, what to remove, and what must hold first. The item must
 * exist (an UpdateItem would otherwise create it) and each `expected` attribute must have exactly that
 * value now, or nothing is written and the call fails with ConditionalCheckFailedException: so a repair
 * of a KCL lease conditioned on the `leaseCounter` it read cannot clobber a worker's renewal made since.
 */
export type ItemUpdate = {
	/** Attributes to write (DynamoDB's SET), in DynamoDB's wire shape. */
	set: TableItem;
	/** Attributes to remove (DynamoDB's REMOVE). */
	remove?: string[];
	/** Attributes that must hold exactly these values for the write to happen. */
	expected: TableItem;
};

/** A Lambda event-source mapping on a stream, in Lambda's EventSourceMappingConfiguration shape. */
export type EventSourceMapping = {
	UUID: string;
	/** Creating, Enabling, Enabled, Disabling, Disabled, Updating, Deleting. */
	State: string;
	StateTransitionReason?: string;
	FunctionArn: string;
	EventSourceArn: string;
	BatchSize?: number;
	MaximumBatchingWindowInSeconds?: number;
	ParallelizationFactor?: number;
	/** TRIM_HORIZON, LATEST or AT_TIMESTAMP. */
	StartingPosition?: string;
	StartingPositionTimestamp?: Date;
	BisectBatchOnFunctionError?: boolean;
	/** -1: records are retried until they expire. */
	MaximumRecordAgeInSeconds?: number;
	/** -1: retried until the record expires. */
	MaximumRetryAttempts?: number;
	TumblingWindowInSeconds?: number;
	/** `OK`, `PROBLEM: Function call failed`, `No records processed`, … */
	LastProcessingResult?: string;
	LastModified?: Date;
	/** Where the details of a batch that kept failing go (an SQS queue, SNS topic, S3 bucket or Kafka). */
	OnFailureDestination?: string;
};

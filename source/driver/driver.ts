/**
 * THE contract between kinesis-top's models and a backend. Every backend — the bundled local engine, real
 * AWS, or any Kinesis-compatible endpoint — implements `Driver`, and every implementation passes the same
 * contract suite (test/driver-contract.test.ts). The domain types are AWS's own shapes, re-exported from
 * source/kinesis/ (which belongs to no backend), so `--json` output and the wire server pass them
 * through unchanged.
 */
export type {
	ChildShard,
	Consumer,
	ConsumerStatus,
	GetRecordsOutput,
	KinesisRecord,
	PutRecordsRequestEntry,
	PutRecordsResultEntry,
	Shard,
	StreamDescription,
	StreamDescriptionSummary,
	StreamMode,
	StreamStatus,
} from '../kinesis/types.js';
export type {
	DeliveryStreamDescription,
	DeliveryStreamStatus,
	DeliveryStreamType,
	FirehoseRecord,
	PutRecordBatchOutput,
	PutRecordBatchResponseEntry,
} from '../kinesis/firehose-types.js';
export type {Statistic} from '../kinesis/cloudwatch-types.js';
export type {
	AttributeValue,
	EventSourceMapping,
	ItemUpdate,
	ScanOptions,
	ScanPage,
	TableDescription,
	TableItem,
} from './consumer-sources.js';
import type {
	EventSourceMapping,
	ItemUpdate,
	ScanOptions,
	ScanPage,
	TableDescription,
	TableItem,
} from './consumer-sources.js';
import type {
	DeliveryStreamDescription,
	FirehoseRecord,
	PutRecordBatchOutput,
} from '../kinesis/firehose-types.js';
import type {Statistic} from '../kinesis/cloudwatch-types.js';
import type {
	Consumer,
	GetRecordsOutput,
	PutRecordsRequestEntry,
	PutRecordsResultEntry,
	StreamDescription,
	StreamDescriptionSummary,
	StreamMode,
} from '../kinesis/types.js';

/** What the header shows: which backend, where, and whether mutations are allowed. */
export type Target = {
	backend: 'local' | 'aws' | 'endpoint';
	region: string;
	/** Account id where known (AWS: from the stream ARNs or STS; local: the engine's). */
	account?: string;
	/** Endpoint URL for `endpoint`, the data directory (or "in memory") for `local`. */
	location?: string;
	readOnly: boolean;
	/** The named context it was opened as (contexts/), when there is one: the header shows its label. */
	context?: TargetContext;
};

export type TargetContext = {
	name: string;
	label: string;
	/** An Ink colour name for the label (red for production unless configured otherwise). */
	color?: string;
	production: boolean;
};

/** Where a new iterator starts: the five GetShardIterator types. */
export type IteratorStart =
	| {type: 'LATEST'}
	| {type: 'TRIM_HORIZON'}
	| {type: 'AT_SEQUENCE_NUMBER'; sequenceNumber: string}
	| {type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string}
	| {type: 'AT_TIMESTAMP'; timestamp: Date};

export type CreateStreamOptions =
	| {mode: Extract<StreamMode, 'PROVISIONED'>; shardCount: number}
	| {mode: Extract<StreamMode, 'ON_DEMAND'>};

export type PutRecordsResult = {failedRecordCount: number; records: PutRecordsResultEntry[]};

/**
 * One CloudWatch series to fetch: a metric of a stream, a shard or a delivery stream, one statistic, at
 * one period. The names are CloudWatch's (namespace AWS/Kinesis or AWS/Firehose, metric names such as
 * IncomingRecords or GetRecords.IteratorAgeMilliseconds, dimensions StreamName [+ ShardId] or
 * DeliveryStreamName), so the same query means the same thing locally and on AWS.
 */
export type MetricQuery = {
	namespace: 'AWS/Kinesis' | 'AWS/Firehose' | 'AWS/Lambda';
	metricName: string;
	dimensions: Readonly<Record<string, string>>;
	statistic: Statistic;
	/** A multiple of 60 (CloudWatch's standard resolution). */
	periodSeconds: number;
};

export type MetricsRequest = {queries: readonly MetricQuery[]; start: Date; end: Date};

export type MetricPoint = {timestamp: Date; value: number};

/** The answer to one {@link MetricQuery}: its datapoints oldest first; periods without data are absent. */
export type MetricSeries = {query: MetricQuery; points: MetricPoint[]};

/** One object a delivery stream wrote to its destination. */
export type DeliveryRecord = {
	ObjectKey: string;
	/** Bytes of the object as written (after compression). */
	Bytes: number;
	Records: number;
	DeliveredAt: Date;
	/** Written under the error output prefix after delivery kept failing. */
	ErrorOutput: boolean;
};

/**
 * A delivery stream's buffer against its buffering hints. Exact on the local engine (`Estimate: false`);
 * on AWS, which has no API for it, estimated from CloudWatch (`Estimate: true`): IncomingBytes since the
 * last delivery against SizeInMBs, DataFreshness against IntervalInSeconds; fields AWS cannot tell are
 * absent.
 */
export type DeliveryStreamBuffer = {
	Estimate: boolean;
	SizeLimitBytes: number;
	IntervalMillis: number;
	BufferedBytes?: number;
	BufferedRecords?: number;
	/** Age of the oldest buffered record (on AWS: DataFreshness). */
	OldestRecordAgeMillis?: number;
	/** Time left until the interval hint delivers the buffer; absent when it is empty or unknown. */
	MillisUntilIntervalFlush?: number;
	/** The last objects written, newest last (local only). */
	LastDeliveries?: DeliveryRecord[];
	/** Delivery attempts that failed since start (local) or in the last hour (AWS). */
	FailedDeliveries?: number;
};

/** DescribeDeliveryStream's answer plus the live buffer state: what `firehose describe --json` prints. */
export type DeliveryStreamDetail = DeliveryStreamDescription & {Buffer: DeliveryStreamBuffer};

/**
 * An error that crossed the contract. `code` is the AWS exception name (ResourceNotFoundException,
 * ProvisionedThroughputExceededException, ExpiredIteratorException, …) whichever backend raised it;
 * `retryable` says whether the same call may succeed later unchanged.
 */
export class DriverError extends Error {
	override readonly name = 'DriverError';

	constructor(
		readonly code: string,
		message: string,
		readonly retryable = false,
	) {
		super(message);
	}
}

/** Mutating calls a read-only driver refuses. */
export const MUTATING_METHODS = [
	'createStream',
	'deleteStream',
	'putRecords',
	'splitShard',
	'mergeShards',
	'updateShardCount',
	'putRecordBatch',
	'updateTableItem',
] as const;

export type Driver = {
	readonly target: Target;
	listStreams(signal?: AbortSignal): Promise<string[]>;
	describeStreamSummary(name: string, signal?: AbortSignal): Promise<StreamDescriptionSummary>;
	/** All shards, open and closed, with lineage and hash-key ranges. */
	describeStream(name: string, signal?: AbortSignal): Promise<StreamDescription>;
	createStream(name: string, options: CreateStreamOptions, signal?: AbortSignal): Promise<void>;
	deleteStream(name: string, signal?: AbortSignal): Promise<void>;
	/** Per-record success (ShardId, SequenceNumber) or AWS error code, in request order. */
	putRecords(
		name: string,
		records: PutRecordsRequestEntry[],
		signal?: AbortSignal,
	): Promise<PutRecordsResult>;
	getShardIterator(
		name: string,
		shardId: string,
		from: IteratorStart,
		signal?: AbortSignal,
	): Promise<string>;
	/** Records, the next iterator (absent at the end of a closed shard), MillisBehindLatest, child shards. */
	getRecords(iterator: string, limit?: number, signal?: AbortSignal): Promise<GetRecordsOutput>;
	splitShard(
		name: string,
		shardId: string,
		newStartingHashKey: string,
		signal?: AbortSignal,
	): Promise<void>;
	mergeShards(
		name: string,
		shardId: string,
		adjacentShardId: string,
		signal?: AbortSignal,
	): Promise<void>;
	updateShardCount(name: string, targetShardCount: number, signal?: AbortSignal): Promise<void>;
	/**
	 * The stream's registered enhanced fan-out consumers (ListStreamConsumers, all pages), oldest first,
	 * with their status. Takes the stream's ARN, or its name (then described first for the ARN, which
	 * ListStreamConsumers requires).
	 */
	listStreamConsumers(streamArnOrName: string, signal?: AbortSignal): Promise<Consumer[]>;
	/**
	 * CloudWatch datapoints, one series per query in request order (GetMetricData on AWS, the engine's
	 * recorder locally). Periods without data have no point.
	 */
	getMetrics(request: MetricsRequest, signal?: AbortSignal): Promise<MetricSeries[]>;
	/** Firehose delivery stream names, all pages. */
	listDeliveryStreams(signal?: AbortSignal): Promise<string[]>;
	describeDeliveryStream(name: string, signal?: AbortSignal): Promise<DeliveryStreamDetail>;
	/** Per-record RecordId or error code, in request order, as Firehose's PutRecordBatch. */
	putRecordBatch(
		deliveryStream: string,
		records: FirehoseRecord[],
		signal?: AbortSignal,
	): Promise<PutRecordBatchOutput>;
	/**
	 * Puts (putRecords, putRecordBatch) whose answers were lost after the request was sent, so far: each
	 * may have been stored, and a retry of it stored again. Always 0 for the engine in this process.
	 */
	lostPutAnswers(): number;
	/**
	 * A standing notice from the backend for the console's header, or undefined: the local engine says
	 * here, once it happens, that it trims records before their retention to stay within its memory
	 * budget. Optional: remote backends have nothing to say.
	 */
	backendNotice?(): BackendNotice | undefined;
	/** Releases whatever the driver holds (files, sockets, the data directory). */
	close(): Promise<void>;
	/**
	 * DynamoDB table names, all pages (ListTables): where KCL applications' lease tables are looked for.
	 * A backend without DynamoDB answers no tables.
	 */
	listTables(signal?: AbortSignal): Promise<string[]>;
	/** DescribeTable: key schema, item count, indexes; ResourceNotFoundException for an unknown table. */
	describeTable(table: string, signal?: AbortSignal): Promise<TableDescription>;
	/** One Scan call of at most `options.limit` items, in DynamoDB's item shape (as KCL wrote them). */
	scanTable(table: string, options: ScanOptions, signal?: AbortSignal): Promise<ScanPage>;
	/**
	 * A conditional UpdateItem of the item with primary key `key` (see {@link ItemUpdate}): the item as
	 * written (ReturnValues ALL_NEW), or ConditionalCheckFailedException when it is absent or an
	 * expected attribute differs — nothing is written then. Mutating: a read-only driver refuses it.
	 */
	updateTableItem(
		table: string,
		key: TableItem,
		update: ItemUpdate,
		signal?: AbortSignal,
	): Promise<TableItem>;
	/**
	 * The Lambda event-source mappings reading the stream (ListEventSourceMappings by its ARN, all
	 * pages). A backend without Lambda answers none.
	 */
	listEventSourceMappings(streamArn: string, signal?: AbortSignal): Promise<EventSourceMapping[]>;
};

/** A condition of the backend itself that the console shows until it ends. */
export type BackendNotice = {
	/** A few words for the header. */
	summary: string;
	/** The whole sentence: what happens and why. */
	detail: string;
};

/** The Driver over the bundled engine, in this process. */
import type {KinesisEngine} from '../engine/engine.js';
import {KinesisError} from '../engine/errors.js';
import type {FirehoseEngine} from '../engine/firehose/firehose-engine.js';
import type {BufferState} from '../engine/firehose/types.js';
import {LocalBackend, type LocalBackendOptions} from '../engine/local-backend.js';
import {
	DriverError,
	type Consumer,
	type CreateStreamOptions,
	type DeliveryStreamBuffer,
	type Driver,
	type FirehoseRecord,
	type ItemUpdate,
	type IteratorStart,
	type MetricsRequest,
	type PutRecordsRequestEntry,
	type ScanOptions,
	type TableItem,
	type Target,
} from './driver.js';
import type {LocalDynamoDb} from './local-dynamodb.js';
import {fetchMetricSeries} from './metric-queries.js';

/** Rejects with an AbortError when `signal` has fired: the engine's calls are too short to interrupt. */
function checkSignal(signal: AbortSignal | undefined) {
	signal?.throwIfAborted();
}

/** Engine errors cross the contract as DriverErrors with the same AWS code. */
async function call<T>(signal: AbortSignal | undefined, action: () => T | Promise<T>): Promise<T> {
	checkSignal(signal);
	try {
		return await action();
	} catch (error) {
		if (error instanceof KinesisError) {
			throw new DriverError(error.code, error.message, error.retryable);
		}

		throw error;
	}
}

/** The exact buffer state, in the contract's shape (the same fields AWS can only estimate). */
const exactBuffer = (state: BufferState): DeliveryStreamBuffer => ({
	Estimate: false,
	SizeLimitBytes: state.sizeLimitBytes,
	IntervalMillis: state.intervalMs,
	BufferedBytes: state.bufferedBytes,
	BufferedRecords: state.bufferedRecords,
	OldestRecordAgeMillis: state.oldestRecordAgeMs,
	MillisUntilIntervalFlush: state.msUntilIntervalFlush,
	LastDeliveries: state.lastDeliveries.map((delivery) => ({
		ObjectKey: delivery.objectKey,
		Bytes: delivery.bytes,
		Records: delivery.records,
		DeliveredAt: new Date(delivery.deliveredAt),
		ErrorOutput: delivery.errorOutput,
	})),
	FailedDeliveries: state.failedDeliveries,
});

/**
 * Where the local driver finds KCL lease tables and Lambda mappings: a DynamoDB (or Lambda) endpoint
 * named with AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL_LAMBDA) is read through the AWS driver's
 * calls; without one, lease tables are the local engine's own embedded DynamoDB (local-dynamodb.ts) and
 * there are no mappings — never AWS's own, which a local engine's user did not ask for.
 */
export type ConsumerSources = {
	tables?: Pick<Driver, 'listTables' | 'describeTable' | 'scanTable' | 'updateTableItem'>;
	/** The embedded DynamoDB, when the lease tables are the local engine's own. */
	localDynamoDb?: LocalDynamoDb;
	mappings?: Pick<Driver, 'listEventSourceMappings'>;
	close?(): Promise<void>;
};

/** DynamoDB's own answer for a table it does not have. */
const tableNotFound = (table: string) =>
	new DriverError(
		'ResourceNotFoundException',
		`Requested resource not found: Table: ${table} not found (the local engine has no DynamoDB; set AWS_ENDPOINT_URL_DYNAMODB to read lease tables from one)`,
	);

export class LocalDriver implements Driver {
	readonly target: Target;

	constructor(
		readonly backend: LocalBackend,
		private readonly sources?: ConsumerSources,
	) {
		this.target = {
			backend: 'local',
			region: backend.kinesis.region,
			account: backend.kinesis.accountId,
			location: backend.dataDirectory ?? 'in memory',
			readOnly: false,
		};
	}

	static open(options: LocalBackendOptions = {}, sources?: ConsumerSources) {
		return new LocalDriver(LocalBackend.open(options), sources);
	}

	/** The local engine's own DynamoDB, when it has one (not when AWS_ENDPOINT_URL_DYNAMODB names another). */
	get localDynamoDb(): LocalDynamoDb | undefined {
		return this.sources?.localDynamoDb;
	}

	get engine(): KinesisEngine {
		return this.backend.kinesis;
	}

	get firehose(): FirehoseEngine {
		return this.backend.firehose;
	}

	listStreams(signal?: AbortSignal) {
		return call(signal, () => this.engine.listStreams());
	}

	describeStreamSummary(name: string, signal?: AbortSignal) {
		return call(signal, () => this.engine.describeStreamSummary({StreamName: name}));
	}

	describeStream(name: string, signal?: AbortSignal) {
		return call(signal, () => this.engine.describeStream({StreamName: name}));
	}

	createStream(name: string, options: CreateStreamOptions, signal?: AbortSignal) {
		return call(signal, () =>
			this.engine.createStream({
				StreamName: name,
				StreamModeDetails: {StreamMode: options.mode},
				ShardCount: options.mode === 'PROVISIONED' ? options.shardCount : undefined,
			}),
		);
	}

	deleteStream(name: string, signal?: AbortSignal) {
		return call(signal, () => this.engine.deleteStream({StreamName: name}));
	}

	putRecords(name: string, records: PutRecordsRequestEntry[], signal?: AbortSignal) {
		return call(signal, async () => {
			const output = await this.engine.putRecords({StreamName: name, Records: records});
			return {failedRecordCount: output.FailedRecordCount, records: output.Records};
		});
	}

	getShardIterator(name: string, shardId: string, from: IteratorStart, signal?: AbortSignal) {
		return call(
			signal,
			() =>
				this.engine.getShardIterator({
					StreamName: name,
					ShardId: shardId,
					ShardIteratorType: from.type,
					StartingSequenceNumber: 'sequenceNumber' in from ? from.sequenceNumber : undefined,
					Timestamp: from.type === 'AT_TIMESTAMP' ? from.timestamp : undefined,
				}).ShardIterator,
		);
	}

	getRecords(iterator: string, limit?: number, signal?: AbortSignal) {
		return call(signal, () => this.engine.getRecords({ShardIterator: iterator, Limit: limit}));
	}

	splitShard(name: string, shardId: string, newStartingHashKey: string, signal?: AbortSignal) {
		return call(signal, () =>
			this.engine.splitShard({
				StreamName: name,
				ShardToSplit: shardId,
				NewStartingHashKey: newStartingHashKey,
			}),
		);
	}

	mergeShards(name: string, shardId: string, adjacentShardId: string, signal?: AbortSignal) {
		return call(signal, () =>
			this.engine.mergeShards({
				StreamName: name,
				ShardToMerge: shardId,
				AdjacentShardToMerge: adjacentShardId,
			}),
		);
	}

	updateShardCount(name: string, targetShardCount: number, signal?: AbortSignal) {
		return call(signal, () => {
			this.engine.updateShardCount({
				StreamName: name,
				TargetShardCount: targetShardCount,
				ScalingType: 'UNIFORM_SCALING',
			});
		});
	}

	listStreamConsumers(streamArnOrName: string, signal?: AbortSignal) {
		return call(signal, () => {
			const StreamARN = streamArnOrName.startsWith('arn:')
				? streamArnOrName
				: this.engine.describeStreamSummary({StreamName: streamArnOrName}).StreamARN;
			const consumers: Consumer[] = [];
			let NextToken: string | undefined;
			do {
				const page = this.engine.listStreamConsumers(
					NextToken ? {StreamARN, NextToken} : {StreamARN},
				);
				consumers.push(...page.Consumers);
				NextToken = page.NextToken;
			} while (NextToken);
			return consumers;
		});
	}

	getMetrics(request: MetricsRequest, signal?: AbortSignal) {
		return call(signal, async () =>
			fetchMetricSeries(request, (input) => this.backend.metrics.getMetricData(input)),
		);
	}

	listDeliveryStreams(signal?: AbortSignal) {
		return call(signal, () => {
			const names: string[] = [];
			let output;
			do {
				output = this.firehose.listDeliveryStreams({
					ExclusiveStartDeliveryStreamName: names.at(-1),
				});
				names.push(...output.DeliveryStreamNames);
			} while (output.HasMoreDeliveryStreams);
			return names;
		});
	}

	describeDeliveryStream(name: string, signal?: AbortSignal) {
		return call(signal, () => ({
			...this.firehose.describeDeliveryStream({DeliveryStreamName: name}).DeliveryStreamDescription,
			Buffer: exactBuffer(this.firehose.bufferState(name)),
		}));
	}

	putRecordBatch(deliveryStream: string, records: FirehoseRecord[], signal?: AbortSignal) {
		return call(signal, () =>
			this.firehose.putRecordBatch({DeliveryStreamName: deliveryStream, Records: records}),
		);
	}

	/** No answer is lost between a caller and the engine in its own process. */
	lostPutAnswers() {
		return 0;
	}

	backendNotice() {
		const trim = this.engine.memoryTrimNotice;
		return trim
			? {summary: `trimming early: ${trim.budget} memory budget`, detail: trim.message}
			: undefined;
	}

	async close() {
		await this.sources?.close?.();
		await this.backend.close();
	}

	async listTables(signal?: AbortSignal) {
		checkSignal(signal);
		return this.sources?.tables ? this.sources.tables.listTables(signal) : [];
	}

	async describeTable(table: string, signal?: AbortSignal) {
		checkSignal(signal);
		if (!this.sources?.tables) throw tableNotFound(table);
		return this.sources.tables.describeTable(table, signal);
	}

	async scanTable(table: string, options: ScanOptions, signal?: AbortSignal) {
		checkSignal(signal);
		if (!this.sources?.tables) throw tableNotFound(table);
		return this.sources.tables.scanTable(table, options, signal);
	}

	async updateTableItem(table: string, key: TableItem, update: ItemUpdate, signal?: AbortSignal) {
		checkSignal(signal);
		if (!this.sources?.tables) throw tableNotFound(table);
		return this.sources.tables.updateTableItem(table, key, update, signal);
	}

	async listEventSourceMappings(streamArn: string, signal?: AbortSignal) {
		checkSignal(signal);
		return this.sources?.mappings
			? this.sources.mappings.listEventSourceMappings(streamArn, signal)
			: [];
	}
}

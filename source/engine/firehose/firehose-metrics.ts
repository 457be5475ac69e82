/**
 * The CloudWatch metrics Firehose publishes (namespace `AWS/Firehose`, dimension DeliveryStreamName),
 * as the Firehose developer guide's "Monitoring with CloudWatch metrics" defines them, recorded by the
 * FirehoseEngine's hooks into the {@link MetricsRecorder} it shares with its Kinesis engine:
 *
 * - ingestion: IncomingBytes / IncomingRecords (accepted by PutRecord / PutRecordBatch),
 *   IncomingPutRequests (requests answered with a response, i.e. not refused as a whole),
 *   ThrottledRecords (records refused by the delivery stream's throughput quotas), and for a
 *   KinesisStreamAsSource delivery stream DataReadFromKinesisStream.Bytes / .Records;
 * - API level: PutRecord.Bytes / .Latency / .Requests, PutRecordBatch.Bytes / .Latency / .Records
 *   (records in the requests) / .Requests — Bytes are the accepted records' data;
 * - delivery: DeliveryToS3.Success (1 per successful S3 put, 0 per failed attempt), DeliveryToS3.ObjectCount,
 *   and for objects of records (not error output) DeliveryToS3.Bytes (the object's size), .Records and
 *   .DataFreshness (Seconds: the age of the oldest record in the object when it was delivered).
 *
 * Firehose has no metric for its buffers; the console's buffer gauges are kinesis-top's own, in the
 * namespace `KinesisTop/Firehose` (same dimension), sampled on every tick: BufferedBytes and
 * BufferedRecords (everything accepted and not yet delivered: the open buffer and the closed ones
 * waiting for delivery) and OldestBufferedRecordAge (Milliseconds; only while something is buffered).
 */
import type {Dimension, StandardUnit} from '../../kinesis/cloudwatch-types.js';
import type {MetricsRecorder} from '../metrics.js';
import type {Series} from '../metric-series.js';

export const FIREHOSE_NAMESPACE = 'AWS/Firehose';
/** kinesis-top's own Firehose figures, which AWS does not publish. */
export const KINESIS_TOP_FIREHOSE_NAMESPACE = 'KinesisTop/Firehose';

const FIREHOSE_METRICS = {
	IncomingBytes: 'Bytes',
	IncomingRecords: 'Count',
	IncomingPutRequests: 'Count',
	ThrottledRecords: 'Count',
	'DataReadFromKinesisStream.Bytes': 'Bytes',
	'DataReadFromKinesisStream.Records': 'Count',
	'PutRecord.Bytes': 'Bytes',
	'PutRecord.Latency': 'Milliseconds',
	'PutRecord.Requests': 'Count',
	'PutRecordBatch.Bytes': 'Bytes',
	'PutRecordBatch.Latency': 'Milliseconds',
	'PutRecordBatch.Records': 'Count',
	'PutRecordBatch.Requests': 'Count',
	'DeliveryToS3.Bytes': 'Bytes',
	'DeliveryToS3.Records': 'Count',
	'DeliveryToS3.Success': 'Count',
	'DeliveryToS3.ObjectCount': 'Count',
	'DeliveryToS3.DataFreshness': 'Seconds',
} as const satisfies Record<string, StandardUnit>;

const BUFFER_METRICS = {
	BufferedBytes: 'Bytes',
	BufferedRecords: 'Count',
	OldestBufferedRecordAge: 'Milliseconds',
} as const satisfies Record<string, StandardUnit>;

export type FirehoseMetricName = keyof typeof FIREHOSE_METRICS;
export type BufferMetricName = keyof typeof BUFFER_METRICS;

/** A record as the hooks count it: its data. */
type Sized = {readonly data: Uint8Array};

function bytesOf(records: readonly Sized[]) {
	let bytes = 0;
	for (const record of records) bytes += record.data.length;
	return bytes;
}

/** What the metrics see of a delivery stream (a DeliveryStream satisfies it). */
export type MeteredDeliveryStream = {readonly name: string};

class DeliveryStreamHandle {
	readonly owned: Series[] = [];
	private readonly byName = new Map<string, Series>();
	private readonly dimensions: Dimension[];

	constructor(
		readonly stream: MeteredDeliveryStream,
		private readonly recorder: MetricsRecorder,
	) {
		this.dimensions = [{Name: 'DeliveryStreamName', Value: stream.name}];
	}

	metric(name: FirehoseMetricName): Series {
		return this.get(FIREHOSE_NAMESPACE, name, FIREHOSE_METRICS[name]);
	}

	bufferMetric(name: BufferMetricName): Series {
		return this.get(KINESIS_TOP_FIREHOSE_NAMESPACE, name, BUFFER_METRICS[name]);
	}

	private get(namespace: string, name: string, unit: StandardUnit) {
		const key = `${namespace}\0${name}`;
		let series = this.byName.get(key);
		if (!series) {
			series = this.recorder.series(namespace, name, this.dimensions, unit);
			this.byName.set(key, series);
			this.owned.push(series);
		}

		return series;
	}
}

export class FirehoseMetrics {
	private readonly handles = new Map<string, DeliveryStreamHandle>();
	private readonly unregister: () => void;

	/** `streams` lists the delivery streams that exist now (the series of others are dropped). */
	constructor(
		readonly recorder: MetricsRecorder,
		private readonly streams: () => Iterable<MeteredDeliveryStream>,
	) {
		this.unregister = recorder.register({prune: () => this.prune()});
	}

	/** Stops pruning (the engine is closing); the series stay in the shared recorder. */
	detach() {
		this.unregister();
	}

	/**
	 * Hook: a PutRecord (`single`) or PutRecordBatch request to `stream` was answered at `time`:
	 * `total` records, `throttled` of them refused by the throughput quotas, `accepted` the records
	 * taken. `started` is the request's performance.now() at its start.
	 */
	put(
		stream: MeteredDeliveryStream,
		single: boolean,
		total: number,
		throttled: number,
		accepted: readonly Sized[],
		time: number,
		started: number,
	) {
		const latency = performance.now() - started;
		this.recorder.maybeSweep(time);
		const bytes = bytesOf(accepted);
		const handle = this.handle(stream);
		if (single) {
			handle.metric('PutRecord.Requests').add(time, 1);
			handle.metric('PutRecord.Latency').add(time, latency);
			if (accepted.length > 0) handle.metric('PutRecord.Bytes').add(time, bytes);
		} else {
			handle.metric('PutRecordBatch.Requests').add(time, 1);
			handle.metric('PutRecordBatch.Records').add(time, total);
			handle.metric('PutRecordBatch.Latency').add(time, latency);
			handle.metric('PutRecordBatch.Bytes').add(time, bytes);
		}

		// A PutRecord whose record is refused is an error response; a PutRecordBatch answers anyway.
		if (!single || accepted.length > 0) handle.metric('IncomingPutRequests').add(time, 1);
		if (accepted.length > 0) {
			handle.metric('IncomingRecords').add(time, accepted.length);
			handle.metric('IncomingBytes').add(time, bytes);
		}

		if (throttled > 0) handle.metric('ThrottledRecords').add(time, throttled);
	}

	/** Hook: a PutRecord / PutRecordBatch request of `records` records was refused as a whole (throttled). */
	requestThrottled(
		stream: MeteredDeliveryStream,
		single: boolean,
		records: number,
		time: number,
		started: number,
	) {
		this.put(stream, single, records, records, [], time, started);
	}

	/** Hook: records read from the source Kinesis stream were taken into the buffer. */
	readFromSource(stream: MeteredDeliveryStream, accepted: readonly Sized[], time: number) {
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		handle.metric('DataReadFromKinesisStream.Records').add(time, accepted.length);
		handle.metric('DataReadFromKinesisStream.Bytes').add(time, bytesOf(accepted));
	}

	/**
	 * Hook: an object was put to the destination at `time`: `bytes` long, of `records` records whose
	 * oldest arrived at `oldestArrival` — or, for `errorOutput`, the records delivery gave up on.
	 */
	delivered(
		stream: MeteredDeliveryStream,
		delivery: {bytes: number; records: number; oldestArrival: number; errorOutput: boolean},
		time: number,
	) {
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		handle.metric('DeliveryToS3.Success').add(time, 1);
		handle.metric('DeliveryToS3.ObjectCount').add(time, 1);
		if (delivery.errorOutput) return;
		handle.metric('DeliveryToS3.Bytes').add(time, delivery.bytes);
		handle.metric('DeliveryToS3.Records').add(time, delivery.records);
		handle
			.metric('DeliveryToS3.DataFreshness')
			.add(time, Math.max(0, time - delivery.oldestArrival) / 1000);
	}

	/** Hook: a delivery attempt failed. */
	deliveryFailed(stream: MeteredDeliveryStream, time: number) {
		this.recorder.maybeSweep(time);
		this.handle(stream).metric('DeliveryToS3.Success').add(time, 0);
	}

	/** Hook, every tick: what the delivery stream holds that is not delivered yet (open and closed buffers). */
	sampleBuffers(
		stream: MeteredDeliveryStream,
		buffers: Iterable<
			{bytes: number; records: readonly unknown[]; oldestArrival: number} | undefined
		>,
		time: number,
	) {
		this.recorder.maybeSweep(time);
		let bytes = 0;
		let records = 0;
		let oldest = Number.POSITIVE_INFINITY;
		for (const buffer of buffers) {
			if (!buffer || buffer.records.length === 0) continue;
			bytes += buffer.bytes;
			records += buffer.records.length;
			oldest = Math.min(oldest, buffer.oldestArrival);
		}

		const handle = this.handle(stream);
		handle.bufferMetric('BufferedBytes').add(time, bytes);
		handle.bufferMetric('BufferedRecords').add(time, records);
		if (records > 0) {
			handle.bufferMetric('OldestBufferedRecordAge').add(time, Math.max(0, time - oldest));
		}
	}

	/** The handle of `stream`; a delivery stream re-created under a deleted one's name starts afresh. */
	private handle(stream: MeteredDeliveryStream): DeliveryStreamHandle {
		let handle = this.handles.get(stream.name);
		if (handle?.stream !== stream) {
			if (handle) this.dropHandle(handle);
			handle = new DeliveryStreamHandle(stream, this.recorder);
			this.handles.set(stream.name, handle);
		}

		return handle;
	}

	private prune() {
		const live = new Set(this.streams());
		for (const handle of [...this.handles.values()]) {
			if (!live.has(handle.stream)) this.dropHandle(handle);
		}
	}

	private dropHandle(handle: DeliveryStreamHandle) {
		for (const series of handle.owned) this.recorder.drop(series);
		if (this.handles.get(handle.stream.name) === handle) this.handles.delete(handle.stream.name);
	}
}

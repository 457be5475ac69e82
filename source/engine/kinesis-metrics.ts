/**
 * The CloudWatch metrics Kinesis Data Streams publishes (namespace `AWS/Kinesis`), as the developer
 * guide's "Monitoring the Amazon Kinesis Data Streams service with Amazon CloudWatch" defines them,
 * recorded by the engine's hooks into a {@link MetricsRecorder}:
 *
 * - stream level (dimension StreamName), always: IncomingBytes / IncomingRecords (records successfully
 *   put by PutRecord and PutRecords; one sample per call that put any), PutRecord.Bytes / .Latency /
 *   .Success, PutRecords.Bytes / .Records (deprecated: successful records) / .Latency / .Success (1 when
 *   at least one record succeeded) / .SuccessfulRecords / .FailedRecords (internal failures) /
 *   .ThrottledRecords / .TotalRecords, GetRecords.Bytes / .Records / .Latency / .Success /
 *   .IteratorAgeMilliseconds, WriteProvisionedThroughputExceeded (records throttled, one sample per put
 *   call), ReadProvisionedThroughputExceeded (1 per throttled GetRecords, 0 per served one);
 * - per consumer (dimensions StreamName, ConsumerName), when the subscription code calls the hooks
 *   {@link KinesisMetrics.subscribeToShard} and {@link KinesisMetrics.subscribeToShardEvent}:
 *   SubscribeToShard.RateExceeded / .Success, SubscribeToShardEvent.Bytes / .Records /
 *   .MillisBehindLatest / .Success;
 * - shard level (dimensions StreamName, ShardId), only the metrics EnableEnhancedMonitoring enabled for
 *   the stream: IncomingBytes, IncomingRecords, WriteProvisionedThroughputExceeded (per put call that
 *   touched the shard), OutgoingBytes, OutgoingRecords (GetRecords and SubscribeToShard events),
 *   IteratorAgeMilliseconds, ReadProvisionedThroughputExceeded (per GetRecords).
 *
 * Every call metric is one sample per call (Sum is the total, Minimum / Maximum / Average are per call),
 * as CloudWatch shows them. Bytes are the records' data blobs. Iterator age is, per GetRecords, how old
 * the last record returned is (now − its ApproximateArrivalTimestamp), 0 when none is returned.
 * Latency is the call's duration, measured with performance.now() at its start and end.
 *
 * Hot path: the engine looks the stream's handle up once per call (a one-entry cache makes that a
 * comparison), counts successful bytes in a local, and touches a {@link ShardWrites} per record only
 * when shard-level write metrics are enabled for the stream.
 */
import type {Clock} from './clock.js';
import type {Dimension, StandardUnit} from '../kinesis/cloudwatch-types.js';
import type {MetricsRecorder} from './metrics.js';
import type {Series} from './metric-series.js';
import type {ShardState, Stream} from './stream.js';
import type {KinesisRecord} from '../kinesis/types.js';

export const KINESIS_NAMESPACE = 'AWS/Kinesis';

const STREAM_METRICS = {
	IncomingBytes: 'Bytes',
	IncomingRecords: 'Count',
	'PutRecord.Bytes': 'Bytes',
	'PutRecord.Latency': 'Milliseconds',
	'PutRecord.Success': 'Count',
	'PutRecords.Bytes': 'Bytes',
	'PutRecords.Records': 'Count',
	'PutRecords.Latency': 'Milliseconds',
	'PutRecords.Success': 'Count',
	'PutRecords.SuccessfulRecords': 'Count',
	'PutRecords.FailedRecords': 'Count',
	'PutRecords.ThrottledRecords': 'Count',
	'PutRecords.TotalRecords': 'Count',
	'GetRecords.Bytes': 'Bytes',
	'GetRecords.Records': 'Count',
	'GetRecords.Latency': 'Milliseconds',
	'GetRecords.Success': 'Count',
	'GetRecords.IteratorAgeMilliseconds': 'Milliseconds',
	WriteProvisionedThroughputExceeded: 'Count',
	ReadProvisionedThroughputExceeded: 'Count',
} as const satisfies Record<string, StandardUnit>;

const CONSUMER_METRICS = {
	'SubscribeToShard.RateExceeded': 'Count',
	'SubscribeToShard.Success': 'Count',
	'SubscribeToShardEvent.Bytes': 'Bytes',
	'SubscribeToShardEvent.Records': 'Count',
	'SubscribeToShardEvent.MillisBehindLatest': 'Milliseconds',
	'SubscribeToShardEvent.Success': 'Count',
} as const satisfies Record<string, StandardUnit>;

/** The shard-level metrics, as EnableEnhancedMonitoring names them. */
const SHARD_METRICS = {
	IncomingBytes: 'Bytes',
	IncomingRecords: 'Count',
	OutgoingBytes: 'Bytes',
	OutgoingRecords: 'Count',
	IteratorAgeMilliseconds: 'Milliseconds',
	ReadProvisionedThroughputExceeded: 'Count',
	WriteProvisionedThroughputExceeded: 'Count',
} as const satisfies Record<string, StandardUnit>;

export type StreamMetricName = keyof typeof STREAM_METRICS;
export type ConsumerMetricName = keyof typeof CONSUMER_METRICS;
export type ShardMetricName = keyof typeof SHARD_METRICS;

const HOUR_MS = 3_600_000;

/**
 * What a PutRecords call put into each shard, counted in the batch loop — made only when the stream
 * has shard-level write metrics enabled.
 */
export class ShardWrites {
	/** The shards the call touched, in the order it first did. */
	readonly touched: ShardState[] = [];
	/** Records put, bytes put and records throttled, three slots per shard index. */
	readonly counts: Float64Array;

	/** `shardSlots`: above every shard index of the stream (its nextShardIndex). */
	constructor(shardSlots: number) {
		this.counts = new Float64Array(shardSlots * 3);
	}

	/** A record of `bytes` data bytes was put into `shard`. */
	put(shard: ShardState, bytes: number) {
		const at = shard.index * 3;
		const counts = this.counts;
		if (counts[at] === 0 && counts[at + 2] === 0) this.touched.push(shard);
		counts[at]++;
		counts[at + 1] += bytes;
	}

	/** A record for `shard` was refused: the shard's write limit was exceeded. */
	throttled(shard: ShardState) {
		const at = shard.index * 3;
		const counts = this.counts;
		if (counts[at] === 0 && counts[at + 2] === 0) this.touched.push(shard);
		counts[at + 2]++;
	}
}

/** One stream's series, created as first written. */
class StreamHandle {
	readonly dimensions: Dimension[];
	/** Every series this handle created, to drop with the stream. */
	readonly owned: Series[] = [];
	private readonly streamSeries = new Map<string, Series>();
	private readonly consumerSeries = new Map<string, Series>();
	private readonly shardSeries = new Map<string, Series>();
	private levels: readonly string[] | undefined;
	private enabled = new Set<string>();

	constructor(
		readonly stream: Stream,
		private readonly recorder: MetricsRecorder,
	) {
		this.dimensions = [{Name: 'StreamName', Value: stream.name}];
	}

	metric(name: StreamMetricName): Series {
		let series = this.streamSeries.get(name);
		if (!series) {
			series = this.create(name, this.dimensions, STREAM_METRICS[name]);
			this.streamSeries.set(name, series);
		}

		return series;
	}

	consumerMetric(consumerName: string, name: ConsumerMetricName): Series {
		const key = `${consumerName}\0${name}`;
		let series = this.consumerSeries.get(key);
		if (!series) {
			series = this.create(
				name,
				[...this.dimensions, {Name: 'ConsumerName', Value: consumerName}],
				CONSUMER_METRICS[name],
			);
			this.consumerSeries.set(key, series);
		}

		return series;
	}

	shardMetric(shard: ShardState, name: ShardMetricName): Series {
		const key = `${shard.id}\0${name}`;
		let series = this.shardSeries.get(key);
		if (!series) {
			series = this.create(
				name,
				[...this.dimensions, {Name: 'ShardId', Value: shard.id}],
				SHARD_METRICS[name],
			);
			this.shardSeries.set(key, series);
		}

		return series;
	}

	/** Whether EnableEnhancedMonitoring enabled shard-level `name` for the stream ('ALL' enables all). */
	isEnabled(name: ShardMetricName) {
		const levels = this.stream.shardLevelMetrics;
		if (levels !== this.levels) {
			this.levels = levels;
			this.enabled = new Set(levels.includes('ALL') ? Object.keys(SHARD_METRICS) : levels);
		}

		return this.enabled.has(name);
	}

	private create(name: string, dimensions: Dimension[], unit: StandardUnit) {
		const series = this.recorder.series(KINESIS_NAMESPACE, name, dimensions, unit);
		this.owned.push(series);
		return series;
	}
}

/** What the metrics need of the engine: its clock and its streams (to drop the series of deleted ones). */
export type KinesisMetricsContext = {
	readonly clock: Clock;
	streams(): Stream[];
};

export class KinesisMetrics {
	private readonly handles = new Map<string, StreamHandle>();
	private last: StreamHandle | undefined;

	constructor(
		private readonly context: KinesisMetricsContext,
		readonly recorder: MetricsRecorder,
	) {
		recorder.register({
			prune: () => this.prune(),
			retentionHint: () => {
				let hours = 0;
				for (const stream of this.context.streams()) {
					hours = Math.max(hours, stream.retentionHours);
				}

				return hours * HOUR_MS;
			},
		});
	}

	// ─── PutRecord / PutRecords ───────────────────────────────────────────────────────────────

	/**
	 * A {@link ShardWrites} for the batch loop of a put to `stream` when shard-level IncomingBytes,
	 * IncomingRecords or WriteProvisionedThroughputExceeded is enabled for it; else undefined.
	 */
	shardWrites(stream: Stream): ShardWrites | undefined {
		if (stream.shardLevelMetrics.length === 0) return undefined;
		const handle = this.handle(stream);
		return handle.isEnabled('IncomingRecords') ||
			handle.isEnabled('IncomingBytes') ||
			handle.isEnabled('WriteProvisionedThroughputExceeded')
			? new ShardWrites(stream.nextShardIndex)
			: undefined;
	}

	/**
	 * Hook: a PutRecord (`single`) or PutRecords call to `stream` has been answered: `total` records,
	 * `throttled` of them refused by a shard's write limit, the others put with `bytes` data bytes in all.
	 * `time` is when the records arrived, `started` the call's performance.now() at its start.
	 */
	putRecords(
		stream: Stream,
		single: boolean,
		total: number,
		throttled: number,
		bytes: number,
		time: number,
		started: number,
		shards: ShardWrites | undefined,
	) {
		const latency = performance.now() - started;
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		const successful = total - throttled;
		if (single) {
			handle.metric('PutRecord.Success').add(time, successful > 0 ? 1 : 0);
			handle.metric('PutRecord.Latency').add(time, latency);
			if (successful > 0) handle.metric('PutRecord.Bytes').add(time, bytes);
		} else {
			handle.metric('PutRecords.TotalRecords').add(time, total);
			handle.metric('PutRecords.SuccessfulRecords').add(time, successful);
			handle.metric('PutRecords.Records').add(time, successful);
			handle.metric('PutRecords.FailedRecords').add(time, 0);
			handle.metric('PutRecords.ThrottledRecords').add(time, throttled);
			handle.metric('PutRecords.Bytes').add(time, bytes);
			handle.metric('PutRecords.Latency').add(time, latency);
			handle.metric('PutRecords.Success').add(time, successful > 0 ? 1 : 0);
		}

		if (successful > 0) {
			handle.metric('IncomingRecords').add(time, successful);
			handle.metric('IncomingBytes').add(time, bytes);
		}

		handle.metric('WriteProvisionedThroughputExceeded').add(time, throttled);
		if (shards) this.recordShardWrites(handle, shards, time);
	}

	// ─── GetRecords ───────────────────────────────────────────────────────────────────────────

	/** Hook: a GetRecords call on `shard` returned `records` at `time` (its start: `started`). */
	getRecords(
		stream: Stream,
		shard: ShardState,
		records: readonly KinesisRecord[],
		time: number,
		started: number,
	) {
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		let bytes = 0;
		for (let i = 0; i < records.length; i++) bytes += records[i].Data.length;
		const last = records.at(-1);
		const age = last ? Math.max(0, time - last.ApproximateArrivalTimestamp.getTime()) : 0;
		handle.metric('GetRecords.Records').add(time, records.length);
		handle.metric('GetRecords.Bytes').add(time, bytes);
		handle.metric('GetRecords.IteratorAgeMilliseconds').add(time, age);
		handle.metric('GetRecords.Success').add(time, 1);
		handle.metric('ReadProvisionedThroughputExceeded').add(time, 0);
		if (stream.shardLevelMetrics.length > 0) {
			this.shardAdd(handle, shard, 'OutgoingRecords', time, records.length);
			this.shardAdd(handle, shard, 'OutgoingBytes', time, bytes);
			this.shardAdd(handle, shard, 'IteratorAgeMilliseconds', time, age);
			this.shardAdd(handle, shard, 'ReadProvisionedThroughputExceeded', time, 0);
		}

		handle.metric('GetRecords.Latency').add(time, performance.now() - started);
	}

	/** Hook: a GetRecords call on `shard` was refused by the shard's read limit. */
	readThrottled(stream: Stream, shard: ShardState, time: number) {
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		handle.metric('ReadProvisionedThroughputExceeded').add(time, 1);
		handle.metric('GetRecords.Success').add(time, 0);
		this.shardAdd(handle, shard, 'ReadProvisionedThroughputExceeded', time, 1);
	}

	// ─── SubscribeToShard (hooks for subscriptions.ts) ───────────────────────────────────────

	/**
	 * Hook for SubscribeToShard: call once per call that named an existing stream and consumer —
	 * `established` when the subscription starts; `rate-exceeded` when refused because the consumer
	 * already has an active subscription to the shard (ResourceInUseException in its first 5 s) or
	 * called more than once a second (LimitExceededException); `failed` when refused otherwise.
	 * Records SubscribeToShard.Success (1 or 0) and, when rate exceeded, SubscribeToShard.RateExceeded.
	 */
	subscribeToShard(
		stream: Stream,
		consumerName: string,
		outcome: 'established' | 'rate-exceeded' | 'failed',
		time = this.context.clock.now(),
	) {
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		handle
			.consumerMetric(consumerName, 'SubscribeToShard.Success')
			.add(time, outcome === 'established' ? 1 : 0);
		if (outcome === 'rate-exceeded') {
			handle.consumerMetric(consumerName, 'SubscribeToShard.RateExceeded').add(time, 1);
		}
	}

	/**
	 * Hook for SubscribeToShard: call once per SubscribeToShardEvent delivered to `consumerName` from
	 * `shard`. Records SubscribeToShardEvent.Bytes / .Records / .MillisBehindLatest / .Success and the
	 * shard-level OutgoingBytes / OutgoingRecords when enabled.
	 */
	subscribeToShardEvent(
		stream: Stream,
		shard: ShardState,
		consumerName: string,
		event: {Records: readonly KinesisRecord[]; MillisBehindLatest: number},
		time = this.context.clock.now(),
	) {
		this.recorder.maybeSweep(time);
		const handle = this.handle(stream);
		let bytes = 0;
		for (const record of event.Records) bytes += record.Data.length;
		handle.consumerMetric(consumerName, 'SubscribeToShardEvent.Bytes').add(time, bytes);
		handle
			.consumerMetric(consumerName, 'SubscribeToShardEvent.Records')
			.add(time, event.Records.length);
		handle
			.consumerMetric(consumerName, 'SubscribeToShardEvent.MillisBehindLatest')
			.add(time, event.MillisBehindLatest);
		handle.consumerMetric(consumerName, 'SubscribeToShardEvent.Success').add(time, 1);
		this.shardAdd(handle, shard, 'OutgoingRecords', time, event.Records.length);
		this.shardAdd(handle, shard, 'OutgoingBytes', time, bytes);
	}

	// ─── Internals ────────────────────────────────────────────────────────────────────────────

	/** The handle of `stream`; a stream re-created under a deleted one's name starts afresh. */
	private handle(stream: Stream): StreamHandle {
		const last = this.last;
		if (last?.stream === stream) return last;
		let handle = this.handles.get(stream.name);
		if (handle?.stream !== stream) {
			if (handle) this.dropHandle(handle);
			handle = new StreamHandle(stream, this.recorder);
			this.handles.set(stream.name, handle);
		}

		this.last = handle;
		return handle;
	}

	private shardAdd(
		handle: StreamHandle,
		shard: ShardState,
		name: ShardMetricName,
		time: number,
		value: number,
	) {
		if (handle.isEnabled(name)) handle.shardMetric(shard, name).add(time, value);
	}

	private recordShardWrites(handle: StreamHandle, shards: ShardWrites, time: number) {
		const counts = shards.counts;
		for (const shard of shards.touched) {
			const at = shard.index * 3;
			if (counts[at] > 0) {
				this.shardAdd(handle, shard, 'IncomingRecords', time, counts[at]);
				this.shardAdd(handle, shard, 'IncomingBytes', time, counts[at + 1]);
			}

			this.shardAdd(handle, shard, 'WriteProvisionedThroughputExceeded', time, counts[at + 2]);
		}
	}

	/** Drops the series of streams that no longer exist. */
	private prune() {
		const live = new Set(this.context.streams());
		for (const handle of [...this.handles.values()]) {
			if (!live.has(handle.stream)) this.dropHandle(handle);
		}
	}

	private dropHandle(handle: StreamHandle) {
		for (const series of handle.owned) this.recorder.drop(series);
		if (this.handles.get(handle.stream.name) === handle) this.handles.delete(handle.stream.name);
		if (this.last === handle) this.last = undefined;
	}
}

/**
 * Per-minute CloudWatch figures for many streams at once, for the overview's sparklines: the last N
 * minutes of IncomingRecords and IncomingBytes (Sum) and GetRecords.IteratorAgeMilliseconds (Maximum),
 * all streams in ONE Driver.getMetrics call (the driver splits it into GetMetricData requests of ≤ 500
 * queries) — the same numbers locally and on AWS, where CloudWatch charges per request.
 */
import type {Driver, MetricPoint, MetricQuery, Statistic} from '../driver/driver.js';

export const MINUTE_MS = 60_000;

/** A Kinesis metric of a stream, or of one shard (the shard-level metric names), by minute. */
export function kinesisQuery(
	stream: string,
	metricName: string,
	statistic: Statistic,
	shardId?: string,
): MetricQuery {
	return {
		namespace: 'AWS/Kinesis',
		metricName,
		dimensions:
			shardId === undefined ? {StreamName: stream} : {StreamName: stream, ShardId: shardId},
		statistic,
		periodSeconds: 60,
	};
}

/**
 * The `minutes` one-minute periods ending with the current (partial) one, oldest first: `start` is the
 * first period's start, `end` the current period's end.
 */
export function minuteWindow(minutes: number, now: Date) {
	const end = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
	const start = end - minutes * MINUTE_MS;
	const periods = Array.from({length: minutes}, (_, i) => new Date(start + i * MINUTE_MS));
	return {start: new Date(start), end: new Date(end), periods};
}

/** The points' values by period start; periods without a point are absent. */
export const byMinute = (points: readonly MetricPoint[]) =>
	new Map(points.map((point) => [point.timestamp.getTime(), point.value]));

export type StreamMinute = {
	/** The period's start. */
	timestamp: Date;
	incomingRecords: number;
	incomingBytes: number;
	/** Undefined for a minute in which nothing read the stream (no GetRecords, so no age). */
	iteratorAgeMaxMs: number | undefined;
};

export type StreamMetricsOptions = {minutes?: number; now?: Date; signal?: AbortSignal};

/**
 * The last `minutes` (default 15) minutes of every stream in `streams`, oldest first, one entry per
 * minute (0 records and bytes when none came in), from a single getMetrics call.
 */
export async function fetchStreamMetrics(
	driver: Driver,
	streams: readonly string[],
	options: StreamMetricsOptions = {},
): Promise<Map<string, StreamMinute[]>> {
	const result = new Map<string, StreamMinute[]>();
	if (streams.length === 0) return result;
	const {start, end, periods} = minuteWindow(options.minutes ?? 15, options.now ?? new Date());
	const queries = streams.flatMap((stream) => [
		kinesisQuery(stream, 'IncomingRecords', 'Sum'),
		kinesisQuery(stream, 'IncomingBytes', 'Sum'),
		kinesisQuery(stream, 'GetRecords.IteratorAgeMilliseconds', 'Maximum'),
	]);
	const series = await driver.getMetrics({queries, start, end}, options.signal);
	streams.forEach((stream, index) => {
		const [records, bytes, age] = series
			.slice(index * 3, index * 3 + 3)
			.map((each) => byMinute(each.points));
		result.set(
			stream,
			periods.map((timestamp) => ({
				timestamp,
				incomingRecords: records.get(timestamp.getTime()) ?? 0,
				incomingBytes: bytes.get(timestamp.getTime()) ?? 0,
				iteratorAgeMaxMs: age.get(timestamp.getTime()),
			})),
		);
	});
	return result;
}

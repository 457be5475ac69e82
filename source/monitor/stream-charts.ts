/**
 * The series behind a stream's metrics screen: throughput in and out, throttling and iterator age, per
 * minute over a range (1 h … 24 h), for the stream or — with enhanced monitoring — one shard. One
 * Driver.getMetrics call per refresh, the same numbers locally and on AWS (CloudWatch).
 */
import type {Driver, Statistic} from '../driver/driver.js';
import {byMinute, kinesisQuery, MINUTE_MS, minuteWindow} from './stream-metrics.js';

export type ChartRange = {label: string; minutes: number};

export const CHART_RANGES: readonly ChartRange[] = [
	{label: '1h', minutes: 60},
	{label: '3h', minutes: 180},
	{label: '12h', minutes: 720},
	{label: '24h', minutes: 1440},
];

export type ChartUnit = 'count' | 'bytes' | 'ms';

export type ChartMetric = {
	title: string;
	/** Stream-level metric name (dimension StreamName). */
	metricName: string;
	/** Its shard-level name (dimensions StreamName, ShardId), published with enhanced monitoring. */
	shardMetricName: string;
	statistic: Statistic;
	unit: ChartUnit;
	/**
	 * What a minute without a datapoint means: no traffic (0) for the sums; unknown for the iterator
	 * age, which only exists in minutes when something read the stream.
	 */
	missing: 'zero' | 'unknown';
};

/** The charts, in the order an on-call engineer reads them: is anyone behind, then in, out, throttles. */
export const CHART_METRICS: readonly ChartMetric[] = [
	{
		title: 'Iterator age (max)',
		metricName: 'GetRecords.IteratorAgeMilliseconds',
		shardMetricName: 'IteratorAgeMilliseconds',
		statistic: 'Maximum',
		unit: 'ms',
		missing: 'unknown',
	},
	{
		title: 'Incoming records',
		metricName: 'IncomingRecords',
		shardMetricName: 'IncomingRecords',
		statistic: 'Sum',
		unit: 'count',
		missing: 'zero',
	},
	{
		title: 'Incoming bytes',
		metricName: 'IncomingBytes',
		shardMetricName: 'IncomingBytes',
		statistic: 'Sum',
		unit: 'bytes',
		missing: 'zero',
	},
	{
		title: 'Outgoing records',
		metricName: 'GetRecords.Records',
		shardMetricName: 'OutgoingRecords',
		statistic: 'Sum',
		unit: 'count',
		missing: 'zero',
	},
	{
		title: 'Outgoing bytes',
		metricName: 'GetRecords.Bytes',
		shardMetricName: 'OutgoingBytes',
		statistic: 'Sum',
		unit: 'bytes',
		missing: 'zero',
	},
	{
		title: 'Write throttles',
		metricName: 'WriteProvisionedThroughputExceeded',
		shardMetricName: 'WriteProvisionedThroughputExceeded',
		statistic: 'Sum',
		unit: 'count',
		missing: 'zero',
	},
	{
		title: 'Read throttles',
		metricName: 'ReadProvisionedThroughputExceeded',
		shardMetricName: 'ReadProvisionedThroughputExceeded',
		statistic: 'Sum',
		unit: 'count',
		missing: 'zero',
	},
];

export type ChartSeries = {
	metric: ChartMetric;
	/** One value per minute of the window, oldest first (undefined: unknown). */
	values: Array<number | undefined>;
	/** The most recent minute with a datapoint: the current value. */
	latest?: number;
	/** Whether CloudWatch had any datapoint at all (shard level: whether enhanced monitoring is on). */
	hasData: boolean;
};

export type StreamCharts = {
	stream: string;
	shardId?: string;
	start: Date;
	end: Date;
	series: ChartSeries[];
};

export type StreamChartsOptions = {
	minutes: number;
	shardId?: string;
	now?: Date;
	signal?: AbortSignal;
};

/** Every chart's minutes for the stream (or the shard) over the last `minutes`. */
export async function fetchStreamCharts(
	driver: Driver,
	stream: string,
	options: StreamChartsOptions,
): Promise<StreamCharts> {
	const {shardId} = options;
	const {start, end, periods} = minuteWindow(options.minutes, options.now ?? new Date());
	const queries = CHART_METRICS.map((metric) =>
		kinesisQuery(
			stream,
			shardId === undefined ? metric.metricName : metric.shardMetricName,
			metric.statistic,
			shardId,
		),
	);
	const answer = await driver.getMetrics({queries, start, end}, options.signal);
	const series = CHART_METRICS.map((metric, index) => {
		const points = answer[index]?.points ?? [];
		const values = byMinute(points);
		const latest = points.at(-1)?.value;
		return {
			metric,
			values: periods.map(
				(period) => values.get(period.getTime()) ?? (metric.missing === 'zero' ? 0 : undefined),
			),
			latest: latest ?? (metric.missing === 'zero' ? 0 : undefined),
			hasData: points.length > 0,
		};
	});
	return {stream, shardId, start, end, series};
}

/** Refresh interval: CloudWatch has one-minute datapoints and charges per metric, the engine does not. */
export const chartsIntervalMs = (driver: Driver) =>
	driver.target.backend === 'local' ? 5_000 : MINUTE_MS;

/**
 * `kinesis-top metrics STREAM [--shard ID] [--since 1h]`: the stream's (or one shard's) CloudWatch
 * series at one-minute resolution — throughput in, records read, iterator age, throttling — as a
 * table by minute, or with --json as an array of
 * `{Namespace, MetricName, Dimensions: [{Name, Value}], Statistic, Period, Datapoints: [{Timestamp, Value}]}`
 * (Timestamp: the minute's start, ISO 8601; minutes without data have no datapoint, as in CloudWatch).
 */
import type {MetricSeries, Statistic} from '../driver/driver.js';
import {byMinute, kinesisQuery, MINUTE_MS, minuteWindow} from '../monitor/stream-metrics.js';
import type {Command} from './command.js';
import {parseDuration} from './duration.js';
import {findShard} from './stream-text.js';
import {formatTable} from './table.js';

type Column = {title: string; metricName: string; statistic: Statistic; unit?: string};

/** Stream level (dimension StreamName), as the Kinesis developer guide names them. */
const STREAM_COLUMNS: readonly Column[] = [
	{title: 'IN RECORDS', metricName: 'IncomingRecords', statistic: 'Sum'},
	{title: 'IN BYTES', metricName: 'IncomingBytes', statistic: 'Sum'},
	{title: 'READ RECORDS', metricName: 'GetRecords.Records', statistic: 'Sum'},
	{
		title: 'ITERATOR AGE MAX',
		metricName: 'GetRecords.IteratorAgeMilliseconds',
		statistic: 'Maximum',
		unit: ' ms',
	},
	{title: 'WRITE THROTTLED', metricName: 'WriteProvisionedThroughputExceeded', statistic: 'Sum'},
	{title: 'READ THROTTLED', metricName: 'ReadProvisionedThroughputExceeded', statistic: 'Sum'},
];

/** Shard level (dimensions StreamName, ShardId): published only with enhanced monitoring enabled. */
const SHARD_COLUMNS: readonly Column[] = [
	{title: 'IN RECORDS', metricName: 'IncomingRecords', statistic: 'Sum'},
	{title: 'IN BYTES', metricName: 'IncomingBytes', statistic: 'Sum'},
	{title: 'READ RECORDS', metricName: 'OutgoingRecords', statistic: 'Sum'},
	{
		title: 'ITERATOR AGE MAX',
		metricName: 'IteratorAgeMilliseconds',
		statistic: 'Maximum',
		unit: ' ms',
	},
	{title: 'WRITE THROTTLED', metricName: 'WriteProvisionedThroughputExceeded', statistic: 'Sum'},
	{title: 'READ THROTTLED', metricName: 'ReadProvisionedThroughputExceeded', statistic: 'Sum'},
];

const DEFAULT_SINCE = '1h';

export const metricsCommand: Command = {
	name: 'metrics',
	arguments: ['STREAM'],
	flags: ['shard', 'since'],
	prepare([stream], flags) {
		const since = flags.since ?? DEFAULT_SINCE;
		const sinceMs = parseDuration(since, '--since');
		return async ({driver, out, json, signal}) => {
			// CloudWatch answers an unknown stream with empty series: ask Kinesis first, so a typo is an
			// error, and a shard can be named by its number alone.
			let shardId: string | undefined;
			if (flags.shard === undefined) {
				await driver.describeStreamSummary(stream, signal);
			} else {
				shardId = findShard(await driver.describeStream(stream, signal), flags.shard).ShardId;
			}

			const columns = shardId === undefined ? STREAM_COLUMNS : SHARD_COLUMNS;
			const {start, end, periods} = minuteWindow(sinceMs / MINUTE_MS, new Date());
			const series = await driver.getMetrics(
				{
					queries: columns.map((column) =>
						kinesisQuery(stream, column.metricName, column.statistic, shardId),
					),
					start,
					end,
				},
				signal,
			);
			if (json) {
				await out.json(series.map(jsonSeries));
				return;
			}

			const what = shardId === undefined ? `Stream ${stream}` : `Stream ${stream}, ${shardId}`;
			const heading = `${what}: one-minute datapoints over the last ${since}, ${minute(start)} to ${minute(end)} UTC\n`;
			const values = series.map((each) => byMinute(each.points));
			const rows = periods
				.map((period) => period.getTime())
				.filter((time) => values.some((value) => value.has(time)))
				.map((time) => [
					minute(new Date(time)),
					...columns.map((column, index) => {
						const value = values[index].get(time);
						return value === undefined ? '-' : `${Math.round(value)}${column.unit ?? ''}`;
					}),
				]);
			if (rows.length === 0) {
				const note =
					shardId === undefined
						? 'No datapoints in this window.\n'
						: 'No datapoints in this window (shard-level metrics need enhanced monitoring).\n';
				await out.write(heading + note);
				return;
			}

			await out.write(
				heading + formatTable(['MINUTE', ...columns.map((column) => column.title)], rows),
			);
		};
	},
};

/** `2026-11-22T10:03Z`: the minute, in UTC. */
const minute = (date: Date) => date.toISOString().slice(0, 16) + 'Z';

/** One series in CloudWatch's own terms (the `--json` shape). */
function jsonSeries({query, points}: MetricSeries) {
	return {
		Namespace: query.namespace,
		MetricName: query.metricName,
		Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({Name, Value})),
		Statistic: query.statistic,
		Period: query.periodSeconds,
		Datapoints: points.map((point) => ({
			Timestamp: point.timestamp.toISOString(),
			Value: point.value,
		})),
	};
}

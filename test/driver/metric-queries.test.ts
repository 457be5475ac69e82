import {describe, expect, test} from 'vitest';
import type {MetricQuery} from '../../source/driver/driver.js';
import {fetchMetricSeries, type MetricDataPage} from '../../source/driver/metric-queries.js';
import type {GetMetricDataInput} from '../../source/kinesis/cloudwatch-types.js';

const query = (stream: string): MetricQuery => ({
	namespace: 'AWS/Kinesis',
	metricName: 'IncomingRecords',
	dimensions: {StreamName: stream},
	statistic: 'Sum',
	periodSeconds: 60,
});
const start = new Date('2026-01-01T10:00:00Z');
const end = new Date('2026-01-01T10:05:00Z');
const minute = (n: number) => new Date(start.getTime() + n * 60_000);

describe('fetchMetricSeries', () => {
	test('≤ 500 queries per call, every NextToken page followed, series in request order', async () => {
		const queries = Array.from({length: 1001}, (_, i) => query(`s${i}`));
		const calls: GetMetricDataInput[] = [];
		const series = await fetchMetricSeries({queries, start, end}, (input) => {
			calls.push(input);
			// Each query answers two points, split over two pages (the second point first).
			const page: MetricDataPage = {
				MetricDataResults: input.MetricDataQueries.map((each) => ({
					Id: each.Id,
					Timestamps: input.NextToken ? [minute(0)] : [minute(1)],
					Values: [input.NextToken ? 1 : 2],
				})),
				NextToken: input.NextToken ? undefined : 'page-2',
			};
			return page;
		});
		expect(calls.map((call) => [call.MetricDataQueries.length, call.NextToken])).toEqual([
			[500, undefined],
			[500, 'page-2'],
			[500, undefined],
			[500, 'page-2'],
			[1, undefined],
			[1, 'page-2'],
		]);
		expect(calls[2].MetricDataQueries[0].MetricStat?.Metric.Dimensions).toEqual([
			{Name: 'StreamName', Value: 's500'},
		]);
		expect(series).toHaveLength(1001);
		series.forEach((each, i) => {
			expect(each.query).toBe(queries[i]);
			expect(each.points).toEqual([
				{timestamp: minute(0), value: 1},
				{timestamp: minute(1), value: 2},
			]);
		});
	});

	test('no queries, no call', async () => {
		expect(
			await fetchMetricSeries({queries: [], start, end}, () => {
				throw new Error('called');
			}),
		).toEqual([]);
	});
});

/**
 * The driver's metric queries in CloudWatch's GetMetricData shape and back: both drivers send the same
 * request (the local engine's recorder and CloudWatch answer the same API), so a query means the same
 * thing on either backend.
 */
import type {GetMetricDataInput, MetricDataResult} from '../kinesis/cloudwatch-types.js';
import type {MetricsRequest, MetricSeries} from './driver.js';

/** GetMetricData takes at most 500 queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

/** Query ids must start with a lower-case letter: `m0`, `m1`, … in request order. */
const idOf = (index: number) => `m${index}`;

export function metricDataInput(request: MetricsRequest): GetMetricDataInput {
	return {
		StartTime: request.start,
		EndTime: request.end,
		ScanBy: 'TimestampAscending',
		MetricDataQueries: request.queries.map((query, index) => ({
			Id: idOf(index),
			ReturnData: true,
			MetricStat: {
				Metric: {
					Namespace: query.namespace,
					MetricName: query.metricName,
					Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({Name, Value})),
				},
				Period: query.periodSeconds,
				Stat: query.statistic,
			},
		})),
	};
}

type ResultPage = Pick<MetricDataResult, 'Id' | 'Timestamps' | 'Values'>;

/** One series per query, oldest point first, from every page of GetMetricData results. */
export function metricSeries(
	request: MetricsRequest,
	results: Iterable<Partial<ResultPage>>,
): MetricSeries[] {
	const series = request.queries.map((query) => ({query, points: [] as MetricSeries['points']}));
	for (const result of results) {
		const index = Number(result.Id?.slice(1));
		const target = series[index];
		if (!target) continue;
		const timestamps = result.Timestamps ?? [];
		const values = result.Values ?? [];
		for (const [at, timestamp] of timestamps.entries()) {
			target.points.push({timestamp: new Date(timestamp), value: values[at] ?? 0});
		}
	}

	for (const {points} of series)
		points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
	return series;
}

/** One GetMetricData call's answer, as either backend gives it. */
export type MetricDataPage = {
	MetricDataResults?: Array<Partial<ResultPage>>;
	NextToken?: string;
};

/**
 * Every series of `request` through `call` (one GetMetricData request each): at most
 * {@link MAX_QUERIES_PER_CALL} queries per call, and every page of each (NextToken), so a caller may ask
 * for any number of series at once — the overview asks for three per stream.
 */
export async function fetchMetricSeries(
	request: MetricsRequest,
	call: (input: GetMetricDataInput) => MetricDataPage | Promise<MetricDataPage>,
): Promise<MetricSeries[]> {
	const series: MetricSeries[] = [];
	for (let first = 0; first < request.queries.length; first += MAX_QUERIES_PER_CALL) {
		const chunk = {...request, queries: request.queries.slice(first, first + MAX_QUERIES_PER_CALL)};
		const input = metricDataInput(chunk);
		const results: Array<Partial<ResultPage>> = [];
		let NextToken: string | undefined;
		do {
			const page = await call(NextToken === undefined ? input : {...input, NextToken});
			results.push(...(page.MetricDataResults ?? []));
			NextToken = page.NextToken;
		} while (NextToken);

		series.push(...metricSeries(chunk, results));
	}

	return series;
}

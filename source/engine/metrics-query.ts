/**
 * The CloudWatch query actions over a {@link MetricsStore}, answering as CloudWatch does:
 *
 * - GetMetricStatistics: the Statistics asked for, per Period (a multiple of 60: the local engine keeps
 *   one-minute datapoints), over [StartTime rounded down to the minute, EndTime); only periods with
 *   samples have a datapoint; the series must match Namespace, MetricName and the exact set of
 *   Dimensions, and Unit when given; at most 1,440 datapoints per call. Percentiles
 *   (ExtendedStatistics) are refused with InvalidParameterCombination.
 * - GetMetricData: MetricStat queries (standard statistics) and Expression queries doing arithmetic
 *   (+ - * / ^, parentheses, numbers) between query ids, aligned by timestamp; ScanBy, MaxDatapoints
 *   with NextToken paging, ReturnData, Label.
 * - ListMetrics: metrics with datapoints held, filtered by Namespace, MetricName, Dimensions (name, and
 *   value when given) and RecentlyActive (PT3H); 500 per page with NextToken.
 *
 * Errors are KinesisErrors with CloudWatch's codes: MissingParameter, InvalidParameterValue,
 * InvalidParameterCombination, InvalidNextToken.
 */
import {
	STATISTICS,
	UNITS,
	type Datapoint,
	type Dimension,
	type GetMetricDataInput,
	type GetMetricDataOutput,
	type GetMetricStatisticsInput,
	type GetMetricStatisticsOutput,
	type ListMetricsInput,
	type ListMetricsOutput,
	type MetricDataQuery,
	type MetricDataResult,
	type StandardUnit,
	type Statistic,
	type Timestamp,
} from '../kinesis/cloudwatch-types.js';
import type {Clock} from './clock.js';
import {KinesisError} from './errors.js';
import {
	evaluateExpression,
	parseExpression,
	type Expression,
	type TimeSeries,
} from './metric-math.js';
import {MINUTE_MS, type MinuteStatistics, type Series} from './metric-series.js';

/** What the queries read of the recorder (metrics.ts), which answers them with these functions. */
export type MetricsStore = {
	readonly clock: Clock;
	find(namespace: string, metricName: string, dimensions: readonly Dimension[]): Series | undefined;
	allSeries(): Iterable<Series>;
};

const MAX_STATISTICS_DATAPOINTS = 1440;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const MAX_QUERIES = 500;
const LIST_PAGE = 500;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
/** Statistics CloudWatch knows that the local engine does not compute (percentiles, trimmed means…). */
const EXTENDED_STAT = /^(p\d+(\.\d+)?|tm|wm|tc|ts|pr|iqm)(\(.*\))?$|^(TM|WM|TC|TS|PR|IQM)\(.*\)$/i;

export const missingParameter = (message: string) => new KinesisError('MissingParameter', message);
export const invalidParameterValue = (message: string) =>
	new KinesisError('InvalidParameterValue', message);
export const invalidParameterCombination = (message: string) =>
	new KinesisError('InvalidParameterCombination', message);
const invalidNextToken = () =>
	new KinesisError('InvalidNextToken', 'The service cannot process the NextToken given.');

// ─── GetMetricStatistics ──────────────────────────────────────────────────────────────────────

export function getMetricStatistics(
	recorder: MetricsStore,
	input: GetMetricStatisticsInput,
): GetMetricStatisticsOutput {
	required(input.Namespace, 'Namespace');
	required(input.MetricName, 'MetricName');
	required(input.StartTime, 'StartTime');
	required(input.EndTime, 'EndTime');
	required(input.Period, 'Period');
	checkName(input.Namespace, 'Namespace', 255);
	checkName(input.MetricName, 'MetricName', 255);
	const dimensions = checkDimensions(input.Dimensions, 'Dimensions');
	const statistics = input.Statistics;
	const extended = input.ExtendedStatistics;
	if (statistics !== undefined && extended !== undefined) {
		throw invalidParameterCombination(
			'Must specify either Statistics or ExtendedStatistics, but not both.',
		);
	}

	if (extended !== undefined) {
		throw invalidParameterCombination(
			'ExtendedStatistics (percentiles) are not supported by the local engine; ask for Statistics (SampleCount, Average, Sum, Minimum, Maximum).',
		);
	}

	if (statistics === undefined || statistics.length === 0) {
		throw missingParameter('Must specify either Statistics or ExtendedStatistics.');
	}

	if (statistics.length > 5) {
		throw invalidParameterValue('The collection Statistics must not have a size greater than 5.');
	}

	statistics.forEach((statistic, index) => {
		if (!STATISTICS.includes(statistic)) {
			throw invalidParameterValue(
				`The parameter Statistics.member.${index + 1} must be a value in the set [ ${STATISTICS.join(', ')} ].`,
			);
		}
	});
	checkUnit(input.Unit, 'Unit');
	const periodMs = checkPeriod(input.Period, 'Period');
	const {first, end} = timeRange(input.StartTime, input.EndTime);
	const requested = Math.ceil((end - first) / periodMs);
	if (requested > MAX_STATISTICS_DATAPOINTS) {
		throw invalidParameterCombination(
			`You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS.toLocaleString('en-US')}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
		);
	}

	const series = recorder.find(input.Namespace, input.MetricName, dimensions);
	const datapoints: Datapoint[] = [];
	if (series && (input.Unit === undefined || input.Unit === series.unit)) {
		for (const period of aggregate(series, first, end, periodMs)) {
			const datapoint: Datapoint = {Timestamp: new Date(period.timestamp), Unit: series.unit};
			for (const statistic of STATISTICS) {
				if (statistics.includes(statistic)) datapoint[statistic] = statisticOf(period, statistic);
			}

			datapoints.push(datapoint);
		}
	}

	return {Label: input.MetricName, Datapoints: datapoints};
}

// ─── GetMetricData ────────────────────────────────────────────────────────────────────────────

type PreparedQuery = {
	query: MetricDataQuery;
	label: string;
	metric?: {series: Series | undefined; statistic: Statistic; periodMs: number};
	expression?: Expression;
};

export function getMetricData(
	recorder: MetricsStore,
	input: GetMetricDataInput,
): GetMetricDataOutput {
	const queries = input.MetricDataQueries;
	if (!Array.isArray(queries) || queries.length === 0) {
		throw missingParameter('The parameter MetricDataQueries is required.');
	}

	if (queries.length > MAX_QUERIES) {
		throw invalidParameterValue(
			`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
		);
	}

	required(input.StartTime, 'StartTime');
	required(input.EndTime, 'EndTime');
	const scanBy = input.ScanBy ?? 'TimestampDescending';
	if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
		throw invalidParameterValue(
			'The parameter ScanBy must be a value in the set [ TimestampDescending, TimestampAscending ].',
		);
	}

	const maxDatapoints = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
	if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
		throw invalidParameterValue('The parameter MaxDatapoints must be greater than 0.');
	}

	const {first, end} = timeRange(input.StartTime, input.EndTime);
	const prepared = new Map<string, PreparedQuery>();
	queries.forEach((query, index) => {
		const at = `MetricDataQueries.member.${index + 1}`;
		required(query?.Id, `${at}.Id`);
		if (typeof query.Id !== 'string' || query.Id.length > 255 || !QUERY_ID.test(query.Id)) {
			throw invalidParameterValue(
				`The value ${String(query.Id)} for parameter ${at}.Id is not valid: an Id starts with a lowercase letter and has only letters, numbers and underscores.`,
			);
		}

		if (prepared.has(query.Id)) {
			throw invalidParameterValue(`The value ${query.Id} for parameter ${at}.Id is a duplicate.`);
		}

		const hasStat = query.MetricStat !== undefined && query.MetricStat !== null;
		const hasExpression = query.Expression !== undefined && query.Expression !== null;
		if (hasStat === hasExpression) {
			throw invalidParameterCombination(
				`Exactly one element of MetricStat or Expression must be specified for ${at}.`,
			);
		}

		prepared.set(
			query.Id,
			hasStat ? prepareMetricStat(recorder, query, at) : prepareExpression(query, at),
		);
	});
	if (!queries.some((query) => query.ReturnData ?? true)) {
		throw invalidParameterValue('At least one MetricDataQuery must have ReturnData set to true.');
	}

	// Every query is evaluated once; expressions may use any other query, not themselves (even indirectly).
	const values = new Map<string, TimeSeries>();
	const evaluating = new Set<string>();
	const evaluate = (id: string): TimeSeries => {
		const known = values.get(id);
		if (known) return known;
		const query = prepared.get(id)!;
		let result: TimeSeries;
		if (query.metric) {
			const {series, statistic, periodMs} = query.metric;
			result = {timestamps: [], values: []};
			if (series) {
				for (const period of aggregate(series, first, end, periodMs)) {
					result.timestamps.push(period.timestamp);
					result.values.push(statisticOf(period, statistic));
				}
			}
		} else {
			evaluating.add(id);
			result = evaluateExpression(query.expression!, (name) => {
				if (!prepared.has(name)) {
					throw invalidParameterValue(
						`Error in expression ${id}: Unrecognized metric or query id '${name}'.`,
					);
				}

				if (evaluating.has(name)) {
					throw invalidParameterValue(
						`Error in expression ${id}: circular reference to '${name}'.`,
					);
				}

				return evaluate(name);
			});
			evaluating.delete(id);
		}

		values.set(id, result);
		return result;
	};

	const returned = queries.filter((query) => query.ReturnData ?? true);
	const series = returned.map((query) => {
		const result = evaluate(query.Id);
		const order = result.timestamps.map((_, index) => index);
		if (scanBy === 'TimestampDescending') order.reverse();
		return {query, order, result};
	});

	// Paging: MaxDatapoints at a time, counted across the results in order.
	let skip = 0;
	if (input.NextToken !== undefined) {
		skip = decodeToken(input.NextToken, 'GetMetricData').offset;
	}

	let budget = maxDatapoints;
	let consumed = 0;
	let more = false;
	const results: MetricDataResult[] = series.map(({query, order, result}) => {
		const start = Math.min(order.length, Math.max(0, skip - consumed));
		const take = Math.min(order.length - start, budget);
		consumed += order.length;
		budget -= take;
		const partial = start + take < order.length;
		if (partial) more = true;
		const indices = order.slice(start, start + take);
		return {
			Id: query.Id,
			Label: prepared.get(query.Id)!.label,
			Timestamps: indices.map((index) => new Date(result.timestamps[index])),
			Values: indices.map((index) => result.values[index]),
			StatusCode: partial ? 'PartialData' : 'Complete',
			Messages: [],
		};
	});
	const nextOffset = skip + maxDatapoints;
	return {
		MetricDataResults: results,
		...(more ? {NextToken: encodeToken('GetMetricData', nextOffset)} : {}),
		Messages: [],
	};
}

function prepareMetricStat(
	recorder: MetricsStore,
	query: MetricDataQuery,
	at: string,
): PreparedQuery {
	const stat = query.MetricStat!;
	required(stat.Metric, `${at}.MetricStat.Metric`);
	required(stat.Metric.MetricName, `${at}.MetricStat.Metric.MetricName`);
	required(stat.Metric.Namespace, `${at}.MetricStat.Metric.Namespace`);
	required(stat.Period, `${at}.MetricStat.Period`);
	required(stat.Stat, `${at}.MetricStat.Stat`);
	checkName(stat.Metric.Namespace, `${at}.MetricStat.Metric.Namespace`, 255);
	checkName(stat.Metric.MetricName, `${at}.MetricStat.Metric.MetricName`, 255);
	const dimensions = checkDimensions(stat.Metric.Dimensions, `${at}.MetricStat.Metric.Dimensions`);
	const periodMs = checkPeriod(stat.Period, `${at}.MetricStat.Period`);
	checkUnit(stat.Unit, `${at}.MetricStat.Unit`);
	const statistic = STATISTICS.find((each) => each === stat.Stat);
	if (!statistic) {
		if (EXTENDED_STAT.test(stat.Stat)) {
			throw invalidParameterCombination(
				`The statistic ${stat.Stat} in ${at}.MetricStat.Stat is not supported by the local engine; use SampleCount, Average, Sum, Minimum or Maximum.`,
			);
		}

		throw invalidParameterValue(
			`The value ${stat.Stat} for parameter ${at}.MetricStat.Stat is not a valid statistic.`,
		);
	}

	const found = recorder.find(stat.Metric.Namespace, stat.Metric.MetricName, dimensions);
	const series = found && (stat.Unit === undefined || stat.Unit === found.unit) ? found : undefined;
	return {
		query,
		label: query.Label ?? stat.Metric.MetricName,
		metric: {series, statistic, periodMs},
	};
}

function prepareExpression(query: MetricDataQuery, at: string): PreparedQuery {
	if (typeof query.Expression !== 'string' || query.Expression.length < 1) {
		throw invalidParameterValue(`The parameter ${at}.Expression must not be empty.`);
	}

	if (query.Expression.length > 2048) {
		throw invalidParameterValue(
			`The parameter ${at}.Expression must not be longer than 2048 characters.`,
		);
	}

	let expression: Expression;
	try {
		expression = parseExpression(query.Expression);
	} catch (error) {
		throw invalidParameterValue(`Error in expression ${query.Id}: ${(error as Error).message}`);
	}

	return {query, label: query.Label ?? query.Id, expression};
}

// ─── ListMetrics ──────────────────────────────────────────────────────────────────────────────

export function listMetrics(recorder: MetricsStore, input: ListMetricsInput): ListMetricsOutput {
	if (input.Namespace !== undefined) checkName(input.Namespace, 'Namespace', 255);
	if (input.MetricName !== undefined) checkName(input.MetricName, 'MetricName', 255);
	const filters = input.Dimensions ?? [];
	if (filters.length > 10) {
		throw invalidParameterValue('The collection Dimensions must not have a size greater than 10.');
	}

	filters.forEach((filter, index) => {
		required(filter?.Name, `Dimensions.member.${index + 1}.Name`);
	});
	if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H') {
		throw invalidParameterValue(
			'The parameter RecentlyActive must be a value in the set [ PT3H ].',
		);
	}

	const now = recorder.clock.now();
	const since = input.RecentlyActive === 'PT3H' ? now - 3 * 3_600_000 : Number.NEGATIVE_INFINITY;
	const matching = [...recorder.allSeries()]
		.filter(
			(series) =>
				(input.Namespace === undefined || series.namespace === input.Namespace) &&
				(input.MetricName === undefined || series.metricName === input.MetricName) &&
				filters.every((filter) =>
					series.dimensions.some(
						(dimension) =>
							dimension.Name === filter.Name &&
							(filter.Value === undefined || dimension.Value === filter.Value),
					),
				) &&
				series.hasDataIn(since - (since % MINUTE_MS), Number.POSITIVE_INFINITY),
		)
		.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	const offset =
		input.NextToken === undefined ? 0 : decodeToken(input.NextToken, 'ListMetrics').offset;
	const page = matching.slice(offset, offset + LIST_PAGE);
	return {
		Metrics: page.map((series) => ({
			Namespace: series.namespace,
			MetricName: series.metricName,
			Dimensions: series.dimensions.map((dimension) => ({...dimension})),
		})),
		...(offset + LIST_PAGE < matching.length
			? {NextToken: encodeToken('ListMetrics', offset + LIST_PAGE)}
			: {}),
	};
}

// ─── Shared ───────────────────────────────────────────────────────────────────────────────────

/** The minutes of `series` in [first, end) merged per period (periods start at `first`), oldest first. */
export function aggregate(
	series: Series,
	first: number,
	end: number,
	periodMs: number,
): MinuteStatistics[] {
	const periods: MinuteStatistics[] = [];
	let current: MinuteStatistics | undefined;
	for (const minute of series.minutes(first, end)) {
		const start = first + Math.floor((minute.timestamp - first) / periodMs) * periodMs;
		if (current?.timestamp !== start) {
			current = {...minute, timestamp: start};
			periods.push(current);
			continue;
		}

		current.sum += minute.sum;
		current.sampleCount += minute.sampleCount;
		if (minute.minimum < current.minimum) current.minimum = minute.minimum;
		if (minute.maximum > current.maximum) current.maximum = minute.maximum;
	}

	return periods;
}

export function statisticOf(period: MinuteStatistics, statistic: Statistic): number {
	switch (statistic) {
		case 'SampleCount': {
			return period.sampleCount;
		}

		case 'Average': {
			return period.sum / period.sampleCount;
		}

		case 'Sum': {
			return period.sum;
		}

		case 'Minimum': {
			return period.minimum;
		}

		case 'Maximum': {
			return period.maximum;
		}
	}
}

function required(value: unknown, name: string) {
	if (value === undefined || value === null || value === '') {
		throw missingParameter(`The parameter ${name} is required.`);
	}
}

function checkName(value: unknown, name: string, max: number) {
	if (typeof value !== 'string' || value.length < 1 || value.length > max) {
		throw invalidParameterValue(
			`The parameter ${name} must be a string of 1 to ${max} characters.`,
		);
	}
}

function checkDimensions(dimensions: Dimension[] | undefined, name: string): Dimension[] {
	if (dimensions === undefined || dimensions === null) return [];
	if (!Array.isArray(dimensions)) {
		throw invalidParameterValue(`The parameter ${name} must be a list of dimensions.`);
	}

	if (dimensions.length > 30) {
		throw invalidParameterValue(`The collection ${name} must not have a size greater than 30.`);
	}

	const names = new Set<string>();
	dimensions.forEach((dimension, index) => {
		const at = `${name}.member.${index + 1}`;
		required(dimension?.Name, `${at}.Name`);
		required(dimension.Value, `${at}.Value`);
		checkName(dimension.Name, `${at}.Name`, 255);
		checkName(dimension.Value, `${at}.Value`, 1024);
		if (names.has(dimension.Name)) {
			throw invalidParameterValue(
				`No Metric may specify the same dimension name twice: ${dimension.Name}.`,
			);
		}

		names.add(dimension.Name);
	});
	return dimensions;
}

function checkUnit(unit: string | undefined, name: string) {
	if (unit !== undefined && !UNITS.includes(unit as StandardUnit)) {
		throw invalidParameterValue(
			`The parameter ${name} must be a value in the set [ ${UNITS.join(', ')} ].`,
		);
	}
}

/** Period in seconds → ms; a positive multiple of 60 (one-minute datapoints are the finest kept). */
function checkPeriod(period: number, name: string) {
	if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
		throw invalidParameterValue(`The parameter ${name} must be greater than 0.`);
	}

	if (period % 60 !== 0) {
		throw invalidParameterValue(
			`The parameter ${name} must be a multiple of 60 (the local engine keeps one-minute datapoints).`,
		);
	}

	return period * 1000;
}

function timeOf(value: Timestamp, name: string) {
	const time =
		value instanceof Date
			? value.getTime()
			: typeof value === 'number'
				? value
				: typeof value === 'string'
					? Date.parse(value)
					: Number.NaN;
	if (!Number.isFinite(time)) {
		throw invalidParameterValue(`The parameter ${name} must be a valid timestamp.`);
	}

	return time;
}

/** StartTime rounded down to the minute (as CloudWatch rounds a start less than 15 days ago); EndTime exclusive. */
function timeRange(startTime: Timestamp, endTime: Timestamp) {
	const start = timeOf(startTime, 'StartTime');
	const end = timeOf(endTime, 'EndTime');
	if (start >= end) {
		throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
	}

	return {first: start - (((start % MINUTE_MS) + MINUTE_MS) % MINUTE_MS), end};
}

function encodeToken(action: string, offset: number) {
	return Buffer.from(JSON.stringify({action, offset})).toString('base64url');
}

function decodeToken(token: string, action: string): {offset: number} {
	try {
		const decoded = JSON.parse(Buffer.from(token, 'base64url').toString()) as {
			action?: unknown;
			offset?: unknown;
		};
		if (
			decoded.action === action &&
			typeof decoded.offset === 'number' &&
			Number.isInteger(decoded.offset) &&
			decoded.offset >= 0
		) {
			return {offset: decoded.offset};
		}
	} catch {
		// Falls through to the error below.
	}

	throw invalidNextToken();
}

/**
 * CloudWatch metrics of the Kinesis engine (namespace AWS/Kinesis): what each call records, as the
 * Kinesis developer guide defines the metrics, and the CloudWatch query actions over them
 * (GetMetricStatistics, GetMetricData, ListMetrics) — all on a ManualClock, so every figure is exact.
 */
import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {MetricsRecorder} from '../../source/engine/metrics.js';
import type {Dimension, Statistic} from '../../source/kinesis/cloudwatch-types.js';
import type {Stream} from '../../source/engine/stream.js';
import type {PutRecordsRequestEntry} from '../../source/kinesis/types.js';
import {asyncKinesisError, expectKinesisError, iterator, shardId} from './helpers.js';

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NAMESPACE = 'AWS/Kinesis';
const STREAM = [{Name: 'StreamName', Value: 's'}];
const ALL: Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

function setup(options: {enforceLimits?: boolean; shards?: number} = {}) {
	const clock = new ManualClock(START);
	const kinesis = new KinesisEngine({clock, enforceLimits: options.enforceLimits ?? false});
	kinesis.createStream({StreamName: 's', ShardCount: options.shards ?? 1});
	return {clock, kinesis};
}

const records = (count: number, size = 100, key = (i: number) => `key-${i}`) =>
	Array.from({length: count}, (_, i): PutRecordsRequestEntry => ({
		PartitionKey: key(i),
		Data: Buffer.alloc(size, i % 256),
	}));

/** The datapoints of one metric, Period 60 by default, over [from, to). */
function datapoints(
	kinesis: KinesisEngine,
	metricName: string,
	options: {
		dimensions?: Dimension[];
		from?: number;
		to?: number;
		period?: number;
		statistics?: Statistic[];
	} = {},
) {
	return kinesis.metrics.getMetricStatistics({
		Namespace: NAMESPACE,
		MetricName: metricName,
		Dimensions: options.dimensions ?? STREAM,
		StartTime: new Date(options.from ?? START),
		EndTime: new Date(options.to ?? START + HOUR),
		Period: options.period ?? 60,
		Statistics: options.statistics ?? ALL,
	}).Datapoints;
}

/** The one datapoint of a metric in the first minute (fails if there is not exactly one). */
function minute(kinesis: KinesisEngine, metricName: string, dimensions = STREAM) {
	const points = datapoints(kinesis, metricName, {dimensions, to: START + MINUTE});
	expect(points, metricName).toHaveLength(1);
	return points[0];
}

const shardDimensions = (index: number) => [...STREAM, {Name: 'ShardId', Value: shardId(index)}];

function streamOf(kinesis: KinesisEngine, name: string): Stream {
	return (kinesis as unknown as {streams: Map<string, Stream>}).streams.get(name)!;
}

describe('puts', () => {
	test('1,000 records of 100 bytes in a minute: IncomingRecords 1,000, IncomingBytes 100,000, call metrics per call', async () => {
		const {clock, kinesis} = setup({shards: 2});
		for (let call = 0; call < 2; call++) {
			const output = await kinesis.putRecords({StreamName: 's', Records: records(400)});
			expect(output.FailedRecordCount).toBe(0);
			clock.advance(100);
		}

		for (let i = 0; i < 200; i++) {
			await kinesis.putRecord({
				StreamName: 's',
				PartitionKey: `single-${i}`,
				Data: Buffer.alloc(100),
			});
			clock.advance(100);
		}

		expect(minute(kinesis, 'IncomingRecords')).toEqual({
			Timestamp: new Date(START),
			SampleCount: 202,
			Average: 1000 / 202,
			Sum: 1000,
			Minimum: 1,
			Maximum: 400,
			Unit: 'Count',
		});
		expect(minute(kinesis, 'IncomingBytes')).toMatchObject({
			Sum: 100_000,
			SampleCount: 202,
			Minimum: 100,
			Maximum: 40_000,
			Unit: 'Bytes',
		});
		expect(minute(kinesis, 'PutRecords.TotalRecords')).toMatchObject({Sum: 800, SampleCount: 2});
		expect(minute(kinesis, 'PutRecords.SuccessfulRecords')).toMatchObject({
			Sum: 800,
			SampleCount: 2,
		});
		expect(minute(kinesis, 'PutRecords.Records')).toMatchObject({Sum: 800});
		expect(minute(kinesis, 'PutRecords.FailedRecords')).toMatchObject({Sum: 0, SampleCount: 2});
		expect(minute(kinesis, 'PutRecords.ThrottledRecords')).toMatchObject({Sum: 0, SampleCount: 2});
		expect(minute(kinesis, 'PutRecords.Bytes')).toMatchObject({Sum: 80_000, Unit: 'Bytes'});
		expect(minute(kinesis, 'PutRecords.Success')).toMatchObject({Sum: 2, Average: 1});
		expect(minute(kinesis, 'PutRecord.Bytes')).toMatchObject({Sum: 20_000, SampleCount: 200});
		expect(minute(kinesis, 'PutRecord.Success')).toMatchObject({Sum: 200, Average: 1});
		expect(minute(kinesis, 'WriteProvisionedThroughputExceeded')).toMatchObject({
			Sum: 0,
			SampleCount: 202,
		});
		const latency = minute(kinesis, 'PutRecords.Latency');
		expect(latency).toMatchObject({SampleCount: 2, Unit: 'Milliseconds'});
		expect(latency.Minimum).toBeGreaterThanOrEqual(0);
		expect(minute(kinesis, 'PutRecord.Latency')).toMatchObject({SampleCount: 200});
		// Shard-level metrics are off until EnableEnhancedMonitoring.
		expect(
			kinesis.metrics.listMetrics({Namespace: NAMESPACE, Dimensions: [{Name: 'ShardId'}]}).Metrics,
		).toEqual([]);
	});

	test('throttled records are counted (limits on): PutRecords.ThrottledRecords, WriteProvisionedThroughputExceeded', async () => {
		const {clock, kinesis} = setup({enforceLimits: true});
		kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['ALL']});
		// One shard takes 1,000 records a second: the third batch of 500 in the same second is refused.
		const failed = [];
		for (let call = 0; call < 3; call++) {
			failed.push(
				(await kinesis.putRecords({StreamName: 's', Records: records(500, 10)})).FailedRecordCount,
			);
		}

		expect(failed).toEqual([0, 0, 500]);
		const error = await asyncKinesisError(() =>
			kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(10)}),
		);
		expect(error.code).toBe('ProvisionedThroughputExceededException');
		clock.advance(1000);
		await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(10)});

		expect(minute(kinesis, 'PutRecords.ThrottledRecords')).toMatchObject({
			Sum: 500,
			SampleCount: 3,
			Maximum: 500,
			Minimum: 0,
		});
		expect(minute(kinesis, 'PutRecords.TotalRecords')).toMatchObject({Sum: 1500});
		expect(minute(kinesis, 'PutRecords.SuccessfulRecords')).toMatchObject({Sum: 1000});
		expect(minute(kinesis, 'PutRecords.Success')).toMatchObject({Sum: 2, SampleCount: 3});
		expect(minute(kinesis, 'PutRecord.Success')).toMatchObject({Sum: 1, SampleCount: 2});
		expect(minute(kinesis, 'WriteProvisionedThroughputExceeded')).toMatchObject({
			Sum: 501,
			SampleCount: 5,
			Minimum: 0,
			Maximum: 500,
		});
		expect(minute(kinesis, 'IncomingRecords')).toMatchObject({Sum: 1001, SampleCount: 3});
		expect(minute(kinesis, 'WriteProvisionedThroughputExceeded', shardDimensions(0))).toMatchObject(
			{Sum: 501, SampleCount: 5},
		);
		expect(minute(kinesis, 'IncomingRecords', shardDimensions(0))).toMatchObject({Sum: 1001});
	});

	test('a throttled GetRecords counts in ReadProvisionedThroughputExceeded and GetRecords.Success', () => {
		const {kinesis} = setup({enforceLimits: true});
		const start = iterator(kinesis, 's', shardId(0));
		for (let call = 0; call < 5; call++) kinesis.getRecords({ShardIterator: start});
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: start}),
			'ProvisionedThroughputExceededException',
		);
		expect(minute(kinesis, 'ReadProvisionedThroughputExceeded')).toMatchObject({
			Sum: 1,
			SampleCount: 6,
			Maximum: 1,
		});
		expect(minute(kinesis, 'GetRecords.Success')).toMatchObject({Sum: 5, SampleCount: 6});
		expect(minute(kinesis, 'GetRecords.Records')).toMatchObject({Sum: 0, SampleCount: 5});
	});
});

describe('GetRecords', () => {
	test('iterator age: records put at t and read at t + 30 s are 30,000 ms old; caught-up reads are 0', async () => {
		const {clock, kinesis} = setup();
		await kinesis.putRecords({StreamName: 's', Records: records(10, 50)});
		clock.advance(30_000);
		const page = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(0))});
		expect(page.Records).toHaveLength(10);
		const next = kinesis.getRecords({ShardIterator: page.NextShardIterator!});
		expect(next.Records).toHaveLength(0);

		expect(minute(kinesis, 'GetRecords.IteratorAgeMilliseconds')).toEqual({
			Timestamp: new Date(START),
			SampleCount: 2,
			Average: 15_000,
			Sum: 30_000,
			Minimum: 0,
			Maximum: 30_000,
			Unit: 'Milliseconds',
		});
		expect(minute(kinesis, 'GetRecords.Records')).toMatchObject({
			Sum: 10,
			SampleCount: 2,
			Maximum: 10,
		});
		expect(minute(kinesis, 'GetRecords.Bytes')).toMatchObject({Sum: 500, Unit: 'Bytes'});
		expect(minute(kinesis, 'GetRecords.Success')).toMatchObject({Sum: 2});
		expect(minute(kinesis, 'GetRecords.Latency')).toMatchObject({SampleCount: 2});
		expect(minute(kinesis, 'ReadProvisionedThroughputExceeded')).toMatchObject({
			Sum: 0,
			SampleCount: 2,
		});
	});

	test('iterator age is the age of the last record a call returns, per call', async () => {
		const {clock, kinesis} = setup();
		await kinesis.putRecords({StreamName: 's', Records: records(5)});
		clock.advance(10_000);
		await kinesis.putRecords({StreamName: 's', Records: records(5)});
		clock.advance(30_000); // t + 40 s
		// The first call returns the 5 records of t and 2 of t + 10 s: its age is the last one's, 30 s.
		const first = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(0)), Limit: 7});
		clock.advance(5000);
		const second = kinesis.getRecords({ShardIterator: first.NextShardIterator!, Limit: 7});
		expect([first.Records.length, second.Records.length]).toEqual([7, 3]);
		const points = datapoints(kinesis, 'GetRecords.IteratorAgeMilliseconds', {to: START + MINUTE});
		expect(points).toMatchObject([{Maximum: 35_000, Minimum: 30_000, SampleCount: 2}]);
	});
});

describe('shard-level metrics', () => {
	test('recorded only for the metrics EnableEnhancedMonitoring enabled, per shard', async () => {
		const {clock, kinesis} = setup({shards: 2});
		await kinesis.putRecords({StreamName: 's', Records: records(100)});
		expect(kinesis.metrics.listMetrics({Dimensions: [{Name: 'ShardId'}]}).Metrics).toEqual([]);

		kinesis.enableEnhancedMonitoring({
			StreamName: 's',
			ShardLevelMetrics: ['IncomingRecords', 'IteratorAgeMilliseconds'],
		});
		const output = await kinesis.putRecords({StreamName: 's', Records: records(100)});
		const perShard = [0, 0];
		for (const result of output.Records) perShard[result.ShardId === shardId(0) ? 0 : 1]++;
		expect(perShard[0]).toBeGreaterThan(0);
		expect(perShard[1]).toBeGreaterThan(0);
		clock.advance(5000);
		for (const index of [0, 1]) {
			kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(index))});
		}

		for (const index of [0, 1]) {
			expect(minute(kinesis, 'IncomingRecords', shardDimensions(index))).toMatchObject({
				Sum: perShard[index],
				SampleCount: 1,
				Unit: 'Count',
			});
			// The stream's first 100 records arrived at the same time as these, 5 s before the read.
			expect(minute(kinesis, 'IteratorAgeMilliseconds', shardDimensions(index))).toMatchObject({
				Maximum: 5000,
				SampleCount: 1,
			});
		}

		const listed = kinesis.metrics.listMetrics({Dimensions: [{Name: 'ShardId'}]}).Metrics;
		expect(listed.map((metric) => metric.MetricName).sort()).toEqual([
			'IncomingRecords',
			'IncomingRecords',
			'IteratorAgeMilliseconds',
			'IteratorAgeMilliseconds',
		]);
		expect(listed[0].Dimensions).toEqual(shardDimensions(0));
		// The stream level counts both puts.
		expect(minute(kinesis, 'IncomingRecords')).toMatchObject({Sum: 200});

		kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['ALL']});
		kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(0))});
		expect(minute(kinesis, 'OutgoingRecords', shardDimensions(0))).toMatchObject({
			Sum: perShard[0] * 2,
			SampleCount: 1,
		});
		kinesis.disableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['ALL']});
		kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(0))});
		expect(minute(kinesis, 'OutgoingRecords', shardDimensions(0))).toMatchObject({SampleCount: 1});
	});
});

describe('GetMetricStatistics', () => {
	// Neither the first nor the last minute of a 5-minute period is its minimum or maximum.
	const PER_MINUTE = [12, 10, 14, 11, 13, 17, 15, 19, 16, 18];

	async function tenMinutes() {
		const {clock, kinesis} = setup();
		for (let i = 0; i < 10; i++) {
			clock.set(START + i * MINUTE + 5000);
			await kinesis.putRecords({StreamName: 's', Records: records(PER_MINUTE[i])});
		}

		return {clock, kinesis};
	}

	test('5-minute periods aggregate the minutes: Sum, SampleCount, Minimum, Maximum, Average', async () => {
		const {kinesis} = await tenMinutes();
		expect(datapoints(kinesis, 'IncomingRecords', {period: 300})).toEqual([
			{
				Timestamp: new Date(START),
				SampleCount: 5,
				Average: 12,
				Sum: 60,
				Minimum: 10,
				Maximum: 14,
				Unit: 'Count',
			},
			{
				Timestamp: new Date(START + 5 * MINUTE),
				SampleCount: 5,
				Average: 17,
				Sum: 85,
				Minimum: 15,
				Maximum: 19,
				Unit: 'Count',
			},
		]);
		// One-minute periods: one datapoint per minute.
		expect(datapoints(kinesis, 'IncomingRecords').map((point) => point.Sum)).toEqual(PER_MINUTE);
	});

	test('StartTime is rounded down to the minute, EndTime is exclusive, only the asked statistics come back', async () => {
		const {kinesis} = await tenMinutes();
		const output = kinesis.metrics.getMetricStatistics({
			Namespace: NAMESPACE,
			MetricName: 'IncomingRecords',
			Dimensions: STREAM,
			StartTime: new Date(START + 30_000),
			EndTime: new Date(START + 5 * MINUTE),
			Period: 300,
			Statistics: ['Sum'],
		});
		expect(output).toEqual({
			Label: 'IncomingRecords',
			Datapoints: [{Timestamp: new Date(START), Sum: 60, Unit: 'Count'}],
		});
	});

	test('dimensions must match as a set; a different Unit finds nothing', async () => {
		const {kinesis} = await tenMinutes();
		expect(datapoints(kinesis, 'IncomingRecords', {dimensions: []})).toEqual([]);
		expect(
			datapoints(kinesis, 'IncomingRecords', {
				dimensions: [...STREAM, {Name: 'ShardId', Value: 'x'}],
			}),
		).toEqual([]);
		const input = {
			Namespace: NAMESPACE,
			MetricName: 'IncomingRecords',
			Dimensions: STREAM,
			StartTime: START,
			EndTime: START + HOUR,
			Period: 3600,
			Statistics: ['Sum' as const],
		};
		expect(kinesis.metrics.getMetricStatistics({...input, Unit: 'Bytes'}).Datapoints).toEqual([]);
		expect(kinesis.metrics.getMetricStatistics({...input, Unit: 'Count'}).Datapoints).toEqual([
			{Timestamp: new Date(START), Sum: 145, Unit: 'Count'},
		]);
	});

	test("errors as CloudWatch's: MissingParameter, InvalidParameterValue, InvalidParameterCombination", () => {
		const {kinesis} = setup();
		const base = {
			Namespace: NAMESPACE,
			MetricName: 'IncomingRecords',
			Dimensions: STREAM,
			StartTime: START,
			EndTime: START + HOUR,
			Period: 60,
			Statistics: ['Sum' as Statistic],
		};
		const query = (input: object) => () =>
			kinesis.metrics.getMetricStatistics({...base, ...input} as typeof base);
		expectKinesisError(
			query({Namespace: undefined}),
			'MissingParameter',
			'The parameter Namespace is required.',
		);
		expectKinesisError(query({Period: 90}), 'InvalidParameterValue', /multiple of 60/);
		expectKinesisError(query({Period: 0}), 'InvalidParameterValue');
		expectKinesisError(
			query({ExtendedStatistics: ['p99']}),
			'InvalidParameterCombination',
			'Must specify either Statistics or ExtendedStatistics, but not both.',
		);
		expectKinesisError(
			query({Statistics: undefined, ExtendedStatistics: ['p99']}),
			'InvalidParameterCombination',
		);
		expectKinesisError(query({Statistics: undefined}), 'MissingParameter');
		expectKinesisError(
			query({Statistics: ['Sum', 'Median']}),
			'InvalidParameterValue',
			'The parameter Statistics.member.2 must be a value in the set [ SampleCount, Average, Sum, Minimum, Maximum ].',
		);
		expectKinesisError(query({EndTime: START}), 'InvalidParameterValue');
		expectKinesisError(query({Unit: 'Furlongs'}), 'InvalidParameterValue');
		expectKinesisError(
			query({EndTime: START + 2 * 24 * HOUR}),
			'InvalidParameterCombination',
			'You have requested up to 2,880 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
		);
		expectKinesisError(
			query({Dimensions: [{Name: 'StreamName'}]}),
			'MissingParameter',
			'The parameter Dimensions.member.1.Value is required.',
		);
	});
});

describe('GetMetricData', () => {
	async function twoMinutes() {
		const {clock, kinesis} = setup();
		await kinesis.putRecords({StreamName: 's', Records: records(120, 10)});
		clock.advance(MINUTE);
		await kinesis.putRecords({StreamName: 's', Records: records(60, 30)});
		return {clock, kinesis};
	}

	const stat = (metricName: string, statistic = 'Sum') => ({
		Metric: {Namespace: NAMESPACE, MetricName: metricName, Dimensions: STREAM},
		Period: 60,
		Stat: statistic,
	});

	test('MetricStat and expression queries: m1/60 is records per second, m2/m1 bytes per record', async () => {
		const {kinesis} = await twoMinutes();
		const output = kinesis.metrics.getMetricData({
			MetricDataQueries: [
				{Id: 'm1', MetricStat: stat('IncomingRecords')},
				{Id: 'm2', MetricStat: stat('IncomingBytes'), ReturnData: false},
				{Id: 'rate', Expression: 'm1/60', Label: 'records/s'},
				{Id: 'size', Expression: '(m2) / m1'},
			],
			StartTime: new Date(START),
			EndTime: new Date(START + 10 * MINUTE),
		});
		const newestFirst = [new Date(START + MINUTE), new Date(START)];
		expect(output).toEqual({
			MetricDataResults: [
				{
					Id: 'm1',
					Label: 'IncomingRecords',
					Timestamps: newestFirst,
					Values: [60, 120],
					StatusCode: 'Complete',
					Messages: [],
				},
				{
					Id: 'rate',
					Label: 'records/s',
					Timestamps: newestFirst,
					Values: [1, 2],
					StatusCode: 'Complete',
					Messages: [],
				},
				{
					Id: 'size',
					Label: 'size',
					Timestamps: newestFirst,
					Values: [30, 10],
					StatusCode: 'Complete',
					Messages: [],
				},
			],
			Messages: [],
		});
	});

	test('ScanBy TimestampAscending; MaxDatapoints pages with NextToken', async () => {
		const {kinesis} = await twoMinutes();
		const input = {
			MetricDataQueries: [
				{Id: 'a', MetricStat: stat('IncomingRecords')},
				{Id: 'b', MetricStat: stat('IncomingBytes', 'Maximum')},
			],
			StartTime: new Date(START),
			EndTime: new Date(START + 10 * MINUTE),
			ScanBy: 'TimestampAscending' as const,
			MaxDatapoints: 3,
		};
		const first = kinesis.metrics.getMetricData(input);
		expect(first.MetricDataResults.map((result) => [result.Values, result.StatusCode])).toEqual([
			[[120, 60], 'Complete'],
			[[1200], 'PartialData'],
		]);
		expect(first.NextToken).toBeDefined();
		const second = kinesis.metrics.getMetricData({...input, NextToken: first.NextToken});
		expect(second.MetricDataResults.map((result) => [result.Values, result.StatusCode])).toEqual([
			[[], 'Complete'],
			[[1800], 'Complete'],
		]);
		expect(second.MetricDataResults[1].Timestamps).toEqual([new Date(START + MINUTE)]);
		expect(second.NextToken).toBeUndefined();
		expectKinesisError(
			() => kinesis.metrics.getMetricData({...input, NextToken: 'nonsense'}),
			'InvalidNextToken',
		);
	});

	test('invalid queries are refused as CloudWatch refuses them', () => {
		const {kinesis} = setup();
		const run = (queries: object[]) => () =>
			kinesis.metrics.getMetricData({
				MetricDataQueries: queries as never,
				StartTime: START,
				EndTime: START + HOUR,
			});
		expectKinesisError(run([]), 'MissingParameter');
		expectKinesisError(run([{Id: 'e1', Expression: 'm9 * 2'}]), 'InvalidParameterValue', /m9/);
		expectKinesisError(run([{Id: 'e1', Expression: 'SUM(METRICS())'}]), 'InvalidParameterValue');
		expectKinesisError(
			run([{Id: 'e1', Expression: 'e1 + 1'}]),
			'InvalidParameterValue',
			/circular/,
		);
		expectKinesisError(run([{Id: 'e1', Expression: '2 +'}]), 'InvalidParameterValue');
		expectKinesisError(
			run([
				{Id: 'm1', MetricStat: stat('IncomingRecords')},
				{Id: 'm1', MetricStat: stat('IncomingBytes')},
			]),
			'InvalidParameterValue',
			/duplicate/,
		);
		expectKinesisError(
			run([{Id: 'M1', MetricStat: stat('IncomingRecords')}]),
			'InvalidParameterValue',
		);
		expectKinesisError(
			run([{Id: 'm1', MetricStat: stat('IncomingRecords'), Expression: '1'}]),
			'InvalidParameterCombination',
		);
		expectKinesisError(
			run([{Id: 'm1', MetricStat: stat('IncomingRecords', 'p99')}]),
			'InvalidParameterCombination',
		);
		expectKinesisError(
			run([{Id: 'm1', MetricStat: stat('IncomingRecords', 'Median')}]),
			'InvalidParameterValue',
		);
		expectKinesisError(
			run([{Id: 'm1', MetricStat: stat('IncomingRecords'), ReturnData: false}]),
			'InvalidParameterValue',
		);
	});
});

describe('ListMetrics', () => {
	test('lists the metrics with datapoints, filtered by namespace, name, dimensions and RecentlyActive', async () => {
		const {clock, kinesis} = setup();
		kinesis.createStream({StreamName: 'other', ShardCount: 1});
		await kinesis.putRecords({StreamName: 's', Records: records(3)});
		await kinesis.putRecord({StreamName: 'other', PartitionKey: 'k', Data: Buffer.alloc(1)});
		const names = kinesis.metrics
			.listMetrics({Namespace: NAMESPACE, Dimensions: [{Name: 'StreamName', Value: 's'}]})
			.Metrics.map((metric) => metric.MetricName);
		expect(names).toEqual(
			[
				'IncomingBytes',
				'IncomingRecords',
				'PutRecords.Bytes',
				'PutRecords.FailedRecords',
				'PutRecords.Latency',
				'PutRecords.Records',
				'PutRecords.Success',
				'PutRecords.SuccessfulRecords',
				'PutRecords.ThrottledRecords',
				'PutRecords.TotalRecords',
				'WriteProvisionedThroughputExceeded',
			].sort(),
		);
		expect(kinesis.metrics.listMetrics({MetricName: 'IncomingRecords'}).Metrics).toEqual([
			{
				Namespace: NAMESPACE,
				MetricName: 'IncomingRecords',
				Dimensions: [{Name: 'StreamName', Value: 'other'}],
			},
			{Namespace: NAMESPACE, MetricName: 'IncomingRecords', Dimensions: STREAM},
		]);
		expect(kinesis.metrics.listMetrics({Namespace: 'AWS/Firehose'}).Metrics).toEqual([]);

		clock.advance(4 * HOUR);
		expect(
			kinesis.metrics.listMetrics({MetricName: 'IncomingRecords', RecentlyActive: 'PT3H'}).Metrics,
		).toEqual([]);
		expect(kinesis.metrics.listMetrics({MetricName: 'IncomingRecords'}).Metrics).toHaveLength(2);
		expectKinesisError(
			() => kinesis.metrics.listMetrics({RecentlyActive: 'PT1H' as 'PT3H'}),
			'InvalidParameterValue',
		);
	});
});

describe('memory', () => {
	test('minutes older than 24 h are evicted', async () => {
		const {clock, kinesis} = setup();
		await kinesis.putRecords({StreamName: 's', Records: records(7)});
		clock.advance(23 * HOUR);
		await kinesis.putRecords({StreamName: 's', Records: records(8)});
		const range = {
			from: START,
			to: START + 26 * HOUR,
			period: 3600,
			statistics: ['Sum' as Statistic],
		};
		expect(datapoints(kinesis, 'IncomingRecords', range).map((point) => point.Sum)).toEqual([7, 8]);
		clock.advance(HOUR + MINUTE);
		await kinesis.putRecords({StreamName: 's', Records: records(9)});
		expect(datapoints(kinesis, 'IncomingRecords', range).map((point) => point.Sum)).toEqual([8, 9]);
		const held = kinesis.metrics.stats();
		clock.advance(25 * HOUR);
		kinesis.metrics.sweep();
		expect(datapoints(kinesis, 'IncomingRecords', range)).toEqual([]);
		expect(kinesis.metrics.stats().minutes).toBe(0);
		expect(held.minutes).toBeGreaterThan(0);
	});

	test('a stream retaining 48 h keeps its minutes 48 h', async () => {
		const {clock, kinesis} = setup();
		kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 48});
		await kinesis.putRecords({StreamName: 's', Records: records(7)});
		clock.advance(30 * HOUR);
		kinesis.metrics.sweep();
		expect(minute(kinesis, 'IncomingRecords')).toMatchObject({Sum: 7});
		clock.advance(19 * HOUR);
		kinesis.metrics.sweep();
		expect(datapoints(kinesis, 'IncomingRecords')).toEqual([]);
	});

	test('the series of a deleted stream are dropped; a re-created stream starts afresh', async () => {
		const {kinesis} = setup();
		await kinesis.putRecords({StreamName: 's', Records: records(7)});
		expect(kinesis.metrics.stats().series).toBeGreaterThan(0);
		kinesis.deleteStream({StreamName: 's'});
		expect(kinesis.metrics.listMetrics({}).Metrics).toEqual([]);
		expect(kinesis.metrics.stats().series).toBe(0);
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		await kinesis.putRecords({StreamName: 's', Records: records(2)});
		expect(minute(kinesis, 'IncomingRecords')).toMatchObject({Sum: 2, SampleCount: 1});
	});
});

describe('SubscribeToShard hooks', () => {
	test('record the consumer metrics (StreamName, ConsumerName) and shard-level OutgoingRecords', async () => {
		const {kinesis} = setup();
		kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['OutgoingRecords']});
		await kinesis.putRecords({StreamName: 's', Records: records(4, 25)});
		const stream = streamOf(kinesis, 's');
		const page = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(0))});
		const hooks = kinesis.kinesisMetrics;
		hooks.subscribeToShard(stream, 'reader', 'established');
		hooks.subscribeToShard(stream, 'reader', 'rate-exceeded');
		hooks.subscribeToShardEvent(stream, stream.shards[0], 'reader', {
			Records: page.Records,
			MillisBehindLatest: 0,
		});
		const consumer = [...STREAM, {Name: 'ConsumerName', Value: 'reader'}];
		expect(minute(kinesis, 'SubscribeToShard.Success', consumer)).toMatchObject({
			Sum: 1,
			SampleCount: 2,
		});
		expect(minute(kinesis, 'SubscribeToShard.RateExceeded', consumer)).toMatchObject({Sum: 1});
		expect(minute(kinesis, 'SubscribeToShardEvent.Records', consumer)).toMatchObject({Sum: 4});
		expect(minute(kinesis, 'SubscribeToShardEvent.Bytes', consumer)).toMatchObject({Sum: 100});
		expect(minute(kinesis, 'SubscribeToShardEvent.Success', consumer)).toMatchObject({Sum: 1});
		// OutgoingRecords counts the GetRecords call and the event.
		expect(minute(kinesis, 'OutgoingRecords', shardDimensions(0))).toMatchObject({
			Sum: 8,
			SampleCount: 2,
		});
	});
});

describe('series storage', () => {
	test('minutes stay exact and ordered whatever order samples come in, across growth and eviction', () => {
		const clock = new ManualClock(START);
		const recorder = new MetricsRecorder({clock});
		const series = recorder.series('Test', 'Value', [{Name: 'Of', Value: 'x'}], 'Count');
		const model = new Map<number, number[]>();
		let seed = 7;
		const random = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed / 2 ** 31;
		};

		for (let step = 0; step < 5000; step++) {
			// Mostly forward in time, sometimes back (a clock set back), over ~2 days.
			const time = START + Math.floor(random() * random() * 2 * 24 * HOUR);
			const value = Math.floor(random() * 1000) - 500;
			series.add(time, value);
			const minuteStart = time - (time % MINUTE);
			model.set(minuteStart, [...(model.get(minuteStart) ?? []), value]);
			if (step % 1000 === 999) {
				const cutoff = START + (step / 1000) * 6 * HOUR;
				series.evictBefore(cutoff);
				for (const key of model.keys()) if (key < cutoff) model.delete(key);
			}
		}

		const expected = [...model.entries()]
			.sort(([a], [b]) => a - b)
			.map(([timestamp, values]) => ({
				timestamp,
				sum: values.reduce((sum, value) => sum + value, 0),
				sampleCount: values.length,
				minimum: Math.min(...values),
				maximum: Math.max(...values),
			}));
		expect([...series.minutes(0, Number.POSITIVE_INFINITY)]).toEqual(expected);
		expect(series.size).toBe(expected.length);
	});
});

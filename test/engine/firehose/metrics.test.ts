/**
 * CloudWatch metrics of the Firehose engine (namespace AWS/Firehose, dimension DeliveryStreamName) and
 * kinesis-top's own buffer gauges (KinesisTop/Firehose), on a ManualClock; and the recorder the
 * Firehose engine shares with the Kinesis engine it is built on.
 */
import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../../source/engine/clock.js';
import {KinesisEngine} from '../../../source/engine/engine.js';
import {FirehoseEngine} from '../../../source/engine/firehose/firehose-engine.js';
import {FIREHOSE_LIMITS} from '../../../source/kinesis/firehose-limits.js';
import type {MetricsRecorder} from '../../../source/engine/metrics.js';
import type {Statistic} from '../../../source/kinesis/cloudwatch-types.js';
import {asyncKinesisError} from '../helpers.js';
import {bytes, createDirectPut, firehose, START} from './helpers.js';

const NAME = 'events';
const MINUTE = 60_000;
const DIMENSIONS = [{Name: 'DeliveryStreamName', Value: NAME}];
const ALL: Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

/** The one datapoint of a metric in the minute starting at `at` (fails if there is not exactly one). */
function minute(
	metrics: MetricsRecorder,
	metricName: string,
	at = START,
	namespace = 'AWS/Firehose',
) {
	const {Datapoints} = metrics.getMetricStatistics({
		Namespace: namespace,
		MetricName: metricName,
		Dimensions: DIMENSIONS,
		StartTime: at,
		EndTime: at + MINUTE,
		Period: 60,
		Statistics: ALL,
	});
	expect(Datapoints, metricName).toHaveLength(1);
	return Datapoints[0];
}

function noData(metrics: MetricsRecorder, metricName: string, namespace = 'AWS/Firehose') {
	return metrics.getMetricStatistics({
		Namespace: namespace,
		MetricName: metricName,
		Dimensions: DIMENSIONS,
		StartTime: START - 60 * MINUTE,
		EndTime: START + 60 * MINUTE,
		Period: 60,
		Statistics: ['SampleCount'],
	}).Datapoints;
}

const batch = (count: number, size = 100) =>
	Array.from({length: count}, (_, i) => ({Data: Buffer.alloc(size, i)}));

describe('ingestion and delivery', () => {
	test('puts, then a flush: DeliveryToS3.Records is what was delivered, DataFreshness the oldest record’s age', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 64, IntervalInSeconds: 60}});
		for (let call = 0; call < 3; call++) {
			await engine.putRecordBatch({DeliveryStreamName: NAME, Records: batch(10)});
		}

		clock.advance(20_000);
		await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('x'.repeat(100))}});
		await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('y'.repeat(100))}});
		clock.advance(10_000);
		await engine.tick(); // at 30 s: nothing is due yet, the gauges are sampled
		expect(engine.listObjects('landing')).toHaveLength(0);

		const metrics = engine.metrics;
		expect(minute(metrics, 'IncomingRecords')).toMatchObject({
			Sum: 32,
			SampleCount: 5,
			Unit: 'Count',
		});
		expect(minute(metrics, 'IncomingBytes')).toMatchObject({Sum: 3200, Unit: 'Bytes'});
		expect(minute(metrics, 'IncomingPutRequests')).toMatchObject({Sum: 5});
		expect(minute(metrics, 'PutRecordBatch.Records')).toMatchObject({Sum: 30, SampleCount: 3});
		expect(minute(metrics, 'PutRecordBatch.Requests')).toMatchObject({Sum: 3});
		expect(minute(metrics, 'PutRecordBatch.Bytes')).toMatchObject({Sum: 3000});
		expect(minute(metrics, 'PutRecordBatch.Latency')).toMatchObject({
			SampleCount: 3,
			Unit: 'Milliseconds',
		});
		expect(minute(metrics, 'PutRecord.Requests')).toMatchObject({Sum: 2});
		expect(minute(metrics, 'PutRecord.Bytes')).toMatchObject({Sum: 200, SampleCount: 2});
		expect(minute(metrics, 'PutRecord.Latency')).toMatchObject({SampleCount: 2});
		expect(minute(metrics, 'BufferedRecords', START, 'KinesisTop/Firehose')).toMatchObject({
			Maximum: 32,
			SampleCount: 1,
		});
		expect(minute(metrics, 'BufferedBytes', START, 'KinesisTop/Firehose')).toMatchObject({
			Maximum: 3200,
			Unit: 'Bytes',
		});
		expect(minute(metrics, 'OldestBufferedRecordAge', START, 'KinesisTop/Firehose')).toMatchObject({
			Maximum: 30_000,
			Unit: 'Milliseconds',
		});
		expect(noData(metrics, 'DeliveryToS3.Records')).toEqual([]);

		clock.advance(30_000); // 60 s after the first record: the interval hint is reached
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		expect(delivery.records).toBe(32);
		const delivered = START + MINUTE;
		expect(minute(metrics, 'DeliveryToS3.Records', delivered)).toMatchObject({
			Sum: 32,
			SampleCount: 1,
		});
		expect(minute(metrics, 'DeliveryToS3.Bytes', delivered)).toMatchObject({Sum: delivery.bytes});
		expect(minute(metrics, 'DeliveryToS3.Success', delivered)).toMatchObject({
			Sum: 1,
			Average: 1,
		});
		expect(minute(metrics, 'DeliveryToS3.ObjectCount', delivered)).toMatchObject({Sum: 1});
		expect(minute(metrics, 'DeliveryToS3.DataFreshness', delivered)).toEqual({
			Timestamp: new Date(delivered),
			SampleCount: 1,
			Average: 60,
			Sum: 60,
			Minimum: 60,
			Maximum: 60,
			Unit: 'Seconds',
		});

		clock.advance(1000);
		await engine.tick();
		expect(minute(metrics, 'BufferedRecords', delivered, 'KinesisTop/Firehose')).toMatchObject({
			Maximum: 32,
			Minimum: 0,
			SampleCount: 2,
		});
		await engine.close();
	});

	test('throttled records and requests are ThrottledRecords', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME);
		// 5 MiB a second: the second batch of four 1,000,000-byte records is refused after its first.
		const big = batch(4, 1_000_000);
		await engine.putRecordBatch({DeliveryStreamName: NAME, Records: big});
		const output = await engine.putRecordBatch({DeliveryStreamName: NAME, Records: big});
		expect(output.FailedPutCount).toBe(3);
		const metrics = engine.metrics;
		expect(minute(metrics, 'ThrottledRecords')).toMatchObject({Sum: 3, SampleCount: 1});
		expect(minute(metrics, 'IncomingRecords')).toMatchObject({Sum: 5});
		expect(minute(metrics, 'PutRecordBatch.Records')).toMatchObject({Sum: 8});

		// 2,000 requests a second: the request after them is refused as a whole.
		for (let call = 2; call < FIREHOSE_LIMITS.requestsPerSecond; call++) {
			await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('x')}});
		}

		const error = await asyncKinesisError(() =>
			engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('late')}}),
		);
		expect(error.code).toBe('ServiceUnavailableException');
		expect(minute(metrics, 'ThrottledRecords')).toMatchObject({Sum: 4, SampleCount: 2});
		expect(minute(metrics, 'PutRecord.Requests')).toMatchObject({
			Sum: FIREHOSE_LIMITS.requestsPerSecond - 1,
		});
		expect(minute(metrics, 'IncomingPutRequests')).toMatchObject({
			Sum: FIREHOSE_LIMITS.requestsPerSecond,
		});
		await engine.close();
	});

	test('a deleted delivery stream’s series are dropped', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME);
		await engine.putRecordBatch({DeliveryStreamName: NAME, Records: batch(3)});
		expect(engine.metrics.listMetrics({Namespace: 'AWS/Firehose'}).Metrics.length).toBeGreaterThan(
			0,
		);
		engine.deleteDeliveryStream({DeliveryStreamName: NAME});
		expect(engine.metrics.listMetrics({}).Metrics).toEqual([]);
		await engine.close();
	});
});

describe('shared with the Kinesis engine', () => {
	test('a Firehose engine on a Kinesis engine records into its recorder; one query sees both', async () => {
		const clock = new ManualClock(START);
		const kinesis = new KinesisEngine({clock, enforceLimits: false});
		const engine = new FirehoseEngine({clock, kinesis});
		expect(engine.metrics).toBe(kinesis.metrics);
		kinesis.createStream({StreamName: 'source', ShardCount: 1});
		await kinesis.putRecords({
			StreamName: 'source',
			Records: [
				{PartitionKey: 'a', Data: bytes('one')},
				{PartitionKey: 'b', Data: bytes('three')},
			],
		});
		engine.createDeliveryStream({
			DeliveryStreamName: NAME,
			DeliveryStreamType: 'KinesisStreamAsSource',
			KinesisStreamSourceConfiguration: {
				KinesisStreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/source',
				RoleARN: 'arn:aws:iam::000000000000:role/firehose-delivery',
			},
			ExtendedS3DestinationConfiguration: {
				RoleARN: 'arn:aws:iam::000000000000:role/firehose-delivery',
				BucketARN: 'arn:aws:s3:::landing',
			},
		});
		await engine.tick();
		expect(minute(kinesis.metrics, 'DataReadFromKinesisStream.Records')).toMatchObject({Sum: 2});
		expect(minute(kinesis.metrics, 'DataReadFromKinesisStream.Bytes')).toMatchObject({Sum: 8});
		const output = kinesis.metrics.getMetricData({
			MetricDataQueries: [
				{
					Id: 'put',
					MetricStat: {
						Metric: {
							Namespace: 'AWS/Kinesis',
							MetricName: 'IncomingRecords',
							Dimensions: [{Name: 'StreamName', Value: 'source'}],
						},
						Period: 60,
						Stat: 'Sum',
					},
					ReturnData: false,
				},
				{
					Id: 'read',
					MetricStat: {
						Metric: {
							Namespace: 'AWS/Firehose',
							MetricName: 'DataReadFromKinesisStream.Records',
							Dimensions: DIMENSIONS,
						},
						Period: 60,
						Stat: 'Sum',
					},
					ReturnData: false,
				},
				{Id: 'lag', Expression: 'put - read'},
			],
			StartTime: START,
			EndTime: START + MINUTE,
		});
		expect(output.MetricDataResults).toMatchObject([{Id: 'lag', Values: [0]}]);
		await engine.close();
		await kinesis.close();
	});
});

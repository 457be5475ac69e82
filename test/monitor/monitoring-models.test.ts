import {afterEach, describe, expect, test} from 'vitest';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {
	bufferGauges,
	deliveryStreamRow,
	fetchFirehoseCharts,
	loadDeliveryStreams,
} from '../../source/monitor/delivery-streams.js';
import {parseAgeThreshold, updateAlert} from '../../source/monitor/iterator-age-alert.js';
import {CHART_METRICS, fetchStreamCharts} from '../../source/monitor/stream-charts.js';

const drivers: LocalDriver[] = [];
afterEach(async () => {
	for (const driver of drivers.splice(0)) await driver.close();
});

function open() {
	const driver = LocalDriver.open({enforceLimits: false});
	drivers.push(driver);
	return driver;
}

const data = new TextEncoder().encode('y'.repeat(10));

describe('fetchStreamCharts', () => {
	test('one value per minute of the range, sums as 0 when quiet, the age unknown', async () => {
		const driver = open();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await driver.putRecords(
			's',
			Array.from({length: 30}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
		);
		const charts = await fetchStreamCharts(driver, 's', {minutes: 60});
		expect(charts.end.getTime() - charts.start.getTime()).toBe(60 * 60_000);
		const byName = new Map(charts.series.map((each) => [each.metric.metricName, each]));
		expect([...byName.keys()]).toEqual(CHART_METRICS.map((metric) => metric.metricName));
		const records = byName.get('IncomingRecords')!;
		expect(records.values).toHaveLength(60);
		expect(records.values.at(-1)).toBe(30);
		expect(records.values.slice(0, -1).every((value) => value === 0)).toBe(true);
		expect(records.latest).toBe(30);
		expect(byName.get('IncomingBytes')!.latest).toBe(300);
		// Nobody read: no iterator age at all (not 0).
		const age = byName.get('GetRecords.IteratorAgeMilliseconds')!;
		expect(age.values.every((value) => value === undefined)).toBe(true);
		expect(age.hasData).toBe(false);
	});

	test('shard level: the shard metric names, data only with enhanced monitoring', async () => {
		const driver = open();
		await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		const shardId = (await driver.describeStream('s')).Shards[0].ShardId;
		const put = () => driver.putRecords('s', [{PartitionKey: 'k', Data: data}]);
		await put();
		let charts = await fetchStreamCharts(driver, 's', {minutes: 60, shardId});
		expect(charts.series.every((each) => !each.hasData)).toBe(true);
		driver.engine.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['ALL']});
		await put();
		charts = await fetchStreamCharts(driver, 's', {minutes: 60, shardId});
		const records = charts.series.find(
			(each) => each.metric.shardMetricName === 'IncomingRecords',
		)!;
		expect(records.hasData).toBe(true);
		expect(records.latest).toBe(1);
	});
});

describe('delivery streams', () => {
	test('rows: source, destination, compression, hints and the exact buffer', async () => {
		const driver = open();
		await driver.createStream('clicks', {mode: 'PROVISIONED', shardCount: 1});
		const {StreamARN} = await driver.describeStreamSummary('clicks');
		const role = 'arn:aws:iam::000000000000:role/r';
		driver.firehose.createDeliveryStream({
			DeliveryStreamName: 'from-kinesis',
			DeliveryStreamType: 'KinesisStreamAsSource',
			KinesisStreamSourceConfiguration: {KinesisStreamARN: StreamARN, RoleARN: role},
			ExtendedS3DestinationConfiguration: {
				RoleARN: role,
				BucketARN: 'arn:aws:s3:::bucket',
				Prefix: 'p/',
				CompressionFormat: 'GZIP',
				BufferingHints: {SizeInMBs: 2, IntervalInSeconds: 120},
			},
		});
		driver.firehose.createDeliveryStream({
			DeliveryStreamName: 'direct',
			DeliveryStreamType: 'DirectPut',
			ExtendedS3DestinationConfiguration: {RoleARN: role, BucketARN: 'arn:aws:s3:::other'},
		});
		await driver.putRecordBatch('direct', [{Data: data}, {Data: data}]);
		const rows = await loadDeliveryStreams(driver);
		expect(rows.map((row) => row.name)).toEqual(['direct', 'from-kinesis']);
		const [direct, kinesis] = rows;
		expect(kinesis).toMatchObject({
			status: 'ACTIVE',
			source: 'clicks',
			destination: 's3://bucket/p/',
			compression: 'GZIP',
			sizeLimitBytes: 2 * 1024 * 1024,
			intervalMillis: 120_000,
		});
		expect(direct).toMatchObject({source: 'DirectPut', destination: 's3://other/'});
		expect(direct.buffer).toMatchObject({Estimate: false, BufferedBytes: 20, BufferedRecords: 2});
		expect(deliveryStreamRow(await driver.describeDeliveryStream('direct')).name).toBe('direct');
	});

	test('gauges: fill fractions and the time to the interval flush, estimated when AWS', () => {
		const base = {SizeLimitBytes: 1000, IntervalMillis: 60_000};
		expect(
			bufferGauges({
				...base,
				Estimate: false,
				BufferedBytes: 250,
				OldestRecordAgeMillis: 15_000,
				MillisUntilIntervalFlush: 45_000,
			}),
		).toEqual({size: 0.25, age: 0.25, nextFlushMillis: 45_000, estimate: false});
		// AWS: no time to flush given, derived from the age.
		expect(bufferGauges({...base, Estimate: true, OldestRecordAgeMillis: 50_000})).toEqual({
			size: undefined,
			age: 50_000 / 60_000,
			nextFlushMillis: 10_000,
			estimate: true,
		});
		expect(bufferGauges({...base, Estimate: true}).nextFlushMillis).toBeUndefined();
	});

	test('charts: AWS/Firehose series by minute, unknown where nothing was delivered', async () => {
		const driver = open();
		driver.firehose.createDeliveryStream({
			DeliveryStreamName: 'd',
			DeliveryStreamType: 'DirectPut',
			ExtendedS3DestinationConfiguration: {
				RoleARN: 'arn:aws:iam::000000000000:role/r',
				BucketARN: 'arn:aws:s3:::b',
				BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60},
			},
		});
		let charts = await fetchFirehoseCharts(driver, 'd', {minutes: 10});
		expect(charts.series.map((each) => each.metric.metricName)).toEqual([
			'DeliveryToS3.DataFreshness',
			'DeliveryToS3.Success',
			'DeliveryToS3.Records',
		]);
		expect(charts.series.every((each) => each.values.every((value) => value === undefined))).toBe(
			true,
		);
		await driver.putRecordBatch(
			'd',
			Array.from({length: 2}, () => ({Data: new Uint8Array(600 * 1024)})),
		);
		await driver.firehose.tick();
		charts = await fetchFirehoseCharts(driver, 'd', {minutes: 10});
		expect(charts.series[1].latest).toBe(1);
		expect(charts.series[2].latest).toBeGreaterThanOrEqual(1);
		expect(charts.series[2].values).toHaveLength(10);
	});
});

describe('iterator-age alert', () => {
	const rows = (ages: Record<string, number | undefined>) =>
		Object.entries(ages).map(([name, iteratorAgeMs]) => ({name, iteratorAgeMs}));

	test('a stream crosses once; it must fall back before it can cross again', () => {
		let step = updateAlert(undefined, rows({a: 70_000, b: 10, c: undefined}), 60_000);
		expect(step.crossed).toEqual(['a']);
		step = updateAlert(step.state, rows({a: 80_000, b: 61_000}), 60_000);
		expect(step.crossed).toEqual(['b']);
		step = updateAlert(step.state, rows({a: 80_000, b: 61_000}), 60_000);
		expect(step.crossed).toEqual([]);
		// Exactly at the threshold is not above it; unknown is not above it either.
		step = updateAlert(step.state, rows({a: 60_000, b: undefined}), 60_000);
		expect(step.crossed).toEqual([]);
		expect([...step.state.above]).toEqual([]);
		step = updateAlert(step.state, rows({a: 60_001}), 60_000);
		expect(step.crossed).toEqual(['a']);
		// A new threshold is a new watch.
		step = updateAlert(step.state, rows({a: 60_001}), 30_000);
		expect(step.crossed).toEqual(['a']);
	});

	test('thresholds: ms, s, m, h; a bare number is seconds; nonsense is refused', () => {
		expect(['500ms', '60s', '60', '5m', '1h'].map(parseAgeThreshold)).toEqual([
			500, 60_000, 60_000, 300_000, 3_600_000,
		]);
		for (const bad of ['', '0s', '-1s', '1.5s', '60 s', 'soon', '1d', '200h']) {
			expect(parseAgeThreshold(bad), bad).toBeUndefined();
		}
	});
});

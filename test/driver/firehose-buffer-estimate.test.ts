import {describe, expect, test} from 'vitest';
import type {DeliveryStreamDescription, MetricSeries} from '../../source/driver/driver.js';
import {
	bufferingHintsOf,
	estimateBuffer,
	estimateRequest,
} from '../../source/driver/firehose-buffer-estimate.js';

const NOW = new Date('2026-11-22T10:30:20Z');
const at = (time: string) => new Date(`2026-11-22T${time}:00Z`);
const HINTS = {SizeInMBs: 8, IntervalInSeconds: 120};

/** The answer to estimateRequest, from [time, value] pairs per query. */
function answer(points: Array<Array<[string, number]>>): MetricSeries[] {
	const request = estimateRequest('hose', NOW);
	return request.queries.map((query, index) => ({
		query,
		points: (points[index] ?? []).map(([time, value]) => ({timestamp: at(time), value})),
	}));
}

describe('the AWS buffer estimate', () => {
	test('asks for the last hour by minute: incoming, deliveries, freshness', () => {
		const request = estimateRequest('hose', NOW);
		expect(request.end).toEqual(at('10:31'));
		expect(request.start).toEqual(at('09:31'));
		expect(
			request.queries.map(
				(query) => `${query.metricName} ${query.statistic} ${query.periodSeconds}`,
			),
		).toEqual([
			'IncomingBytes Sum 60',
			'IncomingRecords Sum 60',
			'DeliveryToS3.Success Sum 60',
			'DeliveryToS3.Success SampleCount 60',
			'DeliveryToS3.DataFreshness Maximum 60',
		]);
		for (const query of request.queries) {
			expect(query).toMatchObject({
				namespace: 'AWS/Firehose',
				dimensions: {DeliveryStreamName: 'hose'},
			});
		}
	});

	test('counts what came in after the last minute with a successful delivery', () => {
		const buffer = estimateBuffer(
			HINTS,
			answer([
				[
					['10:20', 500],
					['10:25', 700],
					['10:28', 100],
					['10:30', 40],
				],
				[
					['10:20', 5],
					['10:25', 7],
					['10:28', 1],
					['10:30', 4],
				],
				[
					['10:22', 1],
					['10:25', 1],
					['10:27', 0],
				],
				[
					['10:22', 1],
					['10:25', 1],
					['10:27', 2],
				],
				[['10:29', 42]],
			]),
			NOW,
		);
		expect(buffer).toEqual({
			Estimate: true,
			SizeLimitBytes: 8 * 1024 * 1024,
			IntervalMillis: 120_000,
			BufferedBytes: 140,
			BufferedRecords: 5,
			FailedDeliveries: 2,
			OldestRecordAgeMillis: 42_000,
			MillisUntilIntervalFlush: 78_000,
		});
	});

	test('without any delivery in the hour, everything that came in is buffered', () => {
		const buffer = estimateBuffer(
			HINTS,
			answer([
				[
					['09:40', 10],
					['10:30', 5],
				],
				[
					['09:40', 1],
					['10:30', 1],
				],
			]),
			NOW,
		);
		expect(buffer).toMatchObject({BufferedBytes: 15, BufferedRecords: 2, FailedDeliveries: 0});
		// No DataFreshness: no age, no flush time.
		expect(buffer.OldestRecordAgeMillis).toBeUndefined();
		expect(buffer.MillisUntilIntervalFlush).toBeUndefined();
	});

	test('an old DataFreshness, or an empty buffer, gives no age', () => {
		const stale = estimateBuffer(HINTS, answer([[['10:30', 5]], [], [], [], [['10:10', 30]]]), NOW);
		expect(stale.BufferedBytes).toBe(5);
		expect(stale.OldestRecordAgeMillis).toBeUndefined();
		const empty = estimateBuffer(
			HINTS,
			answer([[['10:20', 5]], [], [['10:21', 1]], [['10:21', 1]], [['10:30', 30]]]),
			NOW,
		);
		expect(empty.BufferedBytes).toBe(0);
		expect(empty.OldestRecordAgeMillis).toBeUndefined();
	});

	test('hints from the destination, Firehose defaults without them', () => {
		const description = (destination: Record<string, unknown>) =>
			({
				Destinations: [{DestinationId: 'd', ...destination}],
			}) as unknown as DeliveryStreamDescription;
		expect(
			bufferingHintsOf(
				description({
					ExtendedS3DestinationDescription: {BufferingHints: {SizeInMBs: 64, IntervalInSeconds: 0}},
				}),
			),
		).toEqual({SizeInMBs: 64, IntervalInSeconds: 0});
		expect(
			bufferingHintsOf(
				description({HttpEndpointDestinationDescription: {BufferingHints: {SizeInMBs: 2}}}),
			),
		).toEqual({SizeInMBs: 2, IntervalInSeconds: 300});
		expect(bufferingHintsOf(description({}))).toEqual({SizeInMBs: 5, IntervalInSeconds: 300});
		expect(bufferingHintsOf({Destinations: []} as unknown as DeliveryStreamDescription)).toEqual({
			SizeInMBs: 5,
			IntervalInSeconds: 300,
		});
	});
});

import {afterEach, describe, expect, test, vi} from 'vitest';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {ManualClock} from '../../source/engine/clock.js';
import {fetchStreamMetrics, minuteWindow} from '../../source/monitor/stream-metrics.js';

const START = Date.UTC(2026, 0, 1, 10, 0, 30);
const drivers: LocalDriver[] = [];
afterEach(async () => {
	for (const driver of drivers.splice(0)) await driver.close();
});

async function setup() {
	const clock = new ManualClock(START);
	const driver = LocalDriver.open({clock, enforceLimits: false});
	drivers.push(driver);
	for (const stream of ['a', 'b']) {
		await driver.createStream(stream, {mode: 'PROVISIONED', shardCount: 1});
	}

	return {clock, driver};
}

const put = (driver: LocalDriver, stream: string, count: number, size: number) =>
	driver.putRecords(
		stream,
		Array.from({length: count}, (_, i) => ({PartitionKey: `k${i}`, Data: Buffer.alloc(size)})),
	);

describe('fetchStreamMetrics', () => {
	test('the window: N one-minute periods ending with the current one', () => {
		const {start, end, periods} = minuteWindow(3, new Date(START));
		expect(start.toISOString()).toBe('2026-01-01T09:58:00.000Z');
		expect(end.toISOString()).toBe('2026-01-01T10:01:00.000Z');
		expect(periods.map((period) => period.toISOString().slice(11, 16))).toEqual([
			'09:58',
			'09:59',
			'10:00',
		]);
	});

	test('per stream, per minute: records and bytes in, iterator age, in one getMetrics call', async () => {
		const {clock, driver} = await setup();
		await put(driver, 'a', 3, 10);
		await put(driver, 'b', 4, 25);
		clock.advance(120_000);
		await put(driver, 'a', 2, 7);
		// Read b two minutes after its records came: an iterator age of 120 s in this minute.
		const iterator = await driver.getShardIterator('b', 'shardId-000000000000', {
			type: 'TRIM_HORIZON',
		});
		expect((await driver.getRecords(iterator)).Records).toHaveLength(4);

		const getMetrics = vi.spyOn(driver, 'getMetrics');
		const metrics = await fetchStreamMetrics(driver, ['a', 'b', 'missing'], {
			minutes: 4,
			now: new Date(clock.now()),
		});
		expect(getMetrics).toHaveBeenCalledTimes(1);
		expect([...metrics.keys()]).toEqual(['a', 'b', 'missing']);
		const minutes = (stream: string) =>
			metrics
				.get(stream)!
				.map((minute) => [
					minute.timestamp.toISOString().slice(11, 16),
					minute.incomingRecords,
					minute.incomingBytes,
					minute.iteratorAgeMaxMs,
				]);
		expect(minutes('a')).toEqual([
			['09:59', 0, 0, undefined],
			['10:00', 3, 30, undefined],
			['10:01', 0, 0, undefined],
			['10:02', 2, 14, undefined],
		]);
		expect(minutes('b')).toEqual([
			['09:59', 0, 0, undefined],
			['10:00', 4, 100, undefined],
			['10:01', 0, 0, undefined],
			['10:02', 0, 0, 120_000],
		]);
		expect(minutes('missing').every(([, records, bytes]) => records === 0 && bytes === 0)).toBe(
			true,
		);
	});

	test('hundreds of streams (over 500 queries) still take one call', async () => {
		const {clock, driver} = await setup();
		await put(driver, 'b', 5, 1);
		const streams = [...Array.from({length: 200}, (_, i) => `absent-${i}`), 'b'];
		const getMetrics = vi.spyOn(driver, 'getMetrics');
		const metrics = await fetchStreamMetrics(driver, streams, {
			minutes: 2,
			now: new Date(clock.now()),
		});
		expect(getMetrics).toHaveBeenCalledTimes(1);
		expect(getMetrics.mock.calls[0][0].queries).toHaveLength(603);
		expect(metrics.size).toBe(201);
		expect(metrics.get('b')!.map((minute) => minute.incomingRecords)).toEqual([0, 5]);
	});

	test('no streams: no call', async () => {
		const {driver} = await setup();
		const getMetrics = vi.spyOn(driver, 'getMetrics');
		expect((await fetchStreamMetrics(driver, [])).size).toBe(0);
		expect(getMetrics).not.toHaveBeenCalled();
	});
});

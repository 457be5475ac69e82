/**
 * Buffering hints: a buffer is delivered when it reaches SizeInMBs (checked on every put) or when
 * IntervalInSeconds has passed since it took its first record (checked by tick, against the clock),
 * whichever comes first — and the live buffer state the console shows is exact.
 */
import {describe, expect, test, vi} from 'vitest';
import {FirehoseEngine} from '../../../source/engine/firehose/firehose-engine.js';
import {
	bytes,
	createDirectPut,
	deliveredBodies,
	firehose,
	MiB,
	putTexts,
	START,
} from './helpers.js';

const NAME = 'events';

describe('size hint', () => {
	test('delivers a buffer as soon as a put brings it to SizeInMBs, without waiting for the interval', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 900}});
		const chunk = 'x'.repeat(256 * 1024 - 1);
		await putTexts(engine, NAME, [chunk, chunk, chunk]);
		await engine.tick();
		expect(engine.listObjects('landing')).toHaveLength(0);
		expect(engine.bufferState(NAME)).toMatchObject({
			bufferedBytes: 3 * chunk.length,
			bufferedRecords: 3,
			sizeLimitBytes: MiB,
		});

		// 4 × (256 KiB − 1) is still 4 bytes short of 1 MiB; a fifth record crosses it.
		await putTexts(engine, NAME, [chunk]);
		await engine.tick();
		expect(engine.listObjects('landing')).toHaveLength(0);
		await putTexts(engine, NAME, ['tail']);
		await engine.tick();
		const [object] = engine.listObjects('landing');
		expect(object.size).toBe(4 * chunk.length + 4);
		expect(engine.bufferState(NAME)).toMatchObject({
			bufferedBytes: 0,
			bufferedRecords: 0,
			oldestRecordAgeMs: undefined,
			msUntilIntervalFlush: undefined,
			pendingObjects: 0,
		});
		expect(engine.bufferState(NAME).lastDeliveries).toEqual([
			{
				bucket: 'landing',
				objectKey: object.key,
				bytes: 4 * chunk.length + 4,
				records: 5,
				deliveredAt: START,
				errorOutput: false,
			},
		]);
	});

	test('a batch that crosses the size hint is split: the rest starts the next buffer, in order', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60}});
		const texts = Array.from(
			{length: 300},
			(_, i) => `${String(i).padStart(3, '0')}:${'y'.repeat(8000)}`,
		);
		await putTexts(engine, NAME, texts);
		await engine.tick();
		const first = deliveredBodies(engine, NAME);
		expect(first).toHaveLength(2);
		expect(first[0].length).toBeGreaterThanOrEqual(MiB);
		expect(first[0].length).toBeLessThan(MiB + 8004);
		clock.advance(60_000);
		await engine.tick();
		const all = deliveredBodies(engine, NAME);
		expect(all).toHaveLength(3);
		expect(Buffer.concat(all).toString()).toBe(texts.join(''));
	});
});

describe('interval hint', () => {
	test('delivers exactly IntervalInSeconds after the first record, not a millisecond earlier', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 5, IntervalInSeconds: 60}});
		await putTexts(engine, NAME, ['a']);
		clock.advance(10_000);
		await putTexts(engine, NAME, ['b']);
		expect(engine.bufferState(NAME)).toMatchObject({
			bufferedBytes: 2,
			bufferedRecords: 2,
			oldestRecordAgeMs: 10_000,
			msUntilIntervalFlush: 50_000,
			sizeLimitBytes: 5 * MiB,
			intervalMs: 60_000,
		});
		clock.advance(49_999);
		await engine.tick();
		expect(engine.listObjects('landing')).toHaveLength(0);
		expect(engine.bufferState(NAME).msUntilIntervalFlush).toBe(1);
		clock.advance(1);
		await engine.tick();
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['ab']);
		expect(engine.bufferState(NAME).lastDeliveries[0].deliveredAt).toBe(START + 60_000);
	});

	test('the interval counts from the first record of each new buffer', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 5, IntervalInSeconds: 60}});
		await putTexts(engine, NAME, ['1']);
		clock.advance(60_000);
		await engine.tick();
		clock.advance(30_000);
		await putTexts(engine, NAME, ['2']);
		clock.advance(59_000);
		await engine.tick();
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['1']);
		clock.advance(1000);
		await engine.tick();
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['1', '2']);
	});

	test('nothing is delivered for an empty buffer, however long it waits', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0}});
		for (let i = 0; i < 5; i++) {
			clock.advance(3_600_000);
			await engine.tick();
		}

		expect(engine.listObjects('landing')).toEqual([]);
	});

	test('IntervalInSeconds 0 delivers at the next tick', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0}});
		await putTexts(engine, NAME, ['now']);
		expect(engine.bufferState(NAME).msUntilIntervalFlush).toBe(0);
		await engine.tick();
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['now']);
	});

	test('default hints are 5 MiB and 300 s', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME);
		expect(engine.bufferState(NAME)).toMatchObject({sizeLimitBytes: 5 * MiB, intervalMs: 300_000});
		await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('x')}});
		clock.advance(299_999);
		await engine.tick();
		expect(engine.listObjects('landing')).toHaveLength(0);
		clock.advance(1);
		await engine.tick();
		expect(engine.listObjects('landing')).toHaveLength(1);
	});
});

describe('with the system clock', () => {
	test('the engine ticks itself: an IntervalInSeconds 0 buffer is delivered without tick()', async () => {
		const engine = new FirehoseEngine({tickIntervalMs: 20});
		try {
			createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0}});
			await putTexts(engine, NAME, ['by itself']);
			await vi.waitFor(() => expect(engine.listObjects('landing')).toHaveLength(1), {
				timeout: 5000,
				interval: 10,
			});
			expect(deliveredBodies(engine, NAME).map(String)).toEqual(['by itself']);
		} finally {
			await engine.close();
		}
	});
});

describe('UpdateDestination', () => {
	test('new buffering hints apply to the open buffer at once', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 5, IntervalInSeconds: 900}});
		await putTexts(engine, NAME, ['z'.repeat(1_000_000), 'z'.repeat(1_000_000)]);
		expect(engine.bufferState(NAME).bufferedBytes).toBe(2_000_000);
		engine.updateDestination({
			DeliveryStreamName: NAME,
			CurrentDeliveryStreamVersionId: '1',
			DestinationId: 'destinationId-000000000001',
			ExtendedS3DestinationUpdate: {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 900}},
		});
		expect(engine.bufferState(NAME).sizeLimitBytes).toBe(MiB);
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		expect(delivery.bytes).toBe(2_000_000);
		// Objects delivered after the update carry the new version in their names.
		expect(delivery.objectKey).toContain(`/${NAME}-2-`);
	});
});

describe('lastDeliveries', () => {
	test('keeps the last 20 deliveries, newest last', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60}});
		for (let i = 0; i < 25; i++) {
			await putTexts(engine, NAME, [`object-${i}`]);
			clock.advance(60_000);
			await engine.tick();
		}

		const state = engine.bufferState(NAME);
		expect(state.lastDeliveries).toHaveLength(20);
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(
			Array.from({length: 20}, (_, i) => `object-${i + 5}`),
		);
		expect(engine.listObjects('landing')).toHaveLength(25);
	});
});

/**
 * Failed deliveries: a buffer whose object cannot be written is retried with backoff (1 s, 2 s, 4 s,
 * then every 5 s), every failure counted and visible in the buffer state; buffers behind it wait their
 * turn; after maxDeliveryAttempts (or the retry duration) its records are written under the error
 * output prefix as Firehose error records. The tests block a prefix by putting a file where its
 * directory must go, which fails even for root.
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {removeTemporaryDirectories, temporaryDirectory} from '../helpers.js';
import {createDirectPut, deliveredBodies, firehose, putTexts, START, UUID} from './helpers.js';

afterEach(removeTemporaryDirectories);

const NAME = 'payments';
const HINTS = {SizeInMBs: 1, IntervalInSeconds: 60};

/** An engine on whose bucket `landing` the key prefix `blocked/` (by default) cannot be written. */
function blockedEngine(
	options: {maxDeliveryAttempts?: number; retryDurationMs?: number} = {},
	blocked = 'blocked',
) {
	const bucketDirectory = temporaryDirectory();
	const path = join(bucketDirectory, 'landing', ...blocked.split('/'));
	mkdirSync(join(path, '..'), {recursive: true});
	writeFileSync(path, 'a file where the prefix directory should be');
	const {engine, clock} = firehose({bucketDirectory, ...options});
	const unblock = () => rmSync(path);
	return {engine, clock, unblock};
}

describe('retries', () => {
	test('a failed delivery is retried after 1 s, 2 s, 4 s, 5 s, …; each failure is counted', async () => {
		const {engine, clock, unblock} = blockedEngine({maxDeliveryAttempts: 100});
		createDirectPut(engine, NAME, {BufferingHints: HINTS, Prefix: 'blocked/'});
		await putTexts(engine, NAME, ['a', 'b']);
		clock.advance(60_000);
		await engine.tick();
		let state = engine.bufferState(NAME);
		expect(state).toMatchObject({
			bufferedRecords: 0,
			pendingObjects: 1,
			pendingRecords: 2,
			pendingBytes: 2,
			failedDeliveries: 1,
			pendingRetries: 1,
			nextRetryAt: START + 60_000 + 1000,
			lastDeliveries: [],
		});
		expect(state.lastError).toMatchObject({code: 'InternalError', at: START + 60_000});
		expect(state.lastError!.message).toMatch(
			/An internal error occurred while attempting to deliver data/,
		);

		const schedule = [1000, 2000, 4000, 5000, 5000];
		for (const [index, delay] of schedule.entries()) {
			clock.advance(delay - 1);
			await engine.tick();
			expect(engine.bufferState(NAME).failedDeliveries).toBe(index + 1);
			clock.advance(1);
			await engine.tick();
			expect(engine.bufferState(NAME).failedDeliveries).toBe(index + 2);
		}

		unblock();
		clock.advance(5000);
		await engine.tick();
		state = engine.bufferState(NAME);
		expect(state).toMatchObject({
			pendingObjects: 0,
			pendingRetries: 0,
			nextRetryAt: undefined,
			failedDeliveries: 6,
			errorOutputDeliveries: 0,
		});
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['ab']);
		// Named from the oldest record, not from when the delivery finally worked.
		expect(state.lastDeliveries[0].objectKey).toMatch(
			new RegExp(`^blocked/2026/01/01/00/${NAME}-1-2026-01-01-00-00-00-${UUID}$`),
		);
	});

	test('buffers behind a failing one wait and are then delivered in order', async () => {
		const {engine, clock, unblock} = blockedEngine();
		createDirectPut(engine, NAME, {BufferingHints: HINTS, Prefix: 'blocked/'});
		for (const text of ['first', 'second', 'third']) {
			await putTexts(engine, NAME, [text]);
			clock.advance(60_000);
			await engine.tick();
		}

		expect(engine.bufferState(NAME)).toMatchObject({pendingObjects: 3, pendingRetries: 1});
		unblock();
		clock.advance(5000);
		await engine.tick();
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['first', 'second', 'third']);
		expect(engine.bufferState(NAME).pendingObjects).toBe(0);
	});
});

describe('error output prefix', () => {
	test('after maxDeliveryAttempts the records are written under ErrorOutputPrefix as error records', async () => {
		const {engine, clock} = blockedEngine({maxDeliveryAttempts: 3});
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			Prefix: 'blocked/',
			ErrorOutputPrefix: 'errors/',
		});
		await putTexts(engine, NAME, ['{"amount":1}', '{"amount":2}']);
		clock.advance(60_000);
		await engine.tick(); // attempt 1
		clock.advance(1000);
		await engine.tick(); // attempt 2
		expect(engine.listObjects('landing').map((object) => object.key)).toEqual(['blocked']);
		clock.advance(2000);
		await engine.tick(); // attempt 3, then the error output at once
		const state = engine.bufferState(NAME);
		expect(state).toMatchObject({
			failedDeliveries: 3,
			errorOutputDeliveries: 1,
			pendingObjects: 0,
			pendingRetries: 0,
		});
		const [delivery] = state.lastDeliveries;
		expect(delivery).toMatchObject({errorOutput: true, records: 2, deliveredAt: START + 63_000});
		expect(delivery.objectKey).toMatch(
			new RegExp(`^errors/s3-failed/2026/01/01/00/${NAME}-1-2026-01-01-00-00-00-${UUID}$`),
		);
		const documents = String(engine.getObject('landing', delivery.objectKey))
			.trimEnd()
			.split('\n')
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(documents).toEqual(
			['{"amount":1}', '{"amount":2}'].map((text) => ({
				attemptsMade: 3,
				arrivalTimestamp: START,
				errorCode: 'InternalError',
				errorMessage: expect.stringMatching(/^An internal error occurred/),
				attemptEndingTimestamp: START + 63_000,
				rawData: Buffer.from(text).toString('base64'),
			})),
		);
	});

	test('without ErrorOutputPrefix, failed records go under Prefix + error type + time prefix', async () => {
		// `p/2026` is blocked, so `p/2026/01/01/00/…` fails while `p/s3-failed/2026/…` can be written.
		const {engine, clock} = blockedEngine({maxDeliveryAttempts: 1}, 'p/2026');
		createDirectPut(engine, NAME, {BufferingHints: HINTS, Prefix: 'p/'});
		await putTexts(engine, NAME, ['x']);
		clock.advance(60_000);
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		expect(delivery.objectKey).toMatch(
			new RegExp(`^p/s3-failed/2026/01/01/00/${NAME}-1-2026-01-01-00-00-00-${UUID}$`),
		);
	});

	test('gives up after retryDurationMs even with attempts left', async () => {
		const {engine, clock} = blockedEngine({maxDeliveryAttempts: 1000, retryDurationMs: 12_000});
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			Prefix: 'blocked/',
			ErrorOutputPrefix: 'e/',
		});
		await putTexts(engine, NAME, ['x']);
		clock.advance(60_000);
		await engine.tick(); // 0 s
		for (const delay of [1000, 2000, 4000]) {
			clock.advance(delay);
			await engine.tick(); // 1 s, 3 s, 7 s
		}

		expect(engine.bufferState(NAME).errorOutputDeliveries).toBe(0);
		clock.advance(5000);
		await engine.tick(); // 12 s: fails, duration reached, error output
		expect(engine.bufferState(NAME)).toMatchObject({failedDeliveries: 5, errorOutputDeliveries: 1});
	});

	test('an error output that cannot be written is retried too, blocking later buffers', async () => {
		const {engine, clock} = blockedEngine({maxDeliveryAttempts: 1});
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			Prefix: 'blocked/',
			ErrorOutputPrefix: 'blocked/!{firehose:error-output-type}/',
		});
		await putTexts(engine, NAME, ['x']);
		clock.advance(60_000);
		await engine.tick();
		await putTexts(engine, NAME, ['y']);
		clock.advance(60_000);
		await engine.tick();
		expect(engine.bufferState(NAME)).toMatchObject({
			pendingObjects: 2,
			pendingRetries: 1,
			errorOutputDeliveries: 0,
		});
		expect(engine.bufferState(NAME).failedDeliveries).toBeGreaterThanOrEqual(3);
	});
});

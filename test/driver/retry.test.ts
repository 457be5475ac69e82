/**
 * The retrying wrapper on its own, over a scripted Driver: what it retries and what it passes up, how
 * an outage is reported (once each way, however many calls share it), and how it gives up.
 */
import {describe, expect, test, vi} from 'vitest';
import {DriverError, type Driver} from '../../source/driver/driver.js';
import {retrying, type RetryReport} from '../../source/driver/retry.js';
import {waitFor} from '../helpers/wait-for.js';

const refused = () => new DriverError('NetworkingError', 'ECONNREFUSED 127.0.0.1:1', true);
const throttled = () =>
	new DriverError('ProvisionedThroughputExceededException', 'Rate exceeded for shard', true);

/** A driver whose listStreams and getRecords answer from `script`, one entry per call, in order. */
function scripted(script: Array<Error | string[]>) {
	const calls: Array<{method: string; signal: AbortSignal | undefined}> = [];
	const next = async (method: string, signal: AbortSignal | undefined) => {
		calls.push({method, signal});
		const step = script.shift();
		if (step === undefined) throw new Error('the script ran out');
		if (step instanceof Error) throw step;
		return step;
	};

	const driver = {
		target: {backend: 'endpoint', region: 'us-east-1', location: 'http://x', readOnly: false},
		listStreams: async (signal?: AbortSignal) => next('listStreams', signal),
		getRecords: async (_iterator: string, _limit?: number, signal?: AbortSignal) =>
			next('getRecords', signal),
	} as unknown as Driver;
	return {driver, calls};
}

function wrap(driver: Driver, retryForMs: number) {
	const reports: RetryReport[] = [];
	const wrapped = retrying(driver, {
		retryForMs,
		onReport: (report) => reports.push(report),
		minBackoffMs: 1,
		maxBackoffMs: 4,
	});
	return {wrapped, reports};
}

describe('retrying', () => {
	test('a transient failure is retried until it succeeds; the outage is reported once each way', async () => {
		const {driver, calls} = scripted([refused(), refused(), refused(), ['s']]);
		const {wrapped, reports} = wrap(driver, 10_000);
		expect(await wrapped.listStreams()).toEqual(['s']);
		expect(calls).toHaveLength(4);
		expect(reports.map((report) => report.kind)).toEqual(['retrying', 'recovered']);
		expect(reports[0]).toMatchObject({kind: 'retrying', attempt: 2});
	});

	test('a single failure retried at once is not reported (a stale keep-alive socket)', async () => {
		const {driver} = scripted([refused(), ['s']]);
		const {wrapped, reports} = wrap(driver, 10_000);
		expect(await wrapped.listStreams()).toEqual(['s']);
		expect(reports).toEqual([]);
	});

	test('a single failure that took long (an attempt timed out) is reported at once', async () => {
		vi.useFakeTimers();
		try {
			let calls = 0;
			const driver = {
				target: {backend: 'endpoint', region: 'us-east-1', location: 'http://x', readOnly: false},
				listStreams: async () =>
					calls++ === 0
						? new Promise((_resolve, reject) => {
								setTimeout(() => {
									reject(
										new DriverError('TimeoutError', 'no answer from http://x within 20 s', true),
									);
								}, 20_000);
							})
						: ['s'],
			} as unknown as Driver;
			const {wrapped, reports} = wrap(driver, 60_000);
			const call = wrapped.listStreams();
			await vi.advanceTimersByTimeAsync(20_000);
			expect(reports).toEqual([expect.objectContaining({kind: 'retrying', attempt: 1})]);
			await vi.advanceTimersByTimeAsync(10);
			expect(await call).toEqual(['s']);
			expect(reports.map((report) => report.kind)).toEqual(['retrying', 'recovered']);
		} finally {
			vi.useRealTimers();
		}
	});

	test.each([
		['UnrecognizedClientException', 'The security token included in the request is invalid.'],
		['AccessDeniedException', 'not authorized to perform: kinesis:ListStreams'],
		['ResourceNotFoundException', 'Stream s under account 000000000000 not found.'],
		['ValidationException', '1 validation error detected'],
		['LimitExceededException', 'UpdateShardCount cannot scale up over double'],
	])('%s is passed up at once, as it came', async (code, message) => {
		const error = new DriverError(code, message, code === 'LimitExceededException');
		const {driver, calls} = scripted([error]);
		const {wrapped, reports} = wrap(driver, 10_000);
		await expect(wrapped.listStreams()).rejects.toBe(error);
		expect(calls).toHaveLength(1);
		expect(reports).toEqual([]);
	});

	test('throttled reads pass up to the tail, which paces them; throttled control calls are retried', async () => {
		const reads = scripted([throttled()]);
		const error = await wrap(reads.driver, 10_000)
			.wrapped.getRecords('iterator')
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({code: 'ProvisionedThroughputExceededException', retryable: true});
		const control = scripted([throttled(), ['s']]);
		expect(await wrap(control.driver, 10_000).wrapped.listStreams()).toEqual(['s']);
	});

	test("Firehose's throttling (ServiceUnavailableException) passes up to its producer", async () => {
		let calls = 0;
		const driver = {
			target: {backend: 'endpoint', region: 'us-east-1', location: 'http://x', readOnly: false},
			async putRecordBatch() {
				calls++;
				throw new DriverError('ServiceUnavailableException', 'Slow down.', true);
			},
		} as unknown as Driver;
		await expect(wrap(driver, 10_000).wrapped.putRecordBatch('d', [])).rejects.toMatchObject({
			code: 'ServiceUnavailableException',
			retryable: true,
		});
		expect(calls).toBe(1);
	});

	test('gives up after the bound with the last error, no longer retryable', async () => {
		const {driver, calls} = scripted(Array.from({length: 10_000}, refused));
		const {wrapped, reports} = wrap(driver, 50);
		const error = (await wrapped.listStreams().catch((caught: unknown) => caught)) as DriverError;
		expect(error).toBeInstanceOf(DriverError);
		expect(error.code).toBe('NetworkingError');
		expect(error.retryable).toBe(false);
		expect(error.message).toMatch(
			/^ECONNREFUSED 127\.0\.0\.1:1 \(gave up after \d+ attempts in [\d.]+ s\)$/,
		);
		expect(calls.length).toBeGreaterThan(2);
		expect(reports.map((report) => report.kind)).toEqual(['retrying']);
	});

	test('0 makes one attempt', async () => {
		const {driver, calls} = scripted([refused(), ['s']]);
		await expect(wrap(driver, 0).wrapped.listStreams()).rejects.toMatchObject({
			retryable: false,
			message: 'ECONNREFUSED 127.0.0.1:1 (not retried: --retry-for 0)',
		});
		expect(calls).toHaveLength(1);
	});

	test('an attempt that never answers is cut at the bound, through the signal it is given', async () => {
		const driver = {
			target: {backend: 'endpoint', region: 'us-east-1', location: 'http://x', readOnly: false},
			listStreams: async (signal?: AbortSignal) =>
				new Promise((_resolve, reject) => {
					signal?.addEventListener('abort', () => reject(new Error('aborted')));
				}),
		} as unknown as Driver;
		await expect(wrap(driver, 50).wrapped.listStreams()).rejects.toMatchObject({
			code: 'TimeoutError',
			// The time it took is the machine's: a loaded one rounds 50 ms up to 0.2 s.
			message: expect.stringMatching(
				/^no answer from http:\/\/x \(gave up after 1 attempt in \d+\.\d s\)$/,
			) as string,
			retryable: false,
		});
	});

	test("the caller's abort ends the retrying at once, with the caller's reason", async () => {
		const {driver, calls} = scripted(Array.from({length: 10_000}, refused));
		const controller = new AbortController();
		const wrapped = retrying(driver, {retryForMs: Number.POSITIVE_INFINITY, minBackoffMs: 60_000});
		const call = wrapped.listStreams(controller.signal);
		// Once the first attempt has failed, the wrapper waits a minute before the next.
		await waitFor(() => calls.length === 1);
		await new Promise((resolve) => setImmediate(resolve));
		controller.abort(new Error('stopped'));
		await expect(call).rejects.toThrow('stopped');
	});

	test('calls answered during a partial outage do not end it: reported once each way', async () => {
		let failures = 6;
		const driver = {
			target: {backend: 'endpoint', region: 'us-east-1', location: 'http://x', readOnly: false},
			async listStreams() {
				if (failures-- > 0) throw refused();
				return ['s'];
			},
			getRecords: async () => ({Records: [], MillisBehindLatest: 0}),
		} as unknown as Driver;
		const {wrapped, reports} = wrap(driver, 10_000);
		const failing = wrapped.listStreams();
		// Another shard's reads go on being answered while listStreams fails.
		while (failures > 0) {
			await wrapped.getRecords('iterator');
			// Lets the wrapper's backoff timers run between reads.
			await new Promise((resolve) => setImmediate(resolve));
		}
		expect(await failing).toEqual(['s']);
		expect(reports.map((report) => report.kind)).toEqual(['retrying', 'recovered']);
	});

	test('calls failing together make one outage: one report each way', async () => {
		// Two calls (a tail's shards) fail twice each, interleaved, then succeed.
		const {driver, calls} = scripted([refused(), refused(), refused(), refused(), ['a'], ['b']]);
		const {wrapped, reports} = wrap(driver, 10_000);
		await Promise.all([wrapped.listStreams(), wrapped.listStreams()]);
		expect(calls).toHaveLength(6);
		expect(reports.map((report) => report.kind)).toEqual(['retrying', 'recovered']);
	});
});

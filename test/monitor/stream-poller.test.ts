import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {DriverError, type Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {StreamPoller, type StreamPollerState} from '../../source/monitor/stream-poller.js';
import {waitFor} from '../helpers/wait-for.js';

/**
 * A Driver over a LocalDriver that counts calls and how many are in flight at once, can slow every
 * call down, and can be told to fail.
 */
class CountingDriver {
	calls = {listStreams: 0, describeStreamSummary: 0};
	inFlight = 0;
	maxInFlight = 0;
	callTimes: number[] = [];
	delayMs = 0;
	failWith: Error | undefined;
	readonly driver: Driver;

	constructor(readonly local: LocalDriver) {
		const wrapped = Object.create(local) as Driver;
		const track =
			<A extends unknown[], R>(
				name: keyof CountingDriver['calls'],
				call: (...args: A) => Promise<R>,
			) =>
			async (...args: A) => {
				this.calls[name]++;
				if (name === 'listStreams') this.callTimes.push(Date.now());
				this.inFlight++;
				this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
				try {
					if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
					if (this.failWith) throw this.failWith;
					return await call(...args);
				} finally {
					this.inFlight--;
				}
			};
		wrapped.listStreams = track('listStreams', (signal?: AbortSignal) => local.listStreams(signal));
		wrapped.describeStreamSummary = track(
			'describeStreamSummary',
			(name: string, signal?: AbortSignal) => local.describeStreamSummary(name, signal),
		);
		this.driver = wrapped;
	}
}

let local: LocalDriver;
beforeEach(async () => {
	local = LocalDriver.open({});
	await local.createStream('beta', {mode: 'PROVISIONED', shardCount: 2});
	await local.createStream('alpha', {mode: 'ON_DEMAND'});
});

afterEach(async () => {
	vi.useRealTimers();
	await local.close();
});

describe('StreamPoller', () => {
	test('lists the streams, sorted, with status, mode, open shards and retention', async () => {
		const poller = new StreamPoller(local);
		const states: StreamPollerState[] = [];
		const unsubscribe = poller.subscribe((state) => states.push(state));
		await poller.refresh();
		unsubscribe();
		expect(poller.getState()).toMatchObject({
			loading: false,
			error: undefined,
			rows: [
				{name: 'alpha', status: 'ACTIVE', mode: 'ON_DEMAND', openShards: 4, retentionHours: 24},
				{name: 'beta', status: 'ACTIVE', mode: 'PROVISIONED', openShards: 2, retentionHours: 24},
			],
		});
		expect(poller.getState().rows[0].rate).toBeUndefined();
		expect(poller.getState().lastUpdated).toBeInstanceOf(Date);
		expect(states.map((state) => state.loading)).toEqual([true, false]);
	});

	test('never runs two refreshes at once: a refresh asked for during one joins it', async () => {
		vi.useFakeTimers();
		const counting = new CountingDriver(local);
		counting.delayMs = 50;
		const poller = new StreamPoller(counting.driver, {intervalMs: 10, concurrency: 1});
		poller.start();
		const joined = [poller.refresh(), poller.refresh(), poller.refresh()];
		expect(new Set(joined).size).toBe(1);
		await vi.advanceTimersByTimeAsync(1_000);
		for (let i = 0; i < 20; i++) {
			void poller.refresh();
			await vi.advanceTimersByTimeAsync(7);
		}

		poller.stop();
		expect(counting.calls.listStreams).toBeGreaterThan(3);
		// One call at a time: with concurrency 1, even the describes of one refresh go one by one.
		expect(counting.maxInFlight).toBe(1);
	});

	test('backs off exponentially on errors, up to the cap, and recovers', async () => {
		vi.useFakeTimers();
		const counting = new CountingDriver(local);
		counting.failWith = new DriverError(
			'LimitExceededException',
			'Rate exceeded for account.',
			true,
		);
		const poller = new StreamPoller(counting.driver, {intervalMs: 100, maxBackoffMs: 800});
		poller.start();
		await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 800 + 1);
		const gaps = counting.callTimes.slice(1).map((time, i) => time - counting.callTimes[i]);
		expect(gaps).toEqual([200, 400, 800, 800]);
		expect(poller.getState().error).toMatchObject({
			code: 'LimitExceededException',
			message: 'Rate exceeded for account.',
			failures: 5,
		});
		expect(poller.getState().rows).toEqual([]);

		counting.failWith = undefined;
		await vi.advanceTimersByTimeAsync(800);
		expect(poller.getState().error).toBeUndefined();
		expect(poller.getState().rows.map((row) => row.name)).toEqual(['alpha', 'beta']);
		const calls = counting.calls.listStreams;
		await vi.advanceTimersByTimeAsync(100);
		expect(counting.calls.listStreams).toBe(calls + 1);
		poller.stop();
	});

	test('keeps the last good rows while failing', async () => {
		const counting = new CountingDriver(local);
		const poller = new StreamPoller(counting.driver);
		await poller.refresh();
		counting.failWith = new Error('socket hang up');
		await poller.refresh();
		expect(poller.getState().rows).toHaveLength(2);
		expect(poller.getState().error).toMatchObject({code: undefined, message: 'socket hang up'});
	});

	test('a stream deleted between ListStreams and DescribeStreamSummary is just not listed', async () => {
		const driver = Object.create(local) as Driver;
		driver.describeStreamSummary = async (name, signal) => {
			if (name === 'alpha') await local.deleteStream('alpha');
			return local.describeStreamSummary(name, signal);
		};
		const poller = new StreamPoller(driver);
		await poller.refresh();
		expect(poller.getState().error).toBeUndefined();
		expect(poller.getState().rows.map((row) => row.name)).toEqual(['beta']);
	});

	test('stop() cancels the timer: no calls afterwards', async () => {
		vi.useFakeTimers();
		const counting = new CountingDriver(local);
		const poller = new StreamPoller(counting.driver, {intervalMs: 50});
		poller.start();
		await vi.advanceTimersByTimeAsync(120);
		poller.stop();
		const calls = counting.calls.listStreams;
		await vi.advanceTimersByTimeAsync(1_000);
		expect(counting.calls.listStreams).toBe(calls);
		expect(poller.getState().loading).toBe(false);
	});

	test("joins each stream's metrics into its row; without metrics the streams are still listed", async () => {
		const data = new TextEncoder().encode('y'.repeat(50));
		await local.putRecords(
			'beta',
			Array.from({length: 120}, (_, i) => ({PartitionKey: String(i), Data: data})),
		);
		const poller = new StreamPoller(local, {metricsIntervalMs: 60_000});
		poller.start();
		await waitFor(() => poller.getState().rows.find((row) => row.rate !== undefined), {
			message: 'rows with rates',
		});
		poller.stop();
		const [alpha, beta] = poller.getState().rows;
		expect(alpha).toMatchObject({name: 'alpha', rate: 0, bytesRate: 0, iteratorAgeMs: undefined});
		expect(beta.rate).toBeGreaterThanOrEqual(2); // 120 records within the current minute
		expect(beta.bytesRate! / beta.rate!).toBeCloseTo(50);
		expect(beta.history).toHaveLength(15);
		expect(beta.history!.at(-1)).toBe(beta.rate);

		const denied = Object.create(local) as Driver;
		denied.getMetrics = async () => {
			throw new DriverError('AccessDeniedException', 'not allowed: cloudwatch:GetMetricData');
		};
		const blind = new StreamPoller(denied, {metricsIntervalMs: 60_000});
		blind.start();
		await waitFor(() => blind.getState().metricsError, {message: 'the metrics error'});
		blind.stop();
		expect(blind.getState().metricsError?.code).toBe('AccessDeniedException');
		expect(blind.getState().error).toBeUndefined();
		expect(blind.getState().rows.map((row) => [row.name, row.rate])).toEqual([
			['alpha', undefined],
			['beta', undefined],
		]);
	});
});

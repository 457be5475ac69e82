import {afterEach, describe, expect, test, vi} from 'vitest';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {LiveTail} from '../../source/tail/live-tail.js';
import {waitFor} from '../helpers/wait-for.js';

const drivers: LocalDriver[] = [];
const tails: LiveTail[] = [];
afterEach(async () => {
	vi.useRealTimers();
	for (const tail of tails.splice(0)) tail.stop();
	for (const driver of drivers.splice(0)) await driver.close();
});

const FAST = {idlePollMs: 20, catchUpPollMs: 5, minBackoffMs: 5, maxBackoffMs: 20};

async function setup(bufferSize: number, flushMs = 100) {
	const driver = LocalDriver.open({enforceLimits: false});
	drivers.push(driver);
	await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 2});
	const tail = new LiveTail(driver, 's', {
		...FAST,
		from: {type: 'TRIM_HORIZON'},
		bufferSize,
		flushMs,
	});
	tails.push(tail);
	return {driver, tail};
}

const put = (driver: LocalDriver, from: number, count: number) =>
	driver.putRecords(
		's',
		Array.from({length: count}, (_, i) => ({
			PartitionKey: `k${from + i}`,
			Data: Buffer.from(`r${from + i}`),
		})),
	);

describe('LiveTail', () => {
	test('publishes at most every flushMs, however many batches arrive', async () => {
		// On a controlled clock: the gaps between publications are exact, whatever the machine's load.
		vi.useFakeTimers();
		const {driver, tail} = await setup(100, 200);
		const publishedAt: number[] = [];
		tail.subscribe(() => publishedAt.push(Date.now()));
		tail.start();
		for (let i = 0; i < 10; i++) {
			await put(driver, i * 10, 10);
			await vi.advanceTimersByTimeAsync(20);
		}

		for (let step = 0; step < 500 && tail.getState().received < 100; step++) {
			await vi.advanceTimersByTimeAsync(20);
		}

		expect(tail.getState().received).toBe(100);
		// Ten batches within 200 ms, then the rest: a few publications, each 200 ms or more after the last.
		expect(publishedAt.length).toBeGreaterThan(0);
		expect(publishedAt.length).toBeLessThan(10);
		const gaps = publishedAt.slice(1).map((time, i) => time - publishedAt[i]);
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200);
		expect(tail.getState().records).toHaveLength(100);
		expect(
			tail
				.getState()
				.shards.map((shard) => shard.shardId)
				.sort(),
		).toEqual(['shardId-000000000000', 'shardId-000000000001']);
	});

	test('a small buffer keeps the newest records and counts the dropped', async () => {
		const {driver, tail} = await setup(10, 20);
		tail.start();
		await put(driver, 0, 50);
		await waitFor(() => tail.getState().received === 50, {message: 'every record'});
		const state = tail.getState();
		expect(state.records).toHaveLength(10);
		expect(state.dropped).toBe(40);
		expect(state.capacity).toBe(10);
	});

	test('reads pages of at most 2,000 records, so no key press waits behind a 10,000-record page', async () => {
		const {driver, tail} = await setup(10_000, 20);
		const pages: number[] = [];
		tail.session.onBatch((batch) => pages.push(batch.records.length));
		for (let call = 0; call < 12; call++) {
			await driver.putRecords(
				's',
				Array.from({length: 500}, (_, i) => ({
					PartitionKey: 'one-key',
					Data: Buffer.from(`${call}.${i}`),
				})),
			);
		}

		tail.start();
		await waitFor(() => tail.getState().received === 6000, {message: 'every record'});
		expect(Math.max(...pages)).toBe(2000);
		expect(pages.reduce((sum, page) => sum + page, 0)).toBe(6000);
	});

	test('stop ends the session; the last state stays', async () => {
		const {driver, tail} = await setup(10, 20);
		tail.start();
		await put(driver, 0, 3);
		await waitFor(() => tail.getState().received === 3, {message: 'records'});
		tail.stop();
		await waitFor(() => tail.getState().end?.reason === 'stopped', {message: 'the end'});
		expect(tail.getState().records).toHaveLength(3);
	});
});

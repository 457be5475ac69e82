import {afterEach, expect, test} from 'vitest';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {PutRun, type PutRunState} from '../../source/put/put-run.js';

let driver: LocalDriver;
afterEach(async () => driver?.close());

test('a burst beyond the shard limit is throttled, retried, and all of it lands', async () => {
	driver = LocalDriver.open({enforceLimits: true});
	await driver.createStream('one', {mode: 'PROVISIONED', shardCount: 1});
	const run = new PutRun(
		driver,
		{kind: 'stream', name: 'one'},
		{data: new Uint8Array(10), count: 3000},
	);
	const states: PutRunState[] = [];
	run.subscribe((state) => states.push(state));
	await run.start();
	const state = run.getState();
	expect(state).toMatchObject({running: false, sent: 3000, failed: 0, stopped: false});
	expect(state.throttled).toBeGreaterThan(0);
	expect(state.last).toMatchObject({shardId: 'shardId-000000000000'});
	// Published per batch or tick, not per record.
	expect(states.length).toBeLessThan(50);
});

test('a rate spreads the records over time', async () => {
	driver = LocalDriver.open({enforceLimits: false});
	await driver.createStream('paced', {mode: 'PROVISIONED', shardCount: 1});
	const run = new PutRun(
		driver,
		{kind: 'stream', name: 'paced'},
		{data: new Uint8Array(1), count: 10, ratePerSecond: 40},
	);
	const started = Date.now();
	await run.start();
	// 10 records at 40/s: the last is owed after 225 ms.
	expect(Date.now() - started).toBeGreaterThanOrEqual(200);
	expect(run.getState().sent).toBe(10);
});

test('a missing stream ends the run with the error', async () => {
	driver = LocalDriver.open({});
	const run = new PutRun(
		driver,
		{kind: 'stream', name: 'nope'},
		{data: new Uint8Array(1), count: 5},
	);
	await run.start();
	expect(run.getState()).toMatchObject({running: false, sent: 0});
	expect(run.getState().error).toMatch(/nope/);
});

import {afterEach, describe, expect, test} from 'vitest';
import type {LocalDriver} from '../../source/driver/local-driver.js';
import {cleanUp, expectFits, keys, localDriver, renderApp} from './render-app.js';

afterEach(cleanUp);

const data = new TextEncoder().encode('x'.repeat(100));

/** 50 records in, and one reader, so that every stream-level chart has a datapoint. */
async function busyStream(driver: LocalDriver, stream: string) {
	await driver.putRecords(
		stream,
		Array.from({length: 50}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
	);
	const {Shards} = await driver.describeStream(stream);
	const iterator = await driver.getShardIterator(stream, Shards[0].ShardId, {
		type: 'TRIM_HORIZON',
	});
	await driver.getRecords(iterator);
}

describe('metrics screen', () => {
	test('m on the stream screen opens the charts; r cycles the range; j/k scroll the charts', async () => {
		const driver = await localDriver([['orders', 2]]);
		await busyStream(driver, 'orders');
		const app = renderApp(driver);
		await app.untilText('orders');
		app.press(keys.enter);
		await app.untilText('orders · ACTIVE');
		app.press('m');
		let frame = await app.untilText('Incoming records');
		expect(frame).toContain('orders · metrics · stream (2 shards) · last 1h by minute');
		expect(frame).toContain('Enhanced fan-out consumers: none registered');
		// The first charts at 80×24: iterator age, then records in: 50 this minute.
		expect(frame).toMatch(
			/Iterator age \(max\)( · GetRecords\.IteratorAgeMilliseconds \(Maximum\))? {2}now \d+ms/,
		);
		expect(frame).toMatch(/Incoming records · IncomingRecords \(Sum\/min\) {2}now 50/);
		// y labels, the axis and the time axis ending with "now".
		expect(frame).toMatch(/^ *50┤ +█$/m);
		expect(frame).toMatch(/^ +\d\d:\d\d +\d\d:\d\d +now$/m);
		expect(frame).toContain('charts 1–3 of 7');
		expectFits(app);
		// Next to CloudWatch's figure, the live MillisBehindLatest of kinesis-top's own (shared) tail.
		await app.untilText(/now \d+ms {2}· live MillisBehindLatest \d+ms \(kinesis-top's tail\)/);

		app.press('G');
		frame = await app.untilText('Read throttles');
		expect(frame).toContain('charts 5–7 of 7');
		expect(frame).not.toContain('Iterator age');
		app.press('g');
		await app.untilText('charts 1–3 of 7');

		app.press('r');
		await app.untilText('last 3h by minute');
		app.press('r');
		await app.untilText('last 12h by minute');
		app.press('r');
		await app.untilText('last 24h by minute');
		app.press('r');
		await app.untilText('last 1h by minute');
		expect(app.lines().at(-1)).toMatch(/r range {2}s shard/);
		app.press(keys.escape);
		await app.untilText('orders · ACTIVE');
	});

	test('s switches to each shard in turn: no data without enhanced monitoring, charts with it', async () => {
		const driver = await localDriver([
			['plain', 1],
			['enhanced', 1],
		]);
		driver.engine.enableEnhancedMonitoring({StreamName: 'enhanced', ShardLevelMetrics: ['ALL']});
		await busyStream(driver, 'plain');
		await busyStream(driver, 'enhanced');

		const app = renderApp(driver);
		await app.untilText('plain');
		await app.command('metrics plain');
		await app.untilText('plain · metrics · stream (1 shard)');
		app.press('s');
		let frame = await app.untilText('plain · metrics · shard 0 of 1 (shardId-000000000000)');
		frame = await app.untilText('No shard-level datapoints: enhanced monitoring is off');
		app.press('s'); // one shard only: back to the stream
		await app.untilText('plain · metrics · stream (1 shard)');
		expect(app.frame()).not.toContain('No shard-level datapoints');

		await app.command('metrics enhanced');
		await app.untilText('enhanced · metrics · stream (1 shard)');
		app.press('s');
		await app.untilText('enhanced · metrics · shard 0 of 1');
		frame = await app.untilText(/Incoming records · IncomingRecords \(Sum\/min\) {2}now 50/);
		// The shard-level metric (its name gives way to the live MillisBehindLatest once that is known).
		expect(frame).toMatch(
			/Iterator age \(max\)( · IteratorAgeMilliseconds \(Maximum\)| {2}now \d+ms {2}· live)/,
		);
		expect(frame).not.toContain('No shard-level datapoints');
	});

	test('lists the registered enhanced fan-out consumers with their status', async () => {
		const driver = await localDriver([['orders', 1]]);
		const {StreamARN} = await driver.describeStreamSummary('orders');
		driver.engine.registerStreamConsumer({StreamARN, ConsumerName: 'billing'});
		driver.engine.registerStreamConsumer({StreamARN, ConsumerName: 'search'});
		const app = renderApp(driver);
		await app.untilText('orders');
		await app.command('metrics orders');
		await app.untilText('Enhanced fan-out consumers (2): billing ACTIVE · search ACTIVE');
		// The last panel lists them in full.
		app.press('G');
		const frame = await app.untilText('panels 6–8 of 8');
		expect(frame).toMatch(/^Enhanced fan-out consumers \(2\)$/m);
		expect(frame).toMatch(/^NAME +STATUS +REGISTERED$/m);
		expect(frame).toMatch(/^billing +ACTIVE +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
		expect(frame).toMatch(/^search +ACTIVE +\d{4}-/m);
		expectFits(app);
	});

	test('survives 40×12: one chart at a time, every line within the width', async () => {
		const driver = await localDriver([['orders', 1]]);
		await busyStream(driver, 'orders');
		const app = renderApp(driver, {width: 40, height: 12});
		await app.untilText('orders');
		await app.command('metrics orders');
		await app.untilText('Iterator age');
		expectFits(app);
		app.press('j');
		await app.untilText('Incoming records');
		expect(app.frame()).not.toContain('Iterator age');
		expectFits(app);
	});

	test(':metrics refuses an unknown stream, and takes a shard by its number', async () => {
		const app = renderApp(await localDriver([['orders', 1]]));
		await app.untilText('orders');
		await app.command('metrics nope');
		await app.untilText('No stream named nope');
		// A shard by its number.
		await app.command('metrics orders 0');
		await app.untilText('orders · metrics · shard 0 of 1 (shardId-000000000000)');
	});
});

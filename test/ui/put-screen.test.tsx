import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {Driver, KinesisRecord} from '../../source/driver/driver.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {cleanUp, expectFits, keys, localDriver, renderApp, type Harness} from './render-app.js';

afterEach(cleanUp);

async function allRecords(driver: Driver, stream: string) {
	const records: KinesisRecord[] = [];
	for (const shard of (await driver.describeStream(stream)).Shards) {
		const iterator = await driver.getShardIterator(stream, shard.ShardId, {type: 'TRIM_HORIZON'});
		records.push(...(await driver.getRecords(iterator, 10_000)).Records);
	}

	return records;
}

/** Opens the selected field in the prompt, replaces its text and submits it. */
async function setField(app: Harness, label: string, text: string) {
	await app.selectDown(label);
	app.press(keys.enter);
	await app.untilText(`${label}: `);
	app.press(keys.ctrlU);
	await app.untilPrompt(`${label}: `);
	app.type(text);
	await app.untilPrompt(`${label}: ${text}`);
	app.press(keys.enter);
	// The form's keys back at the bottom: the prompt took the answer and closed.
	await app.until(() => app.lastLine().includes('p put'), `${label} set`);
}

describe('put form', () => {
	test('puts N records with a fixed key, shows where they went, and marks that shard', async () => {
		const driver = await localDriver([['orders', 4]]);
		const app = renderApp(driver);
		await app.untilText('orders');
		app.press(keys.enter);
		await app.untilText('KEY RANGE');
		app.press('p');
		await app.untilText('Put records to orders');
		expect(app.lines().at(-1)).toContain('p put');
		expectFits(app);

		await setField(app, 'Partition key', 'user-42');
		await setField(app, 'Data', '{"hello": "world"}');
		await setField(app, 'Records', '3');
		app.press('p');
		const frame = await app.untilText('✓ done: 3 of 3 put · 0 failed');
		const shard = /last record → shard (\d+) \((shardId-\d+)\)/.exec(frame)!;
		expect(frame).toMatch(/sequence number \d{56}/);

		const records = await allRecords(driver, 'orders');
		expect(records).toHaveLength(3);
		for (const record of records) {
			expect(record.PartitionKey).toBe('user-42');
			expect(new TextDecoder().decode(record.Data)).toBe('{"hello": "world"}');
		}

		// Back on the shard map, the shard the records went to is marked with the key's hash.
		app.press(keys.escape);
		const map = await app.untilText('KEY RANGE');
		const marked = map.split('\n').find((line) => line.startsWith('◆ ') || line.includes('◆'));
		expect(marked).toContain(` ${shard[1]} `);
	});

	test('JSON is checked as it is typed, and a bad form puts nothing', async () => {
		const driver = await localDriver([['orders', 1]]);
		const app = renderApp(driver);
		await app.untilText('orders');
		app.press('p');
		await app.untilText('Put records to orders');
		await app.selectDown('Data');
		app.press(keys.enter);
		await app.untilText('Data: ');
		app.type('{"broken": ');
		await app.untilText(/not valid JSON/);
		app.press(keys.enter);
		await app.untilText('✖ Data: not valid JSON');
		const shown = app.frames.length;
		const field = app.selected();
		app.press('p');
		// A key after it with a visible effect: once the next field is selected, p has been handled.
		app.press('j');
		await app.until(() => app.selected() !== field, 'the next field selected');
		expect(app.frames.slice(shown).join('\n')).not.toMatch(/putting/);
		expect(await allRecords(driver, 'orders')).toHaveLength(0);
	});

	test('data from a file, at a rate, stopped with x', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-put-'));
		const file = join(directory, 'payload.bin');
		writeFileSync(file, Buffer.from([0, 1, 2, 255]));
		const driver = await localDriver([['orders', 2]]);
		const app = renderApp(driver);
		await app.untilText('orders');
		app.press('p');
		await app.untilText('Put records to orders');
		await setField(app, 'Data from file', file);
		await setField(app, 'Records', '1000');
		await setField(app, 'Records/s', '20');
		app.press('p');
		await app.untilText(/● putting: [1-9]\d* of 1,000/);
		app.press('x');
		const frame = await app.untilText('■ stopped');
		const sent = Number(/stopped: (\d+) of 1,000/.exec(frame)![1]);
		expect(sent).toBeGreaterThan(0);
		expect(sent).toBeLessThan(1000);
		const records = await allRecords(driver, 'orders');
		expect(records).toHaveLength(sent);
		expect([...records[0].Data]).toEqual([0, 1, 2, 255]);
	});

	test('read-only: no put key is offered, and :put is refused', async () => {
		const driver = readOnly(await localDriver([['orders', 1]]));
		const app = renderApp(driver);
		await app.untilText('orders');
		expect(app.lines().at(-1)).not.toContain('put');
		const shown = app.frames.length;
		app.press('p');
		// A key after it with a visible effect: once the help is up, p has been handled.
		app.press('?');
		await app.untilText('Streams — keys');
		expect(app.frames.slice(shown).join('\n')).not.toContain('Put records to');
		app.press(keys.escape);
		await app.untilText('SHARDS');
		await app.command('put orders');
		await app.untilText('Read-only: putting records is turned off');
	});
});

test('put to a Firehose delivery stream from its screen: data only, a RecordId back', async () => {
	const driver = await localDriver([['clicks', 1]]);
	driver.firehose.createDeliveryStream({
		DeliveryStreamName: 'archive',
		DeliveryStreamType: 'DirectPut',
		ExtendedS3DestinationConfiguration: {
			RoleARN: 'arn:aws:iam::000000000000:role/firehose-delivery',
			BucketARN: 'arn:aws:s3:::landing',
			BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 300},
		},
	});
	const app = renderApp(driver);
	await app.untilText('clicks');
	app.press('F');
	await app.untilText('› archive');
	app.press(keys.enter);
	await app.untilText(/p put/);
	app.press('p');
	const form = await app.untilText('Put records to delivery stream archive');
	expect(form).not.toContain('Partition key');
	expect(form).not.toContain('Explicit hash key');
	await setField(app, 'Data', 'line from the form');
	await setField(app, 'Records', '3');
	app.press('p');
	const frame = await app.untilText('✓ done: 3 of 3 put');
	expect(frame).toMatch(/last record → RecordId \S+/);
	const {Buffer} = await driver.describeDeliveryStream('archive');
	expect(Buffer.BufferedRecords).toBe(3);
	expect(Buffer.BufferedBytes).toBe(3 * 'line from the form'.length);
});

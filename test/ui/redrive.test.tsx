/** Re-drive from the console: `v` marks records in the tail, `R` previews, asks for the name, copies, audits. */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, expect, test} from 'vitest';
import type {Driver, KinesisRecord} from '../../source/driver/driver.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {TailSession} from '../../source/tail/tail-session.js';
import {cleanUp, keys, localDriver, renderApp, type Harness} from './render-app.js';
import {auditEntries} from '../helpers/audit-log.js';

afterEach(cleanUp);

const dataRows = (lines: string[]) =>
	lines.filter((line) => /^[ ›][ •]\d\d:\d\d:\d\d\.\d{3} /.test(line));

async function readAll(driver: Driver, stream: string) {
	const session = new TailSession(driver, stream, {
		from: {type: 'TRIM_HORIZON'},
		follow: false,
		catchUpPollMs: 1,
	});
	const records: KinesisRecord[] = [];
	for await (const batch of session) records.push(...batch.records);
	return records;
}

async function answer(app: Harness, prompt: string, text: string) {
	await app.untilPrompt(prompt);
	app.type(text);
	await app.untilPrompt(`${prompt}${text}`);
	app.press(keys.enter);
}

test('two marks re-drive the range between them, after the destination’s name is typed', async () => {
	const audit = mkdtempSync(join(tmpdir(), 'kinesis-top-audit-'));
	const driver = await localDriver([
		['clicks', 1],
		['staging', 1],
	]);
	const app = renderApp(driver, {auditDirectory: audit});
	await app.untilText('clicks');
	app.press('t');
	await app.untilText('Tail clicks');
	await app.until((f) => /lag, read\/s per shard: #0 \d+ms/.test(f), 'the shard being read');
	await driver.putRecords(
		'clicks',
		Array.from({length: 5}, (_, n) => ({PartitionKey: 'u-1', Data: Buffer.from(`event-${n}`)})),
	);
	await app.until((f) => dataRows(f.split('\n')).length === 5, 'five records');

	// v pauses and marks the newest (event-4); two up, v marks event-2: the range is 2, 3, 4.
	app.press('v');
	await app.untilText('1 marked');
	app.press('k');
	app.press('k');
	await app.until((f) => /^› .*event-2/m.test(f), 'event-2 selected');
	app.press('v');
	let frame = await app.untilText('2 marked');
	expect(dataRows(frame.split('\n')).filter((row) => row[1] === '•')).toHaveLength(2);

	app.press('R');
	await answer(app, 're-drive 3 records to stream: ', 'staging');
	frame = await app.untilText('type staging to confirm: ');
	expect(frame).toContain('re-drive 3 records (from 1 shard of clicks) to staging, keys keep');
	app.type('stagin');
	await app.untilPrompt('type staging to confirm: stagin');
	app.press(keys.enter);
	await app.untilText('The name did not match: nothing was re-driven.');
	expect(await readAll(driver, 'staging')).toEqual([]);

	app.press('R');
	await answer(app, 're-drive 3 records to stream: ', 'staging');
	await answer(app, 'type staging to confirm: ', 'staging');
	await app.untilText('✓ re-drove 3 records to staging');
	const copied = await readAll(driver, 'staging');
	expect(copied.map((record) => Buffer.from(record.Data).toString())).toEqual([
		'event-2',
		'event-3',
		'event-4',
	]);
	const [entry] = auditEntries(audit);
	expect(entry).toMatchObject({
		stream: 'staging',
		action: 're-drive 3 of 3 records from clicks (keys keep)',
		result: 'ok',
	});
});

test('read-only: R is not offered', async () => {
	const local = await localDriver([['clicks', 1]]);
	const app = renderApp(readOnly(local));
	await app.untilText('clicks');
	app.press('t');
	await app.untilText('Tail clicks');
	// From LATEST: a record put before the shard is being read would not be shown.
	await app.until((f) => /lag, read\/s per shard: #0 \d+ms/.test(f), 'the shard being read');
	await local.putRecords('clicks', [{PartitionKey: 'k', Data: Buffer.from('x')}]);
	await app.until((f) => dataRows(f.split('\n')).length === 1, 'the record');
	const shown = app.frames.length;
	app.press('R');
	// A key after it with a visible effect: once the help is up, R has been handled.
	app.press('?');
	await app.untilText('Live tail — keys');
	expect(app.frames.slice(shown).join('\n')).not.toContain('to stream: ');
});

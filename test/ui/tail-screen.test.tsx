import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterEach, describe, expect, test} from 'vitest';
import {type Driver, type PutRecordsRequestEntry} from '../../source/driver/driver.js';
import {hashKeyOf} from '../../source/kinesis/routing.js';
import {tailLine} from '../../source/tail/tail-line.js';
import {aggregatedRecord} from '../decode/kpl-fixture.js';
import {waitFor} from '../helpers/wait-for.js';
import {cleanUp, expectFits, keys, localDriver, renderApp, withReadOutage} from './render-app.js';

const directories: string[] = [];
afterEach(async () => {
	await cleanUp();
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const click = (user: string, n: number): PutRecordsRequestEntry => ({
	PartitionKey: user,
	Data: json({user: {id: user}, n, page: '/cart'}),
});

async function put(driver: Driver, records: PutRecordsRequestEntry[]) {
	const result = await driver.putRecords('clicks', records);
	expect(result.failedRecordCount).toBe(0);
	return result.records;
}

/** Opens a tail of `clicks` (t on the streams table) and waits until it reads. */
async function openTail(props: {width?: number} & Record<string, unknown> = {}, shards = 2) {
	const driver = await localDriver([['clicks', shards]]);
	const app = renderApp(driver, props);
	await app.untilText('clicks');
	app.press('t');
	await app.untilText(
		(props.width ?? 80) >= 80
			? 'Tail clicks · all shards · from latest · ● following'
			: 'Tail clicks',
	);
	await app.until((f) => /lag, read\/s per shard: #0 \d+ms/.test(f), 'the shards being read');
	return {driver, app};
}

const dataRows = (lines: string[]) =>
	lines.filter((line) => /^[ ›] \d\d:\d\d:\d\d\.\d{3} /.test(line));

describe('live tail', () => {
	test('records arrive, newest at the bottom, with shard, key and decoded data', async () => {
		const {driver, app} = await openTail();
		await put(driver, [click('u-1', 1), click('u-2', 2), click('u-3', 3)]);
		const frame = await app.until((f) => dataRows(f.split('\n')).length === 3, 'three records');
		expect(frame).toMatch(/TIME +SHARD +KEY +DATA \(auto\)/);
		expect(frame).toContain('3/5,000 buffered · 0 dropped');
		const rows = dataRows(app.lines());
		expect(rows.map((row) => /\{"user":\{"id":"(u-\d)"/.exec(row)?.[1]).sort()).toEqual([
			'u-1',
			'u-2',
			'u-3',
		]);
		expect(rows[0]).toMatch(
			/^ {2}\d\d:\d\d:\d\d\.\d{3} [01] +u-\d +\{"user":\{"id":"u-\d"\},"n":\d,"page":"\/cart"\}/,
		);
		expectFits(app);
	});

	test('d cycles the decoding: auto, JSON, text, hex, base64', async () => {
		const {driver, app} = await openTail();
		await put(driver, [click('u-1', 1)]);
		await app.until((f) => dataRows(f.split('\n')).length === 1, 'the record');
		const data = () => dataRows(app.lines())[0].slice(2 + 13 + 6 + 15);
		expect(data()).toMatch(/^\{"user"/);
		const expected: Array<[string, RegExp]> = [
			['json', /^\{"user":\{"id":"u-1"\}/],
			['text', /^\{"user":\{"id":"u-1"\}/],
			['hex', /^7b 22 75 73 65 72 22 3a/],
			[
				'base64',
				new RegExp(
					`^${json({user: {id: 'u-1'}, n: 1, page: '/cart'})
						.toString('base64')
						.slice(0, 20)}`,
				),
			],
			['auto', /^\{"user"/],
		];
		for (const [mode, pattern] of expected) {
			app.press('d');
			await app.untilText(`DATA (${mode})`);
			expect(app.frame()).toContain(`decode ${mode}`);
			expect(data()).toMatch(pattern);
		}
	});

	test('/ filters as you type: substring, regex, JSON field test; esc clears', async () => {
		const {driver, app} = await openTail();
		await put(driver, [click('u-1', 1), click('u-42', 2), click('u-42', 3), click('u-7', 4)]);
		await app.until((f) => dataRows(f.split('\n')).length === 4, 'four records');
		app.press('/');
		await app.untilText('text, /regex/, or FIELD OP VALUE');
		app.type('data.user.id == "u-42"');
		await app.until((f) => dataRows(f.split('\n')).length === 2, 'the filtered records');
		expect(app.frame()).toContain('filter: 2 match data.user.id == "u-42"');
		app.press(keys.enter);
		await app.until((f) => f.split('\n').at(-1)!.startsWith('space pause'), 'the prompt closed');
		// New records are filtered too.
		await put(driver, [click('u-42', 5), click('u-8', 6)]);
		await app.until((f) => dataRows(f.split('\n')).length === 3, 'the new match');
		expect(dataRows(app.lines()).every((row) => row.includes('u-42'))).toBe(true);

		app.press('/');
		await app.untilPrompt('/data.user.id == "u-42"');
		app.press(keys.ctrlU);
		app.type('/"n":[46]/');
		await app.until(
			(f) => dataRows(f.split('\n')).length === 2 && f.includes('2 match matches'),
			'regex',
		);
		app.press(keys.escape); // cancels the prompt: the filter is cleared
		await app.until((f) => dataRows(f.split('\n')).length === 6, 'every record again');
		expect(app.frame()).not.toContain('match');
	});

	test('space pauses the view (new records are counted, not shown) and follows again', async () => {
		const {driver, app} = await openTail();
		await put(driver, [click('u-1', 1), click('u-2', 2)]);
		await app.until((f) => dataRows(f.split('\n')).length === 2, 'two records');
		app.press(keys.space);
		await app.untilText('❚❚ PAUSED (+0 new)');
		expect(app.selected()).toMatch(/"id":"u-[12]"/);
		await put(driver, [click('u-3', 3), click('u-4', 4), click('u-5', 5)]);
		await app.untilText('❚❚ PAUSED (+3 new)');
		expect(dataRows(app.lines())).toHaveLength(2);
		expect(app.frame()).toContain('5/5,000 buffered');
		app.press(keys.space);
		await app.until(
			(f) => f.includes('● following') && dataRows(f.split('\n')).length === 5,
			'following',
		);
		expect(app.selected()).toBeUndefined();
	});

	test('moving pauses; enter shows the record in full; esc goes back to the running tail', async () => {
		const {driver, app} = await openTail();
		const [first] = await put(driver, [click('u-1', 1), click('u-2', 2)]);
		await app.until((f) => dataRows(f.split('\n')).length === 2, 'two records');
		app.press('g');
		await app.untilText('PAUSED');
		const row = app.selected()!;
		const user = /"id":"(u-\d)"/.exec(row)![1];
		app.press(keys.enter);
		const frame = await app.untilText('Record · clicks · shard');
		expect(frame).toMatch(/Stream +clicks/);
		expect(frame).toMatch(/Shard +shardId-00000000000[01] \([01]\)/);
		expect(frame).toMatch(/Sequence number +\d{20,}/);
		expect(frame).toMatch(/Arrival +\d{4}-\d\d-\d\dT/);
		expect(frame).toContain(`Partition key     ${user}`);
		expect(frame).toContain(`Hash key (MD5)    ${hashKeyOf(user)}`);
		expect(frame).toContain('── payload: json, pretty (auto)');
		expect(frame).toContain(`  "user": {`);
		expect(frame).toContain(`    "id": "${user}"`);
		expect(first.SequenceNumber).toMatch(/^\d{20,}$/);

		app.press('p');
		await app.untilText('payload: json, compact');
		app.press('d');
		await app.untilText('payload: json, compact · ');
		expect(app.frame()).toContain('decode json');
		app.press('d');
		await app.untilText('payload: text');
		app.press('d');
		await app.untilText('payload: hex');
		expect(app.frame()).toMatch(/00000000 {2}7b 22 75 73/);

		// The tail kept reading underneath.
		await put(driver, [click('u-9', 9)]);
		app.press(keys.escape);
		await app.untilText('PAUSED (+1 new)');
		app.press(keys.space);
		await app.until((f) => dataRows(f.split('\n')).length === 3, 'the record read meanwhile');
	});

	test('a tiny buffer keeps the newest records and shows how many it dropped', async () => {
		const {driver, app} = await openTail({tailBufferSize: 5}, 1);
		await put(
			driver,
			Array.from({length: 20}, (_, i) => click(`u-${i}`, i)),
		);
		const frame = await app.untilText('5/5 buffered · 15 dropped');
		const rows = dataRows(app.lines());
		expect(rows).toHaveLength(5);
		expect(rows.map((line) => /"n":(\d+)/.exec(line)![1])).toEqual(['15', '16', '17', '18', '19']);
		expect(frame).not.toMatch(/"n":(\d|1[0-4])\b/);
	});

	test('KPL aggregates and CloudWatch Logs envelopes are unpacked; binary never breaks the screen', async () => {
		const {driver, app} = await openTail({}, 1);
		await put(driver, [
			{
				PartitionKey: 'kpl-outer',
				Data: aggregatedRecord(
					['inner-a', 'inner-b'],
					[],
					[
						{partitionKeyIndex: 0, data: '{"from":"kpl","i":0}'},
						{partitionKeyIndex: 1, data: '{"from":"kpl","i":1}'},
					],
				),
			},
			{
				PartitionKey: 'logs',
				Data: gzipSync(
					JSON.stringify({
						messageType: 'DATA_MESSAGE',
						owner: '123456789012',
						logGroup: '/aws/lambda/x',
						logStream: 's',
						subscriptionFilters: [],
						logEvents: [
							{id: '1', timestamp: 0, message: 'START RequestId: r-1'},
							{id: '2', timestamp: 1, message: 'END RequestId: r-1'},
						],
					}),
				),
			},
			{
				PartitionKey: 'bin\u001b[2J',
				Data: Uint8Array.of(0x1b, 0x5b, 0x32, 0x4a, 0x00, 0x07, 0x9b, 0xff),
			},
		]);
		await app.until((f) => dataRows(f.split('\n')).length === 5, 'five payloads');
		const rows = dataRows(app.lines());
		expect(rows[0]).toMatch(/ inner-a +\{"from":"kpl","i":0\}/);
		expect(rows[1]).toMatch(/ inner-b +\{"from":"kpl","i":1\}/);
		expect(rows[2]).toMatch(/ logs +START RequestId: r-1/);
		expect(rows[3]).toMatch(/ logs +END RequestId: r-1/);
		expect(rows[4]).toMatch(/ bin\\x1b\[2J +1b 5b 32 4a 00 07 9b ff/);
		// eslint-disable-next-line no-control-regex
		expect(app.frame()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		expectFits(app);

		app.press('k');
		app.press('k');
		await app.until((f) => /› .* logs +START/.test(f), 'the log event selected');
		app.press(keys.enter);
		const frame = await app.untilText('Record · clicks');
		expect(frame).toMatch(/Decoded +gzip → CloudWatch Logs \(1 of 2\)/);
		expect(frame).toMatch(/Log group +\/aws\/lambda\/x/);
		expect(frame).toMatch(/Log event +1970-01-01T00:00:00\.000Z · id 1/);
	});

	test('s saves the buffered records as NDJSON and shows the path', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-tail-'));
		directories.push(directory);
		const {driver, app} = await openTail({saveDirectory: directory});
		await put(driver, [click('u-1', 1), click('u-2', 2)]);
		await app.until((f) => dataRows(f.split('\n')).length === 2, 'two records');
		app.press('s');
		const frame = await app.untilText('Saved 2 records to ');
		const name = /(kinesis-top-clicks-\d{8}-\d{6}\.ndjson)$/m.exec(frame)![1];
		const path = join(directory, name);
		const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
		expect(lines).toHaveLength(2);
		const saved = lines.map(
			(line) => JSON.parse(line) as {PartitionKey: string; Data: string; ShardId: string},
		);
		expect(saved.map((each) => each.PartitionKey).sort()).toEqual(['u-1', 'u-2']);
		expect(Buffer.from(saved[0].Data, 'base64').toString()).toMatch(/^\{"user"/);
		const records = (await driver.describeStream('clicks')).Shards.map((shard) => shard.ShardId);
		expect(records).toContain(saved[0].ShardId);
		expect(lines[0]).toBe(
			tailLine(saved[0].ShardId, {
				...JSON.parse(lines[0]),
				ApproximateArrivalTimestamp: new Date(JSON.parse(lines[0]).ApproximateArrivalTimestamp),
				Data: Buffer.from(saved[0].Data, 'base64'),
			}),
		);
		// The notice goes at the next key.
		app.press('j');
		await app.until((f) => !f.includes('Saved 2 records'), 'the notice gone');
	});

	test('f restarts from another position: TRIM_HORIZON reads what was there before', async () => {
		const {driver, app} = await openTail({}, 1);
		await put(driver, [click('u-1', 1)]);
		await app.until((f) => dataRows(f.split('\n')).length === 1, 'one record');
		app.press('f');
		await app.untilText('from: ');
		app.type('nonsense');
		await app.untilText('not a position');
		app.press(keys.ctrlU);
		app.type('trim-horizon');
		await app.untilPrompt('from: trim-horizon');
		app.press(keys.enter);
		await app.untilText('from trim-horizon · ● following');
		await app.until(
			(f) => dataRows(f.split('\n')).length === 1 && f.includes('1/5,000 buffered'),
			'the record again',
		);
	});

	test('an outage the tail rides out is shown in place of the title until reads are answered', async () => {
		const local = await localDriver([['clicks', 1]]);
		const outage = withReadOutage(local);
		const app = renderApp(outage.driver);
		await app.untilText('clicks');
		app.press('t');
		await app.untilText('Tail clicks · all shards · from latest · ● following');
		outage.down = true;
		await app.until(
			(f) => /^⟳ retrying since \d\d:\d\d:\d\d: ECONNREFUSED 127\.0\.0\.1:4567/m.test(f),
			'the outage',
		);
		await put(local, [click('u-1', 1)]);
		outage.down = false;
		await app.untilText('Tail clicks · all shards · from latest · ● following');
		await app.until((f) => dataRows(f.split('\n')).length === 1, 'the record put meanwhile');
		expect(app.frame()).not.toContain('retrying');
	});

	test('fits 40×12 without breaking', async () => {
		const {driver, app} = await openTail({width: 40, height: 12});
		await put(
			driver,
			Array.from({length: 30}, (_, i) => click(`user-with-a-long-id-${i}`, i)),
		);
		await app.until(
			(f) => dataRows(f.split('\n')).length > 0 || /^[ ›] \d\d:\d\d:\d\d /m.test(f),
			'rows',
		);
		await waitFor(() => app.frame().includes('30/5,000'), {message: 'every record'});
		expectFits(app);
	});
});

import {afterEach, describe, expect, test} from 'vitest';
import {evenHashKeyRanges} from '../../source/kinesis/hash-key.js';
import {hashKeyOf, HASH_KEY_SPACE} from '../../source/kinesis/routing.js';
import {barSpan, cellOf, keyRangeBar, shardTree} from '../../source/ui/shard-rows.js';
import {cleanUp, expectFits, keys, localDriver, renderApp} from './render-app.js';

afterEach(cleanUp);

/** Opens the stream `name` (the first in the table) with Enter and waits for its shard map. */
async function openStream(names: Array<[string, number]>, props = {}) {
	const driver = await localDriver(names);
	const app = renderApp(driver, props);
	await app.untilText(names[0][0]);
	app.press(keys.enter);
	await app.untilText(/KEY RANGE/);
	return {driver, app};
}

const shardLines = (lines: string[]) =>
	lines.filter((line) => /(OPEN|CLOSED)/.test(line) && /[█░]/.test(line));
const bar = (line: string) => /[█░·◆]+/.exec(line)![0];

describe('shard map', () => {
	test('bars are placed and sized by each shard’s share of the key space', async () => {
		const {app} = await openStream([['orders', 4]]);
		const frame = await app.until((f) => shardLines(f.split('\n')).length === 4, 'four shards');
		expect(frame).toContain('orders · ACTIVE · PROVISIONED · 4 open of 4 shards · 1d retention');
		expect(frame).toContain('Rates sampled by kinesis-top (reading LATEST, 5 s)');
		const bars = shardLines(app.lines()).map(bar);
		const width = bars[0].length;
		for (const [i, each] of bars.entries()) {
			const first = each.indexOf('█');
			const last = each.lastIndexOf('█');
			// Each quarter of the key space starts a quarter of the way along, and is a quarter wide.
			expect(first).toBe(Math.floor((i * width) / 4 + 0.5));
			expect(last).toBe(Math.floor(((i + 1) * width) / 4 + 0.5) - 1);
			expect(each.length).toBe(width);
		}

		expect(bars[0].startsWith('█')).toBe(true);
		expect(bars[3].endsWith('█')).toBe(true);
		expect(frame).toMatch(/› 0 +█+·+ OPEN +25\.0%/);
		expectFits(app);
	});

	test('keyRangeBar and barSpan: even the smallest range shows, the key marker lands inside it', () => {
		const ranges = evenHashKeyRanges(3);
		const shard = (start: bigint, end: bigint, closed = false) => ({
			ShardId: 'shardId-000000000000',
			HashKeyRange: {StartingHashKey: String(start), EndingHashKey: String(end)},
			SequenceNumberRange: {
				StartingSequenceNumber: '0',
				EndingSequenceNumber: closed ? '1' : undefined,
			},
		});
		expect(keyRangeBar(shard(ranges[1].start, ranges[1].end), 9)).toBe('···███···');
		expect(keyRangeBar(shard(ranges[0].start, ranges[0].end, true), 9)).toBe('░░░······');
		expect(keyRangeBar(shard(5n, 5n), 10)).toBe('█·········');
		expect(barSpan(HASH_KEY_SPACE - 1n, HASH_KEY_SPACE - 1n, 10)).toEqual({first: 9, last: 9});
		const middle = HASH_KEY_SPACE / 2n;
		expect(keyRangeBar(shard(0n, HASH_KEY_SPACE - 1n), 10, middle)).toBe('█████◆████');
	});

	test('after a split and a merge: closed parents, children in a tree under them', async () => {
		const {driver, app} = await openStream([['orders', 1]]);
		await driver.splitShard('orders', 'shardId-000000000000', String(2n ** 127n));
		await app.untilText('2 open of 3 shards', 10_000);
		let lines = shardLines(app.lines());
		expect(lines[0]).toMatch(/^› 0 +░+ CLOSED +100\.0%/);
		expect(lines[1]).toMatch(/^ {2}├─1 +█+·+ OPEN +50\.0%/);
		expect(lines[2]).toMatch(/^ {2}└─2 +·+█+ OPEN +50\.0%/);

		await driver.mergeShards('orders', 'shardId-000000000001', 'shardId-000000000002');
		await app.untilText('1 open of 4 shards', 10_000);
		lines = shardLines(app.lines());
		expect(lines.map((line) => /^..(\S+)/.exec(line)![1])).toEqual(['0', '├─1', '│', '└─2']);
		expect(lines[2]).toMatch(/^ {2}│ └─3 +█+ OPEN/);
		expect(lines[1]).toContain('CLOSED');
		expect(lines[3]).toContain('CLOSED');

		// The same tree from the pure function: the merged shard names its other parent.
		const tree = shardTree((await driver.describeStream('orders')).Shards);
		expect(tree.map((row) => row.prefix + row.shard.ShardId.slice(-1))).toEqual([
			'0',
			'├─1',
			'│ └─3',
			'└─2',
		]);
		expect(tree[2].mergedWith).toBe('shardId-000000000002');
	});

	test('K: which shard owns a key — the engine’s own routing', async () => {
		const {driver, app} = await openStream([['orders', 4]]);
		const put = await driver.putRecords('orders', [
			{PartitionKey: 'user-42', Data: Buffer.from('x')},
		]);
		const owner = put.records[0].ShardId!;
		app.press('K');
		await app.untilText('partition key:');
		app.type('user-42');
		await app.untilText('partition key: user-42');
		app.press(keys.enter);
		const frame = await app.untilText('key "user-42" →');
		expect(frame).toContain(`key "user-42" → shard ${Number(owner.slice(-1))} (${owner})`);
		expect(frame).toContain(`MD5 hash of the key: ${hashKeyOf('user-42')}`);
		// The owning row is marked, and the key's position shows on its bar.
		const ownerLine = shardLines(app.lines()).find((line) => line.includes('◆'))!;
		expect(ownerLine).toMatch(new RegExp(`^[›◆] ${Number(owner.slice(-1))} `));
		expect(bar(ownerLine)[cellOf(hashKeyOf('user-42'), bar(ownerLine).length)]).toBe('◆');
	});

	test('sampled incoming rate against the limit: a hot shard is flagged', async () => {
		const {driver, app} = await openStream([['orders', 2]]);
		await app.until((f) => /0 +█+·+ OPEN +50\.0% +0\/s/.test(f), 'the first sample');
		// 500 records every 50 ms to one shard: far past 1,000 records a second.
		const hot = `${hashKeyOf('hot-key') < HASH_KEY_SPACE / 2n ? 0 : 1}`;
		const hotRow = new RegExp(`${hot} +[█·]+ OPEN +50\\.0% +[\\d.]+k?/s +[\\d.]+ KiB/s +\\d+%!`);
		let frame = '';
		for (let i = 0; i < 100 && !hotRow.test(frame); i++) {
			await driver.putRecords(
				'orders',
				Array.from({length: 500}, () => ({PartitionKey: 'hot-key', Data: Buffer.from('{"x":1}')})),
			);
			await new Promise((resolve) => setTimeout(resolve, 50));
			frame = app.frame();
		}

		expect(frame).toMatch(hotRow);
		const cold = frame
			.split('\n')
			.find((line) => new RegExp(`^. ${hot === '0' ? 1 : 0} `).test(line))!;
		expect(cold).toMatch(/ 0\/s +0 B\/s +0%$/);
	});

	test('/ filters the shards; t tails the selected shard', async () => {
		const {driver, app} = await openStream([['orders', 1]]);
		await driver.splitShard('orders', 'shardId-000000000000', String(2n ** 127n));
		await app.untilText('2 open of 3 shards', 10_000);
		app.press('/');
		await app.untilPrompt('/');
		app.type('OPEN');
		await app.until((f) => shardLines(f.split('\n')).length === 2, 'only the open shards');
		expect(app.frame()).toContain('· /OPEN');
		app.press(keys.enter);
		await app.until(() => app.lastLine().startsWith('j/k move'), 'the filter prompt closed');
		app.press('j');
		await app.until((f) => /› +└─2 /.test(f), 'shard 2 selected');
		app.press('t');
		await app.untilText('Tail orders · shard 2 (and children)');
		app.press(keys.escape);
		await app.untilText('· /OPEN');
		app.press(keys.escape);
		await app.until(
			(f) => shardLines(f.split('\n')).length === 3 && !f.includes('/OPEN'),
			'the filter cleared',
		);
	});
});

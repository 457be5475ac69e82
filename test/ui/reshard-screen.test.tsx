import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {cleanUp, keys, localDriver, renderApp, type Harness} from './render-app.js';
import {auditEntries} from '../helpers/audit-log.js';

afterEach(cleanUp);

/** Opens `stream` (the first in the table) and selects shard `index` of its shard map. */
async function onShard(app: Harness, index: number) {
	app.press(keys.enter);
	await app.untilText(/open of \d+ shards/);
	await app.until((f) => /^› 0 /m.test(f), 'the first shard selected');
	for (let i = 0; i < index; i++) {
		app.press('j');
		await app.until((f) => new RegExp(`^› ${i + 1} `, 'm').test(f), `shard ${i + 1} selected`);
	}
}

async function confirmWith(app: Harness, text: string) {
	app.press('c');
	await app.untilText('to confirm: ');
	app.type(text);
	await app.until(() => app.lastLine().includes(`to confirm: ${text}`), `${text} typed`);
	app.press(keys.enter);
}

describe('guided resharding', () => {
	test('split: preview at the middle, a wrong name changes nothing, the right one splits', async () => {
		const audit = mkdtempSync(join(tmpdir(), 'kinesis-top-audit-'));
		const driver = await localDriver([['orders', 2]]);
		const app = renderApp(driver, {auditDirectory: audit});
		await app.untilText('orders');
		await onShard(app, 1);
		app.press('S');
		let frame = await app.untilText('(the middle)');
		expect(frame).toContain('(the middle)');
		expect(frame).toMatch(/before 2 open shards · write 2\.0k\/s, 2 MiB\/s · read 4 MiB\/s/);
		expect(frame).toMatch(/after {2}3 open shards · write 3\.0k\/s, 3 MiB\/s · read 6 MiB\/s/);
		expect(frame).toMatch(/ 0 +█+·+ +50\.0%/);
		expect(frame.match(/new←1 .* 25\.0%/g)).toHaveLength(2);

		await confirmWith(app, 'order');
		await app.untilText('The name did not match: nothing was changed.');
		expect((await driver.describeStream('orders')).Shards).toHaveLength(2);

		await confirmWith(app, 'orders');
		frame = await app.untilText('✓ done: the stream is ACTIVE again');
		const {Shards} = await driver.describeStream('orders');
		expect(Shards).toHaveLength(4);
		expect(Shards.filter((shard) => shard.ParentShardId === 'shardId-000000000001')).toHaveLength(
			2,
		);
		const [entry] = auditEntries(audit);
		expect(entry).toMatchObject({stream: 'orders', result: 'ok'});
		expect(entry.action).toMatch(/^split shardId-000000000001 at \d+$/);
		expect(entry.backend).toMatch(/^local us-east-1 000000000000 in memory$/);

		// Back on the shard map: the parent closed, its two children open.
		app.press(keys.escape);
		frame = await app.untilText('3 open of 4 shards');
		expect(frame).toContain('CLOSED');
	});

	test('split at a partition key’s hash, typed as key:NAME', async () => {
		const driver = await localDriver([['orders', 1]]);
		const app = renderApp(driver, {auditDirectory: mkdtempSync(join(tmpdir(), 'audit-'))});
		await app.untilText('orders');
		await onShard(app, 0);
		app.press('S');
		await app.untilText('(the middle)');
		app.press(keys.enter);
		await app.untilText('split at: ');
		app.type('key:hot-user');
		await app.untilPrompt('split at: key:hot-user');
		app.press(keys.enter);
		await app.until(
			(f) => !f.includes('(the middle)') && f.includes('split at hash key'),
			'the key',
		);
		await confirmWith(app, 'orders');
		await app.untilText('✓ done');
		const {hashKeyOf} = await import('../../source/kinesis/routing.js');
		const children = (await driver.describeStream('orders')).Shards.filter((s) => s.ParentShardId);
		expect(children.map((shard) => shard.HashKeyRange.StartingHashKey)).toContain(
			String(hashKeyOf('hot-user')),
		);
	});

	test('merge offers only neighbours; scale explains the limits', async () => {
		const audit = mkdtempSync(join(tmpdir(), 'kinesis-top-audit-'));
		const driver = await localDriver([['orders', 3]]);
		const app = renderApp(driver, {auditDirectory: audit});
		await app.untilText('orders');
		await onShard(app, 1);
		app.press('M');
		let frame = await app.untilText('with shard 0');
		expect(frame).toContain('Merge shard 1 of orders');
		expect(frame).toContain('enter picks the other neighbour');
		app.press(keys.enter);
		frame = await app.untilText('with shard 2');
		await confirmWith(app, 'orders');
		await app.untilText('✓ done');
		const open = (await driver.describeStream('orders')).Shards.filter(
			(shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined,
		);
		expect(open).toHaveLength(2);
		app.press(keys.escape);
		await app.untilText('2 open of 4 shards');

		app.press('N');
		frame = await app.untilText('to 4 open shards (now 2)');
		expect(frame).toContain('Scale orders');
		expect(frame).toContain('AWS allows 10 UpdateShardCount calls per stream per rolling 24 hours');
		app.press(keys.enter);
		await app.untilText('target open shards: ');
		app.type('5');
		await app.untilPrompt('target open shards: 5');
		app.press(keys.enter);
		frame = await app.untilText('cannot scale up over double');
		expect(frame).not.toContain('c confirms');
		const shown = app.frames.length;
		app.press('c');
		// A key after it with a visible effect: once the help is up, c has been handled.
		app.press('?');
		await app.untilText('— keys · ? or esc closes');
		expect(app.frames.slice(shown).join('\n')).not.toContain('to confirm');
		expect(auditEntries(audit).map((entry) => entry.action)).toEqual([
			'merge shardId-000000000001 with shardId-000000000002',
		]);
	});

	test('read-only: no split, merge or scale key is offered or works', async () => {
		const driver = readOnly(await localDriver([['orders', 2]]));
		const app = renderApp(driver);
		await app.untilText('orders');
		await onShard(app, 0);
		const footer = app.lines().at(-1)!;
		expect(footer).not.toMatch(/split|merge|scale|put/);
		const shown = app.frames.length;
		for (const key of ['S', 'M', 'N']) app.press(key);
		// A key after them with a visible effect: once shard 1 is selected, they have been handled.
		app.press('j');
		await app.until((f) => /^› 1 /m.test(f), 'shard 1 selected');
		expect(app.frame()).toContain('KEY RANGE');
		expect(app.frames.slice(shown).join('\n')).not.toMatch(/Split shard|Merge shard|Scale orders/);
		await expect(driver.splitShard('orders', 'shardId-000000000000', '1000')).rejects.toThrow(
			/read-only/i,
		);
	});
});

test('the stream shows its hot keys, and a split can isolate the hottest', async () => {
	const {FAST_RATES} = await import('./render-app.js');
	const driver = await localDriver([['clicks', 1]]);
	const app = renderApp(driver, {
		auditDirectory: mkdtempSync(join(tmpdir(), 'audit-')),
		rateOptions: FAST_RATES,
	});
	await app.untilText('clicks');
	await onShard(app, 0);
	const data = new TextEncoder().encode('{}');
	const feed = setInterval(() => {
		void driver.putRecords('clicks', [
			...Array.from({length: 5}, () => ({PartitionKey: 'whale', Data: data})),
			{PartitionKey: `minnow-${Math.random()}`, Data: data},
		]);
	}, 20);
	try {
		const frame = await app.until((f) => /^ {2}whale +→ 0 +\d+\/s/m.test(f), 'the hot key');
		expect(frame).toContain('HOT KEYS (last minute');
		app.press('S');
		await app.untilText('h isolates hot key whale');
	} finally {
		clearInterval(feed);
	}

	app.press('h');
	await app.untilText('(isolates whale)');
	await confirmWith(app, 'clicks');
	await app.untilText('✓ done');
	const {hashKeyOf} = await import('../../source/kinesis/routing.js');
	const hash = hashKeyOf('whale');
	const children = (await driver.describeStream('clicks')).Shards.filter((s) => s.ParentShardId);
	const edges = children.flatMap((shard) => [
		BigInt(shard.HashKeyRange.StartingHashKey),
		BigInt(shard.HashKeyRange.EndingHashKey),
	]);
	expect(edges).toContain(hash);
});

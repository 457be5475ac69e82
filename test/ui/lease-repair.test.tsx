/**
 * The lease repairs in the console at 80×24: on a KCL application's shard, `R` asks where to reset
 * the checkpoint and `O` releases the lease; each previews the one conditional UpdateItem, asks for the
 * shard id to be typed (a wrong one writes nothing), shows the result and writes the audit line. The
 * table is read back from dynalite. Read-only mode offers neither.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {Dynalite} from '../helpers/dynalite.js';
import {leaseItem, putLeases, readLease, type LeaseSpec} from '../helpers/kcl-leases.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {kclDriver, LEASE_TABLE} from './kcl-driver.js';
import {cleanUp, expectFits, keys, renderApp, type Harness} from './render-app.js';
import {auditEntries} from '../helpers/audit-log.js';

afterEach(cleanUp);

const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
const LEASES: LeaseSpec[] = [
	{shardId: SHARD_0, owner: 'worker-1', counter: 7, checkpoint: 'LATEST'},
	{shardId: SHARD_1, owner: 'worker-dead', counter: 40, checkpoint: 'TRIM_HORIZON'},
];

const itemOf = async (dynamodb: Dynalite, shardId: string) =>
	readLease(dynamodb.client, LEASE_TABLE, shardId);

/** The application's shard view, sorted by shard, with shard `index` selected. */
async function onLease(app: Harness, index: number) {
	await app.untilText('› orders');
	app.press('c');
	await app.untilText(`› ${LEASE_TABLE}`);
	app.press(keys.enter);
	await app.untilText(/orders-app \(KCL 1\.x\) on orders: 2 shards, by lag/);
	app.press('s');
	await app.untilText('2 shards, by shard');
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
	await app.untilText(`to confirm: ${text}`);
	app.press(keys.enter);
}

describe('KCL lease repairs in the console', () => {
	test('O releases a dead lease: preview, a wrong shard id writes nothing, the right one does', async () => {
		const audit = mkdtempSync(join(tmpdir(), 'kinesis-top-audit-'));
		const {driver, dynamodb} = await kclDriver(LEASES);
		const app = renderApp(driver, {auditDirectory: audit});
		await onLease(app, 1);
		app.press('O');
		let frame = await app.untilText(`Release the lease of ${SHARD_1} (${LEASE_TABLE})`);
		frame = await app.untilText('c confirms: you will type the shard id');
		expect(frame).toContain('UpdateItem, only if leaseCounter is still 40:');
		expect(frame).toMatch(/leaseOwner +worker-dead → \(none\)/);
		expect(frame).toMatch(/leaseCounter +40 → 41/);
		expectFits(app);

		await confirmWith(app, SHARD_0);
		await app.untilText('The shard id did not match: nothing was written.');
		expect(await itemOf(dynamodb, SHARD_1)).toEqual(leaseItem(LEASES[1]));

		await confirmWith(app, SHARD_1);
		frame = await app.untilText(
			'✓ written: checkpoint TRIM_HORIZON · owner (none) · leaseCounter 41',
		);
		expectFits(app);
		const {owner: _owner, ...released} = LEASES[1];
		expect(await itemOf(dynamodb, SHARD_1)).toEqual(leaseItem({...released, counter: 41}));
		const entries = auditEntries(audit);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({
			stream: 'orders',
			table: LEASE_TABLE,
			action: `release the lease of ${SHARD_1} (lease table ${LEASE_TABLE}) held by worker-dead (condition leaseCounter = 40)`,
			result: 'ok',
		});

		// Back on the shard view, which reads the lease as written.
		app.press(keys.escape);
		await app.until((f) => /^› 1 +- +TRIM_HORIZON/m.test(f), 'shard 1 unowned');
	});

	test('R resets a checkpoint to TRIM_HORIZON; a worker renewing meanwhile makes it fail, said so', async () => {
		const audit = mkdtempSync(join(tmpdir(), 'kinesis-top-audit-'));
		const {driver, dynamodb} = await kclDriver(LEASES);
		const app = renderApp(driver, {auditDirectory: audit});
		await onLease(app, 0);
		app.press('R');
		await app.untilText(`reset ${SHARD_0} to: `);
		app.type('SHARD_END');
		await app.untilText('not a checkpoint: type TRIM_HORIZON');
		// The prompt keeps what is typed: clear it and type a target it takes.
		for (let i = 0; i < 'SHARD_END'.length; i++) app.press(keys.backspace);
		await app.until((f) => !f.includes('not a checkpoint'), 'the text cleared');
		app.type('trim_horizon');
		await app.untilText(`reset ${SHARD_0} to: trim_horizon`);
		app.press(keys.enter);
		let frame = await app.untilText('c confirms: you will type the shard id');
		expect(frame).toContain(`Reset the checkpoint of ${SHARD_0} (${LEASE_TABLE})`);
		expect(frame).toMatch(/checkpoint +LATEST → TRIM_HORIZON/);
		expect(frame).toMatch(/leaseOwner +worker-1 → \(none\)/);
		expect(frame).toContain('enter changes the new checkpoint');
		expectFits(app);

		// Enter changes the target: a time with no record at or after it yet is refused, in words.
		app.press(keys.enter);
		await app.untilText(`reset ${SHARD_0} to: `);
		app.type('2020-01-01T00:00:00Z');
		await app.untilText(`to: 2020-01-01T00:00:00Z`);
		app.press(keys.enter);
		frame = await app.untilText(`✖ shard ${SHARD_0} has no record at or after`);
		expect(frame).not.toContain('c confirms');
		app.press(keys.enter);
		await app.untilText(`reset ${SHARD_0} to: `);
		app.type('TRIM_HORIZON');
		await app.untilText(`to: TRIM_HORIZON`);
		app.press(keys.enter);
		await app.untilText('c confirms: you will type the shard id');

		// worker-1 renews its lease while the user types.
		await putLeases(dynamodb.client, LEASE_TABLE, [{...LEASES[0], counter: 8}]);
		await confirmWith(app, SHARD_0);
		frame = await app.untilText('✖ ConditionalCheckFailedException: the lease of');
		expect(frame.replaceAll('\n', ' ')).toContain(
			'(leaseCounter 7 → 8, owner worker-1): a live worker renewed or took it.',
		);
		expectFits(app);
		expect(await itemOf(dynamodb, SHARD_0)).toEqual(leaseItem({...LEASES[0], counter: 8}));
		expect(auditEntries(audit)).toMatchObject([
			{result: 'error', error: expect.stringMatching(/^ConditionalCheckFailedException: /)},
		]);
	});

	test('read-only: R and O are neither offered nor do anything', async () => {
		const {driver, dynamodb} = await kclDriver(LEASES);
		const app = renderApp(readOnly(driver));
		await onLease(app, 1);
		expect(app.lines().at(-1)).not.toMatch(/reset|release/);
		app.press('R');
		app.press('O');
		// Keys are handled in order: once s has sorted, R and O have been handled too.
		app.press('s');
		await app.untilText('2 shards, by lag');
		expect(app.frame()).not.toMatch(/Release the lease|reset shardId/);
		expect(await itemOf(dynamodb, SHARD_1)).toEqual(leaseItem(LEASES[1]));
	});
});

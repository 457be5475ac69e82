/**
 * The lease-table repairs against dynalite, with leases written in KCL's exact item format (1.x and
 * 3.x multi-stream): each repair read back from the table, item by item; the conditional failure when
 * the lease counter moved (nothing written); a retried write that finds itself done; read-only mode's
 * refusal; the audit lines.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {UpdateItemCommand} from '@aws-sdk/client-dynamodb';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parseCheckpointTarget} from '../../source/consumers/checkpoint-target.js';
import {
	executeRepair,
	planRepair,
	type LeaseRepair,
	type LeaseSnapshot,
} from '../../source/consumers/lease-repairs.js';
import {DriverError} from '../../source/driver/driver.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {auditEntries} from '../helpers/audit-log.js';
import {
	createLeaseTable,
	leaseItem,
	putLeases,
	readLease,
	type LeaseSpec,
} from '../helpers/kcl-leases.js';
import {openWorld, type ConsumersWorld} from './fixture.js';

const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
const TABLE = 'clicks-repairs';
const KCL3_TABLE = 'clicks-repairs-kcl3';
const IDENTIFIER = '000000000000:clicks:1764590400';

describe('KCL lease repairs', () => {
	let world: ConsumersWorld;
	let auditDirectory: string;
	let t0: number;
	/** Sequence numbers of the records put into shard 0, one a second from t0. */
	const sequence: string[] = [];

	const item = async (table: string, leaseKey: string) =>
		readLease(world.dynamodb.client, table, leaseKey);
	const auditLines = async () => auditEntries(auditDirectory);
	const snapshot = (spec: LeaseSpec, table = TABLE): LeaseSnapshot => ({
		table,
		leaseKey: spec.streamIdentifier ? `${spec.streamIdentifier}:${spec.shardId}` : spec.shardId,
		shardId: spec.shardId,
		...(spec.owner ? {owner: spec.owner} : {}),
		leaseCounter: spec.counter ?? 1,
		checkpoint: spec.checkpoint,
		subSequenceNumber: spec.subSequenceNumber ?? 0,
	});
	const repair = async (spec: LeaseSpec, wanted: LeaseRepair, table = TABLE) => {
		const plan = await planRepair(world.driver, 'clicks', snapshot(spec, table), wanted);
		return {plan, outcome: await executeRepair(world.driver, plan, {auditDirectory})};
	};
	const reset = (text: string): LeaseRepair => {
		const target = parseCheckpointTarget(text);
		if (typeof target === 'string') throw new Error(target);
		return {action: 'reset', target};
	};

	beforeAll(async () => {
		world = await openWorld();
		auditDirectory = await mkdtemp(join(tmpdir(), 'kinesis-top-repairs-'));
		t0 = world.clock.now();
		await world.driver.createStream('clicks', {mode: 'PROVISIONED', shardCount: 2});
		for (let second = 0; second < 10; second++) {
			world.clock.set(t0 + second * 1000);
			const {records} = await world.driver.putRecords('clicks', [
				{Data: Buffer.from(`click ${second}`), PartitionKey: 'p', ExplicitHashKey: '0'},
			]);
			sequence.push(records[0].SequenceNumber!);
		}

		world.clock.set(t0 + 60_000);
		await createLeaseTable(world.dynamodb.client, TABLE);
		await createLeaseTable(world.dynamodb.client, KCL3_TABLE, {kcl3: true});
	}, 60_000);

	afterAll(async () => {
		await world.close();
		await rm(auditDirectory, {recursive: true, force: true});
	}, 60_000);

	test('reset to TRIM_HORIZON: KCL 1.x lease read back, released, pending checkpoint gone', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_0,
			owner: 'worker-7',
			counter: 41,
			checkpoint: sequence[5],
			subSequenceNumber: 3,
			ownerSwitches: 2,
			pendingCheckpoint: sequence[6],
			parents: ['shardId-000000000009'],
		};
		await putLeases(world.dynamodb.client, TABLE, [spec]);
		const {plan, outcome} = await repair(spec, reset('trim_horizon'));
		expect(plan.changes).toEqual([
			{attribute: 'checkpoint', before: sequence[5], after: 'TRIM_HORIZON'},
			{attribute: 'checkpointSubSequenceNumber', before: '3', after: '0'},
			{attribute: 'leaseOwner', before: 'worker-7'},
			{attribute: 'leaseCounter', before: '41', after: '42'},
		]);
		expect(outcome.ok).toBe(true);
		// Exactly KCL's item: the lease as KCL writes an unowned lease at TRIM_HORIZON, nothing else touched.
		const expected = leaseItem({
			shardId: SHARD_0,
			counter: 42,
			checkpoint: 'TRIM_HORIZON',
			parents: ['shardId-000000000009'],
		});
		expect(await item(TABLE, SHARD_0)).toEqual(expected);
		expect(outcome.ok && outcome.item).toEqual(expected);
		expect((await auditLines()).at(-1)).toMatchObject({
			backend: expect.stringMatching(/^local /),
			stream: 'clicks',
			table: TABLE,
			action: `reset the checkpoint of ${SHARD_0} (lease table ${TABLE}) from ${sequence[5]} to TRIM_HORIZON (condition leaseCounter = 41)`,
			result: 'ok',
		});
	});

	test('reset to a time: the first record at or after it, found with AT_TIMESTAMP, is written', async () => {
		const spec: LeaseSpec = {shardId: SHARD_0, counter: 5, checkpoint: 'LATEST'};
		await putLeases(world.dynamodb.client, TABLE, [spec]);
		// Half a second after record 3 arrived: record 4 is the first at or after it.
		const time = new Date(t0 + 3500).toISOString();
		const {plan, outcome} = await repair(spec, reset(time));
		expect(plan.description).toBe(
			`reset the checkpoint of ${SHARD_0} (lease table ${TABLE}) from LATEST to ${sequence[4]} (${time})`,
		);
		expect(plan.notes[0]).toBe(
			`the first record at or after ${time} (arrived ${new Date(t0 + 4000).toISOString()}); KCL resumes with the record after it`,
		);
		expect(outcome.ok).toBe(true);
		expect(await item(TABLE, SHARD_0)).toEqual(
			leaseItem({shardId: SHARD_0, counter: 6, checkpoint: sequence[4]}),
		);
	});

	test('reset to a time after the last record, or to another shard’s sequence number: refused before anything is written', async () => {
		const spec: LeaseSpec = {shardId: SHARD_1, counter: 2, checkpoint: 'LATEST', owner: 'w'};
		await putLeases(world.dynamodb.client, TABLE, [spec]);
		await expect(
			planRepair(world.driver, 'clicks', snapshot(spec), reset(new Date(t0 + 5000).toISOString())),
		).rejects.toThrow(`shard ${SHARD_1} has no record at or after`);
		const error = await planRepair(
			world.driver,
			'clicks',
			snapshot(spec),
			reset(sequence[2]),
		).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(DriverError);
		expect((error as DriverError).code).toBe('InvalidArgumentException');
		expect(await item(TABLE, SHARD_1)).toEqual(leaseItem(spec));
	});

	test('release a KCL 3.x multi-stream lease: owner and handoff owner cleared, the rest as it was', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_1,
			streamIdentifier: IDENTIFIER,
			owner: 'worker-dead',
			counter: 900,
			checkpoint: sequence[1],
			hashKeyRange: [
				'170141183460469231731687303715884105728',
				'340282366920938463463374607431768211455',
			],
			throughputKBps: 12,
		};
		await putLeases(world.dynamodb.client, KCL3_TABLE, [spec]);
		const leaseKey = `${IDENTIFIER}:${SHARD_1}`;
		await world.dynamodb.client.send(
			new UpdateItemCommand({
				TableName: KCL3_TABLE,
				Key: {leaseKey: {S: leaseKey}},
				UpdateExpression: 'SET checkpointOwner = :owner',
				ExpressionAttributeValues: {':owner': {S: 'worker-dead'}},
			}),
		);
		const {plan, outcome} = await repair(spec, {action: 'release'}, KCL3_TABLE);
		expect(plan.description).toBe(
			`release the lease of ${SHARD_1} (lease table ${KCL3_TABLE}) held by worker-dead`,
		);
		expect(outcome.ok).toBe(true);
		const {owner: _owner, ...unowned} = spec;
		expect(await item(KCL3_TABLE, leaseKey)).toEqual(leaseItem({...unowned, counter: 901}));
	});

	test('the counter moved since it was read (a live worker renewed): nothing written, said clearly', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_0,
			owner: 'worker-2',
			counter: 10,
			checkpoint: sequence[8],
		};
		await putLeases(world.dynamodb.client, TABLE, [spec]);
		const plan = await planRepair(world.driver, 'clicks', snapshot(spec), reset('TRIM_HORIZON'));
		// The worker renews between the preview and the confirmation.
		const renewed = {...spec, counter: 11};
		await putLeases(world.dynamodb.client, TABLE, [renewed]);
		const outcome = await executeRepair(world.driver, plan, {auditDirectory});
		expect(outcome).toMatchObject({
			ok: false,
			error: `ConditionalCheckFailedException: the lease of ${SHARD_0} changed since it was read (leaseCounter 10 → 11, owner worker-2): a live worker renewed or took it. Stop the application (or let the lease expire) and try again; nothing was written`,
		});
		expect(await item(TABLE, SHARD_0)).toEqual(leaseItem(renewed));
		expect((await auditLines()).at(-1)).toMatchObject({
			result: 'error',
			error: (outcome as {error: string}).error,
		});
	});

	test('a lease gone from the table is not created again', async () => {
		const spec: LeaseSpec = {shardId: 'shardId-000000000005', counter: 3, checkpoint: 'LATEST'};
		const outcome = (await repair(spec, {action: 'release'})).outcome;
		expect(outcome).toMatchObject({
			ok: false,
			error: `ConditionalCheckFailedException: the lease of shardId-000000000005 is no longer in ${TABLE}; nothing was written`,
		});
		expect(await item(TABLE, 'shardId-000000000005')).toBeUndefined();
	});

	test('the same write again (a retry whose first answer was lost) finds itself done', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_1,
			owner: 'worker-3',
			counter: 20,
			checkpoint: 'LATEST',
		};
		await putLeases(world.dynamodb.client, TABLE, [spec]);
		const plan = await planRepair(world.driver, 'clicks', snapshot(spec), {action: 'release'});
		expect((await executeRepair(world.driver, plan, {auditDirectory})).ok).toBe(true);
		const again = await executeRepair(world.driver, plan, {auditDirectory});
		expect(again).toMatchObject({ok: true});
		const {owner: _owner, ...unowned} = spec;
		expect(await item(TABLE, SHARD_1)).toEqual(leaseItem({...unowned, counter: 21}));
	});

	test('read-only mode: the driver refuses the write, and the table is unchanged', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_1,
			owner: 'worker-4',
			counter: 30,
			checkpoint: 'LATEST',
		};
		await putLeases(world.dynamodb.client, TABLE, [spec]);
		const guarded = readOnly(world.driver);
		const error = await guarded
			.updateTableItem(
				TABLE,
				{leaseKey: {S: SHARD_1}},
				{set: {}, remove: ['leaseOwner'], expected: {}},
			)
			.catch((error: unknown) => error);
		expect(error).toBeInstanceOf(DriverError);
		expect((error as DriverError).code).toBe('AccessDeniedException');
		expect((error as DriverError).message).toMatch(
			/read-only mode: updateTableItem is not allowed/,
		);
		const plan = await planRepair(guarded, 'clicks', snapshot(spec), {action: 'release'});
		const outcome = await executeRepair(guarded, plan, {auditDirectory});
		expect(outcome).toMatchObject({
			ok: false,
			error: expect.stringMatching(/^AccessDeniedException: /),
		});
		expect(await item(TABLE, SHARD_1)).toEqual(leaseItem(spec));
	});
});

describe('what a reset target is typed as', () => {
	test('sentinels in any case, digits, ISO times; anything else is refused', () => {
		expect(parseCheckpointTarget('latest')).toEqual({kind: 'LATEST'});
		expect(parseCheckpointTarget(' TRIM_HORIZON ')).toEqual({kind: 'TRIM_HORIZON'});
		expect(parseCheckpointTarget('4959')).toEqual({kind: 'sequence', sequenceNumber: '4959'});
		expect(parseCheckpointTarget('2026-12-07T09:30:00Z')).toEqual({
			kind: 'time',
			time: new Date(Date.UTC(2026, 11, 7, 9, 30)),
		});
		expect(parseCheckpointTarget('SHARD_END')).toMatch(/^not a checkpoint/);
		expect(parseCheckpointTarget('May 1')).toMatch(/^not a checkpoint/);
	});
});

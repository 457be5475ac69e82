/**
 * `kinesis-top lag STREAM --kcl-table T --reset-checkpoint SHARD=TARGET --yes` and `--release-lease
 * SHARD`: the lease repairs headless, against the local engine with the lease table in dynalite (named
 * by AWS_ENDPOINT_URL_DYNAMODB); each read back from the table, the audit line in the data directory.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startDynalite, type Dynalite} from '../helpers/dynalite.js';
import {auditEntries} from '../helpers/audit-log.js';
import {
	createLeaseTable,
	leaseItem,
	putLeases,
	readLease,
	type LeaseSpec,
} from '../helpers/kcl-leases.js';
import {localCli, ndjson, type PutLine} from './helpers.js';

const TABLE = 'orders-app';
const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';

describe('kinesis-top lag: lease repairs', () => {
	let dynamodb: Dynalite;
	let dataDirectory: string;
	let cli: ReturnType<typeof localCli>['cli'];
	let sequences: string[];

	const item = async (shardId: string) => readLease(dynamodb.client, TABLE, shardId);
	const audit = () => auditEntries(dataDirectory);

	beforeAll(async () => {
		dynamodb = await startDynalite();
		dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-lag-repair-'));
		const local = localCli(dataDirectory);
		cli = (argv) =>
			local.cli(argv, {io: {environment: {AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint}}});
		await local.ok(['create', 'orders', '--shards', '2']);
		sequences = ndjson<PutLine>(
			await local.ok(['put', 'orders', '--explicit-hash-key', '0', '--json'], {stdin: 'a\nb\n'}),
		).map((line) => line.SequenceNumber!);
		await createLeaseTable(dynamodb.client, TABLE);
	}, 60_000);

	afterAll(async () => {
		await dynamodb.stop();
		rmSync(dataDirectory, {recursive: true, force: true});
	});

	test('--reset-checkpoint SHARD=SEQUENCE --yes writes the lease as KCL would, and logs it', async () => {
		const spec: LeaseSpec = {shardId: SHARD_0, owner: 'worker-1', counter: 7, checkpoint: 'LATEST'};
		await putLeases(dynamodb.client, TABLE, [spec]);
		const outcome = await cli([
			'lag',
			'orders',
			'--kcl-table',
			TABLE,
			'--reset-checkpoint',
			`${SHARD_0}=${sequences[0]}`,
			'--yes',
			'--json',
		]);
		expect(outcome.stderr).toBe('');
		expect(outcome.status).toBe(0);
		expect(ndjson(outcome.stdout)).toEqual([
			{
				action: 'reset',
				stream: 'orders',
				table: TABLE,
				shardId: SHARD_0,
				leaseKey: SHARD_0,
				description: `reset the checkpoint of ${SHARD_0} (lease table ${TABLE}) from LATEST to ${sequences[0]}`,
				notes: [
					'KCL resumes with the record after this sequence number',
					'the lease is released: the worker that takes it starts from the new checkpoint',
				],
				lease: {checkpoint: sequences[0], owner: null, leaseCounter: 8},
			},
		]);
		expect(await item(SHARD_0)).toEqual(
			leaseItem({shardId: SHARD_0, counter: 8, checkpoint: sequences[0]}),
		);
		expect(audit().at(-1)).toMatchObject({
			stream: 'orders',
			table: TABLE,
			action: `reset the checkpoint of ${SHARD_0} (lease table ${TABLE}) from LATEST to ${sequences[0]} (condition leaseCounter = 7)`,
			result: 'ok',
		});
	});

	test('--release-lease SHARD --yes clears the owner; as text', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_1,
			owner: 'worker-dead',
			counter: 3,
			checkpoint: 'TRIM_HORIZON',
		};
		await putLeases(dynamodb.client, TABLE, [spec]);
		const outcome = await cli([
			'lag',
			'orders',
			'--kcl-table',
			TABLE,
			'--release-lease',
			SHARD_1,
			'--yes',
		]);
		expect(outcome.status).toBe(0);
		expect(outcome.stdout).toBe(
			`release the lease of ${SHARD_1} (lease table ${TABLE}) held by worker-dead: done (checkpoint TRIM_HORIZON, owner none, leaseCounter 4)\n` +
				'  another worker takes the lease and resumes from its checkpoint\n',
		);
		const {owner: _owner, ...released} = spec;
		expect(await item(SHARD_1)).toEqual(leaseItem({...released, counter: 4}));
	});

	test('without --yes, without --kcl-table, or a bad target: a usage error, nothing written', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_1,
			owner: 'worker-2',
			counter: 10,
			checkpoint: 'LATEST',
		};
		await putLeases(dynamodb.client, TABLE, [spec]);
		const noYes = await cli(['lag', 'orders', '--kcl-table', TABLE, '--release-lease', SHARD_1]);
		expect(noYes.status).toBe(2);
		expect(noYes.stderr).toMatch(/add --yes to confirm \(nothing was written\)/);
		const noTable = await cli(['lag', 'orders', '--release-lease', SHARD_1, '--yes']);
		expect(noTable.status).toBe(2);
		expect(noTable.stderr).toMatch(/--kcl-table TABLE/);
		const badTarget = await cli([
			'lag',
			'orders',
			'--kcl-table',
			TABLE,
			'--reset-checkpoint',
			`${SHARD_1}=SHARD_END`,
			'--yes',
		]);
		expect(badTarget.status).toBe(2);
		expect(badTarget.stderr).toMatch(/--reset-checkpoint takes SHARD=TARGET/);
		expect(await item(SHARD_1)).toEqual(leaseItem(spec));
	});

	test('--read-only refuses the write: AccessDeniedException, the lease unchanged', async () => {
		const spec: LeaseSpec = {
			shardId: SHARD_1,
			owner: 'worker-2',
			counter: 20,
			checkpoint: 'LATEST',
		};
		await putLeases(dynamodb.client, TABLE, [spec]);
		const outcome = await cli([
			'lag',
			'orders',
			'--read-only',
			'--kcl-table',
			TABLE,
			'--release-lease',
			SHARD_1,
			'--yes',
		]);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(
			/^error: AccessDeniedException: .*read-only mode: updateTableItem is not allowed/,
		);
		expect(await item(SHARD_1)).toEqual(leaseItem(spec));
	});
});

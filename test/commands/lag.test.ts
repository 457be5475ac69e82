/**
 * `kinesis-top lag` against the local engine, with KCL leases in dynalite (named to the local driver by
 * AWS_ENDPOINT_URL_DYNAMODB) and Lambda mappings at the Lambda endpoint (AWS_ENDPOINT_URL_LAMBDA).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {MAPPINGS} from '../driver-contract-consumers.js';
import {startDynalite, type Dynalite} from '../helpers/dynalite.js';
import {createLeaseTable, createOtherTable, putLeases} from '../helpers/kcl-leases.js';
import {startLambdaEndpoint, type LambdaEndpoint} from '../helpers/lambda-endpoint.js';
import {localCli, ndjson, type PutLine} from './helpers.js';

describe('kinesis-top lag', () => {
	let dynamodb: Dynalite;
	let lambda: LambdaEndpoint;
	let environment: NodeJS.ProcessEnv;
	let cli: ReturnType<typeof localCli>['cli'];
	let ok: (argv: string[]) => Promise<string>;
	let firstSequence: string;
	let dataDirectory: string;

	beforeAll(async () => {
		dynamodb = await startDynalite();
		lambda = await startLambdaEndpoint(
			// The contract's mappings name a stream `orders` of account 000000000000 in us-east-1, as the
			// local engine's ARN for it is.
			MAPPINGS,
		);
		environment = {
			AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
			AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
		};
		dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-lag-'));
		const local = localCli(dataDirectory);
		cli = (argv) => local.cli(argv, {io: {environment}});
		ok = async (argv) => {
			const outcome = await cli(argv);
			if (outcome.status !== 0) throw new Error(`exited ${outcome.status}: ${outcome.stderr}`);
			return outcome.stdout;
		};

		await ok(['create', 'orders', '--shards', '2']);
		const [first] = ndjson<PutLine>(
			await local.ok(['put', 'orders', '--explicit-hash-key', '0', '--json'], {
				stdin: 'a\nb\nc\n',
			}),
		);
		firstSequence = first.SequenceNumber!;
		await createLeaseTable(dynamodb.client, 'orders-app');
		await putLeases(dynamodb.client, 'orders-app', [
			{shardId: 'shardId-000000000000', owner: 'worker-1', counter: 7, checkpoint: firstSequence},
			{shardId: 'shardId-000000000001', owner: 'worker-2', counter: 3, checkpoint: 'LATEST'},
		]);
		await createOtherTable(dynamodb.client, 'users');
	}, 60_000);

	afterAll(async () => {
		await dynamodb.stop();
		await lambda.stop();
		rmSync(dataDirectory, {recursive: true, force: true});
	});

	test('--json: a row per KCL shard, a roll-up per application, a row per Lambda mapping', async () => {
		const rows = ndjson(await ok(['lag', 'orders', '--sample', '0', '--json']));
		const shards = rows.filter((row) => row.type === 'KCL' && row.shardId !== null);
		expect(shards.map((row) => [row.consumer, row.shardId, row.owner, row.checkpoint])).toEqual([
			['orders-app', 'shardId-000000000000', 'worker-1', firstSequence],
			['orders-app', 'shardId-000000000001', 'worker-2', 'LATEST'],
		]);
		expect(Object.keys(shards[0]).sort()).toEqual(
			[
				'type',
				'consumer',
				'shardId',
				'owner',
				'checkpoint',
				'subSequenceNumber',
				'lagMillis',
				'millisBehindLatest',
				'measuredAt',
				'leaseCounter',
				'renewalsPerMinute',
				'notRenewedForMillis',
				'ownerChanges',
				'parentShardIds',
				'childShardIds',
				'diagnoses',
			].sort(),
		);
		// Records b and c wait after the checkpoint at a: the lag is their wait, measured now.
		expect(shards[0].lagMillis).toBeGreaterThanOrEqual(0);
		expect(shards[0].millisBehindLatest).toEqual(expect.any(Number));
		expect(shards[1].lagMillis).toBe(0);
		// One reading: renewals cannot be told yet.
		expect(shards[0].renewalsPerMinute).toBeNull();

		const rollUp = rows.find((row) => row.type === 'KCL' && row.shardId === null)!;
		expect(rollUp).toMatchObject({
			consumer: 'orders-app',
			table: 'orders-app',
			kclVersion: '1.x',
			match: 'shard-ids',
			workers: [
				{owner: 'worker-1', leases: 1},
				{owner: 'worker-2', leases: 1},
			],
			maxLagShardId: 'shardId-000000000000',
			lagMillis: shards[0].lagMillis,
		});
		const lambdas = rows.filter((row) => row.type === 'LAMBDA');
		expect(lambdas.map((row) => row.consumer).sort()).toEqual(['archive', 'audit', 'enrich']);
		expect(lambdas.find((row) => row.consumer === 'enrich')).toMatchObject({
			state: 'Enabled',
			batchSize: 100,
			parallelizationFactor: 1,
			startingPosition: 'TRIM_HORIZON',
			bisectBatchOnFunctionError: true,
			maximumRecordAgeInSeconds: -1,
			maximumRetryAttempts: 2,
			lastProcessingResult: 'PROBLEM: Function call failed',
			onFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:dlq',
			diagnoses: ['PROBLEM: Function call failed'],
		});
	});

	test('two readings --sample apart measure the renewals; as a table', async () => {
		const outcome = await cli(['lag', 'orders', '--sample', '1s']);
		expect(outcome.status).toBe(0);
		const [header, ...lines] = outcome.stdout.trimEnd().split('\n');
		expect(header).toMatch(
			/^CONSUMER\s+TYPE\s+SHARD\s+OWNER\s+CHECKPOINT\s+LAG\s+RENEWALS\s+DIAGNOSIS$/,
		);
		expect(lines[0]).toMatch(
			/^orders-app\s+KCL\s+shardId-000000000000\s+worker-1\s+…\d{10}\s+\S+\s+0\.0\/min/,
		);
		expect(lines[2]).toMatch(
			/^orders-app\s+KCL\s+\(all\)\s+\S+\s+1\.x, max on shardId-000000000000/,
		);
		expect(lines.filter((line) => line.includes(' LAMBDA '))).toHaveLength(3);
	});

	test('--kcl-table names the tables; one that is not a lease table is said on stderr', async () => {
		const outcome = await cli(['lag', 'orders', '--sample', '0', '--json', '--kcl-table', 'users']);
		expect(outcome.status).toBe(0);
		expect(outcome.stderr).toContain(
			'note: users is not a KCL lease table (its key is not leaseKey)',
		);
		expect(ndjson(outcome.stdout).filter((row) => row.type === 'KCL')).toEqual([]);
		const named = await cli([
			'lag',
			'orders',
			'--sample',
			'0',
			'--json',
			'--kcl-table',
			'orders-app',
		]);
		expect(
			ndjson(named.stdout).find((row) => row.shardId === null && row.type === 'KCL'),
		).toMatchObject({match: 'explicit'});
	});

	test('a bad --sample is a usage error; an unknown stream is ResourceNotFoundException', async () => {
		const bad = await cli(['lag', 'orders', '--sample', 'soon']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/--sample must be 0 or a duration/);
		const missing = await cli(['lag', 'nope', '--sample', '0']);
		expect(missing.status).toBe(1);
		expect(missing.stderr).toMatch(/^error: ResourceNotFoundException: /);
	});
});

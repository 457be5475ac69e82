/**
 * The lag model over the wire: the AWS driver pointed at `kinesis-top serve` alone (--endpoint), with
 * the KCL applications' lease tables in serve's embedded DynamoDB, written in KCL's item format (2.x, and
 * 3.x with its owner index and companion tables) — discovered, read and measured exactly as on AWS.
 */
import {DynamoDBClient} from '@aws-sdk/client-dynamodb';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ConsumerLag} from '../../source/consumers/consumer-lag.js';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {ManualClock} from '../../source/engine/clock.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {EmbeddedDynamoDb} from '../../source/server/embedded-dynamodb.js';
import {KinesisServer} from '../../source/server/server.js';
import {createLeaseTable, putLeases} from '../helpers/kcl-leases.js';

const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';

describe('KCL lease tables in serve, read through the lag model', () => {
	const clock = new ManualClock(Date.UTC(2026, 11, 1, 12));
	const t0 = clock.now();
	let backend: LocalBackend;
	let dynamodb: EmbeddedDynamoDb;
	let server: KinesisServer;
	let driver: AwsDriver;
	let client: DynamoDBClient;
	const sequence: string[] = [];

	beforeAll(async () => {
		backend = LocalBackend.open({clock, enforceLimits: false});
		dynamodb = EmbeddedDynamoDb.open();
		server = new KinesisServer({engine: backend.kinesis, port: 0, dynamodb});
		const endpoint = await server.start();
		const credentials = {accessKeyId: 'kinesis-top-test', secretAccessKey: 'kinesis-top-test'};
		driver = new AwsDriver({endpoint, region: 'us-east-1', environment: {}, credentials});
		client = new DynamoDBClient({endpoint, region: 'us-east-1', credentials});
		backend.kinesis.createStream({StreamName: 'clicks', ShardCount: 2});
		// One record a second into shard 0 for 30 s.
		for (let second = 0; second < 30; second++) {
			clock.set(t0 + second * 1000);
			const {Records} = await backend.kinesis.putRecords({
				StreamName: 'clicks',
				Records: [{Data: Buffer.from(`click ${second}`), PartitionKey: 'p', ExplicitHashKey: '0'}],
			});
			sequence.push(Records[0].SequenceNumber!);
		}

		await createLeaseTable(client, 'enricher');
		await createLeaseTable(client, 'auditor', {kcl3: true});
	}, 60_000);

	afterAll(async () => {
		client?.destroy();
		await driver?.close();
		await server?.stop();
		await dynamodb?.close();
		await backend?.close();
	});

	test('both applications found, each shard lagging by the age of its first unread record', async () => {
		// KCL 2.x keeps each shard's hash-key range in its lease.
		const ranges = backend.kinesis
			.describeStream({StreamName: 'clicks'})
			.Shards.map(
				(shard) =>
					[shard.HashKeyRange.StartingHashKey, shard.HashKeyRange.EndingHashKey] as [
						string,
						string,
					],
			);
		await putLeases(client, 'enricher', [
			{
				shardId: SHARD_0,
				owner: 'worker-a',
				counter: 7,
				checkpoint: sequence[4],
				hashKeyRange: ranges[0],
			},
			{
				shardId: SHARD_1,
				owner: 'worker-b',
				counter: 3,
				checkpoint: 'LATEST',
				hashKeyRange: ranges[1],
			},
		]);
		await putLeases(client, 'auditor', [
			{shardId: SHARD_0, owner: 'audit-1', counter: 1, checkpoint: sequence[19]},
			{shardId: SHARD_1, owner: 'audit-1', counter: 1, checkpoint: 'TRIM_HORIZON'},
		]);
		clock.set(t0 + 30_000);
		const model = new ConsumerLag(driver, 'clicks', {now: () => clock.now()});
		// A shard is read once a refresh: both applications' checkpoints on shard 0 take two.
		await model.refresh();
		const snapshot = await model.refresh();
		const byName = Object.fromEntries(snapshot.applications.map((each) => [each.name, each]));
		expect(Object.keys(byName).sort()).toEqual(['auditor', 'enricher']);
		expect(byName.enricher.kclVersion).toBe('2.x');
		expect(byName.auditor.kclVersion).toBe('3.x');
		// Record 5 arrived at t0 + 5 s, 25 s ago; record 20 at t0 + 20 s, 10 s ago.
		expect(byName.enricher.shards.map((shard) => [shard.shardId, shard.lagMillis])).toEqual([
			[SHARD_0, 25_000],
			[SHARD_1, 0],
		]);
		expect(byName.auditor.shards.find((shard) => shard.shardId === SHARD_0)?.lagMillis).toBe(
			10_000,
		);
		expect(byName.enricher.workers).toEqual([
			{owner: 'worker-a', leases: 1},
			{owner: 'worker-b', leases: 1},
		]);
		expect(byName.enricher.rollUp).toMatchObject({maxLagMillis: 25_000, shardId: SHARD_0});
	});
});

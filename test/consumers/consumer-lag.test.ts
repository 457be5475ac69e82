/**
 * The consumers model against a known workload: records put into the bundled engine at known times (a
 * manual clock), KCL leases written into dynalite in KCL's item format, checkpoints moved between
 * refreshes — so every lag, rate and diagnosis has one right answer.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ConsumerLag, type KclApplication} from '../../source/consumers/consumer-lag.js';
import {createLeaseTable, putLeases, type LeaseSpec} from '../helpers/kcl-leases.js';
import {MAPPINGS} from '../driver-contract-consumers.js';
import {openWorld, type ConsumersWorld} from './fixture.js';

const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
const SHARD_2 = 'shardId-000000000002';

describe('consumer lag, measured', () => {
	let world: ConsumersWorld;
	let t0: number;
	/** Sequence numbers of the records put into shard 0, one a second from t0. */
	const sequence: string[] = [];
	let streamArn: string;

	const at = (offsetMillis: number) => world.clock.set(t0 + offsetMillis);
	const leases = (table: string, specs: LeaseSpec[]) =>
		putLeases(world.dynamodb.client, table, specs);
	const app = (snapshot: {applications: KclApplication[]}, name: string) =>
		snapshot.applications.find((each) => each.name === name)!;

	beforeAll(async () => {
		// The stream's ARN in the mappings the Lambda endpoint answers.
		world = await openWorld(
			MAPPINGS.map((mapping) => ({
				...mapping,
				EventSourceArn: mapping.EventSourceArn.replace('stream/orders', 'stream/clicks'),
			})),
		);
		const {driver} = world;
		t0 = world.clock.now();
		await driver.createStream('clicks', {mode: 'PROVISIONED', shardCount: 2});
		streamArn = (await driver.describeStreamSummary('clicks')).StreamARN;
		for (let second = 0; second < 30; second++) {
			at(second * 1000);
			const {records} = await driver.putRecords('clicks', [
				{Data: Buffer.from(`click ${second}`), PartitionKey: 'p', ExplicitHashKey: '0'},
			]);
			sequence.push(records[0].SequenceNumber!);
		}

		world.driver.engine.registerStreamConsumer({StreamARN: streamArn, ConsumerName: 'dashboard'});
		await createLeaseTable(world.dynamodb.client, 'clicks-app');
	}, 60_000);

	afterAll(async () => world.close(), 60_000);

	test('lag at the checkpoint, the roll-up, the time to catch up, a stuck lease, the workers', async () => {
		// Worker 1 has processed up to record 4 of shard 0; worker 2 reads shard 1 from LATEST.
		await leases('clicks-app', [
			{
				shardId: SHARD_0,
				owner: 'worker-1',
				counter: 10,
				checkpoint: sequence[4],
				hashKeyRange: ['0', '1'],
			},
			{
				shardId: SHARD_1,
				owner: 'worker-2',
				counter: 20,
				checkpoint: 'LATEST',
				hashKeyRange: ['2', '3'],
			},
		]);
		const model = new ConsumerLag(world.driver, 'clicks', {
			kclTables: ['clicks-app'],
			now: () => world.clock.now(),
		});
		at(30_000);
		const first = app(await model.refresh(), 'clicks-app');
		// The first unprocessed record, number 5, arrived at t0 + 5 s: 25 s ago.
		expect(first.shards.map((shard) => [shard.shardId, shard.lagMillis])).toEqual([
			[SHARD_0, 25_000],
			[SHARD_1, 0],
		]);
		expect(first.shards[0].millisBehindLatest).toBeGreaterThan(0);
		expect(first.rollUp).toMatchObject({maxLagMillis: 25_000, shardId: SHARD_0, trend: 'unknown'});
		expect(first.rollUp.timeToCatchUpMillis).toBeUndefined();
		expect(first.workers).toEqual([
			{owner: 'worker-1', leases: 1},
			{owner: 'worker-2', leases: 1},
		]);
		expect(first.shards.flatMap((shard) => shard.diagnoses)).toEqual([]);

		// 15 s later worker 1 has got through 20 records (20 s of the stream) and renewed its lease;
		// worker 2 has not renewed its lease at all.
		await leases('clicks-app', [
			{
				shardId: SHARD_0,
				owner: 'worker-1',
				counter: 15,
				checkpoint: sequence[24],
				hashKeyRange: ['0', '1'],
			},
		]);
		at(45_000);
		const second = app(await model.refresh(), 'clicks-app');
		// Record 25 arrived at t0 + 25 s: 20 s ago. In 15 s the lag fell by 5 s: 20 s of stream read in
		// 15 s, a progress rate of 4/3; 20 s ÷ (4/3 − 1) = 60 s to catch up.
		expect(second.shards[0].lagMillis).toBe(20_000);
		expect(second.rollUp.progressRate).toBeCloseTo(4 / 3, 10);
		expect(second.rollUp.timeToCatchUpMillis).toBeCloseTo(60_000, 3);
		expect(second.rollUp.fallingBehind).toBe(false);
		expect(second.rollUp.history).toEqual([25_000, 20_000]);
		expect(second.rollUp.trend).toBe('falling');
		// 5 renewals in 15 s.
		expect(second.shards[0].renewalsPerMinute).toBeCloseTo(20, 10);
		expect(second.shards[1].diagnoses).toEqual([
			'stuck: lease not renewed for 15s (owner worker-2)',
		]);
		expect(second.diagnoses).toEqual(['stuck']);

		// Then the worker stalls: 12 s later it has read nothing more, nor renewed its lease.
		at(57_000);
		const third = app(await model.refresh(), 'clicks-app');
		expect(third.shards[0].lagMillis).toBe(32_000);
		expect(third.rollUp.trend).toBe('rising');
		expect(third.rollUp.fallingBehind).toBe(true);
		expect(third.rollUp.timeToCatchUpMillis).toBeUndefined();
		expect(third.shards[0].diagnoses).toEqual([
			'stuck: lease not renewed for 12s (owner worker-1)',
			'falling behind',
		]);
	});

	test('lease stealing: the owner changes at every reading', async () => {
		await createLeaseTable(world.dynamodb.client, 'clicks-stolen');
		const model = new ConsumerLag(world.driver, 'clicks', {
			kclTables: ['clicks-stolen'],
			now: () => world.clock.now(),
		});
		let snapshot;
		for (let reading = 0; reading < 4; reading++) {
			await leases('clicks-stolen', [
				{
					shardId: SHARD_0,
					owner: reading % 2 === 0 ? 'worker-a' : 'worker-b',
					counter: 100 + reading,
					ownerSwitches: reading,
					checkpoint: sequence[29],
				},
			]);
			at(60_000 + reading * 5000);
			snapshot = await model.refresh();
		}

		const shard = app(snapshot!, 'clicks-stolen').shards[0];
		expect(shard.ownerChanges).toBe(3);
		expect(shard.diagnoses).toEqual(['lease stealing: 3 owner changes in 5m']);
		// Past its last record, nothing waits: no lag.
		expect(shard.lagMillis).toBe(0);
	});

	test('after a split: a parent at SHARD_END whose children have no lease, a child waiting for its parent', async () => {
		await world.driver.splitShard('clicks', SHARD_1, (3n << 126n).toString());
		await createLeaseTable(world.dynamodb.client, 'clicks-finished');
		await leases('clicks-finished', [
			{shardId: SHARD_0, owner: 'worker-1', checkpoint: 'LATEST'},
			{shardId: SHARD_1, owner: 'worker-1', checkpoint: 'SHARD_END'},
		]);
		await createLeaseTable(world.dynamodb.client, 'clicks-waiting');
		await leases('clicks-waiting', [
			{shardId: SHARD_1, owner: 'worker-1', checkpoint: 'TRIM_HORIZON'},
			{shardId: SHARD_2, owner: 'worker-2', checkpoint: 'TRIM_HORIZON', parents: [SHARD_1]},
		]);
		const model = new ConsumerLag(world.driver, 'clicks', {now: () => world.clock.now()});
		const snapshot = await model.refresh();
		const finished = app(snapshot, 'clicks-finished');
		expect(finished.shards.find((shard) => shard.shardId === SHARD_1)!.diagnoses).toEqual([
			'SHARD_END, children not leased',
		]);
		const waiting = app(snapshot, 'clicks-waiting');
		expect(waiting.shards.find((shard) => shard.shardId === SHARD_2)!.diagnoses).toEqual([
			`waiting for parent ${SHARD_1}`,
		]);
		// Discovered, not named: every single-stream table whose shards are the stream's.
		expect(snapshot.applications.map((each) => each.name).sort()).toEqual([
			'clicks-app',
			'clicks-finished',
			'clicks-stolen',
			'clicks-waiting',
		]);
	});

	test('enhanced fan-out consumers and Lambda mappings, with their details', async () => {
		const snapshot = await new ConsumerLag(world.driver, 'clicks', {
			kclTables: ['clicks-app'],
			now: () => world.clock.now(),
		}).refresh();
		expect(snapshot.efo.map((each) => [each.name, each.status])).toEqual([['dashboard', 'ACTIVE']]);
		expect(snapshot.lambdas.map((each) => each.name).sort()).toEqual([
			'archive',
			'audit',
			'enrich',
		]);
		const enrich = snapshot.lambdas.find((each) => each.name === 'enrich')!;
		expect(enrich.mapping).toMatchObject({
			BatchSize: 100,
			ParallelizationFactor: 1,
			BisectBatchOnFunctionError: true,
			OnFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:dlq',
		});
		expect(enrich.diagnoses).toEqual(['PROBLEM: Function call failed']);
		expect(snapshot.notes).toEqual([]);
	});
});

describe('an application at the tip', () => {
	let world: ConsumersWorld;
	afterAll(async () => world?.close(), 60_000);

	test('a lag under a second that grows between readings is noise at the tip, not falling behind', async () => {
		world = await openWorld([]);
		const t0 = world.clock.now();
		const {driver} = world;
		await driver.createStream('taps', {mode: 'PROVISIONED', shardCount: 1});
		const sequence: string[] = [];
		for (let second = 0; second < 30; second++) {
			world.clock.set(t0 + second * 1000);
			const {records} = await driver.putRecords('taps', [
				{Data: Buffer.from(`tap ${second}`), PartitionKey: 'p'},
			]);
			sequence.push(records[0].SequenceNumber!);
		}

		await createLeaseTable(world.dynamodb.client, 'taps-app');
		// Record 29 (put at t0 + 29 s) is the one not yet processed: it waits 200 ms, then 800 ms.
		await putLeases(world.dynamodb.client, 'taps-app', [
			{shardId: SHARD_0, owner: 'worker-1', counter: 1, checkpoint: sequence[28]},
		]);
		const model = new ConsumerLag(world.driver, 'taps', {
			kclTables: ['taps-app'],
			now: () => world.clock.now(),
		});
		world.clock.set(t0 + 29_200);
		await model.refresh();
		world.clock.set(t0 + 29_800);
		const snapshot = await model.refresh();
		const taps = snapshot.applications.find((each) => each.name === 'taps-app')!;
		expect(taps.rollUp.maxLagMillis).toBe(800);
		expect(taps.rollUp.progressRate).toBe(0);
		expect(taps.rollUp.fallingBehind).toBe(false);
		expect(taps.diagnoses).not.toContain('falling behind');
	});
});

/**
 * The demo's consumer application, `clickstream-enricher`, against the local driver's own DynamoDB:
 * its lease table in KCL's format, the leases shared by its two workers, the slow worker falling
 * behind, and its leases taken over once it has died and the failover time has passed — by hand, round
 * by round on a clock of the test's own; and then on its timer inside `--demo`, with short timings.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {ConsumerLag} from '../../source/consumers/consumer-lag.js';
import type {KclLease} from '../../source/consumers/kcl-lease.js';
import {ConsumerApp, DEMO_CONSUMER} from '../../source/demo/consumer-app.js';
import {startDemo, type Demo} from '../../source/demo/demo.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {openDriver} from '../../source/driver/open-driver.js';
import {waitFor} from '../helpers/wait-for.js';

const opened: Array<{driver: LocalDriver; demo?: Demo}> = [];
afterEach(async () => {
	for (const {driver, demo} of opened.splice(0)) {
		await demo?.stop();
		await driver.close();
	}
});

async function localDriver() {
	const driver = (await openDriver(
		{local: true, inMemory: true, enforceLimits: false},
		{},
	)) as LocalDriver;
	expect(driver.localDynamoDb).toBeDefined();
	const entry: {driver: LocalDriver; demo?: Demo} = {driver};
	opened.push(entry);
	return entry;
}

const countBy = (leases: KclLease[]) => {
	const counts: Record<string, number> = {};
	for (const lease of leases) counts[lease.owner ?? '-'] = (counts[lease.owner ?? '-'] ?? 0) + 1;
	return counts;
};

async function put(driver: LocalDriver, count: number) {
	await driver.putRecords(
		DEMO_CONSUMER.stream,
		Array.from({length: count}, (_, index) => ({
			Data: Buffer.from(`click ${index}`),
			PartitionKey: `user-${index}`,
		})),
	);
}

describe('clickstream-enricher, round by round', () => {
	test('leases created and shared, the slow worker behind, the dead one taken over', async () => {
		const {driver} = await localDriver();
		let now = 0;
		await driver.createStream(DEMO_CONSUMER.stream, {mode: 'PROVISIONED', shardCount: 4});
		const app = new ConsumerApp(driver, driver.localDynamoDb!.api, {
			now: () => now,
			failoverMs: 3000,
			slowReadLimit: 2,
			workers: [{id: 'enricher-1'}, {id: 'enricher-2', slowAfterMs: 5000, dieAfterMs: 10_000}],
		});
		const rounds = async (until: number) => {
			for (; now <= until; now += 1000) await app.round();
		};

		// The first round creates the table; once it is ACTIVE the next leases every shard.
		await rounds(0);
		await waitFor(
			async () => (await driver.describeTable(DEMO_CONSUMER.application)).TableStatus === 'ACTIVE',
			{message: 'the lease table ACTIVE'},
		);
		await rounds(3000);
		expect(await driver.listTables()).toContain(DEMO_CONSUMER.application);
		const description = await driver.describeTable(DEMO_CONSUMER.application);
		expect(description.KeySchema).toEqual([{AttributeName: 'leaseKey', KeyType: 'HASH'}]);
		let leases = await app.table.list();
		expect(leases).toHaveLength(4);
		// The first worker took them all, the second stole one a round until each held two.
		expect(countBy(leases)).toEqual({'enricher-1': 2, 'enricher-2': 2});
		const raw = await driver.scanTable(DEMO_CONSUMER.application, {limit: 10});
		expect(Object.keys(raw.Items[0]).sort()).toEqual([
			'checkpoint',
			'checkpointSubSequenceNumber',
			'endingHashKey',
			'leaseCounter',
			'leaseKey',
			'leaseOwner',
			'ownerSwitchesSinceCheckpoint',
			'startingHashKey',
		]);

		// Both read what arrives and checkpoint it: nothing left behind.
		await put(driver, 200);
		await rounds(4000);
		const model = new ConsumerLag(driver, DEMO_CONSUMER.stream, {
			kclTables: [DEMO_CONSUMER.application],
			now: () => Date.now(),
			maxProbesPerRefresh: 4,
		});
		const healthy = (await model.refresh()).applications[0];
		expect(healthy.workers).toEqual([
			{owner: 'enricher-1', leases: 2},
			{owner: 'enricher-2', leases: 2},
		]);
		expect(healthy.shards.map((shard) => shard.lagMillis)).toEqual([0, 0, 0, 0]);

		// Slow from 5 s: the second worker reads two records a shard a round, the first all of them.
		await put(driver, 200);
		await rounds(6000);
		const slow = (await model.refresh()).applications[0];
		const lagOf = (owner: string) =>
			slow.shards.filter((shard) => shard.owner === owner).map((shard) => shard.lagMillis);
		expect(lagOf('enricher-1')).toEqual([0, 0]);
		expect(lagOf('enricher-2').every((lag) => lag !== undefined && lag > 0)).toBe(true);

		// Dead from 10 s: its leases stand still, and are taken once 3 s have passed without a change.
		await rounds(12_000);
		leases = await app.table.list();
		expect(countBy(leases)).toEqual({'enricher-1': 2, 'enricher-2': 2});
		await rounds(14_000);
		leases = await app.table.list();
		expect(countBy(leases)).toEqual({'enricher-1': 4});

		// The new owner catches up on what the slow one left: no lag anywhere.
		await rounds(15_000);
		const after = (await model.refresh()).applications[0];
		expect(after.workers).toEqual([{owner: 'enricher-1', leases: 4}]);
		expect(after.shards.map((shard) => shard.lagMillis)).toEqual([0, 0, 0, 0]);
	});
});

describe('clickstream-enricher in --demo', () => {
	test('on its timer: the table appears, both workers hold leases, the dead one loses them', async () => {
		const entry = await localDriver();
		const {driver} = entry;
		entry.demo = startDemo(driver, {
			rate: 100,
			seed: 7,
			consumer: {
				tickMs: 20,
				failoverMs: 300,
				workers: [{id: 'enricher-1'}, {id: 'enricher-2', slowAfterMs: 200, dieAfterMs: 1500}],
			},
		});
		const leases = () =>
			driver
				.scanTable(DEMO_CONSUMER.application, {limit: 100})
				.then((page) => page.Items.map((item) => item.leaseOwner?.S));
		const both = await waitFor(
			async () => {
				const held = await leases();
				return held.length === 4 && held.includes('enricher-1') && held.includes('enricher-2')
					? held
					: undefined;
			},
			{timeoutMs: 10_000, message: 'leases held by both workers'},
		);
		expect(both).toHaveLength(4);
		const allFirst = await waitFor(
			async () => ((await leases()).every((owner) => owner === 'enricher-1') ? true : undefined),
			{timeoutMs: 10_000, message: "the dead worker's leases taken over"},
		);
		expect(allFirst).toBe(true);
	});
});

/**
 * Lease-table discovery against dynalite, with leases in KCL's item format (2.x single-stream, 3.x
 * multi-stream with its companion tables): which tables are found, at what cost, and from the cache.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {LeaseTableFinder, readLeases} from '../../source/consumers/lease-tables.js';
import {createLeaseTable, createOtherTable, putLeases} from '../helpers/kcl-leases.js';
import {counting, openWorld, type ConsumersWorld} from './fixture.js';

const ACCOUNT = '000000000000';
const shardIds = (count: number) =>
	Array.from({length: count}, (_, index) => `shardId-${String(index).padStart(12, '0')}`);
const stream = {name: 'orders', shardIds: new Set(shardIds(4)), account: ACCOUNT};

describe('lease-table discovery', () => {
	let world: ConsumersWorld;

	beforeAll(async () => {
		world = await openWorld();
		const {client} = world.dynamodb;
		// KCL 2.x, single-stream, on `orders` (its shard ids are the stream's), hash ranges as 2.x writes.
		await createLeaseTable(client, 'orders-enricher');
		await putLeases(
			client,
			'orders-enricher',
			shardIds(4).map((shardId) => ({
				shardId,
				owner: 'worker-1',
				checkpoint: 'TRIM_HORIZON',
				hashKeyRange: ['0', '1'],
			})),
		);
		// KCL 1.x-style (no 2.x attributes) on a stream with more shards than `orders` has.
		await createLeaseTable(client, 'billing');
		await putLeases(
			client,
			'billing',
			shardIds(9).map((shardId) => ({shardId, checkpoint: 'LATEST'})),
		);
		// KCL 3.x multi-stream: `orders` and `payments` leases in one table.
		await createLeaseTable(client, 'fraud', {kcl3: true});
		await putLeases(client, 'fraud', [
			{
				shardId: 'shardId-000000000000',
				checkpoint: 'LATEST',
				streamIdentifier: `${ACCOUNT}:payments:1700000000`,
			},
			{
				shardId: 'shardId-000000000001',
				checkpoint: 'LATEST',
				streamIdentifier: `${ACCOUNT}:orders:1700000000`,
			},
			{
				shardId: 'shardId-000000000002',
				checkpoint: 'LATEST',
				streamIdentifier: `${ACCOUNT}:orders:1700000000`,
			},
		]);
		// KCL 3.x multi-stream of another stream only.
		await createLeaseTable(client, 'payments-only', {kcl3: true});
		await putLeases(client, 'payments-only', [
			{
				shardId: 'shardId-000000000000',
				checkpoint: 'LATEST',
				streamIdentifier: `${ACCOUNT}:payments:1700000000`,
			},
		]);
		await createOtherTable(client, 'users');
		await createLeaseTable(client, 'empty-app');
	}, 60_000);

	afterAll(async () => world.close(), 60_000);

	test('finds the 2.x and 3.x lease tables of the stream and nothing else', async () => {
		const finder = new LeaseTableFinder(world.driver);
		const discovery = await finder.find(stream);
		expect(discovery.tables).toEqual([
			{table: 'orders-enricher', kclVersion: '2.x', multiStream: false, match: 'shard-ids'},
			{table: 'fraud', kclVersion: '3.x', multiStream: true, match: 'stream-name'},
		]);
		expect(discovery.notChecked).toEqual([]);
		expect(discovery.problems).toEqual([]);
	});

	test('a 1.x table is found for the stream whose shards it names', async () => {
		const finder = new LeaseTableFinder(world.driver);
		const discovery = await finder.find({name: 'billing-events', shardIds: new Set(shardIds(12))});
		expect(discovery.tables).toContainEqual({
			table: 'billing',
			kclVersion: '1.x',
			multiStream: false,
			match: 'shard-ids',
		});
	});

	test('the cost is bounded, and the answer cached until it expires', async () => {
		let now = 0;
		const {driver, calls} = counting(world.driver);
		const finder = new LeaseTableFinder(driver, {maxDescribes: 2, ttlMs: 60_000, now: () => now});
		const first = await finder.find(stream);
		expect(calls.listTables).toBe(1);
		expect(calls.describeTable).toBe(2);
		// Only lease-keyed tables are sampled, one Scan each.
		expect(calls.scanTable).toBeLessThanOrEqual(2);
		// The likeliest first: orders-enricher names the stream, fraud has KCL 3.x companions.
		expect(first.tables.map((table) => table.table)).toEqual(['orders-enricher', 'fraud']);
		expect(first.notChecked).toEqual(['payments-only', 'billing', 'empty-app', 'users']);
		expect(first.calls).toBe(1 + calls.describeTable + calls.scanTable);

		const cached = await finder.find(stream);
		expect(cached.calls).toBe(0);
		expect(cached.tables).toEqual(first.tables);
		expect(calls.listTables).toBe(1);

		now += 60_001;
		const again = await finder.find(stream);
		expect(calls.listTables).toBe(2);
		// Descriptions are kept: only the tables left out before are described now, within the bound.
		expect(calls.describeTable).toBe(4);
		expect(again.notChecked).toEqual(['empty-app', 'users']);
	});

	test('--kcl-table names a table outright; a table that is not a lease table says so', async () => {
		const finder = new LeaseTableFinder(world.driver);
		const discovery = await finder.find(stream, ['billing', 'users']);
		expect(discovery.tables).toEqual([
			{table: 'billing', kclVersion: '1.x', multiStream: false, match: 'explicit'},
		]);
		expect(discovery.problems).toEqual([
			'users is not a KCL lease table (its key is not leaseKey)',
		]);
		await expect(finder.find(stream, ['no-such-table'])).rejects.toMatchObject({
			code: 'ResourceNotFoundException',
		});
	});

	test("reads every lease of the stream, a multi-stream table's of this stream only", async () => {
		const fraud = await readLeases(world.driver, 'fraud', stream);
		expect(fraud.leases.map((lease) => lease.shardId).sort()).toEqual([
			'shardId-000000000001',
			'shardId-000000000002',
		]);
		expect(fraud.calls).toBe(1);
		const enricher = await readLeases(world.driver, 'orders-enricher', stream);
		expect(enricher.leases).toHaveLength(4);
	});
});

/**
 * The contract's consumer sources, the same for every Driver: DynamoDB tables (where KCL applications
 * keep their leases) listed, described and scanned in DynamoDB's item shape, and updated under a
 * condition (a lease repair's write); Lambda event-source mappings listed by stream ARN. Each subject
 * reads from the same third-party DynamoDB (dynalite) the suite writes KCL leases into, and from a
 * Lambda endpoint answering ListEventSourceMappings.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {DriverError, type Driver} from '../source/driver/driver.js';
import type {Dynalite} from './helpers/dynalite.js';
import {createLeaseTable, createOtherTable, leaseItem, putLeases} from './helpers/kcl-leases.js';

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';
export const OTHER_STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/other';

/** Three mappings on STREAM_ARN and one on another stream, in Lambda's wire shape. */
export const MAPPINGS = [
	...['enrich', 'archive', 'audit'].map((name, index) => ({
		UUID: `00000000-0000-0000-0000-00000000000${index}`,
		State: 'Enabled',
		StateTransitionReason: 'USER_INITIATED',
		FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
		EventSourceArn: STREAM_ARN,
		BatchSize: 100 * (index + 1),
		MaximumBatchingWindowInSeconds: 0,
		ParallelizationFactor: index + 1,
		StartingPosition: 'TRIM_HORIZON',
		BisectBatchOnFunctionError: index === 0,
		MaximumRecordAgeInSeconds: -1,
		MaximumRetryAttempts: 2,
		LastProcessingResult: index === 0 ? 'PROBLEM: Function call failed' : 'OK',
		LastModified: 1_765_000_000 + index,
		...(index === 0
			? {DestinationConfig: {OnFailure: {Destination: 'arn:aws:sqs:us-east-1:000000000000:dlq'}}}
			: {}),
	})),
	{
		UUID: '00000000-0000-0000-0000-000000000009',
		State: 'Disabled',
		FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:elsewhere',
		EventSourceArn: OTHER_STREAM_ARN,
		BatchSize: 10,
		StartingPosition: 'LATEST',
	},
];

export type ConsumerSourcesUnderTest = {
	driver: Driver;
	/** The DynamoDB the driver reads; the suite writes its tables there. */
	dynamodb: Dynalite;
	cleanup(): Promise<void>;
};

async function driverError(call: Promise<unknown>) {
	try {
		await call;
	} catch (error) {
		expect(error).toBeInstanceOf(DriverError);
		return error as DriverError;
	}

	throw new Error('expected the call to reject with a DriverError');
}

export function consumerSourcesContract(
	name: string,
	factory: () => Promise<ConsumerSourcesUnderTest>,
) {
	describe(`Driver contract, consumer sources: ${name}`, () => {
		let subject: ConsumerSourcesUnderTest;
		let driver: Driver;
		const run = `${process.pid}-${Math.floor(Math.random() * 1e6)}`;
		const leaseTable = `kt-app-${run}`;
		const kcl3Table = `kt-app3-${run}`;
		const otherTable = `kt-other-${run}`;
		const leases = Array.from({length: 5}, (_, index) => ({
			shardId: `shardId-00000000000${index}`,
			owner: `worker-${index % 2}`,
			counter: 10 + index,
			checkpoint:
				index === 4 ? 'SHARD_END' : `4959${index}000000000000000000000000000000000000000000000`,
			parents: index === 3 ? ['shardId-000000000004'] : undefined,
			children: index === 4 ? ['shardId-000000000003'] : undefined,
		}));

		beforeAll(async () => {
			subject = await factory();
			driver = subject.driver;
			const {client} = subject.dynamodb;
			await createLeaseTable(client, leaseTable);
			await putLeases(client, leaseTable, leases);
			await createLeaseTable(client, kcl3Table, {kcl3: true});
			await createOtherTable(client, otherTable);
		}, 60_000);

		afterAll(async () => subject.cleanup(), 60_000);

		test('lists the DynamoDB tables, KCL 3.x companion tables too', async () => {
			const tables = await driver.listTables();
			expect(tables).toEqual(
				expect.arrayContaining([
					leaseTable,
					kcl3Table,
					`${kcl3Table}-WorkerMetricStats`,
					`${kcl3Table}-CoordinatorState`,
					otherTable,
				]),
			);
		});

		test('describes a lease table: its key, key type and indexes', async () => {
			const single = await driver.describeTable(leaseTable);
			expect(single).toMatchObject({
				TableName: leaseTable,
				TableStatus: 'ACTIVE',
				KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
				KeyAttributeTypes: {leaseKey: 'S'},
				GlobalSecondaryIndexNames: [],
			});
			const kcl3 = await driver.describeTable(kcl3Table);
			expect(kcl3.GlobalSecondaryIndexNames).toEqual(['LeaseOwnerToLeaseKeyIndex']);
			const other = await driver.describeTable(otherTable);
			expect(other.KeySchema).toEqual([{AttributeName: 'id', KeyType: 'HASH'}]);
		});

		test('an unknown table is ResourceNotFoundException, not retryable', async () => {
			const error = await driverError(driver.describeTable(`kt-missing-${run}`));
			expect(error.code).toBe('ResourceNotFoundException');
			expect(error.retryable).toBe(false);
			const scan = await driverError(driver.scanTable(`kt-missing-${run}`, {limit: 1}));
			expect(scan.code).toBe('ResourceNotFoundException');
		});

		test('scans in pages of at most the limit, items exactly as KCL wrote them', async () => {
			const first = await driver.scanTable(leaseTable, {limit: 2});
			expect(first.Items).toHaveLength(2);
			expect(first.LastEvaluatedKey).toBeDefined();
			const items = [...first.Items];
			let start = first.LastEvaluatedKey;
			while (start) {
				const page = await driver.scanTable(leaseTable, {limit: 2, exclusiveStartKey: start});
				expect(page.Items.length).toBeLessThanOrEqual(2);
				items.push(...page.Items);
				start = page.LastEvaluatedKey;
			}

			const byKey = (a: {leaseKey?: {S?: string}}, b: {leaseKey?: {S?: string}}) =>
				a.leaseKey!.S!.localeCompare(b.leaseKey!.S!);
			expect(items.sort(byKey)).toEqual(leases.map((lease) => leaseItem(lease)).sort(byKey));
		});

		test('a conditional update writes and removes attributes only while the condition holds', async () => {
			const key = {leaseKey: {S: 'shardId-000000000001'}};
			const written = await driver.updateTableItem(leaseTable, key, {
				set: {leaseCounter: {N: '12'}, checkpoint: {S: 'TRIM_HORIZON'}},
				remove: ['leaseOwner', 'checkpointOwner'],
				expected: {leaseCounter: {N: '11'}},
			});
			const {leaseOwner: _owner, ...rest} = leaseItem(leases[1]);
			const after = {...rest, leaseCounter: {N: '12'}, checkpoint: {S: 'TRIM_HORIZON'}};
			expect(written).toEqual(after);
			// The same condition again: the counter is 12 now, so nothing is written.
			const stale = await driverError(
				driver.updateTableItem(leaseTable, key, {
					set: {checkpoint: {S: 'LATEST'}},
					expected: {leaseCounter: {N: '11'}},
				}),
			);
			expect(stale.code).toBe('ConditionalCheckFailedException');
			expect(stale.retryable).toBe(false);
			// A missing item is not created.
			const missing = await driverError(
				driver.updateTableItem(
					leaseTable,
					{leaseKey: {S: 'shardId-000000000099'}},
					{set: {checkpoint: {S: 'LATEST'}}, expected: {}},
				),
			);
			expect(missing.code).toBe('ConditionalCheckFailedException');
			const page = await driver.scanTable(leaseTable, {limit: 100});
			expect(page.Items).toHaveLength(leases.length);
			expect(page.Items.find((item) => item.leaseKey.S === key.leaseKey.S)).toEqual(after);
			// Put back as it was, for the other tests.
			await putLeases(subject.dynamodb.client, leaseTable, [leases[1]]);
		});

		test('lists the event-source mappings of a stream by its ARN, with their details', async () => {
			const mappings = await driver.listEventSourceMappings(STREAM_ARN);
			expect(mappings.map((mapping) => mapping.FunctionArn.split(':').at(-1)).sort()).toEqual([
				'archive',
				'audit',
				'enrich',
			]);
			const enrich = mappings.find((mapping) => mapping.FunctionArn.endsWith(':enrich'))!;
			expect(enrich).toEqual({
				UUID: '00000000-0000-0000-0000-000000000000',
				State: 'Enabled',
				StateTransitionReason: 'USER_INITIATED',
				FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:enrich',
				EventSourceArn: STREAM_ARN,
				BatchSize: 100,
				MaximumBatchingWindowInSeconds: 0,
				ParallelizationFactor: 1,
				StartingPosition: 'TRIM_HORIZON',
				BisectBatchOnFunctionError: true,
				MaximumRecordAgeInSeconds: -1,
				MaximumRetryAttempts: 2,
				LastProcessingResult: 'PROBLEM: Function call failed',
				LastModified: new Date(1_765_000_000_000),
				OnFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:dlq',
			});
			expect(await driver.listEventSourceMappings(`${STREAM_ARN}-none`)).toEqual([]);
		});

		test('an aborted signal rejects the calls', async () => {
			const controller = new AbortController();
			controller.abort();
			await expect(driver.listTables(controller.signal)).rejects.toThrow();
			await expect(driver.listEventSourceMappings(STREAM_ARN, controller.signal)).rejects.toThrow();
		});
	});
}

/**
 * Lease tables written as KCL writes them (amazon-kinesis-client's DynamoDBLeaseSerializer and
 * DynamoDBMultiStreamLeaseSerializer): one item per shard, keyed by `leaseKey` (S); `leaseCounter`,
 * `ownerSwitchesSinceCheckpoint` and `checkpointSubSequenceNumber` as numbers; `checkpoint` a sequence
 * number or a sentinel (TRIM_HORIZON, LATEST, SHARD_END, AT_TIMESTAMP); `parentShardId` and
 * `childShardIds` string sets; KCL 2.x+ adds `startingHashKey`/`endingHashKey`, KCL 3.x `throughputKBps`,
 * `checkpointOwner`, the `LeaseOwnerToLeaseKeyIndex` index and the `-WorkerMetricStats` and
 * `-CoordinatorState` tables; a multi-stream lease's key is `account:stream:creationEpoch:shardId`, with
 * `streamName` (the stream identifier) and `shardId` beside it.
 */
import {
	CreateTableCommand,
	GetItemCommand,
	DescribeTableCommand,
	PutItemCommand,
	type AttributeValue,
	type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export type LeaseSpec = {
	shardId: string;
	owner?: string;
	counter?: number;
	checkpoint: string;
	subSequenceNumber?: number;
	ownerSwitches?: number;
	parents?: string[];
	children?: string[];
	pendingCheckpoint?: string;
	hashKeyRange?: [string, string];
	throughputKBps?: number;
	/** KCL 3.x multi-stream: `account:stream:creationEpoch`. */
	streamIdentifier?: string;
};

export function leaseItem(spec: LeaseSpec): Record<string, AttributeValue> {
	const leaseKey = spec.streamIdentifier
		? `${spec.streamIdentifier}:${spec.shardId}`
		: spec.shardId;
	const item: Record<string, AttributeValue> = {
		leaseKey: {S: leaseKey},
		leaseCounter: {N: String(spec.counter ?? 1)},
		ownerSwitchesSinceCheckpoint: {N: String(spec.ownerSwitches ?? 0)},
		checkpoint: {S: spec.checkpoint},
		checkpointSubSequenceNumber: {N: String(spec.subSequenceNumber ?? 0)},
	};
	if (spec.owner) item.leaseOwner = {S: spec.owner};
	if (spec.parents?.length) item.parentShardId = {SS: spec.parents};
	if (spec.children?.length) item.childShardIds = {SS: spec.children};
	if (spec.pendingCheckpoint) {
		item.pendingCheckpoint = {S: spec.pendingCheckpoint};
		item.pendingCheckpointSubSequenceNumber = {N: '0'};
	}

	if (spec.hashKeyRange) {
		item.startingHashKey = {S: spec.hashKeyRange[0]};
		item.endingHashKey = {S: spec.hashKeyRange[1]};
	}

	if (spec.throughputKBps !== undefined) item.throughputKBps = {N: String(spec.throughputKBps)};
	if (spec.streamIdentifier) {
		item.streamName = {S: spec.streamIdentifier};
		item.shardId = {S: spec.shardId};
	}

	return item;
}

/**
 * Until the table is ACTIVE, as KCL waits: a DynamoDB answers CreateTable while the table is still
 * CREATING (dynalite for a moment even when told to take no time), and refuses its items until then.
 */
export async function waitUntilActive(client: DynamoDBClient, table: string) {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const {Table} = await client.send(new DescribeTableCommand({TableName: table}));
		if (Table?.TableStatus === 'ACTIVE') return;
		if (Date.now() > deadline) throw new Error(`table ${table} is still ${Table?.TableStatus}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** The lease table as KCL creates it (on-demand; KCL 3.x with its owner index), once ACTIVE. */
export async function createLeaseTable(client: DynamoDBClient, table: string, {kcl3 = false} = {}) {
	await client.send(
		new CreateTableCommand({
			TableName: table,
			KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
			AttributeDefinitions: [
				{AttributeName: 'leaseKey', AttributeType: 'S'},
				...(kcl3 ? [{AttributeName: 'leaseOwner', AttributeType: 'S' as const}] : []),
			],
			BillingMode: 'PAY_PER_REQUEST',
			...(kcl3
				? {
						GlobalSecondaryIndexes: [
							{
								IndexName: 'LeaseOwnerToLeaseKeyIndex',
								KeySchema: [
									{AttributeName: 'leaseOwner', KeyType: 'HASH'},
									{AttributeName: 'leaseKey', KeyType: 'RANGE'},
								],
								Projection: {ProjectionType: 'KEYS_ONLY'},
							},
						],
					}
				: {}),
		}),
	);
	await waitUntilActive(client, table);
	if (!kcl3) return;
	// KCL 3.x's companion tables: the workers' metrics (key `wid`) and the coordinator's state (`key`).
	await client.send(
		new CreateTableCommand({
			TableName: `${table}-WorkerMetricStats`,
			KeySchema: [{AttributeName: 'wid', KeyType: 'HASH'}],
			AttributeDefinitions: [{AttributeName: 'wid', AttributeType: 'S'}],
			BillingMode: 'PAY_PER_REQUEST',
		}),
	);
	await client.send(
		new CreateTableCommand({
			TableName: `${table}-CoordinatorState`,
			KeySchema: [{AttributeName: 'key', KeyType: 'HASH'}],
			AttributeDefinitions: [{AttributeName: 'key', AttributeType: 'S'}],
			BillingMode: 'PAY_PER_REQUEST',
		}),
	);
	await waitUntilActive(client, `${table}-WorkerMetricStats`);
	await waitUntilActive(client, `${table}-CoordinatorState`);
}

/** A lease as the table holds it now (a consistent read), or undefined. */
export async function readLease(client: DynamoDBClient, table: string, leaseKey: string) {
	const {Item} = await client.send(
		new GetItemCommand({TableName: table, Key: {leaseKey: {S: leaseKey}}, ConsistentRead: true}),
	);
	return Item;
}

export async function putLeases(client: DynamoDBClient, table: string, leases: LeaseSpec[]) {
	for (const lease of leases) {
		await client.send(new PutItemCommand({TableName: table, Item: leaseItem(lease)}));
	}
}

/** A table that is not a lease table: keyed otherwise. */
export async function createOtherTable(client: DynamoDBClient, table: string) {
	await client.send(
		new CreateTableCommand({
			TableName: table,
			KeySchema: [{AttributeName: 'id', KeyType: 'HASH'}],
			AttributeDefinitions: [{AttributeName: 'id', AttributeType: 'S'}],
			BillingMode: 'PAY_PER_REQUEST',
		}),
	);
	await waitUntilActive(client, table);
}

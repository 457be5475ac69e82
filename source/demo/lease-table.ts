/**
 * A KCL 2.x lease table kept through the DynamoDB API, the way amazon-kinesis-client's
 * DynamoDBLeaseRefresher keeps it: the table keyed by `leaseKey` (S, on demand); one item per shard in
 * DynamoDBLeaseSerializer's format (`leaseKey`, `leaseOwner`, `leaseCounter`, `checkpoint`,
 * `checkpointSubSequenceNumber`, `ownerSwitchesSinceCheckpoint`, `parentShardId`, `childShardIds`,
 * `startingHashKey`, `endingHashKey`); and every change conditional on the lease counter the worker last
 * saw, so two workers never both hold a lease (a refused condition means someone else moved first).
 */
import {DriverError, type TableItem} from '../driver/driver.js';
import type {DynamoDbApi} from '../driver/dynamodb-api.js';
import {leaseOf, type KclLease} from '../consumers/kcl-lease.js';

/** What a new lease starts with: the shard, its lineage and its hash-key range. */
export type NewLease = {
	shardId: string;
	checkpoint: string;
	parentShardIds: string[];
	hashKeyRange: {startingHashKey: string; endingHashKey: string};
};

/** A conditional write refused: the lease changed since it was read. */
export const isConditionFailure = (error: unknown) =>
	error instanceof DriverError && error.code === 'ConditionalCheckFailedException';

const key = (lease: {leaseKey: string}) => ({leaseKey: {S: lease.leaseKey}});

export class LeaseTable {
	constructor(
		private readonly api: DynamoDbApi,
		readonly name: string,
	) {}

	/** Creates the table unless it exists; true once it is ACTIVE. */
	async ensure(signal?: AbortSignal): Promise<boolean> {
		try {
			const {Table} = (await this.api('DescribeTable', {TableName: this.name}, signal)) as {
				Table?: {TableStatus?: string};
			};
			return Table?.TableStatus === 'ACTIVE';
		} catch (error) {
			if (!(error instanceof DriverError) || error.code !== 'ResourceNotFoundException')
				throw error;
		}

		try {
			await this.api(
				'CreateTable',
				{
					TableName: this.name,
					KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
					AttributeDefinitions: [{AttributeName: 'leaseKey', AttributeType: 'S'}],
					BillingMode: 'PAY_PER_REQUEST',
				},
				signal,
			);
		} catch (error) {
			// Another worker created it first.
			if (!(error instanceof DriverError) || error.code !== 'ResourceInUseException') throw error;
		}

		return false;
	}

	/** Every lease (KCL's listLeases: a Scan, page by page). */
	async list(signal?: AbortSignal): Promise<KclLease[]> {
		const leases: KclLease[] = [];
		let start: TableItem | undefined;
		do {
			const page = (await this.api(
				'Scan',
				{TableName: this.name, ConsistentRead: true, ...(start ? {ExclusiveStartKey: start} : {})},
				signal,
			)) as {Items?: TableItem[]; LastEvaluatedKey?: TableItem};
			for (const item of page.Items ?? []) {
				const lease = leaseOf(item);
				if (lease) leases.push(lease);
			}

			start = page.LastEvaluatedKey;
		} while (start);
		return leases;
	}

	/** A lease for a shard nobody has leased yet; false when another worker created it first. */
	async create(lease: NewLease, signal?: AbortSignal): Promise<boolean> {
		const item: TableItem = {
			leaseKey: {S: lease.shardId},
			leaseCounter: {N: '0'},
			checkpoint: {S: lease.checkpoint},
			checkpointSubSequenceNumber: {N: '0'},
			ownerSwitchesSinceCheckpoint: {N: '0'},
			startingHashKey: {S: lease.hashKeyRange.startingHashKey},
			endingHashKey: {S: lease.hashKeyRange.endingHashKey},
		};
		if (lease.parentShardIds.length > 0) item.parentShardId = {SS: lease.parentShardIds};
		return this.conditional(
			{
				TableName: this.name,
				Item: item,
				ConditionExpression: 'attribute_not_exists(leaseKey)',
			},
			'PutItem',
			signal,
		);
	}

	/** KCL's renewLease: the counter raised, if the lease is still ours at the counter we saw. */
	renew(lease: KclLease, owner: string, signal?: AbortSignal) {
		return this.update(lease, owner, 'SET leaseCounter = leaseCounter + :one', {}, signal);
	}

	/**
	 * KCL's takeLease: the lease made ours, if nobody moved it since we saw it (an expired lease, or one
	 * stolen from a worker holding more than its share); an owner switch since the last checkpoint.
	 */
	take(lease: KclLease, owner: string, signal?: AbortSignal) {
		const switched = lease.owner !== undefined && lease.owner !== owner;
		return this.conditional(
			{
				TableName: this.name,
				Key: key(lease),
				UpdateExpression: `SET leaseOwner = :owner, leaseCounter = leaseCounter + :one${
					switched ? ', ownerSwitchesSinceCheckpoint = ownerSwitchesSinceCheckpoint + :one' : ''
				}`,
				ConditionExpression: 'leaseCounter = :counter',
				ExpressionAttributeValues: {
					':owner': {S: owner},
					':one': {N: '1'},
					':counter': {N: String(lease.counter)},
				},
			},
			'UpdateItem',
			signal,
		);
	}

	/** KCL's checkpoint: where processing got to, the owner switches reset, the counter raised. */
	checkpoint(
		lease: KclLease,
		owner: string,
		sequenceNumber: string,
		childShardIds: string[] = [],
		signal?: AbortSignal,
	) {
		return this.update(
			lease,
			owner,
			`SET leaseCounter = leaseCounter + :one, checkpoint = :checkpoint, checkpointSubSequenceNumber = :zero, ownerSwitchesSinceCheckpoint = :zero${
				childShardIds.length > 0 ? ', childShardIds = :children' : ''
			}`,
			{
				':checkpoint': {S: sequenceNumber},
				':zero': {N: '0'},
				...(childShardIds.length > 0 ? {':children': {SS: childShardIds}} : {}),
			},
			signal,
		);
	}

	/** An update of a lease we hold: refused (false) when it is no longer ours at the counter we saw. */
	private update(
		lease: KclLease,
		owner: string,
		expression: string,
		values: Record<string, unknown>,
		signal?: AbortSignal,
	) {
		return this.conditional(
			{
				TableName: this.name,
				Key: key(lease),
				UpdateExpression: expression,
				ConditionExpression: 'leaseOwner = :owner AND leaseCounter = :counter',
				ExpressionAttributeValues: {
					':owner': {S: owner},
					':one': {N: '1'},
					':counter': {N: String(lease.counter)},
					...values,
				},
			},
			'UpdateItem',
			signal,
		);
	}

	/** A conditional write: true when made, false when its condition was refused. */
	private async conditional(
		input: Record<string, unknown>,
		operation: 'PutItem' | 'UpdateItem',
		signal?: AbortSignal,
	) {
		try {
			await this.api(operation, input, signal);
			return true;
		} catch (error) {
			if (isConditionFailure(error)) return false;
			throw error;
		}
	}
}

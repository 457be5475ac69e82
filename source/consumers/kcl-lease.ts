/**
 * One KCL lease read from its DynamoDB item, as the Kinesis Client Library writes it (1.x, 2.x and 3.x
 * share the attribute names of amazon-kinesis-client's DynamoDBLeaseSerializer): `leaseKey` (S) — the
 * shard id, or for a multi-stream application `account:stream:creationEpoch:shardId` with `streamName`
 * (the stream identifier) and `shardId` beside it; `leaseOwner` (S, absent when nobody holds it);
 * `leaseCounter` (N, raised by every renewal and take); `ownerSwitchesSinceCheckpoint` (N);
 * `checkpoint` (S, a sequence number or a sentinel) with `checkpointSubSequenceNumber` (N, the record's
 * place in a KPL aggregate); `pendingCheckpoint` (S); `parentShardId` and `childShardIds` (SS); 2.x+
 * `startingHashKey`/`endingHashKey` (S); 3.x `throughputKBps` (N) and `checkpointOwner` (S).
 */
import type {AttributeValue, TableItem} from '../driver/driver.js';

/** Where a checkpoint stands when it is not a sequence number. */
export const CHECKPOINT_SENTINELS = [
	'TRIM_HORIZON',
	'LATEST',
	'SHARD_END',
	'AT_TIMESTAMP',
] as const;
export type CheckpointSentinel = (typeof CHECKPOINT_SENTINELS)[number];

export type Checkpoint = {
	/** A sequence number, or one of {@link CHECKPOINT_SENTINELS}. */
	sequenceNumber: string;
	subSequenceNumber: number;
};

export type KclLease = {
	leaseKey: string;
	shardId: string;
	/** Multi-stream leases only: `account:stream:creationEpoch`. */
	streamIdentifier?: string;
	owner?: string;
	counter: number;
	ownerSwitchesSinceCheckpoint: number;
	checkpoint: Checkpoint;
	pendingCheckpoint?: Checkpoint;
	parentShardIds: string[];
	childShardIds: string[];
	hashKeyRange?: {startingHashKey: string; endingHashKey: string};
	/** KCL 3.x: the throughput the worker measured on this lease. */
	throughputKBps?: number;
	/** KCL 3.x: during a graceful handoff, the worker still checkpointing while `owner` waits. */
	checkpointOwner?: string;
};

export const isSentinel = (sequenceNumber: string): sequenceNumber is CheckpointSentinel =>
	(CHECKPOINT_SENTINELS as readonly string[]).includes(sequenceNumber);

const text = (value: AttributeValue | undefined) => value?.S;
const number = (value: AttributeValue | undefined) =>
	value?.N === undefined ? undefined : Number(value.N);
const strings = (value: AttributeValue | undefined) => value?.SS ?? [];

/** The item has what every KCL version writes: a string `leaseKey`, a numeric `leaseCounter`, and a `checkpoint`. */
export const isLeaseItem = (item: TableItem) =>
	typeof item.leaseKey?.S === 'string' &&
	item.leaseCounter?.N !== undefined &&
	typeof item.checkpoint?.S === 'string';

/**
 * A multi-stream lease key, `account:stream:creationEpoch:shardId`, in its parts; undefined for a
 * single-stream key (a bare shard id).
 */
export function parseMultiStreamKey(leaseKey: string) {
	const match = /^(\d+):([^:]+):(\d+):(shardId-\d+)$/.exec(leaseKey);
	if (!match) return undefined;
	const [, account, stream, creationEpoch, shardId] = match;
	return {account, stream, creationEpoch: Number(creationEpoch), shardId};
}

/** The lease in `item`, or undefined when the item is not a KCL lease. */
export function leaseOf(item: TableItem): KclLease | undefined {
	if (!isLeaseItem(item)) return undefined;
	const leaseKey = item.leaseKey.S!;
	const multi = parseMultiStreamKey(leaseKey);
	const pending = text(item.pendingCheckpoint);
	const starting = text(item.startingHashKey);
	const ending = text(item.endingHashKey);
	const lease: KclLease = {
		leaseKey,
		shardId: text(item.shardId) ?? multi?.shardId ?? leaseKey,
		counter: number(item.leaseCounter) ?? 0,
		ownerSwitchesSinceCheckpoint: number(item.ownerSwitchesSinceCheckpoint) ?? 0,
		checkpoint: {
			sequenceNumber: item.checkpoint.S!,
			subSequenceNumber: number(item.checkpointSubSequenceNumber) ?? 0,
		},
		parentShardIds: strings(item.parentShardId),
		// KCL 2.0–2.2 wrote the singular `childShardId`; later versions `childShardIds`.
		childShardIds: [...strings(item.childShardIds), ...strings(item.childShardId)],
	};
	const streamIdentifier =
		text(item.streamName) ??
		(multi ? `${multi.account}:${multi.stream}:${multi.creationEpoch}` : undefined);
	if (streamIdentifier) lease.streamIdentifier = streamIdentifier;
	const owner = text(item.leaseOwner);
	if (owner) lease.owner = owner;
	if (pending) {
		lease.pendingCheckpoint = {
			sequenceNumber: pending,
			subSequenceNumber: number(item.pendingCheckpointSubSequenceNumber) ?? 0,
		};
	}

	if (starting && ending) lease.hashKeyRange = {startingHashKey: starting, endingHashKey: ending};
	const throughput = number(item.throughputKBps);
	if (throughput !== undefined) lease.throughputKBps = throughput;
	const checkpointOwner = text(item.checkpointOwner);
	if (checkpointOwner) lease.checkpointOwner = checkpointOwner;
	return lease;
}

/** The stream a multi-stream identifier (`account:stream:creationEpoch`) names. */
export const streamOfIdentifier = (identifier: string) => identifier.split(':')[1];

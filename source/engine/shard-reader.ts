/**
 * Reading a shard from a position, as GetRecords does (same visibility, retention, end-of-shard and
 * MillisBehindLatest rules), for the readers that hold no iterator: SubscribeToShard's push loop.
 * Also where a record's encryption is looked up: a record is KMS-encrypted when it was written while
 * the stream's encryption was on (the stream keeps the counters at which encryption started and stopped).
 */
import {readFrame} from './log/frame.js';
import type {ShardState, Stream} from './stream.js';
import type {ChildShard, KinesisRecord} from '../kinesis/types.js';

const HOUR_MS = 3_600_000;

export type ShardRead = {
	records: KinesisRecord[];
	/** Frame bytes read (for read-throughput accounting). */
	bytes: number;
	/** The position to read from next. */
	nextPosition: number;
	caughtUp: boolean;
	millisBehindLatest: number;
	/** Set once a closed shard has been read to its end: its children. */
	childShards?: ChildShard[];
};

/** The encryption of the record numbered `counter` in `stream`. */
export function recordEncryption(stream: Stream, counter: number): 'NONE' | 'KMS' {
	const changes = stream.settings.encryptionChanges;
	if (!changes || changes.length === 0) return 'NONE';
	let type: 'NONE' | 'KMS' = 'NONE';
	for (const change of changes) {
		if (change.fromCounter > counter) break;
		type = change.type;
	}

	return type;
}

export function childShardsOf(stream: Stream, shard: ShardState): ChildShard[] {
	return stream.childrenOf(shard).map((child) => ({
		ShardId: child.id,
		ParentShards: [child.parentId, child.adjacentParentId].filter(
			(id): id is string => id !== undefined,
		),
		HashKeyRange: {StartingHashKey: String(child.start), EndingHashKey: String(child.end)},
	}));
}

/** Up to `limit` records (and, beyond the first, `maxBytes`) from `position` on. */
export function readShard(
	stream: Stream,
	shard: ShardState,
	position: number,
	options: {limit: number; maxBytes: number; now: number},
): ShardRead {
	const records: KinesisRecord[] = [];
	let bytes = 0;
	const cutoff = options.now - stream.retentionHours * HOUR_MS;
	const read = shard.log.read(
		position,
		options.limit,
		options.maxBytes,
		cutoff,
		(buffer, offset, end) => {
			const frame = readFrame(buffer, offset, end);
			bytes += end - offset;
			const record: KinesisRecord = {
				SequenceNumber: shard.sequence.format(frame.counter, frame.arrivalMs),
				ApproximateArrivalTimestamp: new Date(frame.arrivalMs),
				Data: frame.data,
				PartitionKey: frame.partitionKey,
			};
			if (recordEncryption(stream, frame.counter) === 'KMS') record.EncryptionType = 'KMS';
			records.push(record);
		},
	);
	const millisBehindLatest =
		read.caughtUp || read.lastArrival === undefined
			? 0
			: Math.max(0, options.now - read.lastArrival);
	// Ended only once every record appended to the closed shard is visible (and so was just read): in
	// memory that is at once; on disk, after the group commit has made the last write visible.
	const drained =
		shard.endingCounter !== undefined &&
		read.caughtUp &&
		shard.log.lastVisibleCounter === shard.log.lastAppendedCounter;
	return {
		records,
		bytes,
		nextPosition: read.nextCounter,
		caughtUp: read.caughtUp,
		millisBehindLatest,
		...(drained ? {childShards: childShardsOf(stream, shard)} : {}),
	};
}

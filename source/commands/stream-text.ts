/** Human-readable descriptions of a stream and its shards, shared by describe and the reshard commands. */
import {DriverError, type Shard, type StreamDescription} from '../driver/driver.js';
import {formatFields, formatTable} from './table.js';

const KEY_SPACE = 1n << 128n;

export const isOpen = (shard: Shard) =>
	shard.SequenceNumberRange.EndingSequenceNumber === undefined;

/** The shard's share of the hash-key space, as a percentage with two decimals. */
export function keySpaceShare(shard: Shard) {
	const size =
		BigInt(shard.HashKeyRange.EndingHashKey) - BigInt(shard.HashKeyRange.StartingHashKey) + 1n;
	return `${(Number((size * 10_000n) / KEY_SPACE) / 100).toFixed(2)}%`;
}

/** Finds a shard by its id, or by its number alone (`3` for shardId-000000000003). */
export function findShard(description: StreamDescription, shardId: string): Shard {
	const padded = /^\d{1,12}$/.test(shardId) ? `shardId-${shardId.padStart(12, '0')}` : shardId;
	const shard = description.Shards.find(
		(each) => each.ShardId === shardId || each.ShardId === padded,
	);
	if (!shard) {
		throw new DriverError(
			'ResourceNotFoundException',
			`Could not find shard ${shardId} in stream ${description.StreamName}.`,
		);
	}

	return shard;
}

/** Ids of the shards in `after` that `before` did not have. */
export function newShardIds(before: StreamDescription, after: StreamDescription) {
	const known = new Set(before.Shards.map((shard) => shard.ShardId));
	return after.Shards.map((shard) => shard.ShardId).filter((id) => !known.has(id));
}

export function describeStreamText(description: StreamDescription) {
	const open = description.Shards.filter(isOpen).length;
	const closed = description.Shards.length - open;
	const fields = formatFields([
		['Stream', description.StreamName],
		['ARN', description.StreamARN],
		['Status', description.StreamStatus],
		['Mode', description.StreamModeDetails.StreamMode],
		['Retention', `${description.RetentionPeriodHours} hours`],
		['Created', description.StreamCreationTimestamp.toISOString()],
		['Encryption', description.EncryptionType],
		['Shards', `${open} open, ${closed} closed`],
	]);
	const shards = formatTable(
		[
			'SHARD',
			'STATE',
			'PARENT',
			'ADJACENT PARENT',
			'KEY SPACE',
			'STARTING HASH KEY',
			'ENDING HASH KEY',
		],
		description.Shards.map((shard) => [
			shard.ShardId,
			isOpen(shard) ? 'open' : 'closed',
			shard.ParentShardId ?? '-',
			shard.AdjacentParentShardId ?? '-',
			keySpaceShare(shard),
			shard.HashKeyRange.StartingHashKey,
			shard.HashKeyRange.EndingHashKey,
		]),
	);
	return `${fields}\n${shards}`;
}

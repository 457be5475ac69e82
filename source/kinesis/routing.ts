/**
 * Hash-key routing over a stream's shards: which shard owns a partition key, computed by the very code
 * the bundled engine routes with (hash-key.ts), so the console's answer and the engine's placement can
 * never disagree. Kinesis reads the MD5 of the partition key as an unsigned
 * 128-bit integer (or takes the record's ExplicitHashKey) and picks the open shard whose HashKeyRange
 * holds it.
 */
import {hashKeyToBigInt, MAX_HASH_KEY, parseHashKey, partitionKeyHash} from './hash-key.js';
import type {Shard} from './types.js';

export {MAX_HASH_KEY, parseHashKey};

/** The number of keys in the 128-bit hash-key space: 2^128. */
export const HASH_KEY_SPACE = MAX_HASH_KEY + 1n;

/** A partition key's hash key: the MD5 of its UTF-8 bytes as an unsigned 128-bit integer. */
export function hashKeyOf(partitionKey: string): bigint {
	return hashKeyToBigInt(partitionKeyHash(partitionKey));
}

export const isOpen = (shard: Shard) =>
	shard.SequenceNumberRange.EndingSequenceNumber === undefined;

/** Whether `hashKey` is in the shard's HashKeyRange (both ends included). */
export function shardHolds(shard: Shard, hashKey: bigint) {
	return (
		BigInt(shard.HashKeyRange.StartingHashKey) <= hashKey &&
		hashKey <= BigInt(shard.HashKeyRange.EndingHashKey)
	);
}

/** The open shard a record with this hash key goes to; undefined while no open shard covers it. */
export function owningShard(shards: readonly Shard[], hashKey: bigint): Shard | undefined {
	return shards.find((shard) => isOpen(shard) && shardHolds(shard, hashKey));
}

/** `kinesis-top split STREAM SHARD [--at HASHKEY]`: by default at the middle of the shard's range. */
import type {Shard} from '../driver/driver.js';
import {parseHashKey, type Command} from './command.js';
import {findShard, newShardIds} from './stream-text.js';

/** The middle of a shard's hash-key range: start + (end − start + 1) / 2. */
export function midpointHashKey(shard: Shard) {
	const start = BigInt(shard.HashKeyRange.StartingHashKey);
	const end = BigInt(shard.HashKeyRange.EndingHashKey);
	return String(start + (end - start + 1n) / 2n);
}

export const splitCommand: Command = {
	name: 'split',
	arguments: ['STREAM', 'SHARD'],
	flags: ['at'],
	prepare([stream, shardId], flags) {
		const at = flags.at === undefined ? undefined : parseHashKey(flags.at, '--at');
		return async ({driver, out, json, signal}) => {
			const before = await driver.describeStream(stream, signal);
			const shard = findShard(before, shardId);
			const hashKey = at ?? midpointHashKey(shard);
			await driver.splitShard(stream, shard.ShardId, hashKey, signal);
			const after = await driver.describeStream(stream, signal);
			if (json) {
				await out.json(after);
			} else {
				const children = newShardIds(before, after);
				await out.write(
					`split ${shard.ShardId} of ${stream} at hash key ${hashKey}` +
						(children.length > 0 ? ` into ${children.join(' and ')}` : '') +
						(after.StreamStatus === 'ACTIVE' ? '' : ` (the stream is ${after.StreamStatus})`) +
						'\n',
				);
			}
		};
	},
};

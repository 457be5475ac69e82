/** `kinesis-top merge STREAM SHARD ADJACENT_SHARD`: two shards with adjoining hash-key ranges become one. */
import type {Command} from './command.js';
import {findShard, newShardIds} from './stream-text.js';

export const mergeCommand: Command = {
	name: 'merge',
	arguments: ['STREAM', 'SHARD', 'ADJACENT_SHARD'],
	flags: [],
	prepare:
		([stream, shardId, adjacentId]) =>
		async ({driver, out, json, signal}) => {
			const before = await driver.describeStream(stream, signal);
			const shard = findShard(before, shardId);
			const adjacent = findShard(before, adjacentId);
			await driver.mergeShards(stream, shard.ShardId, adjacent.ShardId, signal);
			const after = await driver.describeStream(stream, signal);
			if (json) {
				await out.json(after);
			} else {
				const [child] = newShardIds(before, after);
				await out.write(
					`merged ${shard.ShardId} and ${adjacent.ShardId} of ${stream}` +
						(child ? ` into ${child}` : '') +
						(after.StreamStatus === 'ACTIVE' ? '' : ` (the stream is ${after.StreamStatus})`) +
						'\n',
				);
			}
		},
};

/** Reading shard ids as AWS does (making them is the engine's: `shardIdOf`). */

/** The index in a shard id; like AWS, accepts `shardId-000000000007`, `shardId-7` and `7`. */
export function shardIndexOf(shardId: string): number | undefined {
	const match = /^(?:shardId-)?(\d{1,20})$/.exec(shardId);
	return match ? Number(match[1]) : undefined;
}

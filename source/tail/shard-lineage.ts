/**
 * What a tail knows of a stream's shard family tree: each shard's parents (ParentShardId and
 * AdjacentParentShardId from DescribeStream, or ParentShards from a GetRecords ChildShards entry) and
 * whether it is closed. Parents always come before children, so this is what orders the reading.
 */
import type {ChildShard, Shard} from '../driver/driver.js';

type Entry = {parents: string[]; closed: boolean};

export class ShardLineage {
	private readonly entries = new Map<string, Entry>();

	/** Learns shards from a DescribeStream; returns the ids that were new. */
	learnShards(shards: readonly Shard[]): string[] {
		const added: string[] = [];
		for (const shard of shards) {
			const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
				(id): id is string => id !== undefined,
			);
			const closed = shard.SequenceNumberRange.EndingSequenceNumber !== undefined;
			const known = this.entries.get(shard.ShardId);
			if (known) {
				known.closed ||= closed;
			} else {
				this.entries.set(shard.ShardId, {parents, closed});
				added.push(shard.ShardId);
			}
		}

		return added;
	}

	/** Learns children announced at the end of a closed shard; returns the ids that were new. */
	learnChildren(children: readonly ChildShard[]): string[] {
		const added: string[] = [];
		for (const child of children) {
			if (this.entries.has(child.ShardId)) continue;
			this.entries.set(child.ShardId, {parents: [...child.ParentShards], closed: false});
			added.push(child.ShardId);
		}

		return added;
	}

	markClosed(shardId: string) {
		const entry = this.entries.get(shardId);
		if (entry) entry.closed = true;
	}

	has(shardId: string) {
		return this.entries.has(shardId);
	}

	isClosed(shardId: string) {
		return this.entries.get(shardId)?.closed ?? false;
	}

	parentsOf(shardId: string): readonly string[] {
		return this.entries.get(shardId)?.parents ?? [];
	}

	childrenOf(shardId: string): string[] {
		return [...this.entries]
			.filter(([, entry]) => entry.parents.includes(shardId))
			.map(([id]) => id);
	}

	/** Whether any parent of `shardId` is not known here (created and announced elsewhere). */
	hasUnknownParent(shardId: string) {
		return this.parentsOf(shardId).some((parent) => !this.entries.has(parent));
	}

	/** Whether `shardId` is one of `roots` or descends from one of them. */
	descendsFrom(shardId: string, roots: ReadonlySet<string>): boolean {
		const seen = new Set<string>();
		const pending = [shardId];
		while (pending.length > 0) {
			const id = pending.pop()!;
			if (roots.has(id)) return true;
			if (seen.has(id)) continue;
			seen.add(id);
			pending.push(...this.parentsOf(id));
		}

		return false;
	}

	ids(): string[] {
		return [...this.entries.keys()];
	}
}

/**
 * Resharding as Kinesis does it: a split closes one parent and opens two children that divide its
 * hash-key range; a merge closes two adjacent parents and opens one child spanning both. Every change
 * is journaled so that a reshard whose metadata cannot be saved is undone whole, never half-applied.
 */
import {evenHashKeyRanges} from '../kinesis/hash-key.js';
import type {OpenLog, ShardState, Stream} from './stream.js';

export class Reshard {
	private readonly created: ShardState[] = [];
	private readonly closed: ShardState[] = [];
	private readonly firstShardIndex: number;

	constructor(
		private readonly stream: Stream,
		private readonly counter: number,
		private readonly now: number,
		private readonly openLog: OpenLog,
	) {
		this.firstShardIndex = stream.nextShardIndex;
	}

	/** Closes `parent`; its children split the range at `at` (the second child starts at `at`). */
	split(parent: ShardState, at: bigint): [ShardState, ShardState] {
		this.closeParent(parent);
		const createdSeconds = this.createdSecondsAfter([parent]);
		return [
			this.child({start: parent.start, end: at - 1n, parentId: parent.id, createdSeconds}),
			this.child({start: at, end: parent.end, parentId: parent.id, createdSeconds}),
		];
	}

	/** Closes `lower` and `upper` (adjacent, lower first); one child spans both ranges. */
	merge(lower: ShardState, upper: ShardState, parent = lower): ShardState {
		this.closeParent(lower);
		this.closeParent(upper);
		return this.child({
			start: lower.start,
			end: upper.end,
			parentId: parent.id,
			adjacentParentId: (parent === lower ? upper : lower).id,
			createdSeconds: this.createdSecondsAfter([lower, upper]),
		});
	}

	/**
	 * UNIFORM_SCALING to `target` open shards: split every open shard at each target boundary inside it,
	 * then merge the pieces within each target range, so every new shard has at most two parents and the
	 * result divides the key space evenly, as UpdateShardCount's does.
	 */
	scaleUniformly(target: number) {
		const ranges = evenHashKeyRanges(target);
		for (const {start: boundary} of ranges.slice(1)) {
			const owner = this.stream.openShards.find(
				(shard) => shard.start < boundary && boundary <= shard.end,
			);
			if (owner) this.split(owner, boundary);
		}

		for (const range of ranges) {
			let pieces = this.stream.openShards.filter(
				(shard) => shard.start >= range.start && shard.end <= range.end,
			);
			while (pieces.length > 1) {
				const merged = this.merge(pieces[0], pieces[1]);
				pieces = [merged, ...pieces.slice(2)];
			}
		}
	}

	/** Puts the stream back as it was before this reshard. */
	undo() {
		for (const shard of this.created) {
			this.stream.forget(shard);
			shard.log.close(true);
		}

		for (const shard of this.closed) this.stream.reopen(shard);
		this.stream.nextShardIndex = this.firstShardIndex;
	}

	private closeParent(shard: ShardState) {
		this.stream.close(shard, this.counter, this.now);
		this.closed.push(shard);
	}

	/**
	 * The creation second a child's sequence numbers carry: a later one than any parent's (as AWS, whose
	 * children start the second after the reshard), so that every number of a child sorts after its
	 * parents' — the creation second is the most significant field after the version.
	 */
	private createdSecondsAfter(parents: ShardState[]) {
		if (this.stream.sequenceLayout !== 'aws') return undefined;
		let latest = Math.floor(this.now / 1000);
		for (const parent of parents) latest = Math.max(latest, parent.createdSeconds ?? 0);
		return latest + 1;
	}

	private child(range: {
		start: bigint;
		end: bigint;
		parentId: string;
		adjacentParentId?: string;
		createdSeconds?: number;
	}) {
		const shard = this.stream.addShard({...range, startingCounter: this.counter}, this.openLog);
		this.created.push(shard);
		return shard;
	}
}

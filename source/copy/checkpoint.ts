/**
 * A copy's checkpoint file: per source partition (a shard, a Firehose object), the last position up to
 * which every record was copied (acknowledged by the destination, or filtered out), plus the positions
 * past it already copied — the ordered writer may finish a record before an earlier one of another
 * partition key. A rerun with the same file skips all of these, so after a kill -9 only the records in
 * flight at the time (at most one batch) are sent again: at-least-once, with duplicates bounded.
 *
 * It is rewritten after each acknowledged batch: to a temporary file, then renamed over the old one, so
 * a kill at any moment leaves the old file or the new one, never half of one.
 */
import {readFileSync, renameSync, writeFileSync} from 'node:fs';
import {compareSequenceNumbers} from '../tail/tail-stop.js';
import type {CopyRecord} from './copy-record.js';

type PartitionState = {
	/** Every position up to and including this one is done. */
	through?: string;
	/** Done positions past `through`, from the file (an earlier run). */
	done: Set<string>;
	/** Positions read this run, in source order, from `head` on not all done yet ... */
	pending: string[];
	/** ... and whether each is done (the writer may finish them out of order). */
	finished: boolean[];
	head: number;
	/** The ticket of `pending[0]`: tickets count every position ever tracked in the partition. */
	base: number;
};

type CheckpointFile = {
	version: 1;
	/** What was copied, to refuse a checkpoint from another copy. */
	source: string;
	destination: string;
	partitions: Record<string, {through?: string; done?: string[]}>;
};

export class CheckpointMismatchError extends Error {
	override readonly name = 'CheckpointMismatchError';
}

export class Checkpoint {
	private readonly partitions = new Map<string, PartitionState>();

	private constructor(
		private readonly path: string | undefined,
		private readonly source: string,
		private readonly destination: string,
	) {}

	/** The checkpoint in `path` (empty when the file does not exist yet), or one kept only in memory. */
	static open(path: string | undefined, source: string, destination: string): Checkpoint {
		const checkpoint = new Checkpoint(path, source, destination);
		if (path === undefined) return checkpoint;
		let text: string;
		try {
			text = readFileSync(path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return checkpoint;
			throw error;
		}

		const saved = JSON.parse(text) as CheckpointFile;
		if (saved.source !== source || saved.destination !== destination) {
			throw new CheckpointMismatchError(
				`the checkpoint ${path} is of a copy from ${saved.source} to ${saved.destination}, not from ${source} to ${destination}`,
			);
		}

		for (const [partition, state] of Object.entries(saved.partitions)) {
			checkpoint.partitions.set(partition, {
				through: state.through,
				done: new Set(state.done ?? []),
				pending: [],
				finished: [],
				head: 0,
				base: 0,
			});
		}

		return checkpoint;
	}

	/** Per partition, the position up to which everything was done (for reading on after it). */
	resumePositions(): Map<string, string> {
		const positions = new Map<string, string>();
		for (const [partition, state] of this.partitions) {
			if (state.through !== undefined) positions.set(partition, state.through);
		}

		return positions;
	}

	/** Whether a record was copied by an earlier run. */
	isDone(record: CopyRecord): boolean {
		if (this.partitions.size === 0) return false;
		const state = this.partitions.get(record.partition);
		if (!state) return false;
		if (
			state.through !== undefined &&
			compareSequenceNumbers(record.position, state.through) <= 0
		) {
			return true;
		}

		return state.done.has(record.position);
	}

	/**
	 * A record was read and will be copied (or filtered): it is done only once {@link finish}ed. Without a
	 * file there is nothing to keep, and this costs nothing.
	 */
	track(record: CopyRecord) {
		if (this.path === undefined) return;
		const state = this.stateOf(record.partition);
		record.ticket = state.base + state.pending.length;
		state.pending.push(record.position);
		state.finished.push(false);
	}

	/** Records were copied (or filtered out): the watermark of their partitions moves on. */
	finish(records: readonly CopyRecord[]) {
		if (this.path === undefined) return;
		for (const record of records) {
			const state = this.partitions.get(record.partition);
			if (!state || record.ticket === undefined) continue;
			state.finished[record.ticket - state.base] = true;
			while (state.head < state.pending.length && state.finished[state.head]) {
				state.through = state.pending[state.head++];
			}

			if (state.head > 4096 && state.head * 2 > state.pending.length) {
				state.pending = state.pending.slice(state.head);
				state.finished = state.finished.slice(state.head);
				state.base += state.head;
				state.head = 0;
			}
		}
	}

	/** Writes the file (when there is one) atomically. */
	save() {
		if (this.path === undefined) return;
		const partitions: CheckpointFile['partitions'] = {};
		for (const [partition, state] of this.partitions) {
			const finished = state.pending.filter(
				(_, index) => index >= state.head && state.finished[index],
			);
			const done = [...state.done, ...finished].filter(
				(position) =>
					state.through === undefined || compareSequenceNumbers(position, state.through) > 0,
			);
			partitions[partition] = {
				...(state.through === undefined ? {} : {through: state.through}),
				...(done.length > 0 ? {done} : {}),
			};
		}

		const file: CheckpointFile = {
			version: 1,
			source: this.source,
			destination: this.destination,
			partitions,
		};
		const temporary = `${this.path}.tmp`;
		writeFileSync(temporary, JSON.stringify(file) + '\n');
		renameSync(temporary, this.path);
	}

	private stateOf(partition: string) {
		let state = this.partitions.get(partition);
		if (!state) {
			state = {done: new Set(), pending: [], finished: [], head: 0, base: 0};
			this.partitions.set(partition, state);
		}

		return state;
	}
}

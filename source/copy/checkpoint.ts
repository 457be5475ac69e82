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
	/** Done positions past `through`. */
	done: Set<string>;
	/** Positions read and not yet done, in source order. */
	pending: string[];
	/** Where in `pending` the first not-yet-done position is. */
	head: number;
	/** Of `pending`, those done (out of order). */
	finished: Set<string>;
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
				head: 0,
				finished: new Set(),
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

	/** A record was read and will be copied (or filtered): it is done only once {@link finish}ed. */
	track(record: CopyRecord) {
		this.stateOf(record.partition).pending.push(record.position);
	}

	/** Records were copied (or filtered out): the watermark of their partitions moves on. */
	finish(records: readonly CopyRecord[]) {
		for (const record of records) {
			const state = this.stateOf(record.partition);
			state.finished.add(record.position);
			while (state.head < state.pending.length && state.finished.has(state.pending[state.head])) {
				const position = state.pending[state.head++];
				state.finished.delete(position);
				state.through = position;
			}

			if (state.head > 1024 && state.head * 2 > state.pending.length) {
				state.pending = state.pending.slice(state.head);
				state.head = 0;
			}
		}
	}

	/** Writes the file (when there is one) atomically. */
	save() {
		if (this.path === undefined) return;
		const partitions: CheckpointFile['partitions'] = {};
		for (const [partition, state] of this.partitions) {
			const done = [...state.done, ...state.finished].filter(
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
			state = {done: new Set(), pending: [], head: 0, finished: new Set()};
			this.partitions.set(partition, state);
		}

		return state;
	}
}

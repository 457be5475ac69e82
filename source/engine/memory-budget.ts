/**
 * Memory-only mode's bound on memory. Every stream's record data (segment buffers as allocated, and their
 * indexes) is kept within a budget; beyond it, the oldest records of the largest stream go first, a whole
 * segment at a time, exactly as retention would drop them. Nothing else changes for readers: TRIM_HORIZON
 * moves forward, and an iterator or sequence number that points at trimmed records reads from the oldest
 * record still kept, which is what AWS gives for records past retention.
 *
 * The first trim is reported once (a standing notice and one event), not per trim: a console header and
 * serve's log say it, then stay quiet.
 */
import type {ShardLog} from './log/shard-log.js';

export const DEFAULT_MEMORY_BUDGET_BYTES = 512 * 1024 * 1024;

/** Why records are being trimmed before their retention period: what the header and the log show. */
export type MemoryTrimNotice = {
	/** When the first records were trimmed early (engine clock, ms). */
	since: number;
	budgetBytes: number;
	/** The budget as people write it: 512 MiB. */
	budget: string;
	/** One line for a person: what happens and why. */
	message: string;
};

type StreamLogs = {name: string; shards: ReadonlyArray<{log: ShardLog}>};

/** The budget, written as people write it back: 512 MiB, 2 GiB, 1,000,000 bytes. */
export function formatBytes(bytes: number) {
	for (const [unit, size] of [
		['GiB', 2 ** 30],
		['MiB', 2 ** 20],
		['KiB', 2 ** 10],
	] as const) {
		if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
	}

	return `${bytes} bytes`;
}

export class MemoryBudget {
	notice: MemoryTrimNotice | undefined;
	/** Bytes appended since the last check. */
	private unchecked = 0;
	private readonly listeners = new Set<(notice: MemoryTrimNotice) => void>();

	constructor(
		readonly budgetBytes: number,
		private readonly now: () => number,
	) {}

	/**
	 * Counts bytes just appended; says whether a check is due. Checking sums every shard's segments, so it
	 * runs once per 1/32 of the budget appended (and once a second with retention), not on every put: the
	 * budget is overshot by at most that much between checks.
	 */
	appended(bytes: number) {
		this.unchecked += bytes;
		return this.unchecked >= this.budgetBytes / 32;
	}

	/** Calls `listener` once, when records are first trimmed early (at once if they already were). */
	onTrim(listener: (notice: MemoryTrimNotice) => void) {
		if (this.notice) listener(this.notice);
		else this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Trims until the streams fit the budget; says how many segments were dropped. */
	keep(streams: Iterable<StreamLogs>): number {
		this.unchecked = 0;
		const sizes = [...streams].map((stream) => {
			let bytes = 0;
			for (const shard of stream.shards) bytes += shard.log.memoryBytes;
			return {stream, bytes};
		});
		let total = sizes.reduce((sum, size) => sum + size.bytes, 0);
		let dropped = 0;
		while (total > this.budgetBytes) {
			const largest = sizes
				.filter((size) => size.bytes > 0)
				.sort((a, b) => b.bytes - a.bytes)
				.find((size) => oldestLog(size.stream) !== undefined);
			if (!largest) break;
			const freed = oldestLog(largest.stream)!.dropOldest();
			largest.bytes -= freed;
			total -= freed;
			dropped++;
		}

		if (dropped > 0 && !this.notice) this.announce();
		return dropped;
	}

	private announce() {
		const notice: MemoryTrimNotice = {
			since: this.now(),
			budgetBytes: this.budgetBytes,
			budget: formatBytes(this.budgetBytes),
			message: `records trimmed before their retention: the in-memory engine is at its ${formatBytes(this.budgetBytes)} memory budget (--max-memory), so the oldest records of the largest streams go first`,
		};
		this.notice = notice;
		for (const listener of this.listeners) listener(notice);
		this.listeners.clear();
	}
}

/**
 * The shard of `stream` whose oldest segment should go: the oldest sealed one, as retention would take
 * it; only when no shard has a sealed segment, the open one holding the oldest records (it can be the only
 * memory a stream with many shards has).
 */
function oldestLog(stream: StreamLogs): ShardLog | undefined {
	let sealed: ShardLog | undefined;
	let open: ShardLog | undefined;
	for (const {log} of stream.shards) {
		const arrival = log.oldestArrival;
		if (arrival === undefined) continue;
		if (log.oldestSealed) {
			if (!sealed || arrival < sealed.oldestArrival!) sealed = log;
		} else if (!open || arrival < open.oldestArrival!) {
			open = log;
		}
	}

	return sealed ?? open;
}

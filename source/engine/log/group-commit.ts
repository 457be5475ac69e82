/**
 * Group commit: puts append to shard logs in memory and wait here; one flush at a time writes every
 * pending shard log and then releases all the puts that were waiting for it. Under load, many puts share
 * one write per shard; idle, a put waits for a single write.
 *
 * Durability policy: a put is acknowledged once its bytes were handed to the operating system (`write`),
 * so an acknowledged record survives the kinesis-top process crashing or being killed. With
 * `syncEveryWrite` each flush also fdatasyncs before acknowledging (survives power loss); otherwise the
 * logs are fdatasynced every `syncIntervalMs` in the background, so at most that much acknowledged data
 * can be lost if the machine itself goes down.
 *
 * Disk failures: puts wait per shard log, so a log whose flush fails fails only the puts that wrote to it
 * (its unwritten frames are rolled back: shard-log.ts), and `failures` is told. A failed sync is
 * never retried — in the background either — and leaves its log refusing writes until a restart
 * (DiskWriteError says why).
 */
import {DiskFailures} from './disk-failures.js';
import type {DiskWriteError} from './file-system.js';
import type {ShardLog} from './shard-log.js';

type Waiters = {promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void};

function waiters(): Waiters {
	let resolve!: () => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<void>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	// A flush failure is reported to each waiting put; an unobserved one must not crash the process.
	promise.catch(() => undefined);
	return {promise, resolve, reject};
}

export class GroupCommit {
	/** The logs to flush next, each with the puts waiting for it. */
	private next = new Map<ShardLog, Waiters>();
	private readonly written = new Set<ShardLog>();
	private syncDue = false;
	private running = false;
	private readonly syncTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly syncEveryWrite: boolean,
		syncIntervalMs: number,
		private readonly failures = new DiskFailures(),
	) {
		if (!syncEveryWrite && syncIntervalMs > 0) {
			this.syncTimer = setInterval(() => {
				if (this.written.size === 0) return;
				this.syncDue = true;
				this.start();
			}, syncIntervalMs);
			this.syncTimer.unref();
		}
	}

	/** Resolves once everything appended to `log` so far is written; rejects if writing it failed. */
	request(log: ShardLog): Promise<void> {
		let waiting = this.next.get(log);
		if (!waiting) {
			waiting = waiters();
			this.next.set(log, waiting);
		}

		this.start();
		return waiting.promise;
	}

	/** {@link request} for each of `logs`: resolves once all are written. */
	async requestAll(logs: Iterable<ShardLog>) {
		const waiting: Array<Promise<void>> = [];
		for (const log of logs) waiting.push(this.request(log));
		await Promise.all(waiting);
	}

	/** Waits for pending writes, then syncs everything written. */
	async drain() {
		this.syncDue = true;
		this.start();
		while (this.running) await new Promise((resolve) => setImmediate(resolve));
	}

	close() {
		if (this.syncTimer) clearInterval(this.syncTimer);
	}

	private start() {
		if (this.running) return;
		this.running = true;
		setImmediate(() => void this.run());
	}

	/**
	 * The one loop that touches the files: flushes and background syncs take turns here, so a sync never
	 * races a flush that closes a sealed segment's file.
	 */
	private async run() {
		while (this.next.size > 0 || this.syncDue) {
			if (this.next.size > 0) {
				const batch = this.next;
				this.next = new Map();
				await Promise.all([...batch].map(async ([log, waiting]) => this.flush(log, waiting)));
			}

			if (this.syncDue && this.next.size === 0) {
				this.syncDue = false;
				const logs = [...this.written];
				this.written.clear();
				await Promise.all(
					logs.map(async (log) => {
						try {
							await log.sync();
						} catch (error) {
							// Not retried: the log now refuses writes (its failure is sticky).
							this.failures.report(error as DiskWriteError);
						}
					}),
				);
			}
		}

		this.running = false;
	}

	private async flush(log: ShardLog, waiting: Waiters) {
		try {
			await log.flush(this.syncEveryWrite, (error) => {
				// Frames appended while this flush ran were rolled back with it: their puts fail too.
				const later = this.next.get(log);
				this.next.delete(log);
				later?.reject(error);
			});
			this.written.add(log);
			this.failures.recovered();
			waiting.resolve();
		} catch (error) {
			waiting.reject(error);
			this.failures.report(error as DiskWriteError);
		}
	}
}

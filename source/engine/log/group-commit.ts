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
 */
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
	private readonly pending = new Set<ShardLog>();
	private readonly written = new Set<ShardLog>();
	private next: Waiters | undefined;
	private syncDue = false;
	private running = false;
	private readonly syncTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly syncEveryWrite: boolean,
		syncIntervalMs: number,
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

	/** Resolves once everything appended to `log` so far is written. */
	request(log: ShardLog): Promise<void> {
		this.pending.add(log);
		this.next ??= waiters();
		this.start();
		return this.next.promise;
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
		while (this.next || this.syncDue) {
			const batch = this.next;
			if (batch) {
				this.next = undefined;
				const logs = [...this.pending];
				this.pending.clear();
				try {
					await Promise.all(logs.map((log) => log.flush(this.syncEveryWrite)));
					for (const log of logs) this.written.add(log);
					batch.resolve();
				} catch (error) {
					// What failed stays pending in its log and is retried by the next flush.
					for (const log of logs) if (log.hasUnflushed) this.pending.add(log);
					batch.reject(error);
				}
			}

			if (this.syncDue && !this.next) {
				this.syncDue = false;
				const logs = [...this.written];
				this.written.clear();
				try {
					await Promise.all(logs.map((log) => log.sync()));
				} catch {
					// A failed background sync is retried at the next interval.
					for (const log of logs) this.written.add(log);
				}
			}
		}

		this.running = false;
	}
}

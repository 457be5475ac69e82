/**
 * A query over a live stream: a {@link TailSession} (every shard, following resharding) feeding a
 * {@link QueryExecutor}, with the clock tick that closes windows when records stop coming. The headless
 * command and the console both run queries through this; rows and warnings come out of the executor's
 * listeners.
 */
import type {Driver} from '../driver/driver.js';
import {TailSession, type TailEnd, type TailOptions} from '../tail/tail-session.js';
import {QueryExecutor, type ExecutorOptions} from './executor.js';
import type {QueryPlan} from './plan.js';

export type QuerySessionOptions = Omit<TailOptions, 'limit'> &
	ExecutorOptions & {
		/** How often time is moved on without records (default 250 ms). */
		tickMs?: number;
		/** Awaited after every batch: lets a writer hold reading back (back-pressure). */
		afterBatch?: () => Promise<void>;
	};

export class QuerySession {
	readonly executor: QueryExecutor;
	readonly tail: TailSession;
	private readonly tickMs: number;
	private readonly follow: boolean;

	constructor(
		driver: Driver,
		readonly plan: QueryPlan,
		private readonly options: QuerySessionOptions = {},
		signal?: AbortSignal,
	) {
		const {
			maxWindows,
			maxGroups,
			idleTimeoutMs,
			tickMs = 250,
			afterBatch: _,
			...tailOptions
		} = options;
		this.executor = new QueryExecutor(plan, {
			now: options.now,
			maxWindows,
			maxGroups,
			idleTimeoutMs,
		});
		this.tail = new TailSession(driver, plan.stream, tailOptions, signal);
		this.tickMs = tickMs;
		this.follow = options.follow ?? true;
	}

	/**
	 * Reads until the tail ends. Without follow, the tail ends once every shard is drained, and every
	 * open window is then emitted. Throws what the tail failed with.
	 */
	async run(): Promise<TailEnd> {
		const timer = setInterval(() => this.executor.tick(), this.tickMs);
		const detach = this.tail.onProgress(() => this.updateSources());
		try {
			for await (const batch of this.tail) {
				this.executor.push(batch.shardId, batch.records);
				this.updateSources();
				if (this.executor.complete) this.tail.stop();
				await this.options.afterBatch?.();
			}
		} finally {
			clearInterval(timer);
			detach();
		}

		const end = this.tail.ended ?? {reason: 'stopped'};
		if (end.reason === 'drained' && !this.follow) this.executor.flush();
		return end;
	}

	stop() {
		this.tail.stop();
	}

	/** A shard at the tip (or done) stops holding the watermark back; one catching up holds it. */
	private updateSources() {
		for (const shard of this.tail.progress().shards) {
			// A shard waiting for its parents is not held for: its parents hold the watermark meanwhile.
			const idle =
				shard.state === 'waiting' ||
				shard.state === 'ended' ||
				shard.state === 'caught-up' ||
				(shard.state === 'reading' && shard.millisBehindLatest === 0);
			this.executor.setSourceIdle(shard.shardId, idle);
		}
	}
}

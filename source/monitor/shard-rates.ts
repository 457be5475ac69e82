/**
 * Incoming rate per shard, sampled by kinesis-top itself: the Driver has no metrics call yet, so this
 * tails the stream from LATEST, following resharding (a {@link TailSession}, at one GetRecords a second
 * per shard at the tip — a fifth of the read budget), and counts what it reads per shard over the last
 * few seconds. At the tip, what a reader reads per second is what producers write per second. The same
 * sample counts the hottest partition keys (hot-keys.ts), which the guided split can isolate.
 */
import type {Driver} from '../driver/driver.js';
import {TailSession, type TailOptions} from '../tail/tail-session.js';
import {HotKeys, type HotKey} from './hot-keys.js';

/** The per-shard write limits of Kinesis Data Streams (provisioned mode). */
export const SHARD_WRITE_LIMITS = {recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024} as const;
/** How many of the hottest keys the state carries. */
const HOT_KEYS_SHOWN = 5;
/** From this share of either limit a shard is hot. */
export const HOT_LOAD = 0.8;

export type ShardRate = {
	recordsPerSecond: number;
	bytesPerSecond: number;
	/** MillisBehindLatest of kinesis-top's own reads of the shard: how far its tail is behind. */
	millisBehindLatest?: number;
	/** The larger of the two shares of the shard's write limits (1 = at the limit). */
	load: number;
};

export function loadOf(recordsPerSecond: number, bytesPerSecond: number) {
	return Math.max(
		recordsPerSecond / SHARD_WRITE_LIMITS.recordsPerSecond,
		bytesPerSecond / SHARD_WRITE_LIMITS.bytesPerSecond,
	);
}

export type ShardRatesState = {
	rates: ReadonlyMap<string, ShardRate>;
	/** The partition keys with the most records in the last minute of the sample, hottest first. */
	hotKeys: HotKey[];
	/** When sampling (re)started: rates cover at most the time since. */
	since?: Date;
	/** The last error of the sampling tail; it restarts after a pause. */
	error?: string;
};

export type ShardRateSamplerOptions = {
	/** How often the rates are published (default 1 s). */
	intervalMs?: number;
	/** Wait before restarting a failed sampling tail (default 5 s). */
	retryMs?: number;
	/** Passed to the sampling TailSession (tests poll faster). */
	tailOptions?: Omit<TailOptions, 'from' | 'follow' | 'shardId' | 'limit'>;
};

export class ShardRateSampler {
	private state: ShardRatesState = {rates: new Map(), hotKeys: []};
	private hotKeys = new HotKeys();
	private readonly listeners = new Set<() => void>();
	private readonly intervalMs: number;
	private readonly retryMs: number;
	private session: TailSession | undefined;
	private timer: NodeJS.Timeout | undefined;
	private running = false;

	constructor(
		private readonly driver: Driver,
		readonly streamName: string,
		private readonly options: ShardRateSamplerOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 1000;
		this.retryMs = options.retryMs ?? 5000;
	}

	getState = (): ShardRatesState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	start() {
		if (this.running) return;
		this.running = true;
		this.startSession();
	}

	stop() {
		this.running = false;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.session?.stop();
		this.session = undefined;
	}

	private startSession() {
		this.session = new TailSession(this.driver, this.streamName, {
			...this.options.tailOptions,
			from: {type: 'LATEST'},
			follow: true,
		});
		this.hotKeys = new HotKeys();
		this.session.onBatch((batch) => {
			const now = Date.now();
			for (const record of batch.records) {
				this.hotKeys.add(record.PartitionKey, record.Data.length, batch.shardId, now);
			}
		});
		void this.session.start();
		this.update({since: new Date()});
		this.timer = setTimeout(() => this.sample(), this.intervalMs);
	}

	private sample() {
		this.timer = undefined;
		const session = this.session;
		if (!this.running || !session) return;
		const end = session.ended;
		if (end?.reason === 'error') {
			const error = end.error instanceof Error ? end.error.message : String(end.error);
			this.update({error});
			this.timer = setTimeout(() => {
				if (this.running) this.startSession();
			}, this.retryMs);
			return;
		}

		const rates = new Map<string, ShardRate>();
		for (const shard of session.progress().shards) {
			const {recordsPerSecond, bytesPerSecond, millisBehindLatest} = shard;
			rates.set(shard.shardId, {
				recordsPerSecond,
				bytesPerSecond,
				millisBehindLatest,
				load: loadOf(recordsPerSecond, bytesPerSecond),
			});
		}

		this.update({rates, hotKeys: this.hotKeys.top(HOT_KEYS_SHOWN, Date.now()), error: undefined});
		this.timer = setTimeout(() => this.sample(), this.intervalMs);
	}

	private update(patch: Partial<ShardRatesState>) {
		this.state = {...this.state, ...patch};
		for (const listener of this.listeners) listener();
	}
}

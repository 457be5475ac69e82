/**
 * A tail for a live view: a {@link TailSession} feeding a capped {@link TailBuffer}, published to the
 * view at most every `flushMs` (100 ms by default) — never once per record — with the read progress of
 * every shard (MillisBehindLatest, read rates) taken at the same moments. One timer, armed only while
 * something new is waiting, so an idle tail costs nothing between polls.
 */
import type {Driver} from '../driver/driver.js';
import {DEFAULT_TAIL_BUFFER_SIZE, TailBuffer, type BufferedRecord} from './tail-buffer.js';
import {
	TailSession,
	type ShardTailProgress,
	type TailEnd,
	type TailOutage,
	type TailOptions,
} from './tail-session.js';

/**
 * GetRecords pages of at most 2,000 records for a live view, not the API's 10,000: the AWS SDK turns a
 * page into objects in one go, ~10 ms per 1,000 records here, and a key press waits behind it. A shard
 * takes at most 1,000 records/s, so a once-a-second read stays under a page; one that falls behind reads
 * up to 4 pages a second (8,000 records/s) until it catches up.
 */
const LIVE_PAGE_SIZE = 2000;

export type LiveTailOptions = TailOptions & {
	/** Records kept (default 5,000); older ones are dropped and counted. */
	bufferSize?: number;
	/** Shortest time between two publications (default 100 ms). */
	flushMs?: number;
};

export type LiveTailState = {
	/** The buffered records, oldest first. */
	records: readonly BufferedRecord[];
	/** Records received since the start, and how many of those the buffer dropped. */
	received: number;
	dropped: number;
	capacity: number;
	shards: readonly ShardTailProgress[];
	/** Records per second over all shards, as read by this tail. */
	recordsPerSecond: number;
	/** Set while the tail is retrying through an outage (the endpoint unreachable, say). */
	retrying?: TailOutage;
	/** Set once the tail has ended (stopped, or failed with an error). */
	end?: TailEnd;
};

export class LiveTail {
	readonly session: TailSession;
	private readonly buffer: TailBuffer;
	private readonly flushMs: number;
	private readonly listeners = new Set<() => void>();
	private readonly detach: Array<() => void> = [];
	private state: LiveTailState;
	private timer: NodeJS.Timeout | undefined;
	private lastFlushAt = 0;
	private started = false;

	constructor(
		driver: Driver,
		readonly streamName: string,
		readonly options: LiveTailOptions = {},
	) {
		const {
			bufferSize = DEFAULT_TAIL_BUFFER_SIZE,
			flushMs = 100,
			pageSize = LIVE_PAGE_SIZE,
			...tailOptions
		} = options;
		this.buffer = new TailBuffer(bufferSize);
		this.flushMs = flushMs;
		this.session = new TailSession(driver, streamName, {follow: true, pageSize, ...tailOptions});
		this.state = {
			records: [],
			received: 0,
			dropped: 0,
			capacity: bufferSize,
			shards: [],
			recordsPerSecond: 0,
		};
	}

	/** Starts reading (once). */
	start() {
		if (this.started) return;
		this.started = true;
		this.detach.push(
			this.session.onBatch((batch) => {
				this.buffer.append(batch.shardId, batch.records);
				this.schedule();
			}),
			this.session.onProgress(() => this.schedule()),
		);
		void this.session.start().then(() => this.flush());
	}

	/** Stops reading and publishing; the last state stays readable. */
	stop() {
		for (const detach of this.detach.splice(0)) detach();
		clearTimeout(this.timer);
		this.timer = undefined;
		this.session.stop();
	}

	getState = (): LiveTailState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	/** Publishes the buffer and the progress now. */
	flush() {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.lastFlushAt = Date.now();
		const progress = this.session.progress();
		this.state = {
			records: this.buffer.toArray(),
			received: this.buffer.received,
			dropped: this.buffer.dropped,
			capacity: this.buffer.capacity,
			shards: progress.shards,
			recordsPerSecond: progress.recordsPerSecond,
			retrying: progress.retrying,
			end: this.session.ended,
		};
		for (const listener of this.listeners) listener();
	}

	private schedule() {
		if (this.timer !== undefined) return;
		const wait = Math.max(0, this.lastFlushAt + this.flushMs - Date.now());
		this.timer = setTimeout(() => this.flush(), wait);
	}
}

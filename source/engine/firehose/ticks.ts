/**
 * The Firehose engine's time: {@link Ticks.tick} does everything time-based at the clock's current
 * time (see there), one run at a time; with the system clock a timer calls it every `tickIntervalMs`,
 * and with a data directory another syncs the buffers (the interval sync policy).
 */
import type {Clock} from '../clock.js';
import type {KinesisEngine} from '../engine.js';
import type {Buffering} from './buffering.js';
import type {DeliveryStreams} from './delivery-streams.js';
import type {Delivery} from './delivery.js';
import type {FirehoseMetrics} from './firehose-metrics.js';

export type TicksParts = {
	clock: Clock;
	deliveryStreams: DeliveryStreams;
	buffering: Buffering;
	delivery: Delivery;
	firehoseMetrics: FirehoseMetrics;
	/** The engine KinesisStreamAsSource delivery streams read from, if any. */
	kinesis: KinesisEngine | undefined;
};

export class Ticks {
	private readonly clock: Clock;
	private readonly deliveryStreams: DeliveryStreams;
	private readonly streams: DeliveryStreams['streams'];
	private readonly buffering: Buffering;
	private readonly delivery: Delivery;
	private readonly firehoseMetrics: FirehoseMetrics;
	private readonly kinesis: KinesisEngine | undefined;
	private readonly timers: NodeJS.Timeout[] = [];
	private ticking: Promise<void> | undefined;
	private tickAgain = false;
	private closed = false;

	constructor(parts: TicksParts) {
		this.clock = parts.clock;
		this.deliveryStreams = parts.deliveryStreams;
		this.streams = parts.deliveryStreams.streams;
		this.buffering = parts.buffering;
		this.delivery = parts.delivery;
		this.firehoseMetrics = parts.firehoseMetrics;
		this.kinesis = parts.kinesis;
	}

	/** The engine is closing: stops the timers and further ticks; resolves when the tick running ends. */
	stop(): Promise<void> | undefined {
		this.closed = true;
		for (const timer of this.timers) clearInterval(timer);
		return this.ticking;
	}

	/**
	 * Everything time-based, at the clock's current time: finishes deletions, reads source streams (once
	 * a second per shard), closes buffers whose interval (or size) hint is reached, and delivers closed
	 * buffers whose (re)try is due. Resolves when those deliveries are done. The engine calls it itself
	 * with the system clock; tests call it after moving a ManualClock.
	 */
	tick(): Promise<void> {
		if (this.closed) return Promise.resolve();
		// A tick asked for while one runs runs again after it, at the clock's time then.
		this.tickAgain = true;
		this.ticking ??= this.runTicks();
		return this.ticking;
	}

	private async runTicks() {
		// Yield first, so that tick has stored this run before it can end.
		await undefined;
		try {
			while (this.tickAgain && !this.closed) {
				this.tickAgain = false;
				await this.runTick();
			}
		} finally {
			this.ticking = undefined;
		}
	}

	private async runTick() {
		this.deliveryStreams.settle();
		const now = this.clock.now();
		const streams = [...this.streams.values()];
		for (const stream of streams) {
			if (stream.status(now) !== 'ACTIVE') continue;
			if (
				stream.source &&
				stream.source.poll(this.kinesis, now, (shardId, records) =>
					this.buffering.acceptFromSource(stream, shardId, records),
				)
			) {
				this.deliveryStreams.trySave();
			}

			const open = stream.open;
			if (
				open &&
				open.records.length > 0 &&
				(open.bytes >= stream.settings.sizeLimitBytes ||
					now >= open.openedAt + stream.settings.intervalMs)
			) {
				this.buffering.closeOpenBuffer(stream);
			}

			this.firehoseMetrics.sampleBuffers(stream, [stream.open, ...stream.closed], now);
		}

		await Promise.all(streams.map((stream) => this.delivery.deliverDue(stream)));
	}

	/** Runs `action` every `ms` until {@link stop}; the timer never keeps the process alive. */
	every(ms: number, action: () => void) {
		const timer = setInterval(action, ms);
		timer.unref();
		this.timers.push(timer);
	}
}

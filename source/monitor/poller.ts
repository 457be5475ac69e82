/**
 * A value reloaded on an interval, for views that show one thing (a stream's description): refreshes
 * never overlap, a failure keeps the last good value and backs off (doubling up to a cap), and
 * listeners hear of every change. The streams list has its own, richer StreamPoller.
 */
import {DriverError} from '../driver/driver.js';
import type {PollerError} from './stream-poller.js';

export type PollState<T> = {
	value?: T;
	/** Set while the latest load failed; `value` then still holds the last good one. */
	error?: PollerError;
	lastUpdated?: Date;
};

export type PollerOptions = {intervalMs?: number; maxBackoffMs?: number};

export class Poller<T> {
	private state: PollState<T> = {};
	private readonly listeners = new Set<() => void>();
	private readonly intervalMs: number;
	private readonly maxBackoffMs: number;
	private timer: NodeJS.Timeout | undefined;
	private controller: AbortController | undefined;
	private inFlight: Promise<void> | undefined;
	private failures = 0;
	private running = false;

	constructor(
		private readonly load: (signal: AbortSignal) => Promise<T>,
		options: PollerOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 2000;
		this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
	}

	getState = (): PollState<T> => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	start() {
		if (this.running) return;
		this.running = true;
		void this.refresh();
	}

	stop() {
		this.running = false;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.controller?.abort();
	}

	/** Loads now, or joins the load in flight. */
	refresh(): Promise<void> {
		if (this.inFlight) return this.inFlight;
		clearTimeout(this.timer);
		this.timer = undefined;
		const controller = new AbortController();
		this.controller = controller;
		this.inFlight = this.load(controller.signal)
			.then(
				(value) => {
					this.failures = 0;
					this.update({value, error: undefined, lastUpdated: new Date()});
				},
				(error: unknown) => {
					if (controller.signal.aborted) return;
					this.failures++;
					this.update({
						error: {
							code: error instanceof DriverError ? error.code : undefined,
							message: error instanceof Error ? error.message : String(error),
							failures: this.failures,
							retryAt: new Date(Date.now() + this.delay()),
						},
					});
				},
			)
			.finally(() => {
				this.inFlight = undefined;
				if (!this.running) return;
				const delay = controller.signal.aborted ? 0 : this.delay();
				this.timer = setTimeout(() => void this.refresh(), delay);
			});
		return this.inFlight;
	}

	private delay() {
		if (this.failures === 0) return this.intervalMs;
		return Math.min(this.maxBackoffMs, this.intervalMs * 2 ** this.failures);
	}

	private update(patch: Partial<PollState<T>>) {
		this.state = {...this.state, ...patch};
		for (const listener of this.listeners) listener();
	}
}

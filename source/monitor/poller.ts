/**
 * A value reloaded on an interval — a stream's description, the streams list, their metrics: refreshes
 * never overlap (a refresh asked for while one is in flight joins it), a failure keeps the last good
 * value and, when transient (throttling, 5xx, the network: driver/transient.ts), backs off (doubling up
 * to a cap); any other failure (access denied, a stream that is gone) stops the polling, since asking
 * again cannot help, and is shown as it is. Listeners hear of every change. No React here: the UI
 * subscribes through useSyncExternalStore, and a headless command can subscribe the same way.
 */
import {DriverError} from '../driver/driver.js';
import {NOT_OFFERED} from '../driver/not-offered.js';
import {isTransient} from '../driver/transient.js';

export type PollerError = {
	/** The AWS error name where there is one. */
	code?: string;
	message: string;
	/** Consecutive failed refreshes. */
	failures: number;
	/** When the next attempt is due; undefined when the failure is not transient: no retry comes. */
	retryAt?: Date;
	/**
	 * The endpoint does not offer the API the value needs (UnknownOperationException): polling stopped,
	 * since asking again cannot help, and views say so once instead of showing an error loop.
	 */
	notOffered?: boolean;
};

export type PollState<T> = {
	value?: T;
	/** Set while the latest load failed; `value` then still holds the last good one. */
	error?: PollerError;
	lastUpdated?: Date;
	/** A load is in flight. */
	loading: boolean;
};

export type PollerOptions<T> = {
	/** Between the end of one load and the start of the next (default 2 s). */
	intervalMs?: number;
	/** Ceiling of the exponential backoff after failures (default 30 s). */
	maxBackoffMs?: number;
	/** When a new value equals the old one, the old object is kept, so views need not redraw. */
	same?: (a: T, b: T) => boolean;
};

export class Poller<T> {
	readonly intervalMs: number;
	readonly maxBackoffMs: number;
	private state: PollState<T> = {loading: false};
	private readonly listeners = new Set<(state: PollState<T>) => void>();
	private readonly same: ((a: T, b: T) => boolean) | undefined;
	private timer: NodeJS.Timeout | undefined;
	private controller: AbortController | undefined;
	private inFlight: Promise<void> | undefined;
	private failures = 0;
	private running = false;

	constructor(
		private readonly load: (signal: AbortSignal) => Promise<T>,
		options: PollerOptions<T> = {},
	) {
		this.intervalMs = options.intervalMs ?? 2000;
		this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
		this.same = options.same;
	}

	/** The current state; the same object until something changes (for useSyncExternalStore). */
	getState = (): PollState<T> => this.state;

	/** Calls `listener` on every change; returns the unsubscribe function. */
	subscribe = (listener: (state: PollState<T>) => void): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	/** Starts polling with an immediate load. Calling it again while running does nothing. */
	start() {
		if (this.running) return;
		this.running = true;
		void this.refresh();
	}

	/** Stops polling and cancels the load in flight; `start()` may be called again later. */
	stop() {
		this.running = false;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.controller?.abort();
	}

	/**
	 * Loads now, or joins the load in flight; when it completes, the next one is scheduled (after the
	 * interval, or the backoff after a failure).
	 */
	refresh(): Promise<void> {
		if (this.inFlight) return this.inFlight;
		clearTimeout(this.timer);
		this.timer = undefined;
		const controller = new AbortController();
		this.controller = controller;
		this.update({loading: true});
		this.inFlight = this.load(controller.signal)
			.then(
				(value) => {
					this.failures = 0;
					const old = this.state.value;
					this.update({
						value: old !== undefined && this.same?.(old, value) ? old : value,
						error: undefined,
						lastUpdated: new Date(),
						loading: false,
					});
				},
				(error: unknown) => {
					if (controller.signal.aborted) {
						this.update({loading: false});
						return;
					}

					this.failures++;
					const code = error instanceof DriverError ? error.code : undefined;
					const retried = isTransient(error);
					this.update({
						error: {
							code,
							message: error instanceof Error ? error.message : String(error),
							failures: this.failures,
							...(retried ? {retryAt: new Date(Date.now() + this.delay())} : {}),
							...(code === NOT_OFFERED ? {notOffered: true} : {}),
						},
						loading: false,
					});
				},
			)
			.finally(() => {
				this.inFlight = undefined;
				if (this.controller === controller) this.controller = undefined;
				if (!this.running || (this.state.error && !this.state.error.retryAt)) return;
				// An aborted load (stop, then start again) is followed by a fresh one at once.
				const delay = controller.signal.aborted ? 0 : this.delay();
				this.timer = setTimeout(() => void this.refresh(), delay);
			});
		return this.inFlight;
	}

	/** The wait before the next load: the interval, doubled per consecutive failure, capped. */
	private delay() {
		if (this.failures === 0) return this.intervalMs;
		return Math.min(this.maxBackoffMs, this.intervalMs * 2 ** this.failures);
	}

	private update(patch: Partial<PollState<T>>) {
		this.state = {...this.state, ...patch};
		for (const listener of this.listeners) listener(this.state);
	}
}

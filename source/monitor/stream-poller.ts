/**
 * The streams list as a polling model: every `intervalMs` it lists the streams and describes each one
 * (DescribeStreamSummary), publishing rows to its listeners. A refresh never overlaps another (a
 * request for one while one is in flight joins it), and failures back off exponentially up to a cap
 * while the last good rows stay on screen. No React here: the UI subscribes through a hook, and a
 * headless command can subscribe the same way.
 */
import {DriverError, type Driver, type StreamMode, type StreamStatus} from '../driver/driver.js';

export type StreamRow = {
	name: string;
	status: StreamStatus;
	mode: StreamMode;
	openShards: number;
	retentionHours: number;
	/** Incoming records per second. Undefined until a metrics source (CloudWatch-shaped) provides it. */
	rate?: number;
};

export type PollerError = {
	/** The AWS error name where there is one. */
	code?: string;
	message: string;
	/** Consecutive failed refreshes. */
	failures: number;
	/** When the next attempt is due. */
	retryAt: Date;
};

export type StreamPollerState = {
	rows: StreamRow[];
	/** Set while the latest refresh failed; `rows` then still holds the last good list. */
	error?: PollerError;
	lastUpdated?: Date;
	/** A refresh is in flight. */
	loading: boolean;
};

export type StreamPollerOptions = {
	/** Between the end of one refresh and the start of the next (default 2 s). */
	intervalMs?: number;
	/** Ceiling of the exponential backoff after failures (default 30 s). */
	maxBackoffMs?: number;
	/** DescribeStreamSummary calls in flight at once (default 4). */
	concurrency?: number;
};

export type Listener = (state: StreamPollerState) => void;

const errorCode = (error: unknown) => (error instanceof DriverError ? error.code : undefined);

export class StreamPoller {
	readonly intervalMs: number;
	readonly maxBackoffMs: number;
	private readonly concurrency: number;
	private state: StreamPollerState = {rows: [], loading: false};
	private readonly listeners = new Set<Listener>();
	private timer: NodeJS.Timeout | undefined;
	private inFlight: Promise<void> | undefined;
	private controller: AbortController | undefined;
	private failures = 0;
	private running = false;

	constructor(
		private readonly driver: Driver,
		options: StreamPollerOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 2_000;
		this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
		this.concurrency = Math.max(1, options.concurrency ?? 4);
	}

	/** The current state; the same object until something changes (for useSyncExternalStore). */
	getState = (): StreamPollerState => this.state;

	/** Calls `listener` on every change; returns the unsubscribe function. */
	subscribe = (listener: Listener): (() => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	/** Starts polling with an immediate refresh. Calling it again while running does nothing. */
	start() {
		if (this.running) return;
		this.running = true;
		void this.refresh();
	}

	/** Stops polling and cancels the refresh in flight; `start()` may be called again later. */
	stop() {
		this.running = false;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.controller?.abort();
	}

	/**
	 * Refreshes now. While a refresh is in flight this joins it instead of starting a second one;
	 * when it completes, the next one is scheduled (after the interval, or the backoff after a failure).
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
				(rows) => {
					this.failures = 0;
					this.update({
						rows: sameRows(this.state.rows, rows) ? this.state.rows : rows,
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
					this.update({
						error: {
							code: errorCode(error),
							message: error instanceof Error ? error.message : String(error),
							failures: this.failures,
							retryAt: new Date(Date.now() + this.delay()),
						},
						loading: false,
					});
				},
			)
			.finally(() => {
				this.inFlight = undefined;
				if (this.controller === controller) this.controller = undefined;
				if (!this.running) return;
				// An aborted refresh (stop, then start again) is followed by a fresh one at once.
				const delay = controller.signal.aborted ? 0 : this.delay();
				this.timer = setTimeout(() => void this.refresh(), delay);
			});
		return this.inFlight;
	}

	/** The wait before the next refresh: the interval, doubled per consecutive failure, capped. */
	private delay() {
		if (this.failures === 0) return this.intervalMs;
		return Math.min(this.maxBackoffMs, this.intervalMs * 2 ** this.failures);
	}

	private async load(signal: AbortSignal): Promise<StreamRow[]> {
		const names = await this.driver.listStreams(signal);
		const rows: Array<StreamRow | undefined> = new Array(names.length);
		let next = 0;
		const worker = async () => {
			while (next < names.length) {
				const index = next++;
				try {
					const summary = await this.driver.describeStreamSummary(names[index], signal);
					rows[index] = {
						name: summary.StreamName,
						status: summary.StreamStatus,
						mode: summary.StreamModeDetails.StreamMode,
						openShards: summary.OpenShardCount,
						retentionHours: summary.RetentionPeriodHours,
					};
				} catch (error) {
					// Deleted between ListStreams and DescribeStreamSummary: simply no longer listed.
					if (errorCode(error) === 'ResourceNotFoundException') continue;
					next = names.length; // the refresh has failed: the other workers stop too
					throw error;
				}
			}
		};

		await Promise.all(Array.from({length: Math.min(this.concurrency, names.length)}, worker));
		return rows
			.filter((row): row is StreamRow => row !== undefined)
			.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	private update(patch: Partial<StreamPollerState>) {
		this.state = {...this.state, ...patch};
		for (const listener of this.listeners) listener(this.state);
	}
}

function sameRows(a: StreamRow[], b: StreamRow[]) {
	return (
		a.length === b.length &&
		a.every((row, i) => {
			const other = b[i];
			return (
				row.name === other.name &&
				row.status === other.status &&
				row.mode === other.mode &&
				row.openShards === other.openShards &&
				row.retentionHours === other.retentionHours &&
				row.rate === other.rate
			);
		})
	);
}

/**
 * The streams list as a polling model: every `intervalMs` it lists the streams and describes each one
 * (DescribeStreamSummary), publishing rows to its listeners. Scheduling, joining of overlapping
 * refreshes and backoff are the {@link Poller}'s; the last good rows stay on screen while it backs off.
 */
import {
	DriverError,
	type BackendNotice,
	type Driver,
	type StreamMode,
	type StreamStatus,
} from '../driver/driver.js';
import {Poller, type PollerError} from './poller.js';
import {fetchStreamMetrics, type StreamMinute} from './stream-metrics.js';

export type {PollerError} from './poller.js';

export type StreamRow = {
	name: string;
	status: StreamStatus;
	mode: StreamMode;
	openShards: number;
	retentionHours: number;
	/** Incoming records per second (CloudWatch IncomingRecords); undefined until metrics arrive. */
	rate?: number;
	/** Incoming bytes per second (IncomingBytes). */
	bytesRate?: number;
	/** Incoming records per second in each of the last minutes, oldest first: the sparkline. */
	history?: number[];
	/** The latest GetRecords.IteratorAgeMilliseconds (maximum of a minute); undefined when unknown. */
	iteratorAgeMs?: number;
};

export type StreamPollerState = {
	rows: StreamRow[];
	/** Set while the latest refresh failed; `rows` then still holds the last good list. */
	error?: PollerError;
	lastUpdated?: Date;
	/** A refresh is in flight. */
	loading: boolean;
	/**
	 * Set while the metrics cannot be read (CloudWatch denied, say): the table still lists the streams,
	 * without rates.
	 */
	metricsError?: PollerError;
	/** The backend's standing notice (Driver.backendNotice), read at each refresh. */
	notice?: BackendNotice;
};

export type StreamPollerOptions = {
	/** Between the end of one refresh and the start of the next (default 2 s). */
	intervalMs?: number;
	/** Ceiling of the exponential backoff after failures (default 30 s). */
	maxBackoffMs?: number;
	/** DescribeStreamSummary calls in flight at once (default 4). */
	concurrency?: number;
	/**
	 * Between metrics refreshes. Default 5 s on the local engine; 60 s elsewhere, as CloudWatch has
	 * one-minute datapoints and charges per metric requested.
	 */
	metricsIntervalMs?: number;
	/** Minutes of history per stream (default 15). */
	minutes?: number;
};

export type Listener = (state: StreamPollerState) => void;

const NO_ROWS: StreamRow[] = [];
const errorCode = (error: unknown) => (error instanceof DriverError ? error.code : undefined);

export class StreamPoller {
	private readonly concurrency: number;
	private readonly list: Poller<StreamRow[]>;
	private readonly metrics: Poller<Map<string, StreamMinute[]>>;
	private readonly minutes: number;
	private state: StreamPollerState = {rows: NO_ROWS, loading: false};

	constructor(
		private readonly driver: Driver,
		options: StreamPollerOptions = {},
	) {
		this.concurrency = Math.max(1, options.concurrency ?? 4);
		this.list = new Poller((signal) => this.load(signal), {
			intervalMs: options.intervalMs,
			maxBackoffMs: options.maxBackoffMs,
			same: sameRows,
		});
		this.minutes = options.minutes ?? 15;
		this.metrics = new Poller((signal) => this.loadMetrics(signal), {
			intervalMs: options.metricsIntervalMs ?? (driver.target.backend === 'local' ? 5_000 : 60_000),
			maxBackoffMs: Math.max(options.maxBackoffMs ?? 0, 300_000),
		});
		this.list.subscribe(() => this.combine());
		this.metrics.subscribe(() => this.combine());
	}

	/** The listed rows with their metrics joined in; a new state object only when something changed. */
	private combine() {
		const list = this.list.getState();
		const metrics = this.metrics.getState();
		const rows = list.value ?? NO_ROWS;
		const now = Date.now();
		this.state = {
			rows: metrics.value
				? rows.map((row) => withMetrics(row, metrics.value!.get(row.name), now))
				: rows,
			error: list.error,
			lastUpdated: list.lastUpdated,
			loading: list.loading,
			metricsError: metrics.error,
			notice: this.driver.backendNotice?.(),
		};
	}

	get intervalMs() {
		return this.list.intervalMs;
	}

	get maxBackoffMs() {
		return this.list.maxBackoffMs;
	}

	/** The current state; the same object until something changes (for useSyncExternalStore). */
	getState = (): StreamPollerState => this.state;

	/** Calls `listener` on every change; returns the unsubscribe function. */
	subscribe = (listener: Listener): (() => void) => {
		const notify = () => listener(this.state);
		const unsubscribeList = this.list.subscribe(notify);
		const unsubscribeMetrics = this.metrics.subscribe(notify);
		return () => {
			unsubscribeList();
			unsubscribeMetrics();
		};
	};

	/** Starts polling with an immediate refresh. Calling it again while running does nothing. */
	start() {
		this.list.start();
		this.metrics.start();
	}

	/** Stops polling and cancels the refresh in flight; `start()` may be called again later. */
	stop() {
		this.list.stop();
		this.metrics.stop();
	}

	/** Refreshes now, or joins the refresh in flight. */
	refresh(): Promise<void> {
		return this.list.refresh();
	}

	/** The metrics of the listed streams; waits for the first list so the first figures come at once. */
	private async loadMetrics(signal: AbortSignal) {
		if (this.list.getState().value === undefined) await this.list.refresh();
		const names = (this.list.getState().value ?? NO_ROWS).map((row) => row.name);
		return fetchStreamMetrics(this.driver, names, {minutes: this.minutes, signal});
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
}

/**
 * A row with its rates, history and iterator age. The rate is the last complete minute's; in the first
 * minute of traffic (nothing complete yet) the current minute's so far. The current minute counts in
 * the history at its rate so far, so the sparkline reacts within seconds rather than a minute.
 */
function withMetrics(row: StreamRow, minutes: StreamMinute[] | undefined, now: number): StreamRow {
	if (!minutes || minutes.length === 0) return row;
	const current = minutes.at(-1)!;
	const elapsedSeconds = Math.max(1, (now - current.timestamp.getTime()) / 1000);
	const complete = minutes.length > 1 ? minutes.at(-2)! : undefined;
	const useCurrent = !complete || (complete.incomingRecords === 0 && current.incomingRecords > 0);
	const history = minutes.map((minute) =>
		minute === current
			? minute.incomingRecords / Math.min(60, elapsedSeconds)
			: minute.incomingRecords / 60,
	);
	const age = minutes.findLast((minute) => minute.iteratorAgeMaxMs !== undefined);
	return {
		...row,
		rate: useCurrent ? current.incomingRecords / elapsedSeconds : complete.incomingRecords / 60,
		bytesRate: useCurrent ? current.incomingBytes / elapsedSeconds : complete.incomingBytes / 60,
		history,
		iteratorAgeMs: age?.iteratorAgeMaxMs,
	};
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

/**
 * A running query's results as a live view shows them — the model a query screen subscribes to. Rows
 * are kept per window, oldest first: the latest row of each group (EMIT CHANGES replaces it in place),
 * each window marked closed when it closes. Bounded: past `maxWindows` windows (or `maxRows` rows of a
 * projection) the oldest go, counted. Listeners are told at most every `flushMs`, never once per row.
 */
import type {QueryExecutor, QueryRow} from './executor.js';

export type ResultWindow = {
	start: number;
	end: number;
	/** Closed: no row of it changes any more. */
	closed: boolean;
	rows: Array<Record<string, unknown>>;
};

export type ResultsOptions = {
	/** Windows kept (default 500). */
	maxWindows?: number;
	/** Rows kept of a projection, which has no windows (default 5,000). */
	maxRows?: number;
	/** Shortest time between two notifications (default 100 ms; 0: at once). */
	flushMs?: number;
};

/** A single numeric series over time, for a chart. */
export type ResultSeries = {column: string; points: Array<{time: number; value: number}>};

type WindowEntry = ResultWindow & {byKey: Map<unknown, number>};

export class QueryResults {
	private readonly maxWindows: number;
	private readonly maxRows: number;
	private readonly flushMs: number;
	private readonly windowList: WindowEntry[] = [];
	private readonly byWindow = new Map<string, WindowEntry>();
	private readonly rowList: Array<Record<string, unknown>> = [];
	private readonly listeners = new Set<() => void>();
	private readonly detach: Array<() => void>;
	private timer: NodeJS.Timeout | undefined;
	/** Windows or rows let go to stay within the caps. */
	dropped = 0;

	constructor(
		private readonly executor: QueryExecutor,
		options: ResultsOptions = {},
	) {
		this.maxWindows = options.maxWindows ?? 500;
		this.maxRows = options.maxRows ?? 5000;
		this.flushMs = options.flushMs ?? 100;
		this.detach = [
			executor.onRow((row) => this.add(row)),
			executor.onWindowClosed((start, end) => this.close(start, end)),
		];
	}

	/** The output's column names, in order. */
	get columns(): readonly string[] {
		return this.executor.columns;
	}

	/** The windows, oldest first (empty for a projection). */
	windows(): readonly ResultWindow[] {
		return this.windowList;
	}

	/** A projection's rows, oldest first. */
	rows(): ReadonlyArray<Record<string, unknown>> {
		return this.rowList;
	}

	/**
	 * The series to chart, when the query gives one number per window (no GROUP BY keys): the first
	 * numeric column after the window's, by window start. Undefined otherwise.
	 */
	series(): ResultSeries | undefined {
		const {plan} = this.executor;
		if (plan.mode !== 'aggregate' || plan.keys.length > 0) return undefined;
		const column = plan.outputs.find(
			(output, index) => index >= 2 && output.type === 'number',
		)?.name;
		if (column === undefined) return undefined;
		const points: ResultSeries['points'] = [];
		for (const window of this.windowList) {
			const value = window.rows[0]?.[column];
			if (typeof value === 'number') points.push({time: window.start, value});
		}

		return {column, points};
	}

	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	dispose() {
		for (const detach of this.detach) detach();
		clearTimeout(this.timer);
		this.timer = undefined;
	}

	private add(row: QueryRow) {
		if (row.windowStart === undefined || row.windowEnd === undefined) {
			this.rowList.push(row.values);
			if (this.rowList.length > this.maxRows) {
				this.rowList.shift();
				this.dropped++;
			}
		} else {
			const window = this.windowFor(row.windowStart, row.windowEnd);
			const index = window.byKey.get(row.key);
			if (index === undefined) {
				window.byKey.set(row.key, window.rows.length);
				window.rows.push(row.values);
			} else {
				window.rows[index] = row.values;
			}

			if (row.final) window.closed = true;
		}

		this.changed();
	}

	private close(start: number, end: number) {
		const window = this.byWindow.get(`${start}/${end}`);
		if (window) {
			window.closed = true;
			this.changed();
		}
	}

	private windowFor(start: number, end: number): WindowEntry {
		const id = `${start}/${end}`;
		let window = this.byWindow.get(id);
		if (!window) {
			window = {start, end, closed: false, rows: [], byKey: new Map()};
			this.byWindow.set(id, window);
			// Windows mostly come in order; a late or session one is put in its place.
			let at = this.windowList.length;
			while (
				at > 0 &&
				(this.windowList[at - 1].start > start ||
					(this.windowList[at - 1].start === start && this.windowList[at - 1].end > end))
			) {
				at--;
			}

			this.windowList.splice(at, 0, window);
			if (this.windowList.length > this.maxWindows) {
				const oldest = this.windowList.shift()!;
				this.byWindow.delete(`${oldest.start}/${oldest.end}`);
				this.dropped++;
			}
		}

		return window;
	}

	private changed() {
		if (this.flushMs === 0) {
			this.notify();
			return;
		}

		this.timer ??= setTimeout(() => {
			this.timer = undefined;
			this.notify();
		}, this.flushMs);
	}

	private notify() {
		for (const listener of this.listeners) listener();
	}
}

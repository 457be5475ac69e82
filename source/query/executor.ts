/**
 * The streaming executor: records in (per shard, as the tail reads them), rows out to listeners.
 *
 * Time and closing. Every record has a time (arrival, processing, or a payload field). Each shard's
 * newest time is tracked; the watermark is the oldest of those among shards still being read (a shard
 * at the tip with nothing new does not hold it back), minus the query's delay. A window emits (EMIT
 * FINAL) once the watermark passes its end; a record whose every window has already closed is late:
 * counted and warned about, never silently dropped. When the stream goes quiet for `idleTimeoutMs` of
 * wall-clock time, event time is taken to move on with the wall clock, so the last window still closes.
 *
 * Bounded state. At most `maxWindows` open windows and `maxGroups` groups: past either, the oldest window
 * is closed early (emitted, with a warning); a new group in the only open window is refused (counted).
 *
 * The hot path (push) reuses one row object and one scratch array, and allocates only for new windows and
 * groups: expressions were compiled to closures by the planner.
 */
import type {KinesisRecord} from '../driver/driver.js';
import type {Accumulator} from './aggregates.js';
import type {AggregatePlan, GroupView, QueryPlan} from './plan.js';
import {needsUnpacking, RecordRow, unpack} from './record-row.js';
import {keyOf, outputValue, sortOrder, toBoolean} from './values.js';
import {assignWindows, windowId} from './windows.js';

/** One output row. `windowStart`/`windowEnd` are absent for projections (no window). */
export type QueryRow = {
	values: Record<string, unknown>;
	windowStart?: number;
	windowEnd?: number;
	/** EMIT FINAL: the window's row as it closed. EMIT CHANGES: false, the row so far. */
	final: boolean;
	/** The group within the window (aggregates): a later row with the same key replaces this one. */
	key?: unknown;
};

export type QueryWarningKind = 'late' | 'no-time' | 'evicted' | 'dropped' | 'approximate';
export type QueryWarning = {kind: QueryWarningKind; message: string};

export type QueryStats = {
	/** Records taken (KPL aggregates count once each). */
	records: number;
	/** Rows that passed WHERE. */
	matched: number;
	/** Records every window of which had already closed. */
	late: number;
	/** Records whose time column was missing or not a time. */
	noTime: number;
	/** Records refused because the group cap was reached with one window open. */
	dropped: number;
	/** Windows closed early because of the caps. */
	evictedWindows: number;
	rows: number;
	openWindows: number;
	groups: number;
	/** Epoch ms; undefined until a time was seen. */
	watermark: number | undefined;
};

export type ExecutorOptions = {
	/** The wall clock: processing time, idle timeout, warning pacing. */
	now?: () => number;
	/** Open windows (sessions included) before the oldest is closed early (default 1,000). */
	maxWindows?: number;
	/** Groups across open windows before eviction (default 100,000). */
	maxGroups?: number;
	/** Quiet time after which event time follows the wall clock (default 3 s). */
	idleTimeoutMs?: number;
};

type Group = {key: unknown; keys: unknown[]; accumulators: Accumulator[]; changed: boolean};

/** A window instance (or one session), with its groups. */
type Pane = {
	id: number;
	start: number;
	end: number;
	groups: Map<unknown, Group>;
	changed: Group[];
	closed: boolean;
	/** For sessions: the group key. */
	key?: unknown;
};

type Source = {max: number; idle: boolean};

/** Warnings of one kind are repeated at most this often, with the running count. */
const WARNING_INTERVAL_MS = 10_000;

export class QueryExecutor {
	private readonly now: () => number;
	private readonly maxWindows: number;
	private readonly maxGroups: number;
	private readonly idleTimeoutMs: number;
	private readonly row = new RecordRow();
	private readonly rowListeners = new Set<(row: QueryRow) => void>();
	private readonly warningListeners = new Set<(warning: QueryWarning) => void>();
	private readonly closeListeners = new Set<(start: number, end: number) => void>();
	private readonly sources = new Map<string, Source>();
	private readonly windows = new Map<number, Pane>();
	private readonly sessions = new Map<unknown, Pane[]>();
	private readonly dirty: Pane[] = [];
	private readonly assigned: number[] = [];
	private readonly scratch: unknown[] = [];
	private readonly warnedAt = new Map<string, number>();
	private readonly view: GroupView = {keys: [], results: [], start: 0, end: 0};
	private readonly counters = {
		records: 0,
		matched: 0,
		late: 0,
		noTime: 0,
		dropped: 0,
		evictedWindows: 0,
		rows: 0,
	};
	private watermark = -Infinity;
	private maxTime = -Infinity;
	private lastRecordAt: number | undefined;
	/** The soonest end among open windows: closing scans only when the watermark passes it. */
	private nextClose = Infinity;
	private groupCount = 0;
	private sessionCount = 0;
	/** The last window a TUMBLE record went to: consecutive records mostly share it. */
	private lastPane: Pane | undefined;
	private done = false;

	constructor(
		readonly plan: QueryPlan,
		options: ExecutorOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.maxWindows = options.maxWindows ?? 1000;
		this.maxGroups = options.maxGroups ?? 100_000;
		this.idleTimeoutMs = options.idleTimeoutMs ?? 3000;
	}

	/** The output's column names, in order. */
	get columns(): readonly string[] {
		return this.plan.columns;
	}

	/** A projection's LIMIT was reached: nothing more will be emitted. */
	get complete() {
		return this.done;
	}

	onRow(listener: (row: QueryRow) => void): () => void {
		this.rowListeners.add(listener);
		return () => this.rowListeners.delete(listener);
	}

	onWarning(listener: (warning: QueryWarning) => void): () => void {
		this.warningListeners.add(listener);
		return () => this.warningListeners.delete(listener);
	}

	/** Called when a window closes (after its final rows), for views that mark the current window. */
	onWindowClosed(listener: (start: number, end: number) => void): () => void {
		this.closeListeners.add(listener);
		return () => this.closeListeners.delete(listener);
	}

	stats(): QueryStats {
		return {
			...this.counters,
			openWindows: this.windows.size + this.sessionCount,
			groups: this.groupCount,
			watermark: Number.isFinite(this.watermark) ? this.watermark : undefined,
		};
	}

	// ─── Input ────────────────────────────────────────────────────────────────────────────────

	/** Takes a batch of one shard's records, in the shard's order. */
	push(shardId: string, records: readonly KinesisRecord[]) {
		if (this.done) return;
		const proc = this.now();
		const {row, plan} = this;
		let batchMax = -Infinity;
		for (let i = 0; i < records.length; i++) {
			const record = records[i];
			this.counters.records++;
			if (needsUnpacking(record.Data)) {
				for (const payload of unpack(record.Data)) {
					row.setRecord(shardId, record, proc);
					row.setPayload(payload);
					const time = plan.mode === 'aggregate' ? this.aggregateRow(plan) : this.projectRow();
					if (time > batchMax) batchMax = time;
				}
			} else {
				row.setRecord(shardId, record, proc);
				const time = plan.mode === 'aggregate' ? this.aggregateRow(plan) : this.projectRow();
				if (time > batchMax) batchMax = time;
			}

			if (this.done) break;
		}

		if (records.length > 0) this.lastRecordAt = proc;
		let source = this.sources.get(shardId);
		if (!source) {
			source = {max: -Infinity, idle: false};
			this.sources.set(shardId, source);
		}

		if (batchMax > source.max) source.max = batchMax;
		if (batchMax > this.maxTime) this.maxTime = batchMax;
		if (plan.mode === 'aggregate') this.advance(plan);
	}

	/**
	 * Whether a shard is idle — at the tip with nothing new — so that its newest time does not hold the
	 * watermark back while other shards move on. A shard named here before it delivers anything and not
	 * idle holds the watermark until it does.
	 */
	setSourceIdle(shardId: string, idle: boolean) {
		const source = this.sources.get(shardId);
		if (!source) {
			// Known before it delivers anything: a shard still to be read holds the watermark back.
			this.sources.set(shardId, {max: -Infinity, idle});
			if (!idle && this.plan.mode === 'aggregate') this.advance(this.plan);
		} else if (source.idle !== idle) {
			source.idle = idle;
			if (this.plan.mode === 'aggregate') this.advance(this.plan);
		}
	}

	/** A shard was read to its end (closed by resharding): it no longer holds the watermark back. */
	endSource(shardId: string) {
		this.setSourceIdle(shardId, true);
	}

	/** Call now and then (the session does, every few hundred ms): moves time on when nothing arrives. */
	tick() {
		if (this.plan.mode === 'aggregate') this.advance(this.plan);
	}

	/** The input ended: every open window emits. */
	flush() {
		const {plan} = this;
		if (plan.mode !== 'aggregate') return;
		this.emitChanges(plan);
		this.closeUpTo(plan, Infinity);
	}

	// ─── Projection ───────────────────────────────────────────────────────────────────────────

	private projectRow(): number {
		const plan = this.plan;
		if (plan.mode !== 'project') return -Infinity;
		const {row} = this;
		if (plan.where && toBoolean(plan.where(row)) !== true) return row.arrival;
		this.counters.matched++;
		const values: Record<string, unknown> = {};
		for (const output of plan.outputs)
			values[output.name] = outputValue(output.evaluate(row), output.type);
		this.emit({values, final: true});
		if (plan.limit !== undefined && this.counters.rows >= plan.limit) this.done = true;
		return row.arrival;
	}

	// ─── Aggregation ──────────────────────────────────────────────────────────────────────────

	/** Adds the current row to its windows; returns its time (-Infinity without one). */
	private aggregateRow(plan: AggregatePlan): number {
		const {row} = this;
		const {time} = plan;
		let t: number | null;
		if (time.kind === 'arrival') t = row.arrival;
		else if (time.kind === 'proc') t = row.proc;
		else t = time.evaluate(row);
		if (t === null || !Number.isFinite(t)) {
			this.counters.noTime++;
			this.warn(
				'no-time',
				`records without a time in ${time.label} are skipped`,
				this.counters.noTime,
			);
			return -Infinity;
		}

		if (plan.where && toBoolean(plan.where(row)) !== true) return t;
		this.counters.matched++;
		const key = this.groupKey(plan);
		const {window} = plan;
		if (window.kind === 'SESSION') {
			this.addToSession(plan, t, key);
			return t;
		}

		if (window.kind === 'TUMBLE') {
			// The common case, without the general loop: most records fall in the window the last one did.
			let pane = this.lastPane;
			if (!pane || pane.closed || t < pane.start || t >= pane.end) {
				const size = window.size;
				const start = t - (((t % size) + size) % size);
				if (start + size <= this.watermark) {
					this.late();
					return t;
				}

				pane = this.paneFor(plan, start, start + size);
				this.lastPane = pane;
			}

			this.addToPane(plan, pane, key, t);
			return t;
		}

		const count = assignWindows(window, t, this.assigned);
		let placed = false;
		for (let i = 0; i < count; i++) {
			const start = this.assigned[i * 2];
			const end = this.assigned[i * 2 + 1];
			if (end <= this.watermark) continue;
			this.addToPane(plan, this.paneFor(plan, start, end), key, t);
			placed = true;
		}

		if (!placed) this.late();
		return t;
	}

	private late() {
		this.counters.late++;
		this.warn(
			'late',
			'late records: their windows had already closed (a longer WATERMARK delay or GRACE PERIOD keeps windows open longer)',
			this.counters.late,
		);
	}

	/** The group key of the current row; its values are left in `scratch`. */
	private groupKey(plan: AggregatePlan): unknown {
		const {keys} = plan;
		const {row, scratch} = this;
		if (keys.length === 0) return '';
		if (keys.length === 1) {
			const value = keys[0](row);
			scratch[0] = value;
			return keyOf(value);
		}

		let key = '';
		for (let i = 0; i < keys.length; i++) {
			const value = keys[i](row);
			scratch[i] = value;
			const part = keyOf(value);
			key +=
				(typeof part === 'string' ? 's' : typeof part === 'number' ? 'n' : 'o') +
				String(part) +
				'\u0001';
		}

		return key;
	}

	private paneFor(plan: AggregatePlan, start: number, end: number): Pane {
		const id = windowId(plan.window, start, end);
		let pane = this.windows.get(id);
		if (!pane) {
			if (this.windows.size >= this.maxWindows) this.evictOldest(plan, undefined, 'windows');
			pane = {id, start, end, groups: new Map(), changed: [], closed: false};
			this.windows.set(id, pane);
			if (end < this.nextClose) this.nextClose = end;
		}

		return pane;
	}

	private addToPane(plan: AggregatePlan, pane: Pane, key: unknown, t: number) {
		let group = pane.groups.get(key);
		if (!group) {
			if (!this.makeRoom(plan, pane)) return;
			group = this.newGroup(plan, key);
			pane.groups.set(key, group);
		}

		this.accumulate(plan, pane, group, t);
	}

	private newGroup(plan: AggregatePlan, key: unknown): Group {
		this.groupCount++;
		const keys = plan.keys.length === 0 ? [] : this.scratch.slice(0, plan.keys.length);
		return {
			key,
			keys,
			accumulators: plan.aggregates.map((aggregate) => aggregate.create()),
			changed: false,
		};
	}

	private accumulate(plan: AggregatePlan, pane: Pane, group: Group, t: number) {
		const {aggregates} = plan;
		const {accumulators} = group;
		const {row} = this;
		for (let i = 0; i < aggregates.length; i++) {
			const input = aggregates[i].input;
			accumulators[i].add(input === undefined ? null : input(row), t);
		}

		if (plan.emit === 'CHANGES' && !group.changed) {
			group.changed = true;
			if (pane.changed.length === 0) this.dirty.push(pane);
			pane.changed.push(group);
		}
	}

	/** Before a new group: whether there is room for it, closing the oldest window if need be. */
	private makeRoom(plan: AggregatePlan, current: Pane | undefined): boolean {
		while (this.groupCount >= this.maxGroups) {
			if (!this.evictOldest(plan, current, 'groups')) {
				this.counters.dropped++;
				this.warn(
					'dropped',
					`records dropped: the window holds ${this.maxGroups.toLocaleString('en-US')} groups, the cap`,
					this.counters.dropped,
				);
				return false;
			}
		}

		return true;
	}

	/** Closes the open window (or session) that ends first, other than `except`; false if there is none. */
	private evictOldest(
		plan: AggregatePlan,
		except: Pane | undefined,
		cap: 'windows' | 'groups',
	): boolean {
		let oldest: Pane | undefined;
		for (const pane of this.windows.values()) {
			if (pane !== except && (!oldest || pane.end < oldest.end)) oldest = pane;
		}

		for (const list of this.sessions.values()) {
			for (const pane of list) {
				if (pane !== except && (!oldest || pane.end < oldest.end)) oldest = pane;
			}
		}

		if (!oldest) return false;
		this.counters.evictedWindows++;
		this.warn(
			'evicted',
			cap === 'windows'
				? `windows closed early: more than ${this.maxWindows.toLocaleString('en-US')} were open`
				: `windows closed early: more than ${this.maxGroups.toLocaleString('en-US')} groups were open`,
			this.counters.evictedWindows,
		);
		this.emitChanges(plan);
		this.closePane(plan, oldest);
		return true;
	}

	// ─── Sessions ─────────────────────────────────────────────────────────────────────────────

	private addToSession(plan: AggregatePlan, t: number, key: unknown) {
		const gap = plan.window.size;
		let list = this.sessions.get(key);
		let target: Pane | undefined;
		if (list) {
			for (let i = 0; i < list.length; i++) {
				const session = list[i];
				if (t >= session.end || t + gap <= session.start) continue;
				if (!target) {
					target = session;
					continue;
				}

				// The record bridges two sessions: they become one.
				const merged = session.groups.get(key)!;
				target.groups
					.get(key)!
					.accumulators.forEach((accumulator, j) => accumulator.merge(merged.accumulators[j]));
				target.start = Math.min(target.start, session.start);
				target.end = Math.max(target.end, session.end);
				session.closed = true;
				list.splice(i--, 1);
				this.sessionCount--;
				this.groupCount--;
			}
		}

		if (!target && t + gap <= this.watermark) {
			// A session of its own would already be closed; an open session it falls in still takes it.
			this.late();
			return;
		}

		if (!target) {
			if (this.sessionCount >= this.maxWindows) this.evictOldest(plan, undefined, 'windows');
			if (!this.makeRoom(plan, undefined)) return;
			list = this.sessions.get(key);
			if (!list) {
				list = [];
				this.sessions.set(key, list);
			}

			target = {id: t, start: t, end: t + gap, groups: new Map(), changed: [], closed: false, key};
			target.groups.set(key, this.newGroup(plan, key));
			list.push(target);
			this.sessionCount++;
		}

		target.start = Math.min(target.start, t);
		target.end = Math.max(target.end, t + gap);
		if (target.end < this.nextClose) this.nextClose = target.end;
		this.accumulate(plan, target, target.groups.get(key)!, t);
	}

	// ─── Time and output ──────────────────────────────────────────────────────────────────────

	private advance(plan: AggregatePlan) {
		let oldest = Infinity;
		let newest = -Infinity;
		let active = 0;
		for (const source of this.sources.values()) {
			if (source.max > newest) newest = source.max;
			if (!source.idle) {
				active++;
				if (source.max < oldest) oldest = source.max;
			}
		}

		let watermark = (active > 0 ? oldest : newest) - plan.delay;
		const now = this.now();
		if (plan.time.kind === 'proc') watermark = Math.max(watermark, now - plan.delay);
		if (this.lastRecordAt !== undefined && Number.isFinite(this.maxTime)) {
			const quiet = now - this.lastRecordAt;
			if (quiet >= this.idleTimeoutMs) watermark = Math.max(watermark, this.maxTime + quiet);
		}

		if (watermark > this.watermark) this.watermark = watermark;
		this.emitChanges(plan);
		this.closeUpTo(plan, this.watermark);
	}

	private emitChanges(plan: AggregatePlan) {
		if (this.dirty.length === 0) return;
		const panes = this.dirty.splice(0);
		for (const pane of panes) {
			const groups = pane.changed.splice(0);
			for (const group of groups) group.changed = false;
			if (!pane.closed) this.emitRows(plan, pane, groups, false);
		}
	}

	/** Closes every window that ends at or before `watermark`, in order of end. */
	private closeUpTo(plan: AggregatePlan, watermark: number) {
		if (watermark < this.nextClose) return;
		const closing: Pane[] = [];
		let next = Infinity;
		for (const pane of this.windows.values()) {
			if (pane.end <= watermark) closing.push(pane);
			else if (pane.end < next) next = pane.end;
		}

		for (const list of this.sessions.values()) {
			for (const pane of list) {
				if (pane.end <= watermark) closing.push(pane);
				else if (pane.end < next) next = pane.end;
			}
		}

		closing.sort((a, b) => a.end - b.end || a.start - b.start);
		for (const pane of closing) this.closePane(plan, pane);
		this.nextClose = next;
	}

	private closePane(plan: AggregatePlan, pane: Pane) {
		if (pane.closed) return;
		pane.closed = true;
		if (pane.key === undefined) {
			this.windows.delete(pane.id);
		} else {
			const list = this.sessions.get(pane.key)!;
			list.splice(list.indexOf(pane), 1);
			if (list.length === 0) this.sessions.delete(pane.key);
			this.sessionCount--;
		}

		this.groupCount -= pane.groups.size;
		if (plan.emit === 'FINAL') this.emitRows(plan, pane, pane.groups.values(), true);
		for (const listener of this.closeListeners) listener(pane.start, pane.end);
	}

	/** The rows of `groups` in `pane`: HAVING, ORDER BY and LIMIT applied. */
	private emitRows(plan: AggregatePlan, pane: Pane, groups: Iterable<Group>, final: boolean) {
		const {view} = this;
		view.start = pane.start;
		view.end = pane.end;
		const rows: Array<{row: QueryRow; order: unknown[]}> = [];
		for (const group of groups) {
			view.keys = group.keys;
			const results = group.accumulators.map((accumulator) => {
				if (accumulator.approximation) this.warnOnce(accumulator.approximation);
				return accumulator.result();
			});
			view.results = results;
			if (plan.having && toBoolean(plan.having(view)) !== true) continue;
			const values: Record<string, unknown> = {};
			for (const output of plan.outputs) {
				values[output.name] = outputValue(output.evaluate(view), output.type);
			}

			const order = plan.orderBy.map((item) => item.evaluate(view));
			rows.push({
				row: {values, windowStart: pane.start, windowEnd: pane.end, final, key: group.key},
				order,
			});
		}

		if (plan.orderBy.length > 0) {
			rows.sort((a, b) => {
				for (let i = 0; i < plan.orderBy.length; i++) {
					const order = sortOrder(a.order[i], b.order[i]);
					if (order !== 0) return plan.orderBy[i].descending ? -order : order;
				}

				return 0;
			});
		}

		const count = plan.limit === undefined ? rows.length : Math.min(plan.limit, rows.length);
		for (let i = 0; i < count; i++) this.emit(rows[i].row);
	}

	private emit(row: QueryRow) {
		this.counters.rows++;
		for (const listener of this.rowListeners) listener(row);
	}

	/** A warning of a kind, then again at most every 10 s with the running count. */
	private warn(kind: QueryWarningKind, message: string, count: number) {
		const now = this.now();
		const last = this.warnedAt.get(kind);
		if (last !== undefined && now - last < WARNING_INTERVAL_MS) return;
		this.warnedAt.set(kind, now);
		const warning = {kind, message: `${message} (${count.toLocaleString('en-US')} so far)`};
		for (const listener of this.warningListeners) listener(warning);
	}

	private warnOnce(message: string) {
		if (this.warnedAt.has(message)) return;
		this.warnedAt.set(message, this.now());
		for (const listener of this.warningListeners) listener({kind: 'approximate', message});
	}
}

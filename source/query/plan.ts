/**
 * The planner: checks a parsed query against the columns, functions and aggregates there are, and
 * turns it into what the executor runs — the time column and watermark, the window, the WHERE
 * predicate, group keys, aggregates, and the output columns, all as compiled closures.
 */
import type {Expression, Query, WindowKind} from './ast.js';
import {aggregateNamed, type Accumulator} from './aggregates.js';
import {COLUMN_NAMES, recordColumn, windowColumn, type ColumnName} from './columns.js';
import {compileExpression, type Compiled, type Evaluator} from './compile-expression.js';
import {expressionKey} from './expression-key.js';
import {formatInterval, unitMs} from './intervals.js';
import {parseQuery} from './parser.js';
import {errorAt, nearestName, type SourceSpan} from './query-error.js';
import type {RecordRow} from './record-row.js';
import {toTimestamp, type ValueType} from './values.js';

/**
 * How far the watermark trails the newest arrival time when the query names none: shards are read by
 * separate polls (once a second at the tip), so one shard's records can reach us a little after a
 * newer record of another.
 */
export const DEFAULT_ARRIVAL_DELAY_MS = 2000;

/** Where a record's time comes from. */
export type TimeSource =
	| {kind: 'arrival'; label: 'arrival_ts'}
	| {kind: 'proc'; label: 'proc_ts'}
	| {kind: 'expression'; label: string; evaluate: (row: RecordRow) => number | null};

export type WindowPlan = {
	kind: WindowKind;
	/** The window's size; for SESSION, the gap. */
	size: number;
	/** HOP's slide, CUMULATE's step. */
	step: number | undefined;
};

/** An aggregate's group as output expressions see it. */
export type GroupView = {keys: unknown[]; results: unknown[]; start: number; end: number};

export type AggregateBinding = {
	label: string;
	create: () => Accumulator;
	/** The value each record adds; undefined for COUNT(*). */
	input: Evaluator<RecordRow> | undefined;
};

export type OutputColumn<C> = {name: string; type: ValueType; evaluate: Evaluator<C>};

type Common = {
	sql: string;
	stream: string;
	where: Evaluator<RecordRow> | undefined;
	limit: number | undefined;
	/** The output's keys, in order. */
	columns: string[];
};

/** Windowed aggregation: rows `{window_start, window_end, …}` as windows emit. */
export type AggregatePlan = Common & {
	mode: 'aggregate';
	window: WindowPlan;
	time: TimeSource;
	/** How far the watermark trails the newest time seen. */
	delay: number;
	keys: Array<Evaluator<RecordRow>>;
	aggregates: AggregateBinding[];
	outputs: Array<OutputColumn<GroupView>>;
	having: Evaluator<GroupView> | undefined;
	orderBy: Array<{evaluate: Evaluator<GroupView>; descending: boolean}>;
	emit: 'CHANGES' | 'FINAL';
};

/** No GROUP BY, no aggregate, no window: one row per matching record. */
export type ProjectPlan = Common & {
	mode: 'project';
	outputs: Array<OutputColumn<RecordRow>>;
};

export type QueryPlan = AggregatePlan | ProjectPlan;

export type PlanOptions = {now?: () => number};

const COLUMN_EVALUATORS: Record<ColumnName, Evaluator<RecordRow>> = {
	partition_key: (row) => row.partitionKey,
	sequence_number: (row) => row.sequenceNumber,
	shard_id: (row) => row.shardId,
	arrival_ts: (row) => row.arrival,
	proc_ts: (row) => row.proc,
	data: (row) => row.data,
	size: (row) => row.size,
};

const STAR_COLUMNS: readonly ColumnName[] = [
	'shard_id',
	'sequence_number',
	'partition_key',
	'arrival_ts',
	'data',
];

/** Parses and plans; throws a QueryError pointing into `sql`. */
export function planQuery(sql: string, options: PlanOptions = {}): QueryPlan {
	return new Planner(sql, parseQuery(sql), options.now ?? Date.now).plan();
}

/** The innermost base of `data.a.b` (`data`), or the expression itself. */
function rootOf(expression: Expression): Expression {
	return expression.kind === 'field' ? rootOf(expression.base) : expression;
}

function isAggregateCall(expression: Expression) {
	return expression.kind === 'call' && aggregateNamed(expression.name) !== undefined;
}

function containsAggregate(expression: Expression): boolean {
	if (isAggregateCall(expression)) return true;
	return children(expression).some(containsAggregate);
}

function children(expression: Expression): Expression[] {
	switch (expression.kind) {
		case 'field': {
			return [expression.base];
		}

		case 'unary':
		case 'cast':
		case 'step':
		case 'floor-to':
		case 'is-null': {
			return [expression.operand];
		}

		case 'binary': {
			return [expression.left, expression.right];
		}

		case 'call': {
			return expression.args;
		}

		case 'case': {
			return [
				...(expression.operand ? [expression.operand] : []),
				...expression.branches.flatMap(({when, then}) => [when, then]),
				...(expression.otherwise ? [expression.otherwise] : []),
			];
		}

		case 'in': {
			return [expression.operand, ...expression.list];
		}

		case 'like': {
			return [expression.operand, expression.pattern];
		}

		case 'between': {
			return [expression.operand, expression.low, expression.high];
		}

		default: {
			return [];
		}
	}
}

class Planner {
	/** The names the stream goes by in the query (`s` of `s.ROWTIME`), lower-cased. */
	private readonly streamNames: Set<string>;

	constructor(
		private readonly sql: string,
		private readonly query: Query,
		private readonly now: () => number,
	) {
		this.streamNames = new Set(
			[query.stream.name, query.stream.alias]
				.filter((name) => name !== undefined)
				.map((name) => name.toLowerCase()),
		);
	}

	private error(span: SourceSpan, reason: string, suggestion?: string): never {
		throw errorAt(this.sql, span, reason, suggestion);
	}

	plan(): QueryPlan {
		const {query} = this;
		const where = query.where ? this.predicate(query.where, 'WHERE') : undefined;
		const aggregated =
			query.window !== undefined ||
			query.groupBy.length > 0 ||
			query.select.some((item) => containsAggregate(item.expression)) ||
			query.having !== undefined;
		const common = {sql: this.sql, stream: query.stream.name, where, limit: query.limit};
		return aggregated ? this.aggregatePlan(common) : this.projectPlan(common);
	}

	// ─── Record context: WHERE, GROUP BY keys, aggregate inputs, projections ───────────────────

	private recordExpression(expression: Expression, clause: string): Compiled<RecordRow> {
		return compileExpression<RecordRow>(expression, {
			sql: this.sql,
			now: this.now,
			resolve: (node) => this.resolveRecordNode(node, clause),
		});
	}

	private predicate(expression: Expression, clause: string): Evaluator<RecordRow> {
		return this.recordExpression(expression, clause).evaluate;
	}

	private resolveRecordNode(node: Expression, clause: string): Compiled<RecordRow> | undefined {
		if (node.kind === 'call' && isAggregateCall(node)) {
			this.error(node, `aggregate ${node.name.toUpperCase()} is not allowed in ${clause}`);
		}

		if (
			node.kind === 'field' &&
			node.base.kind === 'name' &&
			this.streamNames.has(node.base.name.toLowerCase())
		) {
			// `s.partition_key`, KDA's `s.ROWTIME`: the stream's own column.
			if (typeof node.key === 'string' && recordColumn(node.key)) {
				return this.column(node.key, node);
			}
		}

		if (node.kind !== 'name') return undefined;
		if (node.name.toUpperCase() === 'CURRENT_TIMESTAMP') return undefined;
		if (node.name === '*') this.error(node, '* is only allowed alone in SELECT or in COUNT(*)');
		if (windowColumn(node.name)) {
			this.error(
				node,
				`${node.name} is only known once records are grouped into windows: use it in SELECT, HAVING or ORDER BY`,
			);
		}

		return this.column(node.name, node);
	}

	private column(name: string, span: SourceSpan): Compiled<RecordRow> {
		const column = recordColumn(name);
		if (!column) {
			const suggestion = nearestName(name, COLUMN_NAMES);
			this.error(
				span,
				suggestion
					? `unknown column ${name}`
					: `unknown column ${name} (payload fields are written data.${name})`,
				suggestion,
			);
		}

		return {evaluate: COLUMN_EVALUATORS[column.name], type: column.type, constant: false};
	}

	// ─── Projection ───────────────────────────────────────────────────────────────────────────

	private projectPlan(common: Omit<Common, 'columns'>): ProjectPlan {
		const {query} = this;
		if (query.orderBy.length > 0) {
			this.error(
				query.orderBy[0].expression,
				'ORDER BY needs a window: rows are sorted within each window',
			);
		}

		const outputs: Array<OutputColumn<RecordRow>> = [];
		const names = new NameSet();
		for (const item of query.select) {
			if (item.expression.kind === 'name' && item.expression.name === '*') {
				for (const name of STAR_COLUMNS) {
					const compiled = this.column(name, item);
					outputs.push({name: names.add(name), type: compiled.type, evaluate: compiled.evaluate});
				}

				continue;
			}

			const compiled = this.recordExpression(item.expression, 'SELECT');
			outputs.push({
				name: names.add(item.alias ?? derivedName(item.expression)),
				type: compiled.type,
				evaluate: compiled.evaluate,
			});
		}

		return {...common, mode: 'project', outputs, columns: outputs.map((output) => output.name)};
	}

	// ─── Aggregation ──────────────────────────────────────────────────────────────────────────

	private aggregatePlan(common: Omit<Common, 'columns'>): AggregatePlan {
		const {query} = this;
		const {window, time, delay, windowKey} = this.windowAndTime();
		const keyExpressions: Array<{key: string; type: ValueType}> = [];
		const keys: Array<Evaluator<RecordRow>> = [];
		for (const written of query.groupBy) {
			if (written.kind === 'name' && windowColumn(written.name)) continue;
			const expression = this.unalias(written);
			const key = expressionKey(expression);
			if (key === windowKey) continue;
			if (keyExpressions.some((existing) => existing.key === key)) continue;
			const compiled = this.recordExpression(expression, 'GROUP BY');
			keyExpressions.push({key, type: compiled.type});
			keys.push(compiled.evaluate);
		}

		const aggregates: AggregateBinding[] = [];
		const aggregateKeys: string[] = [];
		const aliases = new Map<string, Compiled<GroupView>>();
		const groupExpression = (expression: Expression, clause: string) =>
			compileExpression<GroupView>(expression, {
				sql: this.sql,
				now: this.now,
				resolve: (node) => {
					const key = expressionKey(node);
					const keyIndex = keyExpressions.findIndex((existing) => existing.key === key);
					if (keyIndex !== -1) {
						return {
							evaluate: (view) => view.keys[keyIndex],
							type: keyExpressions[keyIndex].type,
							constant: false,
						};
					}

					if (key === windowKey)
						return {evaluate: (view) => view.start, type: 'timestamp', constant: false};
					if (node.kind === 'call' && isAggregateCall(node)) {
						let index = aggregateKeys.indexOf(key);
						if (index === -1) {
							index = aggregates.length;
							aggregates.push(this.aggregate(node));
							aggregateKeys.push(key);
						}

						const type = this.aggregateType(node);
						return {evaluate: (view) => view.results[index], type, constant: false};
					}

					if (node.kind === 'name') {
						const windowName = windowColumn(node.name);
						if (windowName === 'window_start')
							return {evaluate: (view) => view.start, type: 'timestamp', constant: false};
						if (windowName === 'window_end')
							return {evaluate: (view) => view.end, type: 'timestamp', constant: false};
						const alias = aliases.get(node.name.toLowerCase());
						if (alias && clause !== 'SELECT') return alias;
					}

					const root = rootOf(node);
					if (root.kind === 'name' && root.name.toUpperCase() !== 'CURRENT_TIMESTAMP') {
						if (root !== node && this.streamNames.has(root.name.toLowerCase())) return undefined;
						if (root === node && !recordColumn(node.name)) {
							this.column(node.name, node); // unknown: the same error and suggestion as elsewhere
						}

						this.error(
							node,
							`${this.sql.slice(node.start, node.end)} is neither grouped nor aggregated: add it to GROUP BY or use it inside an aggregate`,
						);
					}

					return undefined;
				},
			});

		const names = new NameSet(['window_start', 'window_end']);
		const selected: Array<OutputColumn<GroupView>> = [];
		let windowStart: OutputColumn<GroupView> | undefined;
		let windowEnd: OutputColumn<GroupView> | undefined;
		for (const item of query.select) {
			if (item.expression.kind === 'name' && item.expression.name === '*') {
				this.error(item, 'SELECT * cannot be grouped: name the columns and aggregates');
			}

			const compiled = groupExpression(item.expression, 'SELECT');
			const name = item.alias ?? derivedName(item.expression);
			const output = {name, type: compiled.type, evaluate: compiled.evaluate};
			if (windowColumn(name) === 'window_start' && item.alias === undefined)
				windowStart = {...output, name: 'window_start'};
			else if (windowColumn(name) === 'window_end' && item.alias === undefined)
				windowEnd = {...output, name: 'window_end'};
			else selected.push({...output, name: names.add(name)});
			if (item.alias) aliases.set(item.alias.toLowerCase(), compiled);
		}

		const outputs: Array<OutputColumn<GroupView>> = [
			windowStart ?? {name: 'window_start', type: 'timestamp', evaluate: (view) => view.start},
			windowEnd ?? {name: 'window_end', type: 'timestamp', evaluate: (view) => view.end},
			...selected,
		];
		const having = query.having ? groupExpression(query.having, 'HAVING').evaluate : undefined;
		const orderBy = query.orderBy.map(({expression, descending}) => ({
			evaluate: groupExpression(expression, 'ORDER BY').evaluate,
			descending,
		}));
		return {
			...common,
			mode: 'aggregate',
			window,
			time,
			delay,
			keys,
			aggregates,
			outputs,
			having,
			orderBy,
			emit: query.emit,
			columns: outputs.map((output) => output.name),
		};
	}

	/** `GROUP BY u` for `SELECT data.user AS u`: the selected expression, when u is no column. */
	private unalias(expression: Expression): Expression {
		if (expression.kind !== 'name' || recordColumn(expression.name)) return expression;
		const item = this.query.select.find(
			(candidate) => candidate.alias?.toLowerCase() === expression.name.toLowerCase(),
		);
		return item && !containsAggregate(item.expression) ? item.expression : expression;
	}

	private aggregateType(node: Extract<Expression, {kind: 'call'}>): ValueType {
		const definition = aggregateNamed(node.name)!;
		const input = node.args[0] ? this.recordExpression(node.args[0], node.name).type : 'number';
		return definition.type(input);
	}

	private aggregate(node: Extract<Expression, {kind: 'call'}>): AggregateBinding {
		const definition = aggregateNamed(node.name)!;
		const label = this.sql.slice(node.start, node.end);
		if (node.star && !definition.star)
			this.error(node, `${definition.name}(*) is not allowed: name a value`);
		if (node.distinct && !definition.distinct)
			this.error(node, `DISTINCT is only allowed in COUNT`);
		const wanted = node.star ? 0 : 1 + definition.constants;
		if (node.args.length !== wanted) {
			const usage =
				definition.constants === 0
					? `${definition.name}(value)`
					: definition.name === 'TOPK'
						? 'TOPK(value, k)'
						: `${definition.name}(value, q)`;
			this.error(
				node,
				`${definition.name} takes ${wanted} argument${wanted === 1 ? '' : 's'}: ${usage}`,
			);
		}

		const constants = node.args.slice(1).map((arg) => {
			const compiled = this.recordExpression(arg, definition.name);
			const value = compiled.constant
				? compiled.evaluate(undefined as unknown as RecordRow)
				: undefined;
			if (typeof value !== 'number')
				this.error(arg, `this argument of ${definition.name} must be a constant number`);
			return value;
		});
		const problem = definition.check?.(constants);
		if (problem) this.error(node.args[1] ?? node, problem);
		for (const arg of node.args) {
			if (containsAggregate(arg)) this.error(arg, 'aggregates cannot be nested');
		}

		const input = node.star
			? undefined
			: this.recordExpression(node.args[0], definition.name).evaluate;
		return {
			label,
			create: definition.create(constants, {distinct: node.distinct, star: node.star}),
			input,
		};
	}

	/** The window, the time it is cut on, and the watermark's delay, from whichever form was used. */
	private windowAndTime(): {
		window: WindowPlan;
		time: TimeSource;
		delay: number;
		windowKey: string | undefined;
	} {
		const {query} = this;
		const steps = query.groupBy.filter(
			(expression) => expression.kind === 'step' || expression.kind === 'floor-to',
		);
		if (steps.length > 1)
			this.error(steps[1], 'only one STEP or FLOOR(… TO …) can make the window');
		const step = steps[0];
		if (step && query.window)
			this.error(step, 'the window is already given; drop this STEP or FLOOR(… TO …)');
		let window: WindowPlan;
		let timeExpression: Expression | undefined;
		let windowKey: string | undefined;
		if (query.window) {
			const {kind, size, step: slide, timeColumn} = query.window;
			if (slide !== undefined && slide > size) {
				this.error(
					query.window,
					kind === 'HOP'
						? 'the slide cannot be longer than the size'
						: 'the step cannot be longer than the size',
				);
			}

			if (kind === 'CUMULATE' && slide !== undefined && size % slide !== 0) {
				this.error(query.window, 'CUMULATE needs a size that is a whole number of steps');
			}

			window = {kind, size, step: slide};
			timeExpression = timeColumn;
		} else if (step) {
			window = {
				kind: 'TUMBLE',
				size: step.kind === 'step' ? step.ms : unitMs(step.unit),
				step: undefined,
			};
			timeExpression = step.operand;
			windowKey = expressionKey(step);
		} else {
			this.error(
				query.stream,
				"grouping needs a window: add WINDOW TUMBLING (SIZE 10 SECONDS), FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '10' SECOND)) or GROUP BY STEP(arrival_ts BY INTERVAL '10' SECOND)",
			);
		}

		const {watermark} = query;
		if (
			watermark &&
			timeExpression &&
			expressionKey(timeExpression) !== expressionKey(watermark.column)
		) {
			this.error(
				timeExpression,
				`the watermark is declared for ${this.sql.slice(watermark.column.start, watermark.column.end)}, not this column`,
			);
		}

		const time = this.timeSource(timeExpression ?? watermark?.column);
		const grace = query.window?.grace ?? 0;
		const delay =
			(watermark ? watermark.delay : time.kind === 'arrival' ? DEFAULT_ARRIVAL_DELAY_MS : 0) +
			grace;
		return {window, time, delay, windowKey};
	}

	private timeSource(expression: Expression | undefined): TimeSource {
		if (!expression) return {kind: 'arrival', label: 'arrival_ts'};
		const compiled = this.recordExpression(expression, 'the time column');
		if (compiled.evaluate === COLUMN_EVALUATORS.arrival_ts)
			return {kind: 'arrival', label: 'arrival_ts'};
		if (compiled.evaluate === COLUMN_EVALUATORS.proc_ts) return {kind: 'proc', label: 'proc_ts'};
		if (
			compiled.type !== 'timestamp' &&
			compiled.type !== 'json' &&
			compiled.type !== 'any' &&
			compiled.type !== 'number' &&
			compiled.type !== 'string'
		) {
			this.error(expression, 'the window needs a time here');
		}

		const evaluate = compiled.evaluate;
		const label = this.sql.slice(expression.start, expression.end);
		return {
			kind: 'expression',
			label,
			evaluate:
				compiled.type === 'timestamp'
					? (row) => {
							const value = evaluate(row);
							return typeof value === 'number' ? value : null;
						}
					: (row) => toTimestamp(evaluate(row)),
		};
	}
}

/** Output names: unique, a later duplicate numbered (`count`, `count_2`). */
class NameSet {
	private readonly used: Set<string>;
	constructor(reserved: string[] = []) {
		this.used = new Set(reserved);
	}

	add(name: string) {
		let candidate = name;
		for (let i = 2; this.used.has(candidate); i++) candidate = `${name}_${i}`;
		this.used.add(candidate);
		return candidate;
	}
}

/** A column's name when the query gives none: the column, the field, or the function, lower-cased. */
function derivedName(expression: Expression): string {
	switch (expression.kind) {
		case 'name': {
			return (
				recordColumn(expression.name)?.name ?? windowColumn(expression.name) ?? expression.name
			);
		}

		case 'field': {
			return typeof expression.key === 'string' ? expression.key : derivedName(expression.base);
		}

		case 'call': {
			return expression.name.toLowerCase();
		}

		case 'cast': {
			return derivedName(expression.operand);
		}

		case 'step':
		case 'floor-to': {
			return 'window_start';
		}

		default: {
			return 'expr';
		}
	}
}

/** For messages: `TUMBLE 10 seconds`, `HOP 1 minute every 10 seconds`. */
export function describeWindow(window: WindowPlan): string {
	switch (window.kind) {
		case 'TUMBLE': {
			return `tumbling ${formatInterval(window.size)}`;
		}

		case 'HOP': {
			return `hopping ${formatInterval(window.size)} every ${formatInterval(window.step!)}`;
		}

		case 'CUMULATE': {
			return `cumulating to ${formatInterval(window.size)} by ${formatInterval(window.step!)}`;
		}

		case 'SESSION': {
			return `session, gap ${formatInterval(window.size)}`;
		}
	}
}

/** The syntax tree the parser builds: every node keeps its span of the SQL text, for errors. */
import type {SourceSpan} from './query-error.js';
import type {TimeUnit} from './intervals.js';

export type Expression = SourceSpan &
	(
		| {kind: 'literal'; value: string | number | boolean | null}
		/** A time: `TIMESTAMP '2026-01-01 00:00:00'`, as epoch milliseconds. */
		| {kind: 'timestamp'; ms: number}
		| {kind: 'interval'; ms: number}
		/** A name: a column (`partition_key`), an alias, or the stream (`s` in `s.ROWTIME`). */
		| {kind: 'name'; name: string; quoted: boolean}
		/** A field of a JSON value: `data.a`, `data['x-y']`, `data->'a'` (JSON) or `data->>'a'` (text). */
		| {kind: 'field'; base: Expression; key: string | number; text: boolean}
		| {kind: 'unary'; op: '-' | 'NOT'; operand: Expression}
		| {kind: 'binary'; op: BinaryOperator; left: Expression; right: Expression}
		| {kind: 'call'; name: string; args: Expression[]; distinct: boolean; star: boolean}
		| {
				kind: 'case';
				operand: Expression | undefined;
				branches: Array<{when: Expression; then: Expression}>;
				otherwise: Expression | undefined;
		  }
		| {kind: 'in'; operand: Expression; list: Expression[]; negated: boolean}
		| {kind: 'like'; operand: Expression; pattern: Expression; negated: boolean}
		| {kind: 'between'; operand: Expression; low: Expression; high: Expression; negated: boolean}
		| {kind: 'is-null'; operand: Expression; negated: boolean}
		| {kind: 'cast'; operand: Expression; type: CastType}
		/** KDA's `STEP(ROWTIME BY INTERVAL '10' SECOND)`: the start of the step the time falls in. */
		| {kind: 'step'; operand: Expression; ms: number}
		/** `FLOOR(ts TO MINUTE)`. */
		| {kind: 'floor-to'; operand: Expression; unit: TimeUnit}
	);

export type BinaryOperator =
	'OR' | 'AND' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '||';

export type CastType = 'INT' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'TIMESTAMP';

export type SelectItem = SourceSpan & {expression: Expression; alias: string | undefined};

export type WindowKind = 'TUMBLE' | 'HOP' | 'SESSION' | 'CUMULATE';

/** A window as written, in either form; the planner resolves the time column. */
export type WindowClause = SourceSpan & {
	kind: WindowKind;
	/** Flink's DESCRIPTOR(col); undefined in ksqlDB's form (the event time, else arrival_ts). */
	timeColumn: Expression | undefined;
	/** TUMBLE, HOP and CUMULATE: the window's size. SESSION: the gap. */
	size: number;
	/** HOP: the slide (ADVANCE BY). CUMULATE: the step. */
	step: number | undefined;
	/** ksqlDB's GRACE PERIOD: how long a window waits for late records. */
	grace: number | undefined;
};

export type Watermark = SourceSpan & {column: Expression; delay: number};

export type OrderItem = {expression: Expression; descending: boolean};

export type Query = {
	select: SelectItem[];
	stream: SourceSpan & {name: string; alias: string | undefined};
	watermark: Watermark | undefined;
	window: WindowClause | undefined;
	where: Expression | undefined;
	groupBy: Expression[];
	having: Expression | undefined;
	orderBy: OrderItem[];
	limit: number | undefined;
	emit: 'CHANGES' | 'FINAL';
};

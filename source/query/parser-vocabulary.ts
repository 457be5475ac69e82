/**
 * The dialect's words and what the parser can expect: the reserved words, the CAST types, the window
 * functions and clause keywords, and how an expectation is named in an error message or offered by
 * completion.
 */
import type {CastType, WindowKind} from './ast.js';

/** What the parser would have accepted at a point: a keyword, a symbol, or a kind of thing. */
export type Expectation =
	| {kind: 'keyword'; text: string}
	| {kind: 'symbol'; text: string}
	| {kind: 'expression' | 'stream' | 'name' | 'unit' | 'type' | 'number' | 'interval'};

const SLOT_LABELS = {
	expression: 'an expression',
	stream: 'a stream name',
	name: 'a name',
	unit: 'a time unit',
	type: 'a type',
	number: 'a number',
	interval: "an interval (INTERVAL '10' SECOND)",
} as const;

export const expectationLabel = (expectation: Expectation) =>
	expectation.kind === 'keyword'
		? expectation.text
		: expectation.kind === 'symbol'
			? `'${expectation.text}'`
			: SLOT_LABELS[expectation.kind];

/** Words that cannot be a bare column name or an alias without AS. */
export const RESERVED = new Set([
	'SELECT',
	'FROM',
	'WHERE',
	'GROUP',
	'BY',
	'HAVING',
	'ORDER',
	'LIMIT',
	'EMIT',
	'WINDOW',
	'WATERMARK',
	'AND',
	'OR',
	'NOT',
	'IN',
	'LIKE',
	'BETWEEN',
	'IS',
	'NULL',
	'TRUE',
	'FALSE',
	'CASE',
	'WHEN',
	'THEN',
	'ELSE',
	'END',
	'AS',
	'ASC',
	'DESC',
	'DISTINCT',
	'INTERVAL',
	'TABLE',
	'CAST',
]);

export const CAST_TYPES: Record<string, CastType> = {
	INT: 'INT',
	INTEGER: 'INT',
	BIGINT: 'INT',
	SMALLINT: 'INT',
	TINYINT: 'INT',
	LONG: 'INT',
	DOUBLE: 'DOUBLE',
	FLOAT: 'DOUBLE',
	REAL: 'DOUBLE',
	DECIMAL: 'DOUBLE',
	NUMERIC: 'DOUBLE',
	VARCHAR: 'STRING',
	STRING: 'STRING',
	TEXT: 'STRING',
	CHAR: 'STRING',
	BOOLEAN: 'BOOLEAN',
	BOOL: 'BOOLEAN',
	TIMESTAMP: 'TIMESTAMP',
};

/** The type names completion offers after CAST(x AS and ::. */
export const TYPE_NAMES: readonly string[] = Object.keys(CAST_TYPES);

export const WINDOW_FUNCTIONS: readonly WindowKind[] = ['TUMBLE', 'HOP', 'SESSION', 'CUMULATE'];
export const CLAUSE_KEYWORDS = [
	'WHERE',
	'GROUP',
	'HAVING',
	'ORDER',
	'LIMIT',
	'EMIT',
	'WINDOW',
	'WATERMARK',
];
export const COMPARISONS = ['=', '<>', '!=', '<', '<=', '>', '>='] as const;

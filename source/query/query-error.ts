/**
 * Errors in a query, parse or plan: each points at a line and column of the SQL, says what was expected
 * there, and — for a misspelt name — suggests the nearest valid one. The console puts its marker at
 * {@link QueryError.column}; the headless command prints {@link formatQueryError}'s caret picture.
 */
import {displayWidth} from '../display-width.js';

export type SourceSpan = {
	/** Offsets into the SQL text, end exclusive. */
	start: number;
	end: number;
};

export type QueryErrorDetails = SourceSpan & {
	/** 1-based, as editors count. */
	line: number;
	column: number;
	/** What would have been accepted here, for syntax errors. */
	expected?: readonly string[];
	/** The nearest valid name, for a misspelt column, function or keyword. */
	suggestion?: string;
};

export class QueryError extends Error {
	override readonly name = 'QueryError';
	readonly line: number;
	readonly column: number;
	readonly start: number;
	readonly end: number;
	readonly expected: readonly string[];
	readonly suggestion: string | undefined;
	/** The message without the position prefix. */
	readonly reason: string;

	constructor(reason: string, details: QueryErrorDetails) {
		const hint = details.suggestion === undefined ? '' : ` (did you mean ${details.suggestion}?)`;
		super(`line ${details.line}, column ${details.column}: ${reason}${hint}`);
		this.reason = reason + hint;
		this.line = details.line;
		this.column = details.column;
		this.start = details.start;
		this.end = details.end;
		this.expected = details.expected ?? [];
		this.suggestion = details.suggestion;
	}
}

/** The 1-based line and column of an offset. */
export function positionOf(sql: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < offset && i < sql.length; i++) {
		if (sql.charCodeAt(i) === 10) {
			line++;
			lineStart = i + 1;
		}
	}

	return {line, column: offset - lineStart + 1};
}

/** An error at a span of the SQL text. */
export function errorAt(sql: string, span: SourceSpan, reason: string, suggestion?: string) {
	return new QueryError(reason, {...span, ...positionOf(sql, span.start), suggestion});
}

/** The message, then the offending line with a caret under the error (tabs kept so it lines up). */
export function formatQueryError(sql: string, error: QueryError): string {
	const line = sql.split('\n')[error.line - 1] ?? '';
	// Padded by columns, not characters: a CJK character or an emoji before the error takes two.
	const pad = line
		.slice(0, error.column - 1)
		.replaceAll(/[^\t]+/g, (text) => ' '.repeat(displayWidth(text)));
	const span = line.slice(error.column - 1, error.column - 1 + error.end - error.start);
	const width = Math.max(1, displayWidth(span));
	return `${error.message}\n  ${line}\n  ${pad}${'^'.repeat(width)}`;
}

/** Edit distance counting a swap of neighbours as one edit (`FORM` is one from `FROM`), case-insensitive. */
export function editDistance(a: string, b: string): number {
	const x = a.toLowerCase();
	const y = b.toLowerCase();
	const rows = Array.from({length: x.length + 1}, (_, i) =>
		Array.from({length: y.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
	);
	for (let i = 1; i <= x.length; i++) {
		for (let j = 1; j <= y.length; j++) {
			const cost = x[i - 1] === y[j - 1] ? 0 : 1;
			rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
				rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
			}
		}
	}

	return rows[x.length][y.length];
}

/**
 * The candidate nearest to `name`, if it is near enough to be a plausible misspelling: at most a third
 * of the name's letters wrong (and at least one allowed), so `COUNT` suggests nothing for `FOO`.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
	const limit = Math.max(1, Math.floor(name.length / 3));
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const distance = editDistance(name, candidate);
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}

	return bestDistance <= limit ? best : undefined;
}

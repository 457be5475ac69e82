/**
 * The query's tokens, each with its offsets so that errors and completion can point into the text.
 * Words are not classified as keywords here: the parser decides, case-insensitively, by position, so
 * a keyword that is not reserved (`SIZE`, `SECOND`, …) can still name a column.
 */
import {errorAt} from './query-error.js';

export type TokenKind = 'word' | 'quoted' | 'number' | 'string' | 'symbol' | 'end';

export type Token = {
	kind: TokenKind;
	/** The text as written (for `quoted` and `string`, without quotes and with doubled quotes undone). */
	text: string;
	/** Upper-cased text of a word, for keyword tests. */
	upper: string;
	start: number;
	end: number;
};

// Longest first, so `->>` wins over `->` and `<=` over `<`.
const SYMBOLS = [
	'->>',
	'->',
	'::',
	'||',
	'<=',
	'>=',
	'<>',
	'!=',
	'=>',
	'(',
	')',
	',',
	'.',
	';',
	'*',
	'+',
	'-',
	'/',
	'%',
	'=',
	'<',
	'>',
	'[',
	']',
];

const isWordStart = (char: string) => /[A-Za-z_]/.test(char);
const isWordPart = (char: string) => /[A-Za-z0-9_$]/.test(char);
const isDigit = (char: string) => char >= '0' && char <= '9';

/**
 * The tokens of `sql`, ending with an `end` token. With `lenient`, an unterminated string or quoted
 * name runs to the end of the text instead of failing (completion reads half-typed queries).
 */
export function tokenize(sql: string, lenient = false): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	const push = (kind: TokenKind, text: string, start: number, end: number) =>
		tokens.push({kind, text, upper: kind === 'word' ? text.toUpperCase() : text, start, end});
	while (i < sql.length) {
		const char = sql[i];
		if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
			i++;
		} else if (char === '-' && sql[i + 1] === '-') {
			while (i < sql.length && sql[i] !== '\n') i++;
		} else if (char === '/' && sql[i + 1] === '*') {
			const close = sql.indexOf('*/', i + 2);
			if (close === -1) {
				if (lenient) break;
				throw errorAt(sql, {start: i, end: sql.length}, 'this comment is never closed with */');
			}

			i = close + 2;
		} else if (char === "'" || char === '"') {
			const start = i;
			let text = '';
			i++;
			while (true) {
				if (i >= sql.length) {
					if (lenient) break;
					throw errorAt(
						sql,
						{start, end: sql.length},
						char === "'"
							? "this string is never closed with '"
							: 'this name is never closed with "',
					);
				}

				if (sql[i] === char) {
					if (sql[i + 1] === char) {
						text += char;
						i += 2;
						continue;
					}

					i++;
					break;
				}

				text += sql[i++];
			}

			push(char === "'" ? 'string' : 'quoted', text, start, i);
		} else if (isDigit(char) || (char === '.' && isDigit(sql[i + 1] ?? ''))) {
			const start = i;
			while (i < sql.length && isDigit(sql[i])) i++;
			if (sql[i] === '.' && isDigit(sql[i + 1] ?? '')) {
				i++;
				while (i < sql.length && isDigit(sql[i])) i++;
			}

			if ((sql[i] === 'e' || sql[i] === 'E') && /[-+]?\d/.test(sql.slice(i + 1, i + 3))) {
				i += sql[i + 1] === '-' || sql[i + 1] === '+' ? 2 : 1;
				while (i < sql.length && isDigit(sql[i])) i++;
			}

			push('number', sql.slice(start, i), start, i);
		} else if (isWordStart(char)) {
			const start = i;
			while (i < sql.length && isWordPart(sql[i])) i++;
			push('word', sql.slice(start, i), start, i);
		} else {
			const symbol = SYMBOLS.find((candidate) => sql.startsWith(candidate, i));
			if (!symbol) {
				throw errorAt(sql, {start: i, end: i + 1}, `unexpected character '${char}'`);
			}

			push('symbol', symbol, i, i + symbol.length);
			i += symbol.length;
		}
	}

	push('end', '', sql.length, sql.length);
	return tokens;
}

/**
 * The parser's walk over the lexer's tokens: each test of the next token records what it looked
 * for, so that a failure names everything that would have been accepted at the furthest point reached,
 * and completion can ask the same question at the cursor. The expression and query parsers build on it.
 */
import type {Token} from './lexer.js';
import {expectationLabel, RESERVED, type Expectation} from './parser-vocabulary.js';
import {errorAt, nearestName, positionOf, QueryError, type SourceSpan} from './query-error.js';

export class TokenCursor {
	protected index = 0;
	/** The furthest token index any test reached, and what was expected there. */
	protected furthest = 0;
	protected readonly expected = new Map<string, Expectation>();

	constructor(
		protected readonly sql: string,
		protected readonly tokens: Token[],
	) {}

	// ─── Token tests, each recording what it looked for ──────────────────────────────────────

	protected get token() {
		return this.tokens[this.index];
	}

	protected expect(expectation: Expectation) {
		if (this.index > this.furthest) {
			this.furthest = this.index;
			this.expected.clear();
		}

		if (this.index === this.furthest) this.expected.set(expectationLabel(expectation), expectation);
	}

	protected isKeyword(keyword: string) {
		const {token} = this;
		if (token.kind === 'word' && token.upper === keyword) return true;
		this.expect({kind: 'keyword', text: keyword});
		return false;
	}

	protected acceptKeyword(keyword: string) {
		if (!this.isKeyword(keyword)) return false;
		this.index++;
		return true;
	}

	protected keyword(keyword: string) {
		const {token} = this;
		if (!this.acceptKeyword(keyword)) this.fail();
		return token;
	}

	protected isSymbol(symbol: string) {
		const {token} = this;
		if (token.kind === 'symbol' && token.text === symbol) return true;
		this.expect({kind: 'symbol', text: symbol});
		return false;
	}

	protected acceptSymbol(symbol: string) {
		if (!this.isSymbol(symbol)) return false;
		this.index++;
		return true;
	}

	protected symbol(symbol: string) {
		const {token} = this;
		if (!this.acceptSymbol(symbol)) this.fail();
		return token;
	}

	/** A name: a word that is not reserved, or a "quoted" one. */
	protected isName() {
		const {token} = this;
		return token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.upper));
	}

	protected name(slot: 'stream' | 'name' = 'name') {
		const {token} = this;
		if (!this.isName()) {
			this.expect({kind: slot});
			this.fail();
		}

		this.index++;
		return token;
	}

	/**
	 * A stream name. Kinesis names may hold `-` and `.` (`app-logs`): written without spaces they are
	 * one name here, so only names with other characters need "quotes".
	 */
	protected streamName(): Token {
		const first = this.name('stream');
		let {text, end} = first;
		while (true) {
			const joint = this.tokens[this.index];
			const next = this.tokens[this.index + 1];
			const joins =
				joint.kind === 'symbol' &&
				(joint.text === '-' || joint.text === '.') &&
				joint.start === end &&
				next.start === joint.end &&
				(next.kind === 'word' || next.kind === 'number');
			if (!joins) break;
			text += joint.text + next.text;
			end = next.end;
			this.index += 2;
		}

		return {...first, text, end};
	}

	/** Fails at the furthest point reached, naming everything that would have been accepted there. */
	fail(): never {
		const token = this.tokens[this.furthest];
		const expected = [...this.expected.values()];
		const labels = summarize(expected);
		const found = token.kind === 'end' ? 'the end of the query' : `'${token.text}'`;
		const list =
			labels.length <= 1
				? (labels[0] ?? 'something else')
				: `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
		const keywords = expected.flatMap((item) => (item.kind === 'keyword' ? [item.text] : []));
		const suggestion =
			token.kind === 'word'
				? nearestName(
						token.text,
						keywords.filter((k) => k !== token.upper),
					)
				: undefined;
		throw new QueryError(`expected ${list}, found ${found}`, {
			start: token.start,
			end: Math.max(token.end, token.start + 1),
			...positionOf(this.sql, token.start),
			expected: [...this.expected.keys()],
			suggestion,
		});
	}

	/** What was expected at the furthest point, when that point is the end of the text. */
	expectationsAtEnd(): Expectation[] | undefined {
		return this.tokens[this.furthest].kind === 'end' ? [...this.expected.values()] : undefined;
	}

	protected span(start: Token | SourceSpan): SourceSpan {
		const previous = this.tokens[Math.max(0, this.index - 1)];
		return {start: start.start, end: Math.max(start.start, previous.end)};
	}

	protected error(span: SourceSpan, reason: string, suggestion?: string): never {
		throw errorAt(this.sql, span, reason, suggestion);
	}

	protected list<T>(item: () => T): T[] {
		const items = [item()];
		while (this.acceptSymbol(',')) items.push(item());
		return items;
	}
}

const OPERATORS = new Set([
	'+',
	'-',
	'*',
	'/',
	'%',
	'||',
	'=',
	'<>',
	'!=',
	'<',
	'<=',
	'>',
	'>=',
	'.',
	'[',
	'->',
	'->>',
	'::',
	'IS',
	'NOT',
	'IN',
	'LIKE',
	'BETWEEN',
	'AND',
	'OR',
]);

/** The labels of an error message: the many operators that could continue an expression as one. */
function summarize(expected: readonly Expectation[]): string[] {
	const labels: string[] = [];
	let operator = false;
	for (const item of expected) {
		if ((item.kind === 'symbol' || item.kind === 'keyword') && OPERATORS.has(item.text))
			operator = true;
		else labels.push(expectationLabel(item));
	}

	if (operator) labels.push('an operator');
	return labels;
}

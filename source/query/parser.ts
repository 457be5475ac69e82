/**
 * The dialect's parser: hand-written recursive descent over {@link tokenize}'s tokens. Hand-written
 * rather than generated because it gives the two things a console needs from a grammar: errors that
 * name what was expected at the furthest point reached (with the nearest keyword for a misspelt one),
 * and the same expectations at the cursor, which is what completion offers ({@link expectationsAt}).
 *
 *   query  := SELECT [STREAM] item, … FROM source [WATERMARK FOR e AS e [- interval]]
 *             [WINDOW TUMBLING|HOPPING|SESSION (…)] [WHERE e] [GROUP BY e, …] [HAVING e]
 *             [ORDER BY e [ASC|DESC], …] [LIMIT n] [EMIT CHANGES|FINAL] [;]
 *   source := name [[AS] alias]
 *           | TABLE(TUMBLE|HOP|SESSION|CUMULATE(TABLE name [PARTITION BY e, …], DESCRIPTOR(col), interval[, interval]))
 *             (Flink's named arguments `DATA =>`, `TIMECOL =>`, `SIZE =>` … accepted, in this order)
 *   name   := word[-word|.word…] (Kinesis names such as app-logs) | "quoted"
 */
import type {
	BinaryOperator,
	CastType,
	Expression,
	OrderItem,
	Query,
	SelectItem,
	Watermark,
	WindowClause,
	WindowKind,
} from './ast.js';
import {expressionKey} from './expression-key.js';
import {parseIntervalText, unitMs, unitOf, UNIT_NAMES, type TimeUnit} from './intervals.js';
import {tokenize, type Token} from './lexer.js';
import {
	editDistance,
	errorAt,
	nearestName,
	positionOf,
	QueryError,
	type SourceSpan,
} from './query-error.js';

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
const RESERVED = new Set([
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

const CAST_TYPES: Record<string, CastType> = {
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

const WINDOW_FUNCTIONS: readonly WindowKind[] = ['TUMBLE', 'HOP', 'SESSION', 'CUMULATE'];
const CLAUSE_KEYWORDS = [
	'WHERE',
	'GROUP',
	'HAVING',
	'ORDER',
	'LIMIT',
	'EMIT',
	'WINDOW',
	'WATERMARK',
];
const COMPARISONS = ['=', '<>', '!=', '<', '<=', '>', '>='] as const;

class Parser {
	private index = 0;
	/** The furthest token index any test reached, and what was expected there. */
	private furthest = 0;
	private readonly expected = new Map<string, Expectation>();

	constructor(
		private readonly sql: string,
		private readonly tokens: Token[],
	) {}

	// ─── Token tests, each recording what it looked for ──────────────────────────────────────

	private get token() {
		return this.tokens[this.index];
	}

	private expect(expectation: Expectation) {
		if (this.index > this.furthest) {
			this.furthest = this.index;
			this.expected.clear();
		}

		if (this.index === this.furthest) this.expected.set(expectationLabel(expectation), expectation);
	}

	private isKeyword(keyword: string) {
		const {token} = this;
		if (token.kind === 'word' && token.upper === keyword) return true;
		this.expect({kind: 'keyword', text: keyword});
		return false;
	}

	private acceptKeyword(keyword: string) {
		if (!this.isKeyword(keyword)) return false;
		this.index++;
		return true;
	}

	private keyword(keyword: string) {
		const {token} = this;
		if (!this.acceptKeyword(keyword)) this.fail();
		return token;
	}

	private isSymbol(symbol: string) {
		const {token} = this;
		if (token.kind === 'symbol' && token.text === symbol) return true;
		this.expect({kind: 'symbol', text: symbol});
		return false;
	}

	private acceptSymbol(symbol: string) {
		if (!this.isSymbol(symbol)) return false;
		this.index++;
		return true;
	}

	private symbol(symbol: string) {
		const {token} = this;
		if (!this.acceptSymbol(symbol)) this.fail();
		return token;
	}

	/** A name: a word that is not reserved, or a "quoted" one. */
	private isName() {
		const {token} = this;
		return token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.upper));
	}

	private name(slot: 'stream' | 'name' = 'name') {
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
	private streamName(): Token {
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

	private span(start: Token | SourceSpan): SourceSpan {
		const previous = this.tokens[Math.max(0, this.index - 1)];
		return {start: start.start, end: Math.max(start.start, previous.end)};
	}

	private error(span: SourceSpan, reason: string, suggestion?: string): never {
		throw errorAt(this.sql, span, reason, suggestion);
	}

	// ─── The query ───────────────────────────────────────────────────────────────────────────

	query(): Query {
		this.keyword('SELECT');
		this.acceptKeyword('STREAM'); // KDA's SELECT STREAM
		const select = this.list(() => this.selectItem());
		this.keyword('FROM');
		const {stream, window: tableWindow} = this.source();
		const watermark = this.isKeyword('WATERMARK') ? this.watermark() : undefined;
		let window = tableWindow;
		if (this.isKeyword('WINDOW')) {
			const windowToken = this.token;
			const clause = this.windowClause();
			if (window)
				this.error(this.span(windowToken), 'the window is already given in FROM TABLE(…)');
			window = clause;
		}

		const where = this.acceptKeyword('WHERE') ? this.expression() : undefined;
		let groupBy: Expression[] = [];
		if (this.acceptKeyword('GROUP')) {
			this.keyword('BY');
			groupBy = this.list(() => this.expression());
		}

		const having = this.acceptKeyword('HAVING') ? this.expression() : undefined;
		let orderBy: OrderItem[] = [];
		if (this.acceptKeyword('ORDER')) {
			this.keyword('BY');
			orderBy = this.list(() => {
				const expression = this.expression();
				const descending = this.acceptKeyword('DESC');
				if (!descending) this.acceptKeyword('ASC');
				return {expression, descending};
			});
		}

		let limit: number | undefined;
		if (this.acceptKeyword('LIMIT')) {
			const token = this.token;
			if (token.kind !== 'number' || !/^\d+$/.test(token.text)) {
				this.expect({kind: 'number'});
				this.fail();
			}

			this.index++;
			limit = Number(token.text);
		}

		let emit: Query['emit'] = 'FINAL';
		if (this.acceptKeyword('EMIT')) {
			if (this.acceptKeyword('CHANGES')) emit = 'CHANGES';
			else this.keyword('FINAL');
		}

		this.acceptSymbol(';');
		if (this.token.kind !== 'end') {
			this.expect({kind: 'symbol', text: ';'});
			this.fail();
		}

		return {select, stream, watermark, window, where, groupBy, having, orderBy, limit, emit};
	}

	private list<T>(item: () => T): T[] {
		const items = [item()];
		while (this.acceptSymbol(',')) items.push(item());
		return items;
	}

	private selectItem(): SelectItem {
		const start = this.token;
		if (this.acceptSymbol('*')) {
			return {
				expression: {kind: 'name', name: '*', quoted: false, start: start.start, end: start.end},
				alias: undefined,
				...this.span(start),
			};
		}

		const expression = this.expression();
		let alias: string | undefined;
		if (this.acceptKeyword('AS')) alias = this.name().text;
		else if (this.isName()) alias = this.implicitAlias(['FROM']);
		return {expression, alias, ...this.span(start)};
	}

	private source(): {stream: Query['stream']; window: WindowClause | undefined} {
		const start = this.token;
		if (this.acceptKeyword('TABLE')) {
			this.symbol('(');
			const functionToken = this.token;
			const kind = WINDOW_FUNCTIONS.find((name) => this.isKeyword(name));
			if (!kind) {
				if (this.token.kind === 'word') {
					this.error(
						this.token,
						`unknown window function ${this.token.text}: use TUMBLE, HOP, SESSION or CUMULATE`,
						nearestName(this.token.text, WINDOW_FUNCTIONS),
					);
				}

				this.fail();
			}

			this.index++;
			this.symbol('(');
			this.namedArgument('DATA');
			this.keyword('TABLE');
			const nameToken = this.streamName();
			if (this.acceptKeyword('PARTITION')) {
				// SESSION(TABLE s PARTITION BY key, …): sessions are per group, which GROUP BY already says.
				this.keyword('BY');
				this.expression();
				while (this.tokens[this.index + 1]?.upper !== 'DESCRIPTOR' && this.acceptSymbol(',')) {
					this.expression();
				}
			}

			this.symbol(',');
			this.namedArgument('TIMECOL');
			this.keyword('DESCRIPTOR');
			this.symbol('(');
			const timeColumn = this.expression();
			this.symbol(')');
			this.symbol(',');
			this.namedArgument('SIZE', 'SLIDE', 'STEP', 'GAP');
			const first = this.interval();
			let second: number | undefined;
			if (this.acceptSymbol(',')) {
				this.namedArgument('SIZE');
				second = this.interval();
			}
			this.symbol(')');
			this.symbol(')');
			const alias = this.alias();
			const window = this.tableWindow(kind, functionToken, timeColumn, first, second);
			return {
				stream: {name: nameToken.text, alias, start: nameToken.start, end: nameToken.end},
				window: {...window, ...this.span(start)},
			};
		}

		const nameToken = this.streamName();
		const alias = this.alias();
		return {
			stream: {name: nameToken.text, alias, start: nameToken.start, end: nameToken.end},
			window: undefined,
		};
	}

	private alias() {
		if (this.acceptKeyword('AS')) return this.name().text;
		// Words that begin the next clause are not aliases.
		if (this.isName() && !['WINDOW', 'WATERMARK'].includes(this.token.upper)) {
			return this.implicitAlias(CLAUSE_KEYWORDS);
		}

		return undefined;
	}

	/**
	 * An alias written without AS — unless it is one letter away from the keyword that would come next
	 * (`SELECT x FORM s`), which is far more often a typo than a name.
	 */
	private implicitAlias(keywords: readonly string[]) {
		const token = this.token;
		const near =
			token.kind === 'word' && token.text.length >= 4
				? nearestName(token.text, keywords)
				: undefined;
		if (near !== undefined && editDistance(token.text, near) === 1) {
			if (keywords.includes('FROM')) this.expect({kind: 'symbol', text: ','});
			for (const keyword of keywords) this.expect({kind: 'keyword', text: keyword});
			this.fail();
		}

		return this.name().text;
	}

	/** Flink's named arguments (`DATA => TABLE s`, `SIZE => INTERVAL …`): the name is skipped, the order kept. */
	private namedArgument(...names: string[]) {
		const {token} = this;
		const arrow = this.tokens[this.index + 1];
		if (
			token.kind === 'word' &&
			names.includes(token.upper) &&
			arrow.kind === 'symbol' &&
			arrow.text === '=>'
		) {
			this.index += 2;
		}
	}

	/** Flink's argument order: HOP(…, slide, size), CUMULATE(…, step, size), SESSION(…, gap). */
	private tableWindow(
		kind: WindowKind,
		at: Token,
		timeColumn: Expression,
		first: number,
		second: number | undefined,
	): Omit<WindowClause, 'start' | 'end'> {
		const twoIntervals = kind === 'HOP' || kind === 'CUMULATE';
		if (twoIntervals && second === undefined) {
			this.error(
				this.span(at),
				kind === 'HOP'
					? 'HOP needs a slide and a size: HOP(TABLE s, DESCRIPTOR(ts), slide, size)'
					: 'CUMULATE needs a step and a size: CUMULATE(TABLE s, DESCRIPTOR(ts), step, size)',
			);
		}

		if (!twoIntervals && second !== undefined) {
			this.error(this.span(at), `${kind} takes one interval`);
		}

		return twoIntervals
			? {kind, timeColumn, size: second!, step: first, grace: undefined}
			: {kind, timeColumn, size: first, step: undefined, grace: undefined};
	}

	private watermark(): Watermark {
		const start = this.keyword('WATERMARK');
		this.keyword('FOR');
		const column = this.expression();
		this.keyword('AS');
		const bound = this.expression();
		const key = expressionKey(column);
		if (expressionKey(bound) === key) return {column, delay: 0, ...this.span(start)};
		if (
			bound.kind === 'binary' &&
			bound.op === '-' &&
			expressionKey(bound.left) === key &&
			bound.right.kind === 'interval'
		) {
			return {column, delay: bound.right.ms, ...this.span(start)};
		}

		this.error(
			bound,
			"a watermark is the time column minus an interval: WATERMARK FOR x AS x - INTERVAL '5' SECOND",
		);
	}

	/** ksqlDB's `WINDOW TUMBLING (SIZE 10 SECONDS)`, `HOPPING (SIZE …, ADVANCE BY …)`, `SESSION (30 SECONDS)`. */
	private windowClause(): WindowClause {
		const start = this.keyword('WINDOW');
		let kind: WindowKind;
		if (this.acceptKeyword('TUMBLING')) kind = 'TUMBLE';
		else if (this.acceptKeyword('HOPPING')) kind = 'HOP';
		else if (this.acceptKeyword('SESSION')) kind = 'SESSION';
		else if (this.acceptKeyword('CUMULATING')) kind = 'CUMULATE';
		else this.fail();
		this.symbol('(');
		let size: number;
		let step: number | undefined;
		if (kind === 'SESSION') {
			size = this.interval();
		} else {
			this.keyword('SIZE');
			size = this.interval();
			if (kind === 'HOP') {
				this.symbol(',');
				this.keyword('ADVANCE');
				this.keyword('BY');
				step = this.interval();
			} else if (kind === 'CUMULATE') {
				this.symbol(',');
				this.keyword('STEP');
				step = this.interval();
			}
		}

		let grace: number | undefined;
		while (this.acceptSymbol(',')) {
			if (this.acceptKeyword('GRACE')) {
				this.keyword('PERIOD');
				grace = this.interval();
			} else {
				// Windows are kept until they close; retention has nothing to bound here.
				this.keyword('RETENTION');
				this.interval();
			}
		}

		this.symbol(')');
		return {kind, timeColumn: undefined, size, step, grace, ...this.span(start)};
	}

	/** An interval in any of the accepted spellings, in milliseconds (positive). */
	private interval(): number {
		const start = this.token;
		let ms: number | undefined;
		if (this.acceptKeyword('INTERVAL')) {
			ms = this.intervalBody(true);
		} else if (this.token.kind === 'string') {
			ms = this.intervalBody(false);
		} else if (this.token.kind === 'number') {
			ms = this.intervalBody(false);
		} else {
			this.expect({kind: 'interval'});
			this.fail();
		}

		if (!(ms > 0)) this.error(this.span(start), 'an interval must be longer than zero');
		return ms;
	}

	/** After INTERVAL (or in its place): `'10' SECOND`, `'10 seconds'`, `10 SECONDS`. */
	private intervalBody(afterKeyword: boolean): number {
		const token = this.token;
		if (token.kind === 'string') {
			this.index++;
			const whole = parseIntervalText(token.text);
			if (whole !== undefined) return whole;
			if (!/^\s*\d+(\.\d+)?\s*$/.test(token.text)) {
				this.error(token, `'${token.text}' is not an interval: write '10 seconds' or '10' SECOND`);
			}

			return Number(token.text) * unitMs(this.unit());
		}

		if (token.kind === 'number') {
			this.index++;
			return Number(token.text) * unitMs(this.unit());
		}

		this.expect(afterKeyword ? {kind: 'number'} : {kind: 'interval'});
		this.fail();
	}

	private unit(): TimeUnit {
		const token = this.token;
		const unit = token.kind === 'word' ? unitOf(token.text) : undefined;
		if (unit === undefined) {
			this.expect({kind: 'unit'});
			if (token.kind === 'word') {
				this.error(
					token,
					`unknown time unit ${token.text}`,
					nearestName(token.text, [...UNIT_NAMES, ...UNIT_NAMES.map((name) => name + 'S')]),
				);
			}

			this.fail();
		}

		this.index++;
		return unit;
	}

	// ─── Expressions, loosest binding first ─────────────────────────────────────────────────

	expression(): Expression {
		return this.or();
	}

	wholeExpression(): Expression {
		const expression = this.or();
		if (this.token.kind !== 'end') this.fail();
		return expression;
	}

	private binary(op: BinaryOperator, left: Expression, right: Expression): Expression {
		return {kind: 'binary', op, left, right, start: left.start, end: right.end};
	}

	private or(): Expression {
		let left = this.and();
		while (this.acceptKeyword('OR')) left = this.binary('OR', left, this.and());
		return left;
	}

	private and(): Expression {
		let left = this.not();
		while (this.acceptKeyword('AND')) left = this.binary('AND', left, this.not());
		return left;
	}

	private not(): Expression {
		const start = this.token;
		if (this.acceptKeyword('NOT')) {
			const operand = this.not();
			return {kind: 'unary', op: 'NOT', operand, start: start.start, end: operand.end};
		}

		return this.comparison();
	}

	private comparison(): Expression {
		const left = this.concat();
		const operator = COMPARISONS.find((symbol) => this.isSymbol(symbol));
		if (operator) {
			this.index++;
			const op = operator === '!=' ? '<>' : operator;
			return this.binary(op, left, this.concat());
		}

		if (this.acceptKeyword('IS')) {
			const negated = this.acceptKeyword('NOT');
			this.keyword('NULL');
			return {kind: 'is-null', operand: left, negated, ...this.span(left)};
		}

		const negated = this.acceptKeyword('NOT');
		if (this.acceptKeyword('IN')) {
			this.symbol('(');
			const list = this.list(() => this.expression());
			this.symbol(')');
			return {kind: 'in', operand: left, list, negated, ...this.span(left)};
		}

		if (this.acceptKeyword('LIKE')) {
			const pattern = this.concat();
			return {kind: 'like', operand: left, pattern, negated, ...this.span(left)};
		}

		if (this.acceptKeyword('BETWEEN')) {
			const low = this.concat();
			this.keyword('AND');
			const high = this.concat();
			return {kind: 'between', operand: left, low, high, negated, ...this.span(left)};
		}

		if (negated) this.fail();
		return left;
	}

	private concat(): Expression {
		let left = this.additive();
		while (this.acceptSymbol('||')) left = this.binary('||', left, this.additive());
		return left;
	}

	private additive(): Expression {
		let left = this.multiplicative();
		while (true) {
			if (this.acceptSymbol('+')) left = this.binary('+', left, this.multiplicative());
			else if (this.acceptSymbol('-')) left = this.binary('-', left, this.multiplicative());
			else return left;
		}
	}

	private multiplicative(): Expression {
		let left = this.unary();
		while (true) {
			if (this.acceptSymbol('*')) left = this.binary('*', left, this.unary());
			else if (this.acceptSymbol('/')) left = this.binary('/', left, this.unary());
			else if (this.acceptSymbol('%')) left = this.binary('%', left, this.unary());
			else return left;
		}
	}

	private unary(): Expression {
		const start = this.token;
		if (this.acceptSymbol('-')) {
			const operand = this.unary();
			if (operand.kind === 'literal' && typeof operand.value === 'number') {
				return {...operand, value: -operand.value, start: start.start};
			}

			return {kind: 'unary', op: '-', operand, start: start.start, end: operand.end};
		}

		if (this.acceptSymbol('+')) return this.unary();
		return this.postfix(this.primary());
	}

	/** `.name`, `['key']`, `->'key'`, `->>'key'` and `::type` after a value. */
	private postfix(base: Expression): Expression {
		let expression = base;
		while (true) {
			if (this.acceptSymbol('.')) {
				const token = this.token;
				if (token.kind !== 'word' && token.kind !== 'quoted') {
					this.expect({kind: 'name'});
					this.fail();
				}

				this.index++;
				expression = {
					kind: 'field',
					base: expression,
					key: token.text,
					text: false,
					...this.span(base),
				};
			} else if (this.acceptSymbol('[')) {
				const key = this.fieldKey();
				this.symbol(']');
				expression = {kind: 'field', base: expression, key, text: false, ...this.span(base)};
			} else if (this.isSymbol('->') || this.isSymbol('->>')) {
				const text = this.token.text === '->>';
				this.index++;
				const key = this.fieldKey();
				expression = {kind: 'field', base: expression, key, text, ...this.span(base)};
			} else if (this.acceptSymbol('::')) {
				const type = this.castType();
				expression = {kind: 'cast', operand: expression, type, ...this.span(base)};
			} else {
				return expression;
			}
		}
	}

	private fieldKey(): string | number {
		const token = this.token;
		if (token.kind === 'string') {
			this.index++;
			return token.text;
		}

		if (token.kind === 'number' && /^\d+$/.test(token.text)) {
			this.index++;
			return Number(token.text);
		}

		this.expect({kind: 'symbol', text: "'key'"});
		this.fail();
	}

	private castType(): CastType {
		const token = this.token;
		const type = token.kind === 'word' ? CAST_TYPES[token.upper] : undefined;
		if (!type) {
			this.expect({kind: 'type'});
			if (token.kind === 'word') {
				this.error(token, `unknown type ${token.text}`, nearestName(token.text, TYPE_NAMES));
			}

			this.fail();
		}

		this.index++;
		// VARCHAR(255), DECIMAL(10, 2): the size does not matter here.
		if (this.acceptSymbol('(')) {
			this.list(() => {
				if (this.token.kind !== 'number') {
					this.expect({kind: 'number'});
					this.fail();
				}

				this.index++;
			});
			this.symbol(')');
		}

		return type;
	}

	private primary(): Expression {
		const token = this.token;
		switch (token.kind) {
			case 'number': {
				this.index++;
				return {kind: 'literal', value: Number(token.text), start: token.start, end: token.end};
			}

			case 'string': {
				this.index++;
				return {kind: 'literal', value: token.text, start: token.start, end: token.end};
			}

			case 'quoted': {
				this.index++;
				return {kind: 'name', name: token.text, quoted: true, start: token.start, end: token.end};
			}

			case 'symbol': {
				if (this.acceptSymbol('(')) {
					const inner = this.expression();
					this.symbol(')');
					return {...inner, ...this.span(token)};
				}

				break;
			}

			case 'word': {
				return this.word(token);
			}

			case 'end': {
				break;
			}
		}

		this.expect({kind: 'expression'});
		this.fail();
	}

	private word(token: Token): Expression {
		switch (token.upper) {
			case 'TRUE':
			case 'FALSE': {
				this.index++;
				return {kind: 'literal', value: token.upper === 'TRUE', ...this.span(token)};
			}

			case 'NULL': {
				this.index++;
				return {kind: 'literal', value: null, ...this.span(token)};
			}

			case 'INTERVAL': {
				this.index++;
				return {kind: 'interval', ms: this.intervalBody(true), ...this.span(token)};
			}

			case 'CASE': {
				return this.caseExpression();
			}

			case 'CAST': {
				this.index++;
				this.symbol('(');
				const operand = this.expression();
				this.keyword('AS');
				const type = this.castType();
				this.symbol(')');
				return {kind: 'cast', operand, type, ...this.span(token)};
			}

			case 'TIMESTAMP': {
				const next = this.tokens[this.index + 1];
				if (next.kind === 'string') {
					this.index += 2;
					const ms = parseTimestamp(next.text);
					if (ms === undefined) this.error(next, `'${next.text}' is not a timestamp`);
					return {kind: 'timestamp', ms, ...this.span(token)};
				}

				break;
			}
		}

		if (RESERVED.has(token.upper)) {
			this.expect({kind: 'expression'});
			this.fail();
		}

		this.index++;
		if (this.tokens[this.index].kind === 'symbol' && this.tokens[this.index].text === '(') {
			return this.call(token);
		}

		return {kind: 'name', name: token.text, quoted: false, start: token.start, end: token.end};
	}

	private call(nameToken: Token): Expression {
		const name = nameToken.upper;
		this.symbol('(');
		if (name === 'STEP') {
			const operand = this.expression();
			this.keyword('BY');
			const ms = this.interval();
			this.symbol(')');
			return {kind: 'step', operand, ms, ...this.span(nameToken)};
		}

		if (name === 'FLOOR' || name === 'CEIL') {
			const operand = this.expression();
			if (name === 'FLOOR' && this.acceptKeyword('TO')) {
				const unit = this.unit();
				this.symbol(')');
				return {kind: 'floor-to', operand, unit, ...this.span(nameToken)};
			}

			this.symbol(')');
			return {
				kind: 'call',
				name,
				args: [operand],
				distinct: false,
				star: false,
				...this.span(nameToken),
			};
		}

		if (this.acceptSymbol('*')) {
			this.symbol(')');
			return {kind: 'call', name, args: [], distinct: false, star: true, ...this.span(nameToken)};
		}

		const distinct = this.acceptKeyword('DISTINCT');
		const args = this.isSymbol(')') ? [] : this.list(() => this.expression());
		this.symbol(')');
		return {kind: 'call', name, args, distinct, star: false, ...this.span(nameToken)};
	}

	private caseExpression(): Expression {
		const start = this.keyword('CASE');
		const operand = this.isKeyword('WHEN') ? undefined : this.expression();
		const branches: Array<{when: Expression; then: Expression}> = [];
		do {
			this.keyword('WHEN');
			const when = this.expression();
			this.keyword('THEN');
			branches.push({when, then: this.expression()});
		} while (this.isKeyword('WHEN'));
		const otherwise = this.acceptKeyword('ELSE') ? this.expression() : undefined;
		this.keyword('END');
		return {kind: 'case', operand, branches, otherwise, ...this.span(start)};
	}
}

/** `2026-01-01 00:00:00` (UTC unless a zone is given) or ISO 8601. */
function parseTimestamp(text: string): number | undefined {
	const iso = text.trim().replace(' ', 'T');
	const withZone = /(Z|[+-]\d\d:?\d\d)$/.test(iso) || !iso.includes('T') ? iso : iso + 'Z';
	const ms = Date.parse(withZone);
	return Number.isNaN(ms) ? undefined : ms;
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

/** The query's syntax tree; throws a {@link QueryError} pointing at the first thing wrong. */
export function parseQuery(sql: string): Query {
	return new Parser(sql, tokenize(sql)).query();
}

/** One expression, on its own (the console's filters, tests). */
export function parseExpression(sql: string): Expression {
	return new Parser(sql, tokenize(sql)).wholeExpression();
}

/**
 * What the grammar accepts at the end of `prefix` (a query typed up to the cursor): undefined when the
 * prefix is already wrong before its end, or is a whole query.
 */
export function expectationsAt(prefix: string): Expectation[] | undefined {
	let tokens: Token[];
	try {
		tokens = tokenize(prefix, true);
	} catch {
		return undefined;
	}

	const parser = new Parser(prefix, tokens);
	try {
		parser.query();
	} catch (error) {
		if (!(error instanceof QueryError)) throw error;
		return parser.expectationsAtEnd();
	}

	return parser.expectationsAtEnd();
}

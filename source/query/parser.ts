/**
 * The dialect's parser: hand-written recursive descent over {@link tokenize}'s tokens. Hand-written
 * rather than generated because it gives the two things a console needs from a grammar: errors that
 * name what was expected at the furthest point reached (with the nearest keyword for a misspelt one),
 * and the same expectations at the cursor, which is what completion offers ({@link expectationsAt}).
 * This file holds the query's clauses; expressions are expression-parser.ts's, the token tests and
 * error reporting token-cursor.ts's, the dialect's words parser-vocabulary.ts's.
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
	Expression,
	OrderItem,
	Query,
	SelectItem,
	Watermark,
	WindowClause,
	WindowKind,
} from './ast.js';
import {ExpressionParser} from './expression-parser.js';
import {expressionKey} from './expression-key.js';
import {tokenize, type Token} from './lexer.js';
import {CLAUSE_KEYWORDS, WINDOW_FUNCTIONS, type Expectation} from './parser-vocabulary.js';
import {editDistance, nearestName, QueryError} from './query-error.js';

class Parser extends ExpressionParser {
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

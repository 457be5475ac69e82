/**
 * Expressions, loosest binding first (OR, AND, NOT, comparisons, ||, + -, * / %, unary, postfix), their
 * primaries (literals, columns, calls, CAST, CASE) and intervals: the part of the grammar the console's
 * filters use on their own.
 */
import type {BinaryOperator, CastType, Expression} from './ast.js';
import {parseIntervalText, unitMs, unitOf, UNIT_NAMES, type TimeUnit} from './intervals.js';
import type {Token} from './lexer.js';
import {CAST_TYPES, COMPARISONS, RESERVED, TYPE_NAMES} from './parser-vocabulary.js';
import {nearestName} from './query-error.js';
import {TokenCursor} from './token-cursor.js';

export class ExpressionParser extends TokenCursor {
	protected interval(): number {
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
	protected intervalBody(afterKeyword: boolean): number {
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

	protected unit(): TimeUnit {
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

	protected binary(op: BinaryOperator, left: Expression, right: Expression): Expression {
		return {kind: 'binary', op, left, right, start: left.start, end: right.end};
	}

	protected or(): Expression {
		let left = this.and();
		while (this.acceptKeyword('OR')) left = this.binary('OR', left, this.and());
		return left;
	}

	protected and(): Expression {
		let left = this.not();
		while (this.acceptKeyword('AND')) left = this.binary('AND', left, this.not());
		return left;
	}

	protected not(): Expression {
		const start = this.token;
		if (this.acceptKeyword('NOT')) {
			const operand = this.not();
			return {kind: 'unary', op: 'NOT', operand, start: start.start, end: operand.end};
		}

		return this.comparison();
	}

	protected comparison(): Expression {
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

	protected concat(): Expression {
		let left = this.additive();
		while (this.acceptSymbol('||')) left = this.binary('||', left, this.additive());
		return left;
	}

	protected additive(): Expression {
		let left = this.multiplicative();
		while (true) {
			if (this.acceptSymbol('+')) left = this.binary('+', left, this.multiplicative());
			else if (this.acceptSymbol('-')) left = this.binary('-', left, this.multiplicative());
			else return left;
		}
	}

	protected multiplicative(): Expression {
		let left = this.unary();
		while (true) {
			if (this.acceptSymbol('*')) left = this.binary('*', left, this.unary());
			else if (this.acceptSymbol('/')) left = this.binary('/', left, this.unary());
			else if (this.acceptSymbol('%')) left = this.binary('%', left, this.unary());
			else return left;
		}
	}

	protected unary(): Expression {
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
	protected postfix(base: Expression): Expression {
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

	protected fieldKey(): string | number {
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

	protected castType(): CastType {
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

	protected primary(): Expression {
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

	protected word(token: Token): Expression {
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

	protected call(nameToken: Token): Expression {
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

	protected caseExpression(): Expression {
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

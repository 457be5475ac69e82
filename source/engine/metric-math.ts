/**
 * CloudWatch metric math, the arithmetic part: `+ - * / ^`, unary minus, parentheses, numbers and
 * query ids (e.g. `m1/60`, `(m1 + m2) * 100 / m3`). Between a time series and a number the operation
 * applies to every datapoint; between two time series, to the datapoints of the timestamps both have.
 * A datapoint whose result is not a finite number (division by zero) is left out. Functions (SUM(),
 * METRICS(), IF()…) are refused: the local engine does not evaluate them.
 */

/** A time series: timestamps (epoch ms) ascending, and their values. */
export type TimeSeries = {timestamps: number[]; values: number[]};

export type Expression =
	| {kind: 'number'; value: number}
	| {kind: 'id'; name: string}
	| {kind: 'negate'; operand: Expression}
	| {kind: 'binary'; operator: Operator; left: Expression; right: Expression};

type Operator = '+' | '-' | '*' | '/' | '^';

type Token = {type: 'number'; value: number} | {type: 'id'; name: string} | {type: string};

const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;
const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let rest = text;
	while (rest.length > 0) {
		const space = /^\s+/.exec(rest);
		if (space) {
			rest = rest.slice(space[0].length);
			continue;
		}

		const number = NUMBER.exec(rest);
		if (number) {
			tokens.push({type: 'number', value: Number(number[0])});
			rest = rest.slice(number[0].length);
			continue;
		}

		const identifier = IDENTIFIER.exec(rest);
		if (identifier) {
			tokens.push({type: 'id', name: identifier[0]});
			rest = rest.slice(identifier[0].length);
			continue;
		}

		if ('+-*/^()'.includes(rest[0])) {
			tokens.push({type: rest[0]});
			rest = rest.slice(1);
			continue;
		}

		throw new Error(
			`Unrecognized character '${rest[0]}' at position ${text.length - rest.length + 1}.`,
		);
	}

	return tokens;
}

/** Parses an expression; throws an Error saying what is wrong. */
export function parseExpression(text: string): Expression {
	const tokens = tokenize(text);
	let position = 0;
	const peek = () => tokens[position]?.type;
	const fail = (what: string): never => {
		throw new Error(
			position < tokens.length
				? `${what} (unexpected '${describe(tokens[position])}').`
				: `${what} (unexpected end of expression).`,
		);
	};

	// sum := product (('+' | '-') product)*; product := power (('*' | '/') power)*;
	// power := unary ('^' power)?; unary := '-' unary | '+' unary | primary.
	const sum = (): Expression => {
		let left = product();
		while (peek() === '+' || peek() === '-') {
			const operator = tokens[position++].type as Operator;
			left = {kind: 'binary', operator, left, right: product()};
		}

		return left;
	};

	const product = (): Expression => {
		let left = power();
		while (peek() === '*' || peek() === '/') {
			const operator = tokens[position++].type as Operator;
			left = {kind: 'binary', operator, left, right: power()};
		}

		return left;
	};

	const power = (): Expression => {
		const base = unary();
		if (peek() !== '^') return base;
		position++;
		return {kind: 'binary', operator: '^', left: base, right: power()};
	};

	const unary = (): Expression => {
		if (peek() === '-') {
			position++;
			return {kind: 'negate', operand: unary()};
		}

		if (peek() === '+') {
			position++;
			return unary();
		}

		return primary();
	};

	const primary = (): Expression => {
		const token = tokens[position];
		if (token?.type === 'number') {
			position++;
			return {kind: 'number', value: (token as {value: number}).value};
		}

		if (token?.type === 'id') {
			const {name} = token as {name: string};
			position++;
			if (peek() === '(') {
				throw new Error(`The function ${name} is not supported by the local engine.`);
			}

			if (!/^[a-z]/.test(name)) {
				throw new Error(
					`Unrecognized identifier '${name}': query ids start with a lowercase letter.`,
				);
			}

			return {kind: 'id', name};
		}

		if (token?.type === '(') {
			position++;
			const inner = sum();
			if (peek() !== ')') fail("Expected ')'");
			position++;
			return inner;
		}

		return fail('Expected a number, a query id or (');
	};

	const expression = sum();
	if (position < tokens.length) fail('Expected an operator');
	return expression;
}

function describe(token: Token) {
	if (token.type === 'number') return String((token as {value: number}).value);
	if (token.type === 'id') return (token as {name: string}).name;
	return token.type;
}

type Value = number | TimeSeries;

/**
 * Evaluates `expression`, looking query ids up with `lookup`. Throws an Error when the result is a
 * plain number (a time series needs at least one query id).
 */
export function evaluateExpression(
	expression: Expression,
	lookup: (id: string) => TimeSeries,
): TimeSeries {
	const value = evaluate(expression, lookup);
	if (typeof value === 'number') {
		throw new Error('The expression must use at least one query id to give a time series.');
	}

	return value;
}

function evaluate(expression: Expression, lookup: (id: string) => TimeSeries): Value {
	switch (expression.kind) {
		case 'number': {
			return expression.value;
		}

		case 'id': {
			return lookup(expression.name);
		}

		case 'negate': {
			return combine('-', 0, evaluate(expression.operand, lookup));
		}

		case 'binary': {
			return combine(
				expression.operator,
				evaluate(expression.left, lookup),
				evaluate(expression.right, lookup),
			);
		}
	}
}

function apply(operator: Operator, left: number, right: number) {
	switch (operator) {
		case '+': {
			return left + right;
		}

		case '-': {
			return left - right;
		}

		case '*': {
			return left * right;
		}

		case '/': {
			return left / right;
		}

		case '^': {
			return left ** right;
		}
	}
}

function combine(operator: Operator, left: Value, right: Value): Value {
	if (typeof left === 'number' && typeof right === 'number') return apply(operator, left, right);
	const result: TimeSeries = {timestamps: [], values: []};
	const push = (timestamp: number, value: number) => {
		if (!Number.isFinite(value)) return;
		result.timestamps.push(timestamp);
		result.values.push(value);
	};

	if (typeof left === 'number') {
		const series = right as TimeSeries;
		series.timestamps.forEach((timestamp, index) =>
			push(timestamp, apply(operator, left, series.values[index])),
		);
		return result;
	}

	if (typeof right === 'number') {
		left.timestamps.forEach((timestamp, index) =>
			push(timestamp, apply(operator, left.values[index], right)),
		);
		return result;
	}

	let i = 0;
	let j = 0;
	while (i < left.timestamps.length && j < right.timestamps.length) {
		const a = left.timestamps[i];
		const b = right.timestamps[j];
		if (a < b) i++;
		else if (b < a) j++;
		else {
			push(a, apply(operator, left.values[i], right.values[j]));
			i++;
			j++;
		}
	}

	return result;
}

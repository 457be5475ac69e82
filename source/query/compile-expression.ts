/**
 * Expressions compiled to closures, once, at plan time: the executor's hot path then calls plain
 * functions instead of walking a tree per record. Constant sub-expressions are folded. What a name
 * means depends on where the expression stands (a record's column, a group key, an aggregate's result),
 * so names — and anything else the caller wants to intercept — go through a resolver first.
 */
import {AGGREGATE_NAMES} from './aggregates.js';
import type {BinaryOperator, CastType, Expression} from './ast.js';
import {unitMs} from './intervals.js';
import {functionNamed, FUNCTION_NAMES} from './functions.js';
import {errorAt, nearestName} from './query-error.js';
import {compareValues, toBoolean, toNumber, toText, toTimestamp, type ValueType} from './values.js';

export type Evaluator<C> = (context: C) => unknown;

export type Compiled<C> = {evaluate: Evaluator<C>; type: ValueType; constant: boolean};

export type CompileContext<C> = {
	sql: string;
	/** Returns the compiled form of a node it handles itself (names, aggregates, …), else undefined. */
	resolve: (
		expression: Expression,
		compile: (inner: Expression) => Compiled<C>,
	) => Compiled<C> | undefined;
	now: () => number;
};

const constant = <C>(value: unknown, type: ValueType): Compiled<C> => ({
	evaluate: () => value,
	type,
	constant: true,
});

/** Folds a closure over constant operands into its value. */
function fold<C>(evaluate: Evaluator<C>, type: ValueType, parts: Array<Compiled<C>>): Compiled<C> {
	if (parts.every((part) => part.constant)) {
		return constant(evaluate(undefined as C), type);
	}

	return {evaluate, type, constant: false};
}

export function compileExpression<C>(
	expression: Expression,
	context: CompileContext<C>,
): Compiled<C> {
	const compile = (inner: Expression): Compiled<C> => {
		const resolved = context.resolve(inner, compile);
		return resolved ?? compileNode(inner, compile, context);
	};

	return compile(expression);
}

function compileNode<C>(
	expression: Expression,
	compile: (inner: Expression) => Compiled<C>,
	context: CompileContext<C>,
): Compiled<C> {
	switch (expression.kind) {
		case 'literal': {
			const {value} = expression;
			const type: ValueType =
				typeof value === 'number'
					? 'number'
					: typeof value === 'string'
						? 'string'
						: typeof value === 'boolean'
							? 'boolean'
							: 'any';
			return constant(value, type);
		}

		case 'timestamp': {
			return constant(expression.ms, 'timestamp');
		}

		case 'interval': {
			return constant(expression.ms, 'interval');
		}

		case 'name': {
			if (expression.name.toUpperCase() === 'CURRENT_TIMESTAMP') {
				return {evaluate: () => context.now(), type: 'timestamp', constant: false};
			}

			throw errorAt(context.sql, expression, `unknown name ${expression.name}`);
		}

		case 'field': {
			const base = compile(expression.base).evaluate;
			const {key, text} = expression;
			const evaluate: Evaluator<C> = (row) => {
				const value = base(row);
				if (value === null || typeof value !== 'object') return null;
				const field = (value as Record<string | number, unknown>)[key];
				if (field === undefined || typeof field === 'function') return null;
				return text ? toText(field) : field;
			};

			return {evaluate, type: text ? 'string' : 'json', constant: false};
		}

		case 'unary': {
			const operand = compile(expression.operand);
			const inner = operand.evaluate;
			if (expression.op === 'NOT') {
				return fold(
					(row) => {
						const value = toBoolean(inner(row));
						return value === null ? null : !value;
					},
					'boolean',
					[operand],
				);
			}

			return fold(
				(row) => {
					const value = toNumber(inner(row));
					return value === null ? null : -value;
				},
				operand.type === 'interval' ? 'interval' : 'number',
				[operand],
			);
		}

		case 'binary': {
			return compileBinary(expression.op, compile(expression.left), compile(expression.right));
		}

		case 'call': {
			const definition = functionNamed(expression.name);
			if (!definition) {
				throw errorAt(
					context.sql,
					{start: expression.start, end: expression.start + expression.name.length},
					`unknown function ${expression.name}`,
					nearestName(expression.name, [...FUNCTION_NAMES, ...AGGREGATE_NAMES]),
				);
			}

			if (expression.star || expression.distinct) {
				throw errorAt(context.sql, expression, `${definition.name} is not an aggregate`);
			}

			const count = expression.args.length;
			if (count < definition.minArgs || count > definition.maxArgs) {
				const wanted =
					definition.minArgs === definition.maxArgs
						? `${definition.minArgs}`
						: `${definition.minArgs} to ${definition.maxArgs}`;
				throw errorAt(
					context.sql,
					expression,
					`${definition.name} takes ${wanted} argument${definition.maxArgs === 1 ? '' : 's'}, not ${count}`,
				);
			}

			const args = expression.args.map(compile);
			const evaluators = args.map((arg) => arg.evaluate);
			const {apply} = definition;
			const evaluate: Evaluator<C> = (row) =>
				apply(
					evaluators.map((evaluator) => evaluator(row)),
					context.now,
				);
			return definition.volatile
				? {evaluate, type: definition.type, constant: false}
				: fold(evaluate, definition.type, args);
		}

		case 'case': {
			const operand = expression.operand ? compile(expression.operand) : undefined;
			const branches = expression.branches.map(({when, then}) => ({
				when: compile(when),
				then: compile(then),
			}));
			const otherwise = expression.otherwise ? compile(expression.otherwise) : undefined;
			const test = operand?.evaluate;
			const evaluate: Evaluator<C> = (row) => {
				const subject = test?.(row);
				for (const branch of branches) {
					const value = branch.when.evaluate(row);
					const matched = test ? compareValues(subject, value) === 0 : toBoolean(value) === true;
					if (matched) return branch.then.evaluate(row);
				}

				return otherwise ? otherwise.evaluate(row) : null;
			};

			const types = new Set(branches.map((branch) => branch.then.type));
			if (otherwise) types.add(otherwise.type);
			const type = types.size === 1 ? [...types][0] : 'any';
			const parts = [...branches.flatMap((branch) => [branch.when, branch.then])];
			if (operand) parts.push(operand);
			if (otherwise) parts.push(otherwise);
			return fold(evaluate, type, parts);
		}

		case 'in': {
			const operand = compile(expression.operand);
			const list = expression.list.map((item) => compileComparable(item, operand.type, compile));
			const subject = operand.evaluate;
			const {negated} = expression;
			if (list.every((item) => item.constant)) {
				// A set of strings and numbers: one lookup instead of a comparison per item.
				const values = list.map((item) => item.evaluate(undefined as C));
				const strings = new Set(values.filter((value) => typeof value === 'string'));
				const numbers = new Set(values.map(toNumber).filter((value) => value !== null));
				return fold(
					(row) => {
						const value = subject(row);
						if (value === null || value === undefined) return null;
						let found = typeof value === 'string' && strings.has(value);
						if (!found) {
							const number = toNumber(value);
							found = number !== null && numbers.has(number);
						}

						return negated ? !found : found;
					},
					'boolean',
					[operand],
				);
			}

			return fold(
				(row) => {
					const value = subject(row);
					if (value === null || value === undefined) return null;
					const found = list.some((item) => compareValues(value, item.evaluate(row)) === 0);
					return negated ? !found : found;
				},
				'boolean',
				[operand, ...list],
			);
		}

		case 'like': {
			const operand = compile(expression.operand);
			const pattern = compile(expression.pattern);
			const subject = operand.evaluate;
			const {negated} = expression;
			let cachedPattern: unknown;
			let cachedRegex: RegExp | undefined;
			const regexFor = (value: unknown) => {
				if (value !== cachedPattern || !cachedRegex) {
					cachedPattern = value;
					cachedRegex = likeToRegExp(String(toText(value)));
				}

				return cachedRegex;
			};

			return fold(
				(row) => {
					const value = toText(subject(row));
					const patternValue = pattern.evaluate(row);
					if (value === null || patternValue === null || patternValue === undefined) return null;
					const matched = regexFor(patternValue).test(value);
					return negated ? !matched : matched;
				},
				'boolean',
				[operand, pattern],
			);
		}

		case 'between': {
			const operand = compile(expression.operand);
			const low = compileComparable(expression.low, operand.type, compile);
			const high = compileComparable(expression.high, operand.type, compile);
			const {negated} = expression;
			return fold(
				(row) => {
					const value = operand.evaluate(row);
					const above = compareValues(value, low.evaluate(row));
					const below = compareValues(value, high.evaluate(row));
					if (Number.isNaN(above) || Number.isNaN(below)) return null;
					const inside = above >= 0 && below <= 0;
					return negated ? !inside : inside;
				},
				'boolean',
				[operand, low, high],
			);
		}

		case 'is-null': {
			const operand = compile(expression.operand);
			const {negated} = expression;
			return fold(
				(row) => {
					const value = operand.evaluate(row);
					const missing = value === null || value === undefined;
					return negated ? !missing : missing;
				},
				'boolean',
				[operand],
			);
		}

		case 'cast': {
			const operand = compile(expression.operand);
			const convert = CASTS[expression.type];
			const inner = operand.evaluate;
			return fold((row) => convert(inner(row)), CAST_RESULT[expression.type], [operand]);
		}

		case 'step':
		case 'floor-to': {
			const operand = compile(expression.operand);
			const size = expression.kind === 'step' ? expression.ms : unitMs(expression.unit);
			const inner = operand.evaluate;
			return fold(
				(row) => {
					const value = inner(row);
					const ms = toTimestamp(value);
					return ms === null ? null : ms - (((ms % size) + size) % size);
				},
				'timestamp',
				[operand],
			);
		}
	}
}

/** An operand compared with a timestamp: a string constant is read as a time. */
function compileComparable<C>(
	expression: Expression,
	otherType: ValueType,
	compile: (inner: Expression) => Compiled<C>,
): Compiled<C> {
	const compiled = compile(expression);
	if (otherType === 'timestamp' && compiled.constant && compiled.type === 'string') {
		return constant(toTimestamp(compiled.evaluate(undefined as C)), 'timestamp');
	}

	return compiled;
}

function compileBinary<C>(
	op: BinaryOperator,
	leftCompiled: Compiled<C>,
	rightCompiled: Compiled<C>,
): Compiled<C> {
	let leftPart = leftCompiled;
	let rightPart = rightCompiled;
	// `arrival_ts > '2026-01-01T00:00:00Z'`: the text is a time.
	const asTime = (part: Compiled<C>): Compiled<C> =>
		part.constant && part.type === 'string'
			? constant(toTimestamp(part.evaluate(undefined as C)), 'timestamp')
			: part;
	if (leftPart.type === 'timestamp') rightPart = asTime(rightPart);
	if (rightPart.type === 'timestamp') leftPart = asTime(leftPart);
	const left = leftPart.evaluate;
	const right = rightPart.evaluate;
	const parts = [leftPart, rightPart];
	switch (op) {
		case 'AND': {
			return fold(
				(row) => {
					const a = toBoolean(left(row));
					if (a === false) return false;
					const b = toBoolean(right(row));
					if (b === false) return false;
					return a === null || b === null ? null : true;
				},
				'boolean',
				parts,
			);
		}

		case 'OR': {
			return fold(
				(row) => {
					const a = toBoolean(left(row));
					if (a === true) return true;
					const b = toBoolean(right(row));
					if (b === true) return true;
					return a === null || b === null ? null : false;
				},
				'boolean',
				parts,
			);
		}

		case '=': {
			return fold(
				(row) => {
					const a = left(row);
					const b = right(row);
					if (typeof a === 'string' && typeof b === 'string') return a === b;
					const order = compareValues(a, b);
					return Number.isNaN(order) ? null : order === 0;
				},
				'boolean',
				parts,
			);
		}

		case '<>':
		case '<':
		case '<=':
		case '>':
		case '>=': {
			const test = COMPARE[op];
			return fold(
				(row) => {
					const order = compareValues(left(row), right(row));
					return Number.isNaN(order) ? null : test(order);
				},
				'boolean',
				parts,
			);
		}

		case '||': {
			return fold(
				(row) => {
					const a = toText(left(row));
					const b = toText(right(row));
					return a === null || b === null ? null : a + b;
				},
				'string',
				parts,
			);
		}

		default: {
			const apply = ARITHMETIC[op];
			const type = arithmeticType(op, leftPart.type, rightPart.type);
			return fold(
				(row) => {
					const a = left(row);
					const b = right(row);
					const x = typeof a === 'number' ? a : toNumber(a);
					const y = typeof b === 'number' ? b : toNumber(b);
					if (x === null || y === null) return null;
					const result = apply(x, y);
					return Number.isFinite(result) ? result : null;
				},
				type,
				parts,
			);
		}
	}
}

const COMPARE: Record<'<>' | '<' | '<=' | '>' | '>=', (order: number) => boolean> = {
	'<>': (order) => order !== 0,
	'<': (order) => order < 0,
	'<=': (order) => order <= 0,
	'>': (order) => order > 0,
	'>=': (order) => order >= 0,
};

const ARITHMETIC: Record<'+' | '-' | '*' | '/' | '%', (x: number, y: number) => number> = {
	'+': (x, y) => x + y,
	'-': (x, y) => x - y,
	'*': (x, y) => x * y,
	'/': (x, y) => x / y,
	'%': (x, y) => x % y,
};

/** A time plus or minus an interval is a time; two times apart are an interval. */
function arithmeticType(op: BinaryOperator, left: ValueType, right: ValueType): ValueType {
	if (op === '+' || op === '-') {
		if (left === 'timestamp' && right !== 'timestamp') return 'timestamp';
		if (op === '+' && right === 'timestamp' && left !== 'timestamp') return 'timestamp';
		if (op === '-' && left === 'timestamp' && right === 'timestamp') return 'interval';
		if (left === 'interval' && right === 'interval') return 'interval';
	}

	return 'number';
}

const CASTS: Record<CastType, (value: unknown) => unknown> = {
	INT: (value) => {
		const number = toNumber(value);
		return number === null ? null : Math.trunc(number);
	},
	DOUBLE: (value) => toNumber(value),
	STRING: (value) => toText(value),
	BOOLEAN: (value) => toBoolean(value),
	TIMESTAMP: (value) => toTimestamp(value),
};

const CAST_RESULT: Record<CastType, ValueType> = {
	INT: 'number',
	DOUBLE: 'number',
	STRING: 'string',
	BOOLEAN: 'boolean',
	TIMESTAMP: 'timestamp',
};

/** SQL LIKE: `%` any run, `_` one character, `\` escapes; the rest literal. */
export function likeToRegExp(pattern: string): RegExp {
	let source = '';
	for (let i = 0; i < pattern.length; i++) {
		const char = pattern[i];
		if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
		else if (char === '%') source += '[\\s\\S]*';
		else if (char === '_') source += '[\\s\\S]';
		else source += escapeRegExp(char);
	}

	return new RegExp(`^${source}$`);
}

const escapeRegExp = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');

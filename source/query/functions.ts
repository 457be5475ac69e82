/** The scalar functions: string, number and time helpers. Each takes evaluated arguments. */
import {toNumber, toText, toTimestamp, type ValueType} from './values.js';

export type ScalarFunction = {
	name: string;
	minArgs: number;
	maxArgs: number;
	type: ValueType;
	/** Not constant-folded: NOW() changes. */
	volatile?: boolean;
	apply: (args: unknown[], now: () => number) => unknown;
	description: string;
};

const text = (value: unknown) => toText(value);
const number = (value: unknown) => toNumber(value);

const TRUNCATE_UNITS: Record<string, number> = {
	second: 1000,
	minute: 60_000,
	hour: 3_600_000,
	day: 86_400_000,
};

export const FUNCTIONS: readonly ScalarFunction[] = [
	{
		name: 'LOWER',
		minArgs: 1,
		maxArgs: 1,
		type: 'string',
		apply: ([value]) => text(value)?.toLowerCase() ?? null,
		description: 'lower case',
	},
	{
		name: 'UPPER',
		minArgs: 1,
		maxArgs: 1,
		type: 'string',
		apply: ([value]) => text(value)?.toUpperCase() ?? null,
		description: 'upper case',
	},
	{
		name: 'LENGTH',
		minArgs: 1,
		maxArgs: 1,
		type: 'number',
		apply: ([value]) => text(value)?.length ?? null,
		description: 'the length in characters',
	},
	{
		name: 'TRIM',
		minArgs: 1,
		maxArgs: 1,
		type: 'string',
		apply: ([value]) => text(value)?.trim() ?? null,
		description: 'without leading and trailing spaces',
	},
	{
		name: 'SUBSTRING',
		minArgs: 2,
		maxArgs: 3,
		type: 'string',
		apply: ([value, start, length]) => {
			const string = text(value);
			const from = number(start);
			if (string === null || from === null) return null;
			const begin = Math.max(0, Math.trunc(from) - 1);
			const count = length === undefined ? undefined : number(length);
			return count === undefined ? string.slice(begin) : string.slice(begin, begin + (count ?? 0));
		},
		description: 'SUBSTRING(s, start[, length]), counting from 1',
	},
	{
		name: 'CONCAT',
		minArgs: 1,
		maxArgs: 100,
		type: 'string',
		apply: (args) => args.map((arg) => text(arg) ?? '').join(''),
		description: 'the arguments joined (NULL as empty)',
	},
	{
		name: 'COALESCE',
		minArgs: 1,
		maxArgs: 100,
		type: 'any',
		apply: (args) => args.find((arg) => arg !== null && arg !== undefined) ?? null,
		description: 'the first argument that is not NULL',
	},
	{
		name: 'NULLIF',
		minArgs: 2,
		maxArgs: 2,
		type: 'any',
		apply: ([a, b]) => (a === b ? null : a),
		description: 'NULL when both are equal, else the first',
	},
	{
		name: 'ABS',
		minArgs: 1,
		maxArgs: 1,
		type: 'number',
		apply: ([value]) => {
			const x = number(value);
			return x === null ? null : Math.abs(x);
		},
		description: 'the absolute value',
	},
	{
		name: 'ROUND',
		minArgs: 1,
		maxArgs: 2,
		type: 'number',
		apply: ([value, digits]) => {
			const x = number(value);
			if (x === null) return null;
			const scale = 10 ** (number(digits) ?? 0);
			return Math.round(x * scale) / scale;
		},
		description: 'ROUND(x[, digits])',
	},
	{
		name: 'FLOOR',
		minArgs: 1,
		maxArgs: 1,
		type: 'number',
		apply: ([value]) => {
			const x = number(value);
			return x === null ? null : Math.floor(x);
		},
		description: 'rounded down (FLOOR(ts TO MINUTE) truncates a time)',
	},
	{
		name: 'CEIL',
		minArgs: 1,
		maxArgs: 1,
		type: 'number',
		apply: ([value]) => {
			const x = number(value);
			return x === null ? null : Math.ceil(x);
		},
		description: 'rounded up',
	},
	{
		name: 'NOW',
		minArgs: 0,
		maxArgs: 0,
		type: 'timestamp',
		volatile: true,
		apply: (_, now) => now(),
		description: 'the current time',
	},
	{
		name: 'TO_TIMESTAMP',
		minArgs: 1,
		maxArgs: 1,
		type: 'timestamp',
		apply: ([value]) => toTimestamp(value),
		description: 'a time from epoch seconds or milliseconds, or ISO 8601 text',
	},
	{
		name: 'EPOCH_MS',
		minArgs: 1,
		maxArgs: 1,
		type: 'number',
		apply: ([value]) => toTimestamp(value),
		description: 'a time as epoch milliseconds',
	},
	{
		name: 'DATE_TRUNC',
		minArgs: 2,
		maxArgs: 2,
		type: 'timestamp',
		apply: ([unit, value]) => {
			const size = TRUNCATE_UNITS[String(unit).toLowerCase()];
			const ms = toTimestamp(value);
			return size === undefined || ms === null ? null : ms - (((ms % size) + size) % size);
		},
		description: "DATE_TRUNC('minute', ts): the time truncated to a second, minute, hour or day",
	},
];

const ALIASES: Record<string, string> = {
	CHAR_LENGTH: 'LENGTH',
	CHARACTER_LENGTH: 'LENGTH',
	SUBSTR: 'SUBSTRING',
	CEILING: 'CEIL',
	CURRENT_TIMESTAMP: 'NOW',
};

export function functionNamed(name: string): ScalarFunction | undefined {
	const upper = name.toUpperCase();
	const resolved = ALIASES[upper] ?? upper;
	return FUNCTIONS.find((definition) => definition.name === resolved);
}

export const FUNCTION_NAMES: readonly string[] = [
	...FUNCTIONS.map((definition) => definition.name),
	...Object.keys(ALIASES),
];

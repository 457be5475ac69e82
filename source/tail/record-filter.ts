/**
 * The live filter of a tail, typed after `/`:
 * - `text`: a substring of the payload, the partition key or the shard id — case-insensitive unless
 *   the text has a capital letter (smart case, as in less and vim);
 * - `/regex/flags`: a regular expression, tested against the same three;
 * - `FIELD OP VALUE`: a field test, with FIELD `data` (the payload; `data.user.id`, `data.items[0]`
 *   reach into JSON), `partitionKey` (or `key`), `shard` or `sequenceNumber` (or `seq`); OP one of
 *   `==`, `!=`, `>`, `>=`, `<`, `<=`, `contains`; VALUE a JSON literal (`"u-42"`, `42`, `true`, `null`)
 *   or a bare word, taken as a string.
 */

/** What a filter looks at in one record (or one payload of it). */
export type FilterSubject = {
	shardId: string;
	partitionKey: string;
	sequenceNumber: string;
	/** The payload as text. */
	text: string;
	/** The payload's value: its parsed JSON, or its text when it is not JSON. */
	data: unknown;
};

export type RecordFilter = {
	/** What the filter does, in words (for the status line). */
	description: string;
	test(subject: FilterSubject): boolean;
};

export type ParsedFilter = {filter?: RecordFilter; error?: string};

export const FILTER_SYNTAX = 'text, /regex/, or FIELD OP VALUE (data.x == "v", !=, >, <, contains)';

type Operator = '==' | '!=' | '>=' | '<=' | '>' | '<' | 'contains';

const FIELD_TEST =
	/^\s*(data(?:\.[\w$-]+|\[\d+\])*|partitionKey|key|shard|shardId|sequenceNumber|seq)\s*(==|!=|>=|<=|>|<|contains\b)\s*(.*?)\s*$/;

/** A case-insensitive (unless it has a capital) substring test. */
export function substringMatcher(query: string): (text: string) => boolean {
	if (/\p{Lu}/u.test(query)) return (text) => text.includes(query);
	const lower = query.toLowerCase();
	return (text) => text.toLowerCase().includes(lower);
}

export function parseRecordFilter(input: string): ParsedFilter {
	const text = input.trim();
	if (text === '') return {};
	const regex = /^\/(.*)\/([a-z]*)$/s.exec(text);
	if (regex) {
		try {
			const pattern = new RegExp(regex[1], regex[2].replaceAll('g', '').replaceAll('y', ''));
			return {
				filter: {
					description: `matches ${text}`,
					test: (subject) =>
						pattern.test(subject.text) ||
						pattern.test(subject.partitionKey) ||
						pattern.test(subject.shardId),
				},
			};
		} catch (error) {
			return {error: `invalid regular expression: ${(error as Error).message}`};
		}
	}

	const fieldTest = FIELD_TEST.exec(text);
	if (fieldTest) {
		const [, field, operator, literal] = fieldTest;
		if (literal === '') return {error: `${field} ${operator} what? (${FILTER_SYNTAX})`};
		const value = parseLiteral(literal);
		const read = fieldReader(field);
		const compare = comparison(operator as Operator, field);
		return {
			filter: {
				description: `${field} ${operator} ${JSON.stringify(value)}`,
				test: (subject) => compare(read(subject), value),
			},
		};
	}

	const matches = substringMatcher(text);
	return {
		filter: {
			description: `contains "${text}"`,
			test: (subject) =>
				matches(subject.text) || matches(subject.partitionKey) || matches(subject.shardId),
		},
	};
}

/** A JSON literal, or the text itself (a bare word). */
function parseLiteral(literal: string): unknown {
	if (/^'.*'$/s.test(literal)) return literal.slice(1, -1);
	// Integers past 2^53 (sequence numbers, hash keys) stay exact, as digits.
	if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) return literal;
	try {
		return JSON.parse(literal) as unknown;
	} catch {
		return literal;
	}
}

type Path = Array<string | number>;

function parsePath(field: string): Path {
	const path: Path = [];
	for (const [, key, index] of field.slice('data'.length).matchAll(/\.([\w$-]+)|\[(\d+)\]/g)) {
		path.push(key ?? Number(index));
	}

	return path;
}

function fieldReader(field: string): (subject: FilterSubject) => unknown {
	switch (field) {
		case 'partitionKey':
		case 'key': {
			return (subject) => subject.partitionKey;
		}

		case 'shard':
		case 'shardId': {
			return (subject) => subject.shardId;
		}

		case 'sequenceNumber':
		case 'seq': {
			return (subject) => subject.sequenceNumber;
		}

		default: {
			const path = parsePath(field);
			return (subject) => {
				let value: unknown = subject.data;
				for (const step of path) {
					if (typeof value !== 'object' || value === null) return undefined;
					value = (value as Record<string | number, unknown>)[step];
				}

				return value;
			};
		}
	}
}

const isNumeric = (value: unknown) =>
	typeof value === 'number' ||
	(typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)));

function equal(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (a === undefined || b === undefined) return false;
	if (typeof a === 'object' || typeof b === 'object')
		return JSON.stringify(a) === JSON.stringify(b);
	return String(a) === String(b);
}

/** Negative, zero or positive; numbers compare as numbers (BigInt for long digit strings), else text. */
function order(a: unknown, b: unknown): number | undefined {
	if (a === undefined || a === null || typeof a === 'object') return undefined;
	if (isNumeric(a) && isNumeric(b)) {
		const [x, y] = [String(a).trim(), String(b).trim()];
		if (/^-?\d+$/.test(x) && /^-?\d+$/.test(y)) {
			const [bx, by] = [BigInt(x), BigInt(y)];
			return bx < by ? -1 : bx > by ? 1 : 0;
		}

		return Number(x) - Number(y);
	}

	const [x, y] = [String(a), String(b)];
	return x < y ? -1 : x > y ? 1 : 0;
}

/** A shard named by its number alone (`shard == 3`) means shardId-000000000003. */
function shardEqual(actual: unknown, expected: unknown) {
	if (equal(actual, expected)) return true;
	const number = /^shardId-(\d+)$/.exec(String(actual));
	return (
		number !== null && /^\d+$/.test(String(expected)) && Number(number[1]) === Number(expected)
	);
}

function comparison(
	operator: Operator,
	field: string,
): (actual: unknown, expected: unknown) => boolean {
	const same = field === 'shard' || field === 'shardId' ? shardEqual : equal;
	switch (operator) {
		case '==': {
			return same;
		}

		case '!=': {
			return (actual, expected) => !same(actual, expected);
		}

		case 'contains': {
			return (actual, expected) => {
				if (Array.isArray(actual)) return actual.some((item) => equal(item, expected));
				if (actual === undefined || actual === null) return false;
				const haystack = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
				return substringMatcher(String(expected))(haystack);
			};
		}

		default: {
			return (actual, expected) => {
				const sign = order(actual, expected);
				if (sign === undefined || Number.isNaN(sign)) return false;
				if (operator === '>') return sign > 0;
				if (operator === '>=') return sign >= 0;
				if (operator === '<') return sign < 0;
				return sign <= 0;
			};
		}
	}
}

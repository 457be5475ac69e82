/**
 * The put form as data: its fields, how each one's text is checked (live, as it is typed), shown, and
 * turned into a PutSpec. No React here; the put screen edits one field at a time in the prompt.
 */
import {readFile} from 'node:fs/promises';
import type {PutSpec} from '../put/put-run.js';
import {MAX_RECORD_BYTES} from '../put/put-reliably.js';
import {parseHashKey} from '../kinesis/routing.js';

export type PutField = 'key' | 'data' | 'file' | 'hashKey' | 'count' | 'rate';

export type PutFormValues = Record<PutField, string>;

export const EMPTY_FORM: PutFormValues = {
	key: '',
	data: '',
	file: '',
	hashKey: '',
	count: '1',
	rate: '',
};

export type FieldSpec = {
	field: PutField;
	label: string;
	/** What an empty field means, shown dimmed. */
	empty: string;
	/** The problem with `text`, or undefined when it is fine. */
	check: (text: string) => string | undefined;
};

const MAX_COUNT = 1_000_000;
const MAX_RATE = 100_000;

/** Text that starts like JSON is meant as JSON: it must parse. */
export const looksLikeJson = (text: string) => /^\s*[[{"]/.test(text);

export function jsonProblem(text: string): string | undefined {
	if (!looksLikeJson(text)) return undefined;
	try {
		JSON.parse(text);
		return undefined;
	} catch (error) {
		return `not valid JSON: ${(error as Error).message}`;
	}
}

const wholeNumber = (text: string, minimum: number, maximum: number, what: string) =>
	/^\d+$/.test(text) && Number(text) >= minimum && Number(text) <= maximum
		? undefined
		: `${what} is a whole number from ${minimum} to ${maximum.toLocaleString('en-US')}`;

export const FIELDS: readonly FieldSpec[] = [
	{
		field: 'key',
		label: 'Partition key',
		empty: 'random per record',
		check: (text) => (text.length > 256 ? 'a partition key is 1–256 characters' : undefined),
	},
	{
		field: 'data',
		label: 'Data',
		empty: 'empty (type text or JSON)',
		check: (text) =>
			jsonProblem(text) ??
			(Buffer.byteLength(text) > MAX_RECORD_BYTES ? 'a record is at most 1 MiB' : undefined),
	},
	{
		field: 'file',
		label: 'Data from file',
		empty: 'none (the data above)',
		check: () => undefined,
	},
	{
		field: 'hashKey',
		label: 'Explicit hash key',
		empty: 'none (MD5 of the key)',
		check: (text) =>
			text === '' || parseHashKey(text) !== undefined
				? undefined
				: 'a hash key is a whole number from 0 to 2^128 - 1',
	},
	{
		field: 'count',
		label: 'Records',
		empty: '1',
		check: (text) => (text === '' ? undefined : wholeNumber(text, 1, MAX_COUNT, 'the count')),
	},
	{
		field: 'rate',
		label: 'Records/s',
		empty: 'as fast as the stream accepts',
		check: (text) => (text === '' ? undefined : wholeNumber(text, 1, MAX_RATE, 'the rate')),
	},
];

/** The first problem in the form, as "Label: problem". */
export function formProblem(values: PutFormValues): string | undefined {
	for (const spec of FIELDS) {
		const problem = spec.check(values[spec.field]);
		if (problem) return `${spec.label}: ${problem}`;
	}

	return undefined;
}

/** The spec the form describes; the data file is read here (its errors reject with a clear message). */
export async function putSpecOf(values: PutFormValues): Promise<PutSpec> {
	const problem = formProblem(values);
	if (problem) throw new Error(problem);
	let data: Uint8Array = new TextEncoder().encode(values.data);
	if (values.file !== '') {
		try {
			data = await readFile(values.file);
		} catch (error) {
			throw new Error(`cannot read ${values.file}: ${(error as NodeJS.ErrnoException).code}`);
		}

		if (data.length > MAX_RECORD_BYTES) throw new Error(`${values.file} is larger than 1 MiB`);
	}

	return {
		partitionKey: values.key === '' ? undefined : values.key,
		explicitHashKey: values.hashKey === '' ? undefined : values.hashKey,
		data,
		count: values.count === '' ? 1 : Number(values.count),
		ratePerSecond: values.rate === '' ? undefined : Number(values.rate),
	};
}

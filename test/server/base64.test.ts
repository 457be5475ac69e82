import {randomBytes} from 'node:crypto';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {decodeBase64, decodeBase64Into, decodeBase64List} from '../../source/server/base64.js';
import {decode, SerializationError} from '../../source/server/shapes.js';

/** What decoding each text alone gives: its bytes, or the message it is refused with. */
function oneByOne(texts: string[]) {
	return texts.map((text) => decodeBase64(text));
}

const records = {list: {structure: {Data: 'blob', PartitionKey: 'string'}}} as const;

/** The error (or the value) `run` ends with, to compare two ways of decoding. */
function outcome(run: () => unknown) {
	try {
		return {value: run()};
	} catch (error) {
		return {error: error instanceof SerializationError ? error.message : String(error)};
	}
}

describe('base64 lists, decoded in one call', () => {
	test('give each text the bytes it gives alone, padded or not', () => {
		const texts = [0, 1, 2, 3, 4, 5, 99, 100, 101, 0, 7].map((size) =>
			randomBytes(size).toString('base64'),
		);
		const decoded = decodeBase64List(texts);
		expect(decoded).toEqual(oneByOne(texts));
		expect(decoded!.map((bytes) => bytes.length)).toEqual([0, 1, 2, 3, 4, 5, 99, 100, 101, 0, 7]);
	});

	test.each([
		['aGk'],
		['aG=k'],
		['aGk-'],
		['aGk_'],
		['aG k'],
		['aGké'],
		['a==='],
		['aGl='],
		['AAAA\n'],
	])('refuse the whole list when one text (%j) is refused alone', (bad) => {
		expect(decodeBase64(bad)).toBeUndefined();
		expect(decodeBase64List(['aGk=', bad, 'AAAA'])).toBeUndefined();
		expect(decodeBase64List([bad])).toBeUndefined();
	});

	test('accept a list exactly when every text is accepted alone, with the same bytes (property)', () => {
		// Two-byte characters too: Node's decoder reads only their low byte, alone as in a list.
		const characters = fc.constantFrom(...'ABab09+/=-_ \n.éŁ');
		const text = fc.array(characters, {maxLength: 12}).map((chars) => chars.join(''));
		const valid = fc
			.uint8Array({maxLength: 10})
			.map((bytes) => Buffer.from(bytes).toString('base64'));
		fc.assert(
			fc.property(fc.array(fc.oneof(valid, valid, text), {maxLength: 8}), (texts) => {
				const alone = oneByOne(texts);
				const together = decodeBase64List(texts);
				if (alone.includes(undefined)) return together === undefined;
				expect(together).toEqual(alone);
				return true;
			}),
			{numRuns: 20_000},
		);
	});

	test('a list of records decodes, and fails, as its records one by one (property)', () => {
		const data = fc.oneof(
			fc.uint8Array({maxLength: 10}).map((bytes) => Buffer.from(bytes).toString('base64')),
			fc.constantFrom('aGl=', 'aG=k', 'a-k=', 7, null, true, {}),
		);
		const key = fc.oneof(fc.constantFrom('k', 'key-1'), fc.constantFrom(3, null, [], undefined));
		const record = fc.oneof(fc.record({Data: data, PartitionKey: key}), fc.constantFrom(null, 'x'));
		fc.assert(
			fc.property(fc.array(record, {maxLength: 6}), (list) => {
				const together = outcome(() => decode(list, records, 'Records'));
				// Each record alone, outside any list: its blob decoded by itself.
				const alone = outcome(() => list.map((item) => decode(item, records.list, 'Records')));
				expect(together).toEqual(alone);
				return true;
			}),
			{numRuns: 5000},
		);
	});
});

describe('base64 decoded from bytes in place', () => {
	/** decodeBase64Into over `text`'s UTF-8 bytes, placed amid others: its bytes, or undefined. */
	function fromBytes(text: string) {
		const source = Buffer.concat([Buffer.from('"x'), Buffer.from(text), Buffer.from('"')]);
		const target = Buffer.alloc(Buffer.byteLength(text) + 8, 0xee);
		const view = (buffer: Buffer) => new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
		const end = decodeBase64Into(view(source), 2, source.length - 1, view(target), 3);
		// Nothing is written past the decoded bytes, nor, for a refused text, past the most it could hold.
		const written = end === -1 ? 3 + Math.floor(Buffer.byteLength(text) / 4) * 3 : end;
		expect(target.subarray(written)).toEqual(Buffer.alloc(target.length - written, 0xee));
		return end === -1 ? undefined : target.subarray(3, end);
	}

	test.each([['aGk='], ['aGlx'], ['aA=='], [''], ['AAAA'], ['/+/+']])(
		'decodes %j as decodeBase64 does',
		(text) => {
			expect(fromBytes(text)).toEqual(decodeBase64(text));
			expect(fromBytes(text)).toBeDefined();
		},
	);

	test.each([
		['a'],
		['aGl='],
		['aB=='],
		['a==='],
		['=AAA'],
		['AA=A'],
		['AAAA\n'],
		['-_AA'],
		['AA\u0000A'],
	])('refuses %j as decodeBase64 does', (text) => {
		expect(decodeBase64(text)).toBeUndefined();
		expect(fromBytes(text)).toBeUndefined();
	});

	test.each([['ŁAŁAAA'], ['键AAAAAAAAA'], ['AAAAAAé']])(
		'refuses non-ASCII %j, its UTF-8 bytes a whole number of groups',
		(text) => {
			expect(Buffer.byteLength(text) % 4).toBe(0);
			expect(fromBytes(text)).toBeUndefined();
		},
	);

	test('accepts exactly the ASCII texts decodeBase64 accepts, with the same bytes (property)', () => {
		const characters = fc.constantFrom(...'ABab09+/=-_ \n.éŁ"\\');
		const text = fc.array(characters, {maxLength: 12}).map((chars) => chars.join(''));
		const valid = fc
			.uint8Array({maxLength: 10})
			.map((bytes) => Buffer.from(bytes).toString('base64'));
		fc.assert(
			fc.property(fc.oneof(valid, text), (value) => {
				const inPlace = fromBytes(value);
				// Non-ASCII text is left to the generic path, which reads it (and Node's quirks) as before.
				if (![...value].every((character) => character.charCodeAt(0) < 0x80))
					return inPlace === undefined;
				expect(inPlace).toEqual(decodeBase64(value));
				return true;
			}),
			{numRuns: 20_000},
		);
	});
});

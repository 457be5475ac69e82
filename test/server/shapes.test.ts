import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {decode, SerializationError, toWire} from '../../source/server/shapes.js';

const blob = (value: unknown) => decode(value, 'blob', 'Data');
/**
 * The textbook definition of padded standard base64, to check the fast decoder against: canonical,
 * as AWS wants it (the last character before the padding carries no bits beyond the last byte).
 */
const STRICT_BASE64 =
	/^(?:[A-Za-z\d+/]{4})*(?:[A-Za-z\d+/][AQgw]==|[A-Za-z\d+/]{2}[AEIMQUYcgkosw048]=)?$/;

describe('JSON blobs', () => {
	test('decode padded standard base64 to its bytes', () => {
		expect(blob('')).toEqual(Buffer.alloc(0));
		expect(blob('aGk=')).toEqual(Buffer.from('hi'));
		expect(blob('aGk/')).toEqual(Buffer.from([0x68, 0x69, 0x3f]));
		expect(blob('AA==')).toEqual(Buffer.from([0]));
	});

	// AWS's words, as kinesalite recorded them (its spelling of "detected" included).
	test.each([
		[
			'aGk',
			"'aGk' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
		],
		['aG=k', "'aG=k' can not be converted to a Blob: Invalid Base64 character: '='"],
		['aGk-', "'aGk-' can not be converted to a Blob: Invalid Base64 character: '-'"],
		['aG k', "'aG k' can not be converted to a Blob: Invalid Base64 character: ' '"],
		['aGké', "'aGké' can not be converted to a Blob: Invalid Base64 character: 'é'"],
		[
			'a===',
			"'a===' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
		],
		[
			'aGl=',
			"'aGl=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
		],
		[
			42,
			'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob',
		],
		[true, 'class java.lang.Boolean can not be converted to a Blob'],
		[{}, 'Start of structure or map found where not expected.'],
		[[], 'Start of list found where not expected'],
	])('refuse %j as AWS does', (value, message) => {
		expect(() => blob(value)).toThrow(new SerializationError(message));
	});

	test('accept exactly what the strict definition accepts (property)', () => {
		const characters = fc.constantFrom(...'ABab09+/=-_ \n.é!');
		fc.assert(
			fc.property(fc.array(characters, {maxLength: 14}), (chars) => {
				const text = chars.join('');
				let accepted = true;
				try {
					blob(text);
				} catch {
					accepted = false;
				}

				return accepted === STRICT_BASE64.test(text);
			}),
			{numRuns: 20_000},
		);
	});

	test('an error deep in a list is worded as AWS words it, without a path', () => {
		const shape = {list: {structure: {Data: 'blob'}}} as const;
		expect(() => decode([{Data: 'aGk='}, {Data: 'bad='}], shape, 'Records')).toThrow(
			"'bad=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
		);
		expect(() => decode([{}, 'x'], shape, 'Records')).toThrow('Expected null');
		expect(() => decode([{}, []], shape, 'Records')).toThrow(
			'Start of list found where not expected',
		);
	});

	test('lists, maps and scalars of the wrong type, as AWS words them', () => {
		const lists = {list: {list: 'blob'}} as const;
		expect(() => decode([[], 'x'], lists, 'Outer')).toThrow('Expected list or null');
		expect(() => decode([[], {}], lists, 'Outer')).toThrow(
			'Start of structure or map found where not expected.',
		);
		expect(() => decode([{}, 3], {list: 'map'}, 'Maps')).toThrow('Expected map or null');
		expect(() => decode([[]], {list: 'map'}, 'Maps')).toThrow(
			'Start of list found where not expected',
		);
		expect(() => decode({a: 1}, 'map', 'Tags')).toThrow(
			'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
		);
		expect(() => decode(true, 'string', 'StreamName')).toThrow(
			'class java.lang.Boolean can not be converted to an String',
		);
		expect(() => decode({}, 'string', 'StreamName')).toThrow(
			'Start of structure or map found where not expected.',
		);
		expect(() => decode('5', 'integer', 'Limit')).toThrow(
			'class java.lang.String can not be converted to an Integer',
		);
		expect(() => decode(true, 'integer', 'Limit')).toThrow(
			'class java.lang.Boolean can not be converted to an Integer',
		);
		expect(() => decode('yes', 'boolean', 'EnforceConsumerDeletion')).toThrow(
			"'YES' can not be converted to an Boolean",
		);
		expect(() => decode(1, 'boolean', 'EnforceConsumerDeletion')).toThrow(
			'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean',
		);
		expect(() => decode('now', 'timestamp', 'Timestamp')).toThrow(
			'class java.lang.String can not be converted to milliseconds since epoch',
		);
	});

	test('a JSON number becomes the Java int AWS wants: truncated, and capped', () => {
		expect(decode(1.9, 'integer', 'Limit')).toBe(1);
		expect(decode(2 ** 40, 'integer', 'Limit')).toBe(2 ** 31 - 1);
	});

	test('a shape decodes the same each time, whether its structure is built anew or not', () => {
		const members = {Name: 'string', Count: 'integer', Extra: 'any'} as const;
		const value = {Name: 'n', Count: 3, Unknown: true, Extra: null};
		expect(decode(value, {structure: members}, '')).toEqual({Name: 'n', Count: 3});
		expect(decode(value, {structure: members}, '')).toEqual({Name: 'n', Count: 3});
		expect(() => decode({Count: 'x'}, {structure: members}, '')).toThrow(
			'class java.lang.String can not be converted to an Integer',
		);
	});
});

describe('toWire', () => {
	test('hands over objects that need no conversion as they are, and converts the rest', () => {
		const result = {ShardId: 'shardId-000000000000', SequenceNumber: '49'};
		expect(toWire(result)).toBe(result);
		const record = {Data: new Uint8Array([104, 105]), At: new Date(1500), Gone: undefined};
		expect(toWire(record)).toEqual({Data: 'aGk=', At: 1.5});
		expect(toWire({Count: 2 ** 40, Gone: undefined}, 'cbor')).toEqual({Count: 2n ** 40n});
		expect(toWire({Count: 1, Name: 'x'}, 'cbor')).toEqual({Count: 1, Name: 'x'});
	});
});

import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {decode, SerializationError, toWire} from '../../source/server/shapes.js';

const blob = (value: unknown) => decode(value, 'blob', 'Data');
/** The textbook definition of padded standard base64, to check the fast decoder against. */
const STRICT_BASE64 = /^(?:[A-Za-z\d+/]{4})*(?:[A-Za-z\d+/]{2}==|[A-Za-z\d+/]{3}=)?$/;

describe('JSON blobs', () => {
	test('decode padded standard base64 to its bytes', () => {
		expect(blob('')).toEqual(Buffer.alloc(0));
		expect(blob('aGk=')).toEqual(Buffer.from('hi'));
		expect(blob('aGk/')).toEqual(Buffer.from([0x68, 0x69, 0x3f]));
		expect(blob('AA==')).toEqual(Buffer.from([0]));
	});

	test.each(['aGk', 'aG=k', 'a===', '====', 'aGk-', 'aGk_', 'aG k', 'aGk\n', 'aGké', 'aGk!', 42])(
		'refuse %j as AWS does',
		(value) => {
			expect(() => blob(value)).toThrow(
				new SerializationError('Base64 encoded blob expected at Data'),
			);
		},
	);

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

	test('an error deep in a list names the item', () => {
		const shape = {list: {structure: {Data: 'blob'}}} as const;
		expect(() => decode([{Data: 'aGk='}, {Data: 'bad'}], shape, 'Records')).toThrow(
			'Base64 encoded blob expected at Data',
		);
		expect(() => decode([{}, 'x'], shape, 'Records')).toThrow(
			'Start of structure or map found where not expected at Records[1]',
		);
	});

	test('items of nested lists are named by every index', () => {
		const lists = {list: {list: 'blob'}} as const;
		expect(() => decode([['aGk='], ['aGk=', 'bad']], lists, 'Outer')).toThrow(
			'Base64 encoded blob expected at Outer[1][1]',
		);
		expect(() => decode([[], 'x'], lists, 'Outer')).toThrow(
			'Start of list found where not expected at Outer[1]',
		);
		expect(() => decode([{}, 3], {list: 'map'}, 'Maps')).toThrow(
			'Start of structure or map found where not expected at Maps[1]',
		);
		expect(() => decode({Blobs: ['aGk=', 'x']}, {structure: {Blobs: {list: 'blob'}}}, '')).toThrow(
			'Base64 encoded blob expected at Blobs[1]',
		);
	});

	test('a shape decodes the same each time, whether its structure is built anew or not', () => {
		const members = {Name: 'string', Count: 'integer', Extra: 'any'} as const;
		const value = {Name: 'n', Count: 3, Unknown: true, Extra: null};
		expect(decode(value, {structure: members}, '')).toEqual({Name: 'n', Count: 3});
		expect(decode(value, {structure: members}, '')).toEqual({Name: 'n', Count: 3});
		expect(() => decode({Count: 1.5}, {structure: members}, '')).toThrow(
			'1.5 can not be converted to an Integer',
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

import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {kinesisActions} from '../../source/server/kinesis-api.js';
import {readPutRecordsJson} from '../../source/server/put-records-json.js';
import {decode} from '../../source/server/shapes.js';

/** What the general path makes of a body: JSON.parse, then the shape decoder (or the error it throws). */
function general(body: Buffer) {
	try {
		const parsed = JSON.parse(body.toString('utf8'));
		return {input: decode(parsed, {structure: kinesisActions.PutRecords.shape}, '', 'json')};
	} catch (error) {
		return {error};
	}
}

/** The read input, compared as plain values: its Data as bytes (Buffer views of one buffer). */
const plain = (input: unknown) =>
	JSON.parse(
		JSON.stringify(input, (_key, value) =>
			value?.type === 'Buffer' ? `bytes:${Buffer.from(value.data).toString('hex')}` : value,
		),
	);

function expectSameAsGeneral(text: string) {
	const body = Buffer.from(text);
	const read = readPutRecordsJson(body);
	if (read === undefined) return false;
	const {input, error} = general(body);
	expect(error).toBeUndefined();
	expect(plain(read)).toEqual(plain(input));
	expect(Object.keys(read)).toEqual(Object.keys(input as object));
	return true;
}

describe('PutRecords JSON body read without JSON.parse', () => {
	test('reads the plain forms SDKs send, as the general path does', () => {
		const plainBodies = [
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a"},{"Data":"QQ==","PartitionKey":"b"}]}',
			'{"Records":[{"PartitionKey":"k","Data":"QUI="}],"StreamName":"s"}',
			'{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","Records":[{"Data":"","PartitionKey":"k","ExplicitHashKey":"17"}]}',
			' { "StreamName" : "s" ,\n\t"Records" : [ { "Data" : "QUJD" , "PartitionKey" : "k ~\u007f" } ] }\r\n',
			'{"StreamName":"s","Records":[]}',
			// Trailing bits the strict decoder tolerates, as Node's does.
			'{"StreamName":"s","Records":[{"Data":"QR==","PartitionKey":"k"}]}',
		];
		for (const text of plainBodies) expect(expectSameAsGeneral(text)).toBe(true);
	});

	test('leaves every other body to the general path', () => {
		const others = [
			'',
			'{}',
			'[]',
			'null',
			'{"StreamName":"s\\u0041","Records":[]}',
			'{"StreamName":"s","Records":[{"Data":"AA\\/B","PartitionKey":"a"}]}',
			'{"StreamName":"s","StreamName":"t","Records":[]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a","Data":"AAEC"}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC"}]}',
			'{"StreamName":"s","Records":[{"PartitionKey":"a"}]}',
			'{"StreamName":"s","Records":[{"Data":"AAE","PartitionKey":"a"}]}',
			'{"StreamName":"s","Records":[{"Data":"A===","PartitionKey":"a"}]}',
			'{"StreamName":"s","Records":[{"Data":"QQ==QUFB","PartitionKey":"a"}]}',
			'{"StreamName":"s","Records":[{"Data":"AA-_","PartitionKey":"a"}]}',
			'{"StreamName":"s","Records":[{"Data":"AA E","PartitionKey":"a"}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"é"}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a\tb"}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":1}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":null}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a","Other":"x"}]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a"},]}',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a"}]}x',
			'{"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"a"}]',
			'{"StreamName":"s","Records":{"Data":"AAEC","PartitionKey":"a"}}',
			'{"StreamName":null,"Records":[]}',
			'{"Limit":1,"StreamName":"s","Records":[]}',
			'\ufeff{"StreamName":"s","Records":[]}',
		];
		for (const text of others) expect(readPutRecordsJson(Buffer.from(text))).toBeUndefined();
	});

	test('agrees with the general path on generated bodies, or leaves them to it', () => {
		const text = fc.oneof(
			fc.string({maxLength: 12}),
			fc.constantFrom('a', 'key-1', '', ' ', '=', '"', '\\', '\u0001', 'é'),
		);
		const base64 = fc.oneof(
			fc.uint8Array({maxLength: 40}).map((bytes) => Buffer.from(bytes).toString('base64')),
			fc.string({maxLength: 12}),
			fc.constantFrom('', 'QQ', 'QQ=', 'QR==', 'A===', '====', 'QUJD\n', '-_-_'),
		);
		const record = fc.record(
			{Data: base64, PartitionKey: text, ExplicitHashKey: text},
			{requiredKeys: []},
		);
		const body = fc.record(
			{StreamName: text, StreamARN: text, Records: fc.array(record, {maxLength: 5})},
			{requiredKeys: []},
		);
		const space = fc.constantFrom('', ' ', '\n  ');
		let read = 0;
		fc.assert(
			fc.property(body, space, (value, pad) => {
				const json = JSON.stringify(value, undefined, pad.length > 0 ? pad.length : undefined);
				const fast = readPutRecordsJson(Buffer.from(json));
				const {input, error} = general(Buffer.from(json));
				if (fast === undefined) return;
				read++;
				expect(error).toBeUndefined();
				expect(plain(fast)).toEqual(plain(input));
			}),
			{numRuns: 2000},
		);
		// The generated bodies reach the reader's own path, not only its refusals.
		expect(read).toBeGreaterThan(100);
	});
});

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import type {PutRecordsOutput} from '../../source/kinesis/types.js';
import {kinesisActions} from '../../source/server/kinesis-api.js';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisError} from '../../source/engine/errors.js';
import {jsonProtocol} from '../../source/server/protocols.js';
import {KinesisServer} from '../../source/server/server.js';
import {readPutRecordsJson} from '../../source/server/put-records-json.js';
import {decode, SerializationError, toWire} from '../../source/server/shapes.js';
import {waitFor} from '../helpers/wait-for.js';

const json = (output: unknown) => kinesisActions.PutRecords.json!(output);
const stringified = (output: unknown) => Buffer.from(JSON.stringify(toWire(output, 'json')));

describe('PutRecords JSON answer', () => {
	test('is what JSON.stringify writes, for written and failed entries alike', () => {
		const outputs: PutRecordsOutput[] = [
			{
				FailedRecordCount: 0,
				Records: [{ShardId: 'shardId-000000000000', SequenceNumber: '49' + '1'.repeat(54)}],
				EncryptionType: 'NONE',
			},
			{
				FailedRecordCount: 2,
				Records: [
					{
						ErrorCode: 'ProvisionedThroughputExceededException',
						ErrorMessage: 'Rate "ex\\ceeded" é\n',
					},
					{ShardId: 'shardId-000000000001', SequenceNumber: '4912'},
					{ErrorCode: 'InternalFailure', ErrorMessage: 'x'},
				],
				EncryptionType: 'KMS',
			},
			{FailedRecordCount: 0, Records: [], EncryptionType: 'NONE'},
			{
				FailedRecordCount: 0,
				Records: [{ShardId: 'shardId-000000000002', SequenceNumber: '7'}],
			} as never,
		];
		for (const output of outputs) expect(json(output)).toEqual(stringified(output));
	});

	test('is what JSON.stringify writes for any mix of written and failed entries (property)', () => {
		const written = fc.record({
			ShardId: fc.constantFrom(
				'shardId-000000000000',
				'shardId-000000000001',
				'shardId-000000000017',
			),
			SequenceNumber: fc.stringMatching(/^[1-9]\d{0,55}$/),
		});
		const failed = fc.record({
			ErrorCode: fc.constantFrom('InternalFailure', 'ProvisionedThroughputExceededException'),
			ErrorMessage: fc.string(),
		});
		fc.assert(
			fc.property(
				fc.array(fc.oneof(written, failed), {maxLength: 8}),
				fc.constantFrom('NONE', 'KMS', undefined),
				(Records, EncryptionType) => {
					const FailedRecordCount = Records.filter((record) => 'ErrorCode' in record).length;
					const output = {FailedRecordCount, Records, EncryptionType} as PutRecordsOutput;
					expect(json(output)).toEqual(stringified(output));
				},
			),
			{numRuns: 2000},
		);
	});

	test('is what JSON.stringify writes for a real put', async () => {
		const engine = new KinesisEngine({enforceLimits: false});
		try {
			engine.createStream({StreamName: 's', ShardCount: 3});
			await waitFor(
				() => engine.describeStreamSummary({StreamName: 's'}).StreamStatus === 'ACTIVE',
				{message: 'the stream ACTIVE'},
			);
			const Records = Array.from({length: 1500}, (_, index) => ({
				PartitionKey: `key-${index}`,
				Data: Buffer.from([index % 256]),
			}));
			for (let put = 0; put < 3; put++) {
				const output = await engine.putRecords({
					StreamName: 's',
					Records: Records.slice(put * 500, put * 500 + 500),
				});
				expect(json(output)).toEqual(stringified(output));
			}
		} finally {
			await engine.close();
		}
	});
});

type Answer = {answer: string} | {error: string};

const errorText = (error: unknown) =>
	error instanceof KinesisError
		? `${error.code}: ${error.message}`
		: error instanceof SerializationError
			? `SerializationException: ${error.message}`
			: String(error);

/** The generic path: parse, decode, the engine's checked putRecords, the object answer writer. */
async function generic(engine: KinesisEngine, body: Buffer): Promise<Answer> {
	const action = kinesisActions.PutRecords;
	try {
		const input = decode(jsonProtocol.parse(body), {structure: action.shape}, '', 'json');
		const output = await action.run(engine, input as Record<string, unknown>);
		return {answer: action.json!(output).toString('latin1')};
	} catch (error) {
		return {error: errorText(error)};
	}
}

/** The body answered in place, or undefined when it is left to the generic path. */
async function direct(engine: KinesisEngine, body: Buffer): Promise<Answer | undefined> {
	const run = kinesisActions.PutRecords.direct!(engine, body);
	if (!run) return undefined;
	try {
		return {answer: (await run()).toString('latin1')};
	} catch (error) {
		return {error: errorText(error)};
	}
}

/** Every record each shard of `stream` holds, as a reader gets them. */
function stored(engine: KinesisEngine, stream: string) {
	return engine.listShards({StreamName: stream}).map((shard) => {
		const {ShardIterator} = engine.getShardIterator({
			StreamName: stream,
			ShardId: shard.ShardId,
			ShardIteratorType: 'TRIM_HORIZON',
		});
		return engine.getRecords({ShardIterator, Limit: 10_000}).Records.map((record) => ({
			...record,
			Data: Buffer.from(record.Data).toString('hex'),
		}));
	});
}

/** Two engines on one clock with the same stream: one for each path, to compare answers and stores. */
async function twoEngines(options: {enforceLimits: boolean}) {
	const clock = new ManualClock(1_750_000_000_000);
	const make = () => new KinesisEngine({...options, clock, createDelayMs: 0});
	const engines = [make(), make()] as const;
	for (const engine of engines) engine.createStream({StreamName: 's', ShardCount: 3});
	clock.advance(10);
	await waitFor(
		() =>
			engines.every(
				(engine) => engine.describeStreamSummary({StreamName: 's'}).StreamStatus === 'ACTIVE',
			),
		{message: 'both streams ACTIVE'},
	);
	return {clock, engines};
}

const base64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

describe('PutRecords JSON request, answered in place', () => {
	test('reads what SDKs send: compact (JS, Go, Java), spaced (boto3) and indented', async () => {
		const records = [
			{Data: base64([1, 2, 3]), PartitionKey: 'user-1'},
			{Data: base64([]), PartitionKey: 'k'},
			{Data: base64([255, 254]), PartitionKey: 'a b'},
			{Data: base64([...Buffer.alloc(300, 7)]), PartitionKey: 'x'.repeat(256)},
		];
		const value = {StreamName: 's', Records: records};
		const bodies = [
			JSON.stringify(value),
			JSON.stringify(value).replaceAll(',', ', ').replaceAll(':', ': '),
			JSON.stringify(value, undefined, '\t'),
			`\r\n ${JSON.stringify({Records: records, StreamName: 's'}, undefined, 2)}\n`,
		];
		const {engines} = await twoEngines({enforceLimits: false});
		try {
			for (const text of bodies) {
				const body = Buffer.from(text);
				expect(readPutRecordsJson(body), text).toBeDefined();
				const inPlace = await direct(engines[0], body);
				expect(inPlace).toHaveProperty('answer');
				expect(inPlace).toEqual(await generic(engines[1], body));
			}

			expect(stored(engines[0], 's')).toEqual(stored(engines[1], 's'));
			expect(stored(engines[0], 's').flat()).toHaveLength(4 * bodies.length);
		} finally {
			await Promise.all(engines.map((engine) => engine.close()));
		}
	});

	test('reads records that are compact but for a space, or their members’ order, as the generic path does', async () => {
		const bodies = [
			'{"StreamName":"s","Records":[{"Data":"AQI=","PartitionKey":"k" },{"PartitionKey":"k2","Data":"AQI="}]}',
			'{"StreamName":"s","Records":[{"Data":"AQI=" ,"PartitionKey":"k3"}, {"Data":"","PartitionKey":"k4"}]}',
			`{"StreamName":"s","Records":[{"Data":"AQI=","PartitionKey":"${'k'.repeat(256)}"}]}`,
		];
		const {engines} = await twoEngines({enforceLimits: false});
		try {
			for (const text of bodies) {
				const body = Buffer.from(text);
				expect(readPutRecordsJson(body), text).toBeDefined();
				expect(await direct(engines[0], body)).toEqual(await generic(engines[1], body));
			}

			expect(stored(engines[0], 's')).toEqual(stored(engines[1], 's'));
			expect(stored(engines[0], 's').flat()).toHaveLength(5);
		} finally {
			await Promise.all(engines.map((engine) => engine.close()));
		}
	});

	test('a put whose records are throttled answers them as failed, after puts that reused its batch', async () => {
		// One shard takes 1,000 records a second: the third put of 500 in one second is refused whole.
		const {engines} = await twoEngines({enforceLimits: true});
		const body = (put: number) =>
			Buffer.from(
				JSON.stringify({
					StreamName: 's',
					Records: Array.from({length: 500}, (_, index) => ({
						Data: base64([put, index % 256]),
						PartitionKey: 'same key',
					})),
				}),
			);
		try {
			for (let put = 0; put < 3; put++) {
				const inPlace = await direct(engines[0], body(put));
				expect(inPlace).toEqual(await generic(engines[1], body(put)));
				if (put === 2)
					expect(inPlace).toEqual({answer: expect.stringMatching(/^\{"FailedRecordCount":500,/)});
			}
		} finally {
			await Promise.all(engines.map((engine) => engine.close()));
		}
	});

	test('with a data directory, stores what the generic path stores, checksummed, across a restart', async () => {
		const dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-in-place-'));
		const clock = new ManualClock(1_750_000_000_000);
		const open = () => new KinesisEngine({dataDirectory, clock, createDelayMs: 0});
		const body = (first: number) =>
			Buffer.from(
				JSON.stringify({
					StreamName: 's',
					Records: Array.from({length: 200}, (_, index) => ({
						Data: base64([first + index, index % 7]),
						PartitionKey: `key-${first + index}`,
					})),
				}),
			);
		try {
			let engine = open();
			engine.createStream({StreamName: 's', ShardCount: 2});
			clock.advance(10);
			await waitFor(
				() => engine.describeStreamSummary({StreamName: 's'}).StreamStatus === 'ACTIVE',
				{
					message: 'the stream ACTIVE',
				},
			);
			expect(await direct(engine, body(0))).toHaveProperty('answer');
			expect(await generic(engine, body(1000))).toHaveProperty('answer');
			const before = stored(engine, 's');
			await engine.close();
			// Recovery checks every frame's checksum and cuts what fails it: all 400 must come back.
			engine = open();
			const after = stored(engine, 's');
			await engine.close();
			expect(after).toEqual(before);
			const keys = after.flat().map((record) => record.PartitionKey);
			expect(keys).toHaveLength(400);
			expect(new Set(keys)).toEqual(
				new Set([
					...Array.from({length: 200}, (_, i) => `key-${i}`),
					...Array.from({length: 200}, (_, i) => `key-${1000 + i}`),
				]),
			);
		} finally {
			rmSync(dataDirectory, {recursive: true, force: true});
		}
	});

	test('concurrent puts to serve each store their own records', async () => {
		const engine = new KinesisEngine({enforceLimits: false, createDelayMs: 0});
		const server = new KinesisServer({engine, port: 0});
		const url = await server.start();
		try {
			engine.createStream({StreamName: 's', ShardCount: 4});
			await waitFor(
				() => engine.describeStreamSummary({StreamName: 's'}).StreamStatus === 'ACTIVE',
				{
					message: 'the stream ACTIVE',
				},
			);
			// Each record's data names its key, so a record given another put's data would show.
			const put = (call: number) =>
				fetch(url, {
					method: 'POST',
					headers: {
						'Content-Type': 'application/x-amz-json-1.1',
						'X-Amz-Target': 'Kinesis_20131202.PutRecords',
						'X-Amz-Date': '20260101T000000Z',
						Authorization:
							'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=abc',
					},
					body: JSON.stringify({
						StreamName: 's',
						Records: Array.from({length: 100 + call}, (_, index) => ({
							Data: Buffer.from(`data of ${call}-${index}`.repeat(1 + (index % 5))).toString(
								'base64',
							),
							PartitionKey: `${call}-${index}`,
						})),
					}),
				}).then(async (response) => ({
					status: response.status,
					body: (await response.json()) as {FailedRecordCount?: number; Records?: unknown[]},
				}));
			const answers = await Promise.all(Array.from({length: 24}, (_, call) => put(call)));
			for (const [call, answer] of answers.entries()) {
				expect(answer, JSON.stringify(answer.body)).toMatchObject({status: 200});
				expect(answer.body).toMatchObject({FailedRecordCount: 0});
				expect(answer.body.Records).toHaveLength(100 + call);
			}

			const records = stored(engine, 's').flat();
			expect(records).toHaveLength(answers.reduce((sum, _, call) => sum + 100 + call, 0));
			for (const record of records) {
				const index = Number(record.PartitionKey.split('-')[1]);
				const expected = `data of ${record.PartitionKey}`.repeat(1 + (index % 5));
				expect(Buffer.from(record.Data, 'hex').toString()).toBe(expected);
			}
		} finally {
			await server.stop();
			await engine.close();
		}
	});

	test('leaves every other body to the generic path', () => {
		const record = '{"Data":"AQ==","PartitionKey":"k"}';
		const bodies = [
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":"k\\u0041"}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":"ключ"}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ=","PartitionKey":"k"}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":"k","Other":"x"}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":"k","Data":"AQ=="}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":"k","ExplicitHashKey":"1"}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":7}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":null}]}',
			'{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":""}]}',
			`{"StreamName":"s","Records":[{"Data":"AQ==","PartitionKey":"${'k'.repeat(257)}"}]}`,
			'{"StreamName":"s","Records":[{"Data":"AQ=="}]}',
			'{"StreamName":"s","Records":[null]}',
			'{"StreamName":"s","Records":[]}',
			`{"StreamName":"s","Records":[${Array.from({length: 501}, () => record).join(',')}]}`,
			`{"StreamName":"s","Records":[${record}]} x`,
			`{"StreamName":"s","Records":[${record},]}`,
			`{"StreamName":"s","Records":[${record}]`,
			`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","Records":[${record}]}`,
			`{"StreamName":"s t","Records":[${record}]}`,
			`{"StreamName":"","Records":[${record}]}`,
			`{"StreamName":"${'s'.repeat(129)}","Records":[${record}]}`,
			`{"Records":[${record}]}`,
			'{"StreamName":"s"}',
			'[]',
			'',
		];
		for (const text of bodies) expect(readPutRecordsJson(Buffer.from(text)), text).toBeUndefined();
		// The plain form itself is read: the cases above each break one thing of it.
		expect(
			readPutRecordsJson(Buffer.from(`{"StreamName":"s","Records":[${record}]}`)),
		).toBeDefined();
	});

	test('answers and stores as the generic path does, or leaves the body to it (property)', async () => {
		const character = fc.oneof(
			{weight: 40, arbitrary: fc.constantFrom(...'azAZ09 -_.:/+=')},
			fc.constantFrom('"', '\\', '\n', '\t', 'é', '键', '😀', '\u0000', '\u007f'),
		);
		const text = fc.string({unit: character, maxLength: 6});
		const blob = fc.oneof(
			// Up to 40 bytes: 56 characters, decoded partly 16 at a time (put-kernels.wat).
			{weight: 6, arbitrary: fc.uint8Array({maxLength: 40}).map((bytes) => base64([...bytes]))},
			// Near misses: cut, re-padded, base64url, with a stray character.
			fc
				.tuple(fc.uint8Array({minLength: 1, maxLength: 30}), fc.nat(3), character)
				.map(([bytes, how, extra]) => {
					const encoded = base64([...bytes]);
					if (how === 0) return encoded.slice(1);
					if (how === 1) return encoded.replace(/=+$/, '') + '=';
					if (how === 2) return encoded.replaceAll('+', '-').replaceAll('/', '_');
					return encoded.slice(0, 2) + extra + encoded.slice(3);
				}),
		);
		const member = (value: fc.Arbitrary<unknown>) =>
			fc.oneof({weight: 30, arbitrary: value}, fc.constantFrom(null, 7, true, [], {}));
		// Now and then, a member the plain form does not have: ExplicitHashKey and StreamARN are the
		// shape's, the others are not.
		const nowAndThen = <T extends object>(
			value: fc.Arbitrary<T>,
			name: string,
			extra: fc.Arbitrary<unknown>,
		) =>
			fc
				.tuple(value, fc.oneof({weight: 20, arbitrary: fc.constant(undefined)}, extra))
				.map(([object, more]) => (more === undefined ? object : {...object, [name]: more}));
		const record = nowAndThen(
			nowAndThen(
				fc.record(
					{Data: member(blob), PartitionKey: member(text)},
					{requiredKeys: ['Data', 'PartitionKey']},
				),
				'ExplicitHashKey',
				member(fc.stringMatching(/^\d{1,40}$/)),
			),
			'Stray',
			text,
		);
		const records = fc.array(fc.oneof({weight: 30, arbitrary: record}, fc.constant(null)), {
			maxLength: 6,
		});
		const streamName = fc.oneof({weight: 8, arbitrary: fc.constant('s')}, text);
		const input = nowAndThen(
			nowAndThen(
				fc.record(
					{StreamName: member(streamName), Records: member(records)},
					{requiredKeys: ['Records']},
				),
				'StreamARN',
				member(text),
			),
			'Stray',
			text,
		);
		// The body as a client writes it (compact, spaced or indented), sometimes broken afterwards.
		const breakage = fc.tuple(fc.nat(), fc.constantFrom('', '"', '\\', ',', '}', ']', ' ', 'x'));
		const body = fc
			.tuple(
				input,
				fc.constantFrom<string | number | undefined>(undefined, 1, '\t', ' \r\n'),
				fc.oneof({weight: 3, arbitrary: fc.constant(undefined)}, breakage),
			)
			.map(([value, indent, broken]) => {
				let written = JSON.stringify(value, undefined, indent);
				if (broken) {
					const at = broken[0] % (written.length + 1);
					written = written.slice(0, at) + broken[1] + written.slice(at + 1);
				}

				return Buffer.from(written);
			});
		// Limits on, so that some records are throttled (a failed entry in the answer) on both sides.
		const {clock, engines} = await twoEngines({enforceLimits: true});
		let inPlace = 0;
		try {
			await fc.assert(
				fc.asyncProperty(body, fc.boolean(), async (bytes, tick) => {
					if (tick) clock.advance(1000);
					const answered = await direct(engines[0], bytes);
					const expected = await generic(engines[1], bytes);
					if (answered === undefined) {
						// Left to the generic path, which then answers for both engines alike.
						expect(await generic(engines[0], bytes)).toEqual(expected);
						return;
					}

					inPlace++;
					expect(answered).toEqual(expected);
				}),
				{numRuns: 4000},
			);
			expect(stored(engines[0], 's')).toEqual(stored(engines[1], 's'));
		} finally {
			await Promise.all(engines.map((engine) => engine.close()));
		}

		// The property is only worth something if many bodies were answered in place.
		expect(inPlace).toBeGreaterThan(250);
	});
});

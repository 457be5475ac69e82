/**
 * The CBOR protocol (application/x-amz-cbor-1.1, the AWS SDK for Java's and so the KCL's default), with
 * requests built by hand as the Java SDK writes them: blobs as byte strings, timestamps as tag 1 over
 * epoch milliseconds.
 */
import {request as http1Request} from 'node:http';
import {connect as http2Connect, type ClientHttp2Session} from 'node:http2';
import {Decoder, Encoder, Tag} from 'cbor-x';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {waitFor} from '../helpers/wait-for.js';

let engine: KinesisEngine;
let server: KinesisServer;
let url: URL;

beforeAll(async () => {
	engine = new KinesisEngine({enforceLimits: false});
	server = new KinesisServer({engine, port: 0});
	url = new URL(await server.start());
});

afterAll(async () => {
	await server.stop();
	await engine.close();
});

const CBOR = 'application/x-amz-cbor-1.1';
const encoder = new Encoder({useRecords: false, mapsAsObjects: true, tagUint8Array: false});
/** 64-bit integers come back as BigInts here: a float on the wire would come back as a number. */
const strictDecoder = new Decoder({useRecords: false, mapsAsObjects: true});
const signed = {
	Authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
	'X-Amz-Date': '20260101T000000Z',
};

type Answer = {status: number; contentType: string | undefined; body: Buffer};

function post(action: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const request = http1Request(
			{
				host: url.hostname,
				port: url.port,
				method: 'POST',
				path: '/',
				headers: {
					'Content-Type': CBOR,
					'X-Amz-Target': `Kinesis_20131202.${action}`,
					...signed,
					...headers,
				},
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode!,
						contentType: response.headers['content-type'],
						body: Buffer.concat(chunks),
					}),
				);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** Sends `input` as CBOR and decodes the CBOR answer. */
async function kinesis(action: string, input: unknown) {
	const answer = await post(action, encoder.encode(input));
	expect(answer.contentType).toBe(CBOR);
	return {status: answer.status, body: strictDecoder.decode(answer.body) as Record<string, any>}; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A timestamp as the Java SDK v1 writes it: tag 1 over epoch milliseconds. */
const javaTimestamp = (milliseconds: number) => new Tag(BigInt(milliseconds), 1);

describe('the Kinesis CBOR protocol', () => {
	test('PutRecord / GetRecords round trip with byte strings and millisecond timestamps', async () => {
		expect(await kinesis('CreateStream', {StreamName: 'cbor', ShardCount: 1})).toEqual({
			status: 200,
			body: {},
		});
		const before = Date.now();
		const data = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]);
		const put = await kinesis('PutRecord', {StreamName: 'cbor', PartitionKey: 'k', Data: data});
		expect(put.status).toBe(200);
		expect(put.body.ShardId).toBe('shardId-000000000000');
		expect(put.body.SequenceNumber).toMatch(/^\d{56}$/);

		// AT_TIMESTAMP with tag 1 over milliseconds: read as milliseconds, the record is after it.
		const iterator = await kinesis('GetShardIterator', {
			StreamName: 'cbor',
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: javaTimestamp(before - 1000),
		});
		expect(iterator.status).toBe(200);
		const records = await kinesis('GetRecords', {ShardIterator: iterator.body.ShardIterator});
		expect(records.status).toBe(200);
		expect(records.body.Records).toHaveLength(1);
		const [record] = records.body.Records;
		expect(Buffer.from(record.Data)).toEqual(data);
		expect(record.PartitionKey).toBe('k');
		// Epoch milliseconds as a CBOR unsigned integer (a BigInt here), not a float nor seconds.
		expect(typeof record.ApproximateArrivalTimestamp).toBe('bigint');
		const arrival = Number(record.ApproximateArrivalTimestamp);
		expect(arrival).toBeGreaterThanOrEqual(before);
		expect(arrival).toBeLessThanOrEqual(Date.now());
		expect(typeof records.body.MillisBehindLatest).toBe('number');

		// Untagged milliseconds mean the same; a time after the record finds nothing.
		await waitFor(() => Date.now() > arrival, {message: 'the clock past the arrival'});
		const later = await kinesis('GetShardIterator', {
			StreamName: 'cbor',
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: Date.now(),
		});
		const none = await kinesis('GetRecords', {ShardIterator: later.body.ShardIterator});
		expect(none.body.Records).toEqual([]);
		// Read as seconds, the same number would be some 50,000 years ahead: Kinesis refuses the future.
		const future = await kinesis('GetShardIterator', {
			StreamName: 'cbor',
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: javaTimestamp(Date.now() + 3_600_000),
		});
		expect(future.status).toBe(400);
		expect(future.body.__type).toBe('InvalidArgumentException');
	});

	test('PutRecords and DescribeStreamSummary answer in CBOR', async () => {
		await kinesis('CreateStream', {StreamName: 'cbor-batch', ShardCount: 2});
		const put = await kinesis('PutRecords', {
			StreamName: 'cbor-batch',
			Records: Array.from({length: 10}, (_, i) => ({
				PartitionKey: `key-${i}`,
				Data: Buffer.from(`record ${i}`),
			})),
		});
		expect(put.status).toBe(200);
		expect(put.body.FailedRecordCount).toBe(0);
		expect(put.body.Records).toHaveLength(10);
		const summary = await kinesis('DescribeStreamSummary', {StreamName: 'cbor-batch'});
		expect(summary.body.StreamDescriptionSummary).toMatchObject({
			StreamName: 'cbor-batch',
			OpenShardCount: 2,
			StreamStatus: 'ACTIVE',
		});
		const created = Number(summary.body.StreamDescriptionSummary.StreamCreationTimestamp);
		expect(Math.abs(created - Date.now())).toBeLessThan(60_000);
	});

	test('errors are CBOR maps {__type, message} with AWS status codes', async () => {
		const missing = await kinesis('DescribeStreamSummary', {StreamName: 'missing'});
		expect(missing).toEqual({
			status: 400,
			body: {
				__type: 'ResourceNotFoundException',
				message: 'Stream missing under account 000000000000 not found.',
			},
		});
		const unknown = await kinesis('MakeCoffee', {});
		expect(unknown).toEqual({status: 400, body: {__type: 'UnknownOperationException'}});
		const unsigned = await post('ListStreams', encoder.encode({}), {Authorization: ''});
		expect(strictDecoder.decode(unsigned.body)).toEqual({
			__type: 'MissingAuthenticationTokenException',
			message: 'Missing Authentication Token',
		});
	});

	test('malformed CBOR and wrong member types are SerializationException', async () => {
		for (const body of [
			Buffer.from([0xbf, 0x61]), // truncated
			Buffer.from([0xa0, 0xff]), // trailing bytes
			Buffer.from([0xff]),
			Buffer.from('{"json": "is not CBOR"}'),
		]) {
			const answer = await post('ListStreams', body);
			expect(answer.status).toBe(400);
			expect(strictDecoder.decode(answer.body)).toEqual({__type: 'SerializationException'});
		}

		const empty = await post('ListStreams', Buffer.alloc(0));
		expect(strictDecoder.decode(empty.body)).toEqual({__type: 'SerializationException'});
		// A blob must be a byte string in CBOR, not base64 text; a timestamp a number.
		const text = await kinesis('PutRecord', {StreamName: 'cbor', PartitionKey: 'k', Data: 'aGk='});
		expect(text.status).toBe(400);
		expect(text.body.__type).toBe('SerializationException');
		const badTime = await kinesis('GetShardIterator', {
			StreamName: 'cbor',
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: 'yesterday',
		});
		expect(badTime.body.__type).toBe('SerializationException');
		// A number beyond a Java int is capped to one, as AWS's front end does, then out of range.
		const hugeLimit = await kinesis('ListStreams', {Limit: 2 ** 40});
		expect(hugeLimit.body).toEqual({
			__type: 'ValidationException',
			message:
				"1 validation error detected: Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
		});
		// A top-level array or scalar is not a request.
		expect((await kinesis('ListStreams', [1, 2])).body.__type).toBe('SerializationException');
	});

	test('works over HTTP/2 too', async () => {
		const session: ClientHttp2Session = http2Connect(url.origin);
		try {
			const answer = await new Promise<{status: number; body: Buffer}>((resolve, reject) => {
				const stream = session.request({
					':method': 'POST',
					':path': '/',
					'content-type': CBOR,
					'x-amz-target': 'Kinesis_20131202.ListStreams',
					authorization: signed.Authorization,
					'x-amz-date': signed['X-Amz-Date'],
				});
				const chunks: Buffer[] = [];
				let status = 0;
				stream.on('response', (headers) => (status = Number(headers[':status'])));
				stream.on('data', (chunk: Buffer) => chunks.push(chunk));
				stream.on('end', () => resolve({status, body: Buffer.concat(chunks)}));
				stream.on('error', reject);
				stream.end(encoder.encode({Limit: 10}));
			});
			expect(answer.status).toBe(200);
			expect(strictDecoder.decode(answer.body).StreamNames).toEqual(
				expect.arrayContaining(['cbor']),
			);
		} finally {
			session.close();
		}
	});
});

import {request as http1Request} from 'node:http';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';

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

const signed = {
	Authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
	'X-Amz-Date': '20260101T000000Z',
};

type Answer = {status: number; headers: Record<string, unknown>; body: string};

function post(
	headers: Record<string, string>,
	body: string | Buffer,
	method = 'POST',
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const request = http1Request(
			{host: url.hostname, port: url.port, method, path: '/', headers},
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (text += chunk));
				response.on('end', () =>
					resolve({status: response.statusCode!, headers: response.headers, body: text}),
				);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

const kinesis = (action: string, body: unknown, extra: Record<string, string> = signed) =>
	post(
		{
			'Content-Type': 'application/x-amz-json-1.1',
			'X-Amz-Target': `Kinesis_20131202.${action}`,
			...extra,
		},
		typeof body === 'string' ? body : JSON.stringify(body),
	);

describe('the Kinesis JSON 1.1 protocol over HTTP/1.1', () => {
	test('creates, puts and reads back with AWS-shaped answers', async () => {
		expect((await kinesis('CreateStream', {StreamName: 'wire', ShardCount: 1})).status).toBe(200);
		const put = await kinesis('PutRecord', {
			StreamName: 'wire',
			PartitionKey: 'k',
			Data: Buffer.from('hello').toString('base64'),
		});
		expect(put.status).toBe(200);
		expect(put.headers['x-amzn-requestid']).toMatch(/^[\da-f-]{36}$/);
		const {ShardId, SequenceNumber} = JSON.parse(put.body);
		expect(ShardId).toBe('shardId-000000000000');
		const iterator = JSON.parse(
			(
				await kinesis('GetShardIterator', {
					StreamName: 'wire',
					ShardId,
					ShardIteratorType: 'AT_SEQUENCE_NUMBER',
					StartingSequenceNumber: SequenceNumber,
				})
			).body,
		).ShardIterator;
		const records = JSON.parse((await kinesis('GetRecords', {ShardIterator: iterator})).body);
		expect(records.Records).toHaveLength(1);
		expect(Buffer.from(records.Records[0].Data, 'base64').toString()).toBe('hello');
		expect(typeof records.Records[0].ApproximateArrivalTimestamp).toBe('number');
		expect(records.MillisBehindLatest).toBe(0);
	});

	test('a missing stream is ResourceNotFoundException with AWS wording', async () => {
		const answer = await kinesis('DescribeStream', {StreamName: 'missing'});
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body)).toEqual({
			__type: 'ResourceNotFoundException',
			message: 'Stream missing under account 000000000000 not found.',
		});
	});

	test('malformed JSON and wrong member types are SerializationException', async () => {
		expect(JSON.parse((await kinesis('ListStreams', '{not json')).body)).toEqual({
			__type: 'SerializationException',
		});
		const wrongType = await kinesis('CreateStream', {StreamName: 'x', ShardCount: 'two'});
		expect(wrongType.status).toBe(400);
		expect(JSON.parse(wrongType.body).__type).toBe('SerializationException');
		const badBlob = await kinesis('PutRecord', {
			StreamName: 'wire',
			PartitionKey: 'k',
			Data: '***',
		});
		expect(JSON.parse(badBlob.body).__type).toBe('SerializationException');
	});

	test('validation errors use AWS wording', async () => {
		const answer = await kinesis('CreateStream', {StreamName: 'bad name!', ShardCount: 1});
		expect(JSON.parse(answer.body)).toEqual({
			__type: 'ValidationException',
			message:
				"1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
		});
	});

	test('an unknown action is UnknownOperationException', async () => {
		const answer = await kinesis('MakeCoffee', {});
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body)).toEqual({__type: 'UnknownOperationException'});
	});

	test('an unsigned request is refused as AWS refuses it', async () => {
		const answer = await kinesis('ListStreams', {}, {});
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body)).toEqual({
			__type: 'MissingAuthenticationTokenException',
			message: 'Missing Authentication Token',
		});
	});

	test('a GET is AccessDeniedException in XML, an oversized body is 413', async () => {
		const get = await post({}, '', 'GET');
		expect(get.status).toBe(403);
		expect(get.body).toContain('<AccessDeniedException>');
		const huge = await kinesis('PutRecords', 'x'.repeat(8 * 1024 * 1024));
		expect(huge.status).toBe(413);
		// …and the server still answers afterwards.
		expect((await kinesis('ListStreams', {})).status).toBe(200);
	});
});

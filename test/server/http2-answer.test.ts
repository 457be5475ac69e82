import {connect} from 'node:http2';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';

let engine: KinesisEngine;
let server: KinesisServer;
let url: string;

beforeAll(async () => {
	engine = new KinesisEngine({enforceLimits: false});
	server = new KinesisServer({engine, port: 0});
	url = await server.start();
});

afterAll(async () => {
	await server.stop();
	await engine.close();
});

function post(headers: Record<string, string>, body: string) {
	const session = connect(url);
	return new Promise<{headers: Record<string, unknown>; body: string}>((resolve, reject) => {
		const stream = session.request({':method': 'POST', ':path': '/', ...headers});
		let text = '';
		let answer: Record<string, unknown> = {};
		stream.on('response', (received) => (answer = {...received}));
		stream.setEncoding('utf8');
		stream.on('data', (chunk: string) => (text += chunk));
		stream.on('end', () => resolve({headers: answer, body: text}));
		stream.on('error', reject);
		stream.end(body);
	}).finally(() => session.close());
}

const signed = {
	authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=abc',
	// AWS refuses a signature without the date it was made at.
	'x-amz-date': '20260101T000000Z',
};

describe('answers over HTTP/2', () => {
	test.each([
		['ListStreams', '{}', 200, '{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}'],
		['Nope', '{}', 400, '{"__type":"UnknownOperationException"}'],
		['ListStreams', '{', 400, '{"__type":"SerializationException"}'],
	])('%s %s carries the headers and body AWS sends', async (action, body, status, expected) => {
		const answer = await post(
			{
				'content-type': 'application/x-amz-json-1.1',
				'x-amz-target': `Kinesis_20131202.${action}`,
				...signed,
			},
			body,
		);
		expect(Object.keys(answer.headers)).toEqual([
			':status',
			'x-amzn-requestid',
			'x-amz-id-2',
			'content-type',
			'content-length',
			'date',
		]);
		expect(answer.headers[':status']).toBe(status);
		expect(answer.headers['content-type']).toBe('application/x-amz-json-1.1');
		expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
		expect(answer.headers['x-amz-id-2']).toMatch(/^[A-Za-z\d+/]{96}$/);
		expect(answer.body).toBe(expected);
	});

	test('each answer has its own x-amz-id-2', async () => {
		const ids = new Set<unknown>();
		for (let i = 0; i < 70; i++) {
			const answer = await post(
				{
					'content-type': 'application/x-amz-json-1.1',
					'x-amz-target': 'Kinesis_20131202.ListStreams',
					...signed,
				},
				'{}',
			);
			ids.add(answer.headers['x-amz-id-2']);
		}

		expect(ids.size).toBe(70);
	});
});

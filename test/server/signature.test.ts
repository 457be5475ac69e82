/**
 * `serve --verify-signatures`: SigV4 checked for real. The AWS SDK v3 client (HTTP/2 and HTTP/1.1) signs
 * as it does for AWS; wrong secrets, unknown keys, stale dates and tampered bodies are refused as Kinesis
 * refuses them.
 */
import {createHash, createHmac} from 'node:crypto';
import {request as http1Request} from 'node:http';
import {
	KinesisClient,
	ListStreamsCommand,
	CreateStreamCommand,
	PutRecordCommand,
	type KinesisClientConfig,
} from '@aws-sdk/client-kinesis';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {SignatureV4} from '@smithy/signature-v4';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {SIGNATURE_MISMATCH, UNRECOGNIZED_CLIENT} from '../../source/server/signature.js';

const KEY = {accessKeyId: 'AKIAKINESISTOPTEST01', secretAccessKey: 'kinesis-top/secret+key'};

let engine: KinesisEngine;
let server: KinesisServer;
let endpoint: string;
const clients: KinesisClient[] = [];

beforeAll(async () => {
	engine = new KinesisEngine({enforceLimits: false});
	server = new KinesisServer({engine, port: 0, verifySignatures: [KEY]});
	endpoint = await server.start();
});

afterAll(async () => {
	for (const client of clients) client.destroy();
	await server.stop();
	await engine.close();
});

function client(credentials: typeof KEY, config: Partial<KinesisClientConfig> = {}) {
	const kinesis = new KinesisClient({
		endpoint,
		region: 'us-east-1',
		credentials,
		maxAttempts: 1,
		...config,
	});
	clients.push(kinesis);
	return kinesis;
}

async function failure(promise: Promise<unknown>) {
	const error = (await promise.then(
		() => undefined,
		(error: unknown) => error,
	)) as {name: string; message: string; $metadata: {httpStatusCode?: number}} | undefined;
	if (!error) throw new Error('expected the call to fail');
	return {name: error.name, message: error.message, status: error.$metadata?.httpStatusCode};
}

describe('SigV4 verification', () => {
	test('the SDK with the right key works, over HTTP/2 and HTTP/1.1', async () => {
		const http2 = client(KEY);
		await http2.send(new CreateStreamCommand({StreamName: 'signed', ShardCount: 1}));
		const put = await http2.send(
			new PutRecordCommand({StreamName: 'signed', PartitionKey: 'k', Data: Buffer.from('x')}),
		);
		expect(put.SequenceNumber).toMatch(/^\d+$/);
		const http1 = client(KEY, {requestHandler: new NodeHttpHandler()});
		expect((await http1.send(new ListStreamsCommand({}))).StreamNames).toEqual(['signed']);
	});

	test('a wrong secret is InvalidSignatureException, 403', async () => {
		const wrong = client({...KEY, secretAccessKey: 'not-the-secret'});
		expect(await failure(wrong.send(new ListStreamsCommand({})))).toEqual({
			name: 'InvalidSignatureException',
			message: SIGNATURE_MISMATCH,
			status: 403,
		});
	});

	test('an unknown access key is UnrecognizedClientException, 403', async () => {
		const stranger = client({accessKeyId: 'AKIASOMEONEELSE00000', secretAccessKey: 'whatever'});
		expect(await failure(stranger.send(new ListStreamsCommand({})))).toEqual({
			name: 'UnrecognizedClientException',
			message: UNRECOGNIZED_CLIENT,
			status: 403,
		});
	});

	test('a client clock 10 minutes off is refused at first, and the SDK corrects it from Date', async () => {
		const skewed = client(KEY, {systemClockOffset: -10 * 60_000, maxAttempts: 3});
		// The SDK reads the server's Date header, learns the offset and retries with a fresh signature.
		expect((await skewed.send(new ListStreamsCommand({}))).StreamNames).toContain('signed');
	});
});

const toBytes = (data: string | ArrayBuffer | ArrayBufferView) =>
	typeof data === 'string'
		? Buffer.from(data)
		: ArrayBuffer.isView(data)
			? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
			: Buffer.from(data);

/** A request signed by hand, so the date, headers and body can be tampered with. */
async function signedRequest(options: {
	body?: string;
	sentBody?: string;
	signingDate?: Date;
	secretAccessKey?: string;
	headers?: Record<string, string>;
	/** Headers changed after signing. */
	tampered?: Record<string, string>;
}) {
	const url = new URL(endpoint);
	const body = options.body ?? '{}';
	const signer = new SignatureV4({
		credentials: {...KEY, secretAccessKey: options.secretAccessKey ?? KEY.secretAccessKey},
		region: 'eu-west-1',
		service: 'kinesis',
		applyChecksum: false,
		sha256: class {
			private readonly hash;
			constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
				this.hash =
					secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
			}

			update(data: string | ArrayBuffer | ArrayBufferView) {
				this.hash.update(toBytes(data));
			}

			async digest() {
				return new Uint8Array(this.hash.digest());
			}
		},
	});
	const signed = await signer.sign(
		{
			method: 'POST',
			protocol: 'http:',
			hostname: url.hostname,
			port: Number(url.port),
			path: '/',
			query: {},
			headers: {
				host: url.host,
				'content-type': 'application/x-amz-json-1.1',
				'x-amz-target': 'Kinesis_20131202.ListStreams',
				...options.headers,
			},
			body,
		},
		{signingDate: options.signingDate},
	);
	return new Promise<{status: number; body: {__type: string; message?: string}}>(
		(resolve, reject) => {
			const request = http1Request(
				{
					host: url.hostname,
					port: url.port,
					method: 'POST',
					path: '/',
					headers: {...signed.headers, ...options.tampered},
				},
				(response) => {
					let text = '';
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => (text += chunk));
					response.on('end', () => resolve({status: response.statusCode!, body: JSON.parse(text)}));
				},
			);
			request.on('error', reject);
			request.end(options.sentBody ?? body);
		},
	);
}

describe('SigV4 verification of hand-signed requests', () => {
	test('a correctly signed request in another region is accepted', async () => {
		expect((await signedRequest({})).status).toBe(200);
	});

	test('a date more than 5 minutes old is "Signature expired"', async () => {
		const answer = await signedRequest({signingDate: new Date(Date.now() - 6 * 60_000)});
		expect(answer.status).toBe(403);
		expect(answer.body.__type).toBe('InvalidSignatureException');
		expect(answer.body.message).toMatch(
			/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
		);
	});

	test('a date more than 5 minutes ahead is "Signature not yet current"', async () => {
		const answer = await signedRequest({signingDate: new Date(Date.now() + 6 * 60_000)});
		expect(answer.status).toBe(403);
		expect(answer.body.message).toMatch(/^Signature not yet current: /);
	});

	test('a body changed after signing does not verify', async () => {
		const answer = await signedRequest({body: '{"Limit": 1}', sentBody: '{"Limit": 2}'});
		expect(answer).toEqual({
			status: 403,
			body: {__type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH},
		});
	});

	test('a signed X-Amz-Content-Sha256 must be the hash of the body sent', async () => {
		const answer = await signedRequest({
			headers: {'x-amz-content-sha256': createHash('sha256').update('{"other": 1}').digest('hex')},
		});
		expect(answer.body.__type).toBe('InvalidSignatureException');
		const honest = await signedRequest({
			headers: {'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex')},
		});
		expect(honest.status).toBe(200);
	});

	test('a header changed after signing does not verify', async () => {
		const answer = await signedRequest({
			tampered: {'x-amz-target': 'Kinesis_20131202.ListShards'},
		});
		expect(answer.body.__type).toBe('InvalidSignatureException');
		const url = new URL(endpoint);
		const host = await signedRequest({tampered: {host: `localhost:${url.port}`}});
		expect(host.body.__type).toBe('InvalidSignatureException');
	});
});

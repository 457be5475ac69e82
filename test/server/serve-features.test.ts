/**
 * What `serve` offers beyond the AWS API, through the server itself (the flags are in
 * test/commands/serve-features.test.ts): TLS with h2 and HTTP/1.1 by ALPN on the same port as cleartext
 * HTTP/1.1 and h2c, `GET /_health`, fault injection and `/_faults` — each over all four transports.
 */
import {request as http1Request} from 'node:http';
import {connect as http2Connect} from 'node:http2';
import {request as httpsRequest} from 'node:https';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TLSSocket} from 'node:tls';
import {
	CreateStreamCommand,
	KinesisClient,
	ListStreamsCommand,
	PutRecordCommand,
	PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import {NodeHttp2Handler, NodeHttpHandler} from '@smithy/node-http-handler';
import {Agent as HttpsAgent} from 'node:https';
import {encode as encodeCbor, decode as decodeCbor} from 'cbor-x';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {FirehoseEngine} from '../../source/engine/firehose/firehose-engine.js';
import {Faults, type FaultSettings} from '../../source/server/faults.js';
import {serveEndpoints} from '../../source/server/serve-endpoints.js';
import {KinesisServer} from '../../source/server/server.js';
import {certificateNames, selfSignedTls, type TlsMaterial} from '../../source/server/tls.js';

type Transport = 'HTTP/1.1' | 'h2c' | 'HTTPS (HTTP/1.1)' | 'HTTPS (h2)';
const TRANSPORTS: Transport[] = ['HTTP/1.1', 'h2c', 'HTTPS (HTTP/1.1)', 'HTTPS (h2)'];

type Answer = {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** What ALPN agreed, over TLS. */
	alpn?: string | false | null;
};

type Sent = {
	method?: string;
	path?: string;
	headers?: Record<string, string>;
	body?: Buffer | string;
};

/** A signature the server takes without --verify-signatures (AWS also wants the date it names). */
const SIGNED = {
	authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
	'x-amz-date': '20260101T000000Z',
};

const directories: string[] = [];
function temporaryDirectory() {
	const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-serve-features-'));
	directories.push(directory);
	return directory;
}

/** One request over one transport, to the server at `port` (TLS trusting `ca`). */
function exchange(transport: Transport, port: number, ca: string, sent: Sent): Promise<Answer> {
	const method = sent.method ?? 'POST';
	const path = sent.path ?? '/';
	const headers = sent.headers ?? {};
	const body = sent.body ?? '';
	if (transport === 'h2c' || transport === 'HTTPS (h2)') {
		const secure = transport === 'HTTPS (h2)';
		const session = http2Connect(
			`${secure ? 'https' : 'http'}://127.0.0.1:${port}`,
			secure ? {ca} : {},
		);
		return new Promise<Answer>((resolve, reject) => {
			session.on('error', reject);
			const stream = session.request({':method': method, ':path': path, ...headers});
			const chunks: Buffer[] = [];
			let status = 0;
			let answered: Answer['headers'] = {};
			stream.on('response', (received) => {
				status = Number(received[':status']);
				answered = {...received};
			});
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () =>
				resolve({
					status,
					headers: answered,
					body: Buffer.concat(chunks),
					alpn: secure ? (session.socket as TLSSocket).alpnProtocol : undefined,
				}),
			);
			stream.on('error', reject);
			// A GET or DELETE stream is ended by the client itself: it has no body.
			if (stream.writable) stream.end(body);
		}).finally(() => session.close());
	}

	const secure = transport === 'HTTPS (HTTP/1.1)';
	const options = {host: '127.0.0.1', port, method, path, headers, agent: false as const};
	// Only HTTP/1.1 offered, so the server's ALPN choice is tested (https.request passes it on to TLS).
	const secureOptions = {...options, ca, ALPNProtocols: ['http/1.1']};
	return new Promise<Answer>((resolve, reject) => {
		const request = secure ? httpsRequest(secureOptions) : http1Request(options);
		request.on('error', reject);
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode!,
					headers: response.headers,
					body: Buffer.concat(chunks),
					alpn: secure ? (response.socket as TLSSocket).alpnProtocol : undefined,
				}),
			);
		});
		request.end(body);
	});
}

const kinesisCall = (action: string, input: unknown, format: 'json' | 'cbor' = 'json'): Sent => ({
	headers: {
		'content-type': format === 'json' ? 'application/x-amz-json-1.1' : 'application/x-amz-cbor-1.1',
		'x-amz-target': `Kinesis_20131202.${action}`,
		...SIGNED,
	},
	body: format === 'json' ? JSON.stringify(input) : encodeCbor(input),
});

type Served = {
	engine: KinesisEngine;
	firehose: FirehoseEngine;
	server: KinesisServer;
	faults: Faults;
	tls: TlsMaterial;
	port: number;
	url: string;
	call(transport: Transport, sent: Sent): Promise<Answer>;
	close(): Promise<void>;
};

async function serve(
	options: {dataDirectory?: string; faults?: FaultSettings; seed?: number} = {},
): Promise<Served> {
	const engine = new KinesisEngine({dataDirectory: options.dataDirectory, enforceLimits: false});
	const firehose = new FirehoseEngine({kinesis: engine, dataDirectory: options.dataDirectory});
	const faults = new Faults(options.faults, options.seed);
	const tls = selfSignedTls(undefined, certificateNames('127.0.0.1'));
	const server = new KinesisServer({
		engine,
		firehose,
		port: 0,
		tls,
		beforeRouting: serveEndpoints({engine, firehose, faults}),
	});
	const url = await server.start();
	const port = Number(new URL(url).port);
	return {
		engine,
		firehose,
		server,
		faults,
		tls,
		port,
		url,
		call: (transport, sent) => exchange(transport, port, tls.cert, sent),
		async close() {
			await server.stop();
			await firehose.close();
			await engine.close();
			tls.dispose();
		},
	};
}

const json = (answer: Answer) =>
	JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

describe('one port: TLS (h2 and HTTP/1.1 by ALPN), and HTTP/1.1 and h2c in cleartext', () => {
	let served: Served;
	beforeAll(async () => {
		served = await serve();
		served.engine.createStream({StreamName: 'wire', ShardCount: 2});
	});
	afterAll(() => served.close());

	test('the URL is https', () => {
		expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
	});

	test.each(TRANSPORTS)(
		'%s: an AWS call is answered, over the protocol ALPN picked',
		async (transport) => {
			const answer = await served.call(transport, kinesisCall('ListStreams', {}));
			expect(answer.status).toBe(200);
			expect(json(answer).StreamNames).toEqual(['wire']);
			const expected = {'HTTPS (HTTP/1.1)': 'http/1.1', 'HTTPS (h2)': 'h2'} as Record<
				string,
				string
			>;
			expect(answer.alpn).toBe(expected[transport]);
		},
	);

	test('a TLS client offering no ALPN at all (older ones) is served HTTP/1.1', async () => {
		const answer = await new Promise<{status: number; alpn: string | false | null}>(
			(resolve, reject) => {
				const request = httpsRequest(
					{
						host: '127.0.0.1',
						port: served.port,
						method: 'GET',
						path: '/_health',
						ca: served.tls.cert,
						agent: false,
					},
					(response) => {
						response.resume();
						response.on('end', () =>
							resolve({
								status: response.statusCode!,
								alpn: (response.socket as TLSSocket).alpnProtocol,
							}),
						);
					},
				);
				request.on('error', reject);
				request.end();
			},
		);
		expect(answer).toEqual({status: 200, alpn: false});
	});

	test('a client not trusting the certificate is refused by its own TLS check', async () => {
		const other = selfSignedTls(undefined, ['127.0.0.1']);
		try {
			await expect(
				exchange('HTTPS (HTTP/1.1)', served.port, other.cert, kinesisCall('ListStreams', {})),
			).rejects.toMatchObject({code: 'DEPTH_ZERO_SELF_SIGNED_CERT'});
		} finally {
			other.dispose();
		}

		// The port goes on serving the others.
		expect((await served.call('h2c', kinesisCall('ListStreams', {}))).status).toBe(200);
	});

	test('the AWS SDK for JavaScript over TLS, with HTTP/2 (its default) and HTTP/1.1', async () => {
		const clients = [
			new KinesisClient({
				endpoint: served.url,
				region: 'us-east-1',
				credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
				maxAttempts: 1,
				requestHandler: new NodeHttp2Handler({nodeHttp2ConnectOptions: {ca: served.tls.cert}}),
			}),
			new KinesisClient({
				endpoint: served.url,
				region: 'us-east-1',
				credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
				maxAttempts: 1,
				requestHandler: new NodeHttpHandler({
					httpsAgent: new HttpsAgent({ca: served.tls.cert, keepAlive: true}),
				}),
			}),
		];
		try {
			for (const [index, client] of clients.entries()) {
				const put = await client.send(
					new PutRecordCommand({
						StreamName: 'wire',
						PartitionKey: `k${index}`,
						Data: Buffer.from('x'),
					}),
				);
				expect(put.SequenceNumber).toMatch(/^\d+$/);
				expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['wire']);
			}
		} finally {
			for (const client of clients) client.destroy();
		}
	});
});

describe('GET /_health', () => {
	test.each(TRANSPORTS)(
		'%s: ok, uptime, what it holds, the data directory writable; no signature needed',
		async (transport) => {
			const dataDirectory = temporaryDirectory();
			const served = await serve({dataDirectory, faults: {throttle: 0, error: 1, latencyMs: 0}});
			try {
				served.engine.createStream({StreamName: 'a', ShardCount: 1});
				served.engine.createStream({StreamName: 'b', ShardCount: 1});
				const answer = await served.call(transport, {method: 'GET', path: '/_health'});
				expect(answer.status).toBe(200);
				expect(answer.headers['content-type']).toBe('application/json');
				expect(json(answer)).toEqual({
					ok: true,
					uptimeSeconds: expect.any(Number) as number,
					streams: 2,
					deliveryStreams: 0,
					dataDirectory: {path: dataDirectory, writable: true},
				});
			} finally {
				await served.close();
			}
		},
	);

	test('in memory: no data directory, ok', async () => {
		const served = await serve();
		try {
			const answer = await served.call('HTTP/1.1', {method: 'GET', path: '/_health?verbose=1'});
			expect(answer.status).toBe(200);
			expect(json(answer)).toMatchObject({ok: true, streams: 0, dataDirectory: null});
		} finally {
			await served.close();
		}
	});

	test('503 and not ok when the data directory can no longer be written (removed under the server)', async () => {
		const dataDirectory = temporaryDirectory();
		const served = await serve({dataDirectory});
		try {
			rmSync(dataDirectory, {recursive: true, force: true});
			const answer = await served.call('h2c', {method: 'GET', path: '/_health'});
			expect(answer.status).toBe(503);
			expect(json(answer)).toMatchObject({
				ok: false,
				dataDirectory: {path: dataDirectory, writable: false},
			});
			// Back in place: healthy again (and the engines can save on closing).
			mkdirSync(join(dataDirectory, 'firehose'), {recursive: true});
			expect((await served.call('h2c', {method: 'GET', path: '/_health'})).status).toBe(200);
		} finally {
			await served.close();
		}
	});

	test('other methods are refused with 405 and Allow', async () => {
		const served = await serve();
		try {
			const answer = await served.call('HTTP/1.1', {method: 'POST', path: '/_health', body: '{}'});
			expect(answer.status).toBe(405);
			expect(answer.headers.allow).toBe('GET');
			expect(json(answer)).toEqual({
				__type: 'MethodNotAllowedException',
				message: '/_health answers GET.',
			});
		} finally {
			await served.close();
		}
	});
});

describe('fault injection', () => {
	test.each(TRANSPORTS)(
		'%s: throttled calls get AWS PutRecord text, naming the shard the key goes to',
		async (transport) => {
			const served = await serve();
			try {
				served.engine.createStream({StreamName: 'orders', ShardCount: 4});
				// Where the key goes, asked before any fault is set.
				const shard = (
					await served.engine.putRecord({
						StreamName: 'orders',
						PartitionKey: 'k7',
						Data: Buffer.from('x'),
					})
				).ShardId;
				served.faults.update(undefined, {throttle: 1});
				const answer = await served.call(
					transport,
					kinesisCall('PutRecord', {StreamName: 'orders', PartitionKey: 'k7', Data: 'eA=='}),
				);
				expect(answer.status).toBe(400);
				expect(json(answer)).toEqual({
					__type: 'ProvisionedThroughputExceededException',
					message: `Rate exceeded for shard ${shard} in stream orders under account 000000000000.`,
				});
			} finally {
				await served.close();
			}
		},
	);

	test("in CBOR too; PutRecords names the first record's shard, control-plane calls get LimitExceededException", async () => {
		const served = await serve({faults: {throttle: 1, error: 0, latencyMs: 0}});
		try {
			served.engine.createStream({StreamName: 'orders', ShardCount: 1});
			const put = await served.call(
				'h2c',
				kinesisCall(
					'PutRecords',
					{StreamName: 'orders', Records: [{PartitionKey: 'a', Data: Buffer.from('x')}]},
					'cbor',
				),
			);
			expect(put.status).toBe(400);
			expect(put.headers['content-type']).toBe('application/x-amz-cbor-1.1');
			expect(decodeCbor(put.body)).toEqual({
				__type: 'ProvisionedThroughputExceededException',
				message:
					'Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000.',
			});
			const describe = await served.call(
				'HTTP/1.1',
				kinesisCall('DescribeStreamSummary', {StreamName: 'orders'}),
			);
			expect(json(describe)).toEqual({
				__type: 'LimitExceededException',
				message: 'Rate exceeded for stream orders under account 000000000000.',
			});
		} finally {
			await served.close();
		}
	});

	test('GetRecords and GetShardIterator name their shard; Firehose answers ServiceUnavailableException', async () => {
		const served = await serve();
		try {
			served.engine.createStream({StreamName: 'orders', ShardCount: 2});
			const {ShardIterator} = served.engine.getShardIterator({
				StreamName: 'orders',
				ShardId: 'shardId-000000000001',
				ShardIteratorType: 'TRIM_HORIZON',
			});
			served.faults.update(undefined, {throttle: 1});
			const records = await served.call('HTTP/1.1', kinesisCall('GetRecords', {ShardIterator}));
			expect(json(records)).toEqual({
				__type: 'ProvisionedThroughputExceededException',
				message:
					'Rate exceeded for Shard - 000000000000:orders:shardId-000000000001 in stream orders under account 000000000000.',
			});
			const iterator = await served.call(
				'HTTP/1.1',
				kinesisCall('GetShardIterator', {
					StreamName: 'orders',
					ShardId: 'shardId-000000000000',
					ShardIteratorType: 'LATEST',
				}),
			);
			expect(json(iterator).message).toBe(
				'Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000.',
			);
			const firehose = await served.call('HTTP/1.1', {
				headers: {
					'content-type': 'application/x-amz-json-1.1',
					'x-amz-target': 'Firehose_20150804.PutRecord',
					...SIGNED,
				},
				body: JSON.stringify({DeliveryStreamName: 'hose', Record: {Data: 'eA=='}}),
			});
			expect(firehose.status).toBe(503);
			expect(json(firehose)).toEqual({
				__type: 'ServiceUnavailableException',
				message: 'Slow down.',
			});
		} finally {
			await served.close();
		}
	});

	test("error=1: InternalFailure (500) with AWS's message; latency delays the answer", async () => {
		const served = await serve({faults: {throttle: 0, error: 1, latencyMs: 0}});
		try {
			const failed = await served.call('HTTPS (h2)', kinesisCall('ListStreams', {}));
			expect(failed.status).toBe(500);
			expect(json(failed)).toEqual({
				__type: 'InternalFailure',
				message:
					'The request processing has failed because of an unknown error, exception or failure.',
			});
			served.faults.update(undefined, {error: 0, latencyMs: 150});
			const started = performance.now();
			const slow = await served.call('HTTPS (HTTP/1.1)', kinesisCall('ListStreams', {}));
			expect(slow.status).toBe(200);
			expect(performance.now() - started).toBeGreaterThanOrEqual(145);
		} finally {
			await served.close();
		}
	});

	test('never applied to /_health, /_faults, CORS preflights, unknown actions, unparsable bodies or unsigned calls', async () => {
		const served = await serve({faults: {throttle: 0.5, error: 0.5, latencyMs: 0}});
		try {
			for (let i = 0; i < 10; i++) {
				expect((await served.call('HTTP/1.1', {method: 'GET', path: '/_health'})).status).toBe(200);
				expect((await served.call('h2c', {method: 'GET', path: '/_faults'})).status).toBe(200);
				const preflight = await served.call('HTTP/1.1', {
					method: 'OPTIONS',
					headers: {origin: 'http://example.com', 'access-control-request-method': 'POST'},
				});
				expect(preflight.status).not.toBe(500);
				expect(preflight.body.toString()).not.toMatch(/InternalFailure|Rate exceeded/);
				const unknown = await served.call('HTTP/1.1', kinesisCall('Nope', {}));
				expect(json(unknown)).toEqual({__type: 'UnknownOperationException'});
				const garbled = await served.call('HTTP/1.1', {
					...kinesisCall('ListStreams', {}),
					body: '{',
				});
				expect(json(garbled)).toEqual({__type: 'SerializationException'});
				const {authorization: _, ...unsigned} = kinesisCall('ListStreams', {}).headers!;
				const anonymous = await served.call('h2c', {headers: unsigned, body: '{}'});
				expect(json(anonymous).__type).toBe('MissingAuthenticationTokenException');
			}
		} finally {
			await served.close();
		}
	});

	test('--faults-seed: the same seed fails the same calls, another seed others', async () => {
		const outcomes = async (seed: number) => {
			const served = await serve({faults: {throttle: 0.3, error: 0.2, latencyMs: 0}, seed});
			try {
				const statuses: number[] = [];
				for (let i = 0; i < 40; i++) {
					statuses.push((await served.call('h2c', kinesisCall('ListStreams', {}))).status);
				}

				return statuses.join(' ');
			} finally {
				await served.close();
			}
		};

		const first = await outcomes(42);
		expect(first).toMatch(/200/);
		expect(first).toMatch(/400/);
		expect(first).toMatch(/500/);
		expect(await outcomes(42)).toBe(first);
		expect(await outcomes(43)).not.toBe(first);
	});

	test('per stream at run time: POST /_faults, GET /_faults shows them, DELETE clears them', async () => {
		const served = await serve();
		try {
			served.engine.createStream({StreamName: 'orders', ShardCount: 1});
			served.engine.createStream({StreamName: 'other', ShardCount: 1});
			const set = await served.call('HTTPS (h2)', {
				path: '/_faults',
				headers: {'content-type': 'application/json'},
				body: JSON.stringify({stream: 'orders', error: 1, latency: '5ms'}),
			});
			expect(set.status).toBe(200);
			const view = {
				default: {throttle: 0, error: 0, latencyMs: 0},
				streams: {orders: {throttle: 0, error: 1, latencyMs: 5}},
				seed: null,
			};
			expect(json(set)).toEqual(view);
			expect(json(await served.call('HTTP/1.1', {method: 'GET', path: '/_faults'}))).toEqual(view);
			const summary = (name: string) =>
				served.call('HTTP/1.1', kinesisCall('DescribeStreamSummary', {StreamName: name}));
			expect((await summary('orders')).status).toBe(500);
			const byArn = await served.call(
				'HTTP/1.1',
				kinesisCall('DescribeStreamSummary', {
					StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
				}),
			);
			expect(byArn.status).toBe(500);
			expect((await summary('other')).status).toBe(200);
			const cleared = await served.call('h2c', {method: 'DELETE', path: '/_faults?stream=orders'});
			expect(json(cleared)).toEqual({...view, streams: {}});
			expect((await summary('orders')).status).toBe(200);
		} finally {
			await served.close();
		}
	});

	test('bad settings are refused with ValidationException and change nothing', async () => {
		const served = await serve({faults: {throttle: 0.1, error: 0, latencyMs: 0}});
		try {
			const cases: Array<[string, string]> = [
				[
					'{"throttle": 2}',
					'throttle must be a share from 0 to 1 (0.05) or a percentage (5%), not "2"',
				],
				[
					'{"throttle": 0.6, "error": 0.6}',
					'throttle and error together cannot exceed 1 (all calls), not 0.6 + 0.6',
				],
				[
					'{"latency": "forever"}',
					'latency must be a duration from 0 to 60s such as 20ms or 1s, not "forever"',
				],
				['{"stream": 5}', 'stream must be a stream or delivery stream name'],
				[
					'{"thottle": 1}',
					'unknown members: thottle (known: stream, throttle, error, latency, latencyMs)',
				],
				['[1]', 'the body must be a JSON object'],
				['{', 'the body must be a JSON object'],
			];
			for (const [body, message] of cases) {
				const answer = await served.call('HTTP/1.1', {path: '/_faults', body});
				expect(answer.status, body).toBe(400);
				expect(json(answer), body).toEqual({__type: 'ValidationException', message});
			}

			expect(served.faults.view().default).toEqual({throttle: 0.1, error: 0, latencyMs: 0});
			const put = await served.call('HTTP/1.1', {method: 'PUT', path: '/_faults'});
			expect(put.status).toBe(405);
			expect(json(put).message).toBe('/_faults answers GET, POST and DELETE.');
		} finally {
			await served.close();
		}
	});

	test('the AWS SDK retries a throttled PutRecords and succeeds (what --faults is for)', async () => {
		const served = await serve({seed: 1});
		const client = new KinesisClient({
			endpoint: served.url.replace('https:', 'http:'),
			region: 'us-east-1',
			credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
			maxAttempts: 10,
		});
		try {
			await client.send(new CreateStreamCommand({StreamName: 'retried', ShardCount: 1}));
			served.faults.update('retried', {throttle: 0.5});
			let attempts = 0;
			for (let i = 0; i < 5; i++) {
				const output = await client.send(
					new PutRecordsCommand({
						StreamName: 'retried',
						Records: [{PartitionKey: `k${i}`, Data: Buffer.from('x')}],
					}),
				);
				expect(output.FailedRecordCount).toBe(0);
				attempts += output.$metadata.attempts ?? 1;
			}

			// With half the calls throttled, some of the five needed more than one attempt.
			expect(attempts).toBeGreaterThan(5);
		} finally {
			client.destroy();
			await served.close();
		}
	}, 30_000);
});

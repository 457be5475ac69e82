/**
 * The server against clients that misbehave at the connection level — going away mid-body, sending too
 * slowly, idling — and during a graceful stop: nothing half-received reaches the store, nothing hangs.
 */
import {request as http1Request, Agent} from 'node:http';
import {connect as http2Connect, constants as http2Constants} from 'node:http2';
import {connect as tcpConnect, type Socket} from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer, type ServerOptions} from '../../source/server/server.js';
import {waitFor} from '../helpers/wait-for.js';

const JSON_TYPE = 'application/x-amz-json-1.1';
const AUTHORIZATION =
	'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<ServerOptions> = {}) {
	const engine = new KinesisEngine({enforceLimits: false});
	const server = new KinesisServer({engine, port: 0, ...options});
	const url = new URL(await server.start());
	cleanups.push(async () => {
		await server.stop();
		await engine.close();
	});
	engine.createStream({StreamName: 's', ShardCount: 1});
	return {engine, server, url};
}

const head = (action: string, length: number) =>
	`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${JSON_TYPE}\r\nX-Amz-Target: Kinesis_20131202.${action}\r\n` +
	`Authorization: ${AUTHORIZATION}\r\nX-Amz-Date: 20260101T000000Z\r\nContent-Length: ${length}\r\n\r\n`;

function connect(url: URL): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = tcpConnect(Number(url.port), url.hostname, () => resolve(socket));
		socket.on('error', reject);
	});
}

/** `promise`, or a failure naming what did not happen within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise,
		new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
		}),
	]).finally(() => clearTimeout(timer));
}

const closed = (socket: Socket) =>
	new Promise<void>((resolve) => {
		if (socket.closed) resolve();
		else socket.once('close', () => resolve());
	});

function post(url: URL, action: string, body: unknown, agent?: Agent) {
	return new Promise<{status: number; headers: Record<string, unknown>; body: string}>(
		(resolve, reject) => {
			const request = http1Request(
				{
					host: url.hostname,
					port: url.port,
					method: 'POST',
					path: '/',
					agent,
					headers: {
						'Content-Type': JSON_TYPE,
						'X-Amz-Target': `Kinesis_20131202.${action}`,
						Authorization: AUTHORIZATION,
						'X-Amz-Date': '20260101T000000Z',
					},
				},
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
			request.end(JSON.stringify(body));
		},
	);
}

const recordCount = (engine: KinesisEngine) => {
	const iterator = engine.getShardIterator({
		StreamName: 's',
		ShardId: 'shardId-000000000000',
		ShardIteratorType: 'TRIM_HORIZON',
	}).ShardIterator;
	return engine.getRecords({ShardIterator: iterator}).Records.length;
};

describe('misbehaving clients', () => {
	test('a client that goes away mid-body writes nothing, and the server carries on', async () => {
		const {engine, server, url} = await start();
		const inFlight = (count: number) =>
			waitFor(() => server.requestsInFlight === count, {message: `${count} requests in flight`});
		const body = JSON.stringify({
			StreamName: 's',
			Records: Array.from({length: 100}, (_, i) => ({
				PartitionKey: `k${i}`,
				Data: Buffer.alloc(1000, i).toString('base64'),
			})),
		});
		for (const cut of [1, body.length / 2, body.length - 1]) {
			const socket = await connect(url);
			socket.write(head('PutRecords', Buffer.byteLength(body)) + body.slice(0, cut));
			// The server is reading the body when the client goes away, and then lets the request go.
			await inFlight(1);
			socket.destroy();
			await inFlight(0);
		}

		// The same over HTTP/2: a stream reset before its end.
		const session = http2Connect(url.origin);
		const stream = session.request({
			':method': 'POST',
			':path': '/',
			'content-type': JSON_TYPE,
			'x-amz-target': 'Kinesis_20131202.PutRecords',
			authorization: AUTHORIZATION,
		});
		stream.on('error', () => undefined);
		stream.write(body.slice(0, body.length / 2));
		await inFlight(1);
		stream.close();
		session.close();
		await inFlight(0);
		expect(recordCount(engine)).toBe(0);
		const put = await post(url, 'PutRecords', JSON.parse(body));
		expect(put.status).toBe(200);
		expect(recordCount(engine)).toBe(100);
	});

	test('a body trickling in slower than the body timeout is dropped, over HTTP/1.1 and HTTP/2', async () => {
		const {url} = await start({bodyTimeoutMs: 300});
		const socket = await connect(url);
		socket.write(head('ListStreams', 100));
		const trickle = setInterval(() => socket.write(' '), 50);
		const started = Date.now();
		await within(closed(socket), 10_000, 'the server closing the HTTP/1.1 connection').finally(() =>
			clearInterval(trickle),
		);
		// Not before the timeout. How soon after it is the machine's to say: `within` only bounds a server
		// that never closes (a wall-clock ceiling here failed under load, not for a defect).
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);

		const session = http2Connect(url.origin);
		session.on('error', () => undefined);
		const stream = session.request({
			':method': 'POST',
			':path': '/',
			'content-type': JSON_TYPE,
			'x-amz-target': 'Kinesis_20131202.ListStreams',
			authorization: AUTHORIZATION,
		});
		stream.on('error', () => undefined);
		// A real client reads the answer; reading lets the stream close once reset.
		stream.resume();
		const h2Trickle = setInterval(() => stream.write(' '), 50);
		const h2Started = Date.now();
		await within(
			new Promise((resolve) => stream.on('close', resolve)),
			10_000,
			'the server resetting the HTTP/2 stream',
		).finally(() => clearInterval(h2Trickle));
		expect(Date.now() - h2Started).toBeGreaterThanOrEqual(250);
		// Reset with CANCEL: the client sees an error, not an empty answer.
		expect(stream.rstCode).toBe(http2Constants.NGHTTP2_CANCEL);
		session.destroy();
		// Others are served all along.
		expect((await within(post(url, 'ListStreams', {}), 10_000, 'an answer')).status).toBe(200);
	});

	test('an idle connection is closed after the idle timeout', async () => {
		const {url} = await start({idleTimeoutMs: 300});
		const socket = await connect(url);
		const started = Date.now();
		await within(closed(socket), 10_000, 'the server closing the idle connection');
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);
	});
});

describe('a graceful stop', () => {
	test('answers the request in flight, refuses new ones with 503, and waits for nothing else', async () => {
		const {server, url} = await start({bodyTimeoutMs: 5000});
		const agent = new Agent({keepAlive: true, maxSockets: 1});
		cleanups.push(async () => agent.destroy());
		// A keep-alive connection, open before the stop.
		expect((await post(url, 'ListStreams', {}, agent)).status).toBe(200);
		// A request in flight: its body is still arriving when the stop begins.
		const socket = await connect(url);
		const body = JSON.stringify({StreamName: 's', PartitionKey: 'k', Data: 'aGk='});
		socket.write(head('PutRecord', body.length) + body.slice(0, 5));
		let answer = '';
		socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
		await waitFor(() => server.requestsInFlight === 1, {message: 'the put in flight'});

		// The stop turns new requests away at once: no wait before the next one.
		const stopping = server.stop();
		// A new request on the kept-alive connection: 503, an AWS-shaped error, and the connection closes.
		const refused = await post(url, 'ListStreams', {}, agent);
		expect(refused.status).toBe(503);
		expect(JSON.parse(refused.body)).toEqual({
			__type: 'ServiceUnavailable',
			message: 'kinesis-top serve is shutting down.',
		});
		expect(refused.headers.connection).toBe('close');
		// A new connection is not accepted at all.
		await expect(post(url, 'ListStreams', {})).rejects.toThrow(/ECONNREFUSED/);

		socket.write(body.slice(5));
		await closed(socket);
		await stopping;
		expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
		expect(answer).toContain('"SequenceNumber"');
	});
});

/**
 * How AwsDriver turns an endpoint's misbehaviour into DriverErrors: an endpoint that never answers is cut
 * after the attempt timeout (the SDK alone would wait for ever), garbage is a retryable NetworkingError
 * over HTTP/1.1 as over HTTP/2, and the caller's own abort stays an abort.
 */
import {createServer, type AddressInfo, type Socket} from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {AwsDriver, type AwsDriverOptions} from '../../source/driver/aws-driver.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function endpoint(onData: (socket: Socket) => void) {
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('error', () => undefined);
		socket.on('data', () => onData(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise((resolve) => server.close(resolve));
	});
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function driver(url: string, options: AwsDriverOptions = {}) {
	const opened = new AwsDriver({
		endpoint: url,
		region: 'us-east-1',
		maxAttempts: 1,
		credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
		...options,
	});
	cleanups.push(() => opened.close());
	return opened;
}

describe.each(['2', '1.1'] as const)('AwsDriver over HTTP/%s', (httpVersion) => {
	test('an endpoint that never answers fails after the attempt timeout, retryable, naming it', async () => {
		const url = await endpoint(() => undefined);
		await expect(
			driver(url, {httpVersion, attemptTimeoutMs: 200}).listStreams(),
		).rejects.toMatchObject({
			code: 'TimeoutError',
			message: `no answer from ${url} within 0.2 s`,
			retryable: true,
		});
	});

	test("the caller's abort is an abort, not a timeout", async () => {
		const url = await endpoint(() => undefined);
		const controller = new AbortController();
		const call = driver(url, {httpVersion, attemptTimeoutMs: 60_000}).listStreams(
			controller.signal,
		);
		controller.abort();
		await expect(call).rejects.toMatchObject({name: 'AbortError'});
	});

	test.each([
		['bytes that are not HTTP', '\u0000\u0001garbage\r\n\r\n'],
		['an HTTP answer that is not the API', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'],
	])('%s: a retryable NetworkingError', async (_name, answer) => {
		const url = await endpoint((socket) => socket.end(answer));
		await expect(driver(url, {httpVersion}).listStreams()).rejects.toMatchObject({
			code: 'NetworkingError',
			retryable: true,
		});
	});
});

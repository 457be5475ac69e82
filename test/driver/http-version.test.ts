/**
 * HTTP/2 or HTTP/1.1, per endpoint: what the probe finds on servers we did not write (kinesalite,
 * kinesis-mock) and on our own, how it fails on dead and silent endpoints, and what the driver does when
 * an endpoint's HTTP/2 breaks mid-call (falls back for good; a lost put answer is counted and said).
 */
import {readFileSync} from 'node:fs';
import {createServer, connect, type AddressInfo, type Server, type Socket} from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {probeHttpVersion} from '../../source/driver/http-protocol-probe.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {ndjson, runRaw} from '../commands/helpers.js';
import {
	freePort,
	startKinesalite,
	startKinesisMock,
	TLS_CERTIFICATE,
	type Emulator,
} from '../helpers/emulators.js';

const trust = {ca: readFileSync(TLS_CERTIFICATE)};
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

async function listen(server: Server) {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

describe('the probe', () => {
	const emulators: Emulator[] = [];
	let kinesisMock: Emulator;
	let serve: KinesisServer;
	let serveUrl: string;
	beforeAll(async () => {
		kinesisMock = await startKinesisMock();
		emulators.push(kinesisMock);
		serve = new KinesisServer({engine: new KinesisEngine(), port: 0});
		serveUrl = await serve.start();
	}, 90_000);
	afterAll(async () => {
		await serve?.stop();
		for (const emulator of emulators) await emulator.stop();
	});

	test('cleartext: kinesalite speaks HTTP/1.1 only, kinesis-mock and serve h2c too', async () => {
		const kinesalite = await startKinesalite();
		emulators.push(kinesalite);
		expect(await probeHttpVersion(new URL(kinesalite.endpoint))).toBe('1.1');
		expect(await probeHttpVersion(new URL(kinesisMock.endpoint))).toBe('2');
		expect(await probeHttpVersion(new URL(serveUrl))).toBe('2');
	});

	test('TLS: ALPN says h2 for kinesis-mock, HTTP/1.1 for kinesalite', async () => {
		const kinesalite = await startKinesalite({tls: true});
		emulators.push(kinesalite);
		const probe = (endpoint: string) => probeHttpVersion(new URL(endpoint), {tls: trust});
		expect(await probe(kinesalite.tlsEndpoint!)).toBe('1.1');
		expect(await probe(kinesisMock.tlsEndpoint!)).toBe('2');
		// Without the certificate trusted, the probe fails as the call itself would.
		await expect(probeHttpVersion(new URL(kinesisMock.tlsEndpoint!))).rejects.toThrow(
			/self-signed|certificate/,
		);
	});

	test('a refused connection rejects with its error; a silent endpoint gives no answer', async () => {
		const refused = await freePort();
		await expect(probeHttpVersion(new URL(`http://127.0.0.1:${refused}`))).rejects.toMatchObject({
			code: 'ECONNREFUSED',
		});

		const sockets = new Set<Socket>();
		const silent = createServer((socket) => sockets.add(socket));
		const port = await listen(silent);
		try {
			expect(
				await probeHttpVersion(new URL(`http://127.0.0.1:${port}`), {timeoutMs: 200}),
			).toBeUndefined();
		} finally {
			for (const socket of sockets) socket.destroy();
			silent.close();
		}
	});
});

describe('an endpoint whose HTTP/2 breaks', () => {
	let serve: KinesisServer;
	let endpoint: string;
	let broken: Server;
	let http2Calls = 0;

	/**
	 * Says yes to HTTP/2 (a SETTINGS frame back for the preface) but resets every HTTP/2 request with a
	 * PROTOCOL_ERROR; HTTP/1.1 connections go through to `serve`.
	 */
	beforeAll(async () => {
		serve = new KinesisServer({engine: new KinesisEngine({enforceLimits: false}), port: 0});
		const target = new URL(await serve.start());
		broken = createServer((socket) => {
			socket.once('data', (first: Buffer) => {
				if (first.subarray(0, PREFACE.length).equals(PREFACE)) {
					socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
					let frames = first.subarray(PREFACE.length);
					const answer = () => {
						while (frames.length >= 9) {
							const length = frames.readUIntBE(0, 3);
							if (frames.length < 9 + length) return;
							// A HEADERS frame (type 1) is a request: reset its stream with PROTOCOL_ERROR.
							if (frames[3] === 1) {
								http2Calls++;
								const reset = Buffer.from([0, 0, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
								reset.writeUInt32BE(frames.readUInt32BE(5) & 0x7f_ff_ff_ff, 5);
								socket.write(reset);
							}

							frames = frames.subarray(9 + length);
						}
					};

					answer();
					socket.on('data', (chunk: Buffer) => {
						frames = Buffer.concat([frames, chunk]);
						answer();
					});
					socket.on('error', () => undefined);
					return;
				}

				const upstream = connect({host: target.hostname, port: Number(target.port)});
				upstream.write(first);
				socket.pipe(upstream).pipe(socket);
				upstream.on('error', () => socket.destroy());
				socket.on('error', () => upstream.destroy());
			});
		});
		endpoint = `http://127.0.0.1:${await listen(broken)}`;
		const created = await runRaw([
			'--endpoint',
			target.origin,
			'create',
			'fragile',
			'--shards',
			'1',
		]);
		expect(created.status).toBe(0);
	});
	afterAll(async () => {
		broken?.close();
		await serve?.stop();
	});

	test('the call goes on over HTTP/1.1, and a put whose answer was lost is said to be so', async () => {
		const put = await runRaw(['--endpoint', endpoint, 'put', 'fragile', '--key', 'k'], {
			stdin: 'one\ntwo\n',
		});
		expect(put.status).toBe(0);
		expect(http2Calls).toBe(1);
		expect(ndjson(put.stdout)).toHaveLength(2);
		expect(put.stderr).toBe(
			'warning: the answer to 1 put request was lost after it was sent: its records may have been stored, twice if its retry stored them again\n',
		);

		// The endpoint is known for HTTP/1.1 now: no second try of HTTP/2, nothing to warn about.
		const tail = await runRaw([
			'--endpoint',
			endpoint,
			'tail',
			'fragile',
			'--from',
			'trim-horizon',
			'--no-follow',
		]);
		expect(tail).toMatchObject({status: 0, stderr: ''});
		expect(ndjson(tail.stdout)).toHaveLength(2);
		expect(http2Calls).toBe(1);
	});
});

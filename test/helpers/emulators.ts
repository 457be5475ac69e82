/**
 * Kinesis implementations we did not write, started by the tests on loopback:
 * - kinesalite (npm `kinesalite`), HTTP/1.1 only, in this process; over TLS too, with a certificate of
 *   ours for localhost (ALPN then offers no h2).
 * - kinesis-mock (npm `kinesis-local`, the engine LocalStack uses), in a child process started from its
 *   package directory (it reads its certificate from there), cleartext HTTP/1.1 + h2c on one port and
 *   TLS with ALPN h2 on another.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer, connect, type AddressInfo} from 'node:net';
import type {Server} from 'node:http';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {waitFor} from './wait-for.js';

const require = createRequire(import.meta.url);
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tls');

/** A self-signed certificate for localhost and 127.0.0.1; trust it with NODE_EXTRA_CA_CERTS. */
export const TLS_CERTIFICATE = join(fixtures, 'localhost-cert.pem');
const TLS_KEY = join(fixtures, 'localhost-key.pem');

export type Emulator = {
	/** Cleartext endpoint. */
	endpoint: string;
	/** TLS endpoint (certificate {@link TLS_CERTIFICATE}), where started. */
	tlsEndpoint?: string;
	/** What it said on stdout and stderr (child processes only), for a failing test's message. */
	output(): string;
	stop(): Promise<void>;
};

/** A free loopback port: bound and released, so another server can take it. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

type KinesaliteFactory = (options: Record<string, unknown>) => Server;

/** kinesalite in memory, its streams ACTIVE at once; over TLS with `tls`. */
export async function startKinesalite({tls = false} = {}): Promise<Emulator> {
	const kinesalite = require('kinesalite') as KinesaliteFactory;
	const server = kinesalite({
		createStreamMs: 0,
		deleteStreamMs: 0,
		updateStreamMs: 0,
		shardLimit: 100,
		...(tls ? {ssl: true, key: readFileSync(TLS_KEY), cert: readFileSync(TLS_CERTIFICATE)} : {}),
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
	return {
		// Over TLS, the cleartext endpoint is the same port: it answers nothing useful there.
		endpoint: url,
		tlsEndpoint: tls ? `https://localhost:${port}` : undefined,
		output: () => '',
		async stop() {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** kinesis-mock in a child process, streams ACTIVE and reshards done after 1 ms. */
export async function startKinesisMock(): Promise<Emulator> {
	const directory = dirname(require.resolve('kinesis-local/package.json'));
	const [plainPort, tlsPort] = [await freePort(), await freePort()];
	// Its certificate file holds key and certificate as JSON.
	const certificate = join(tmpdir(), `kinesis-top-kinesis-mock-${process.pid}-${tlsPort}.json`);
	writeFileSync(
		certificate,
		JSON.stringify({
			server: {key: readFileSync(TLS_KEY, 'utf8'), cert: readFileSync(TLS_CERTIFICATE, 'utf8')},
		}),
	);
	const child: ChildProcess = spawn(process.execPath, ['main.js'], {
		cwd: directory,
		env: {
			...process.env,
			KINESIS_MOCK_PLAIN_PORT: String(plainPort),
			KINESIS_MOCK_TLS_PORT: String(tlsPort),
			KINESIS_MOCK_CERT_PATH: certificate,
			CREATE_STREAM_DURATION: '1ms',
			DELETE_STREAM_DURATION: '1ms',
			MERGE_SHARDS_DURATION: '1ms',
			SPLIT_SHARD_DURATION: '1ms',
			UPDATE_SHARD_COUNT_DURATION: '1ms',
			REGISTER_STREAM_CONSUMER_DURATION: '1ms',
			DEREGISTER_STREAM_CONSUMER_DURATION: '1ms',
			UPDATE_STREAM_MODE_DURATION: '1ms',
			SHARD_LIMIT: '1000',
			LOG_LEVEL: 'ERROR',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		await exited;
	};

	try {
		await waitFor(
			async () => {
				if (child.exitCode !== null) throw new Error(`kinesis-mock exited:\n${output}`);
				return (await accepts(plainPort)) && (await accepts(tlsPort));
			},
			{timeoutMs: 60_000, intervalMs: 100, message: 'kinesis-mock to listen'},
		);
	} catch (error) {
		await stop();
		throw error;
	}

	return {
		endpoint: `http://127.0.0.1:${plainPort}`,
		tlsEndpoint: `https://localhost:${tlsPort}`,
		output: () => output,
		stop,
	};
}

async function accepts(port: number) {
	return new Promise<boolean>((resolve) => {
		const socket = connect({host: '127.0.0.1', port});
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * `kinesis-top serve`: the built binary as users run it (start-up line, --port 0, SIGTERM during a put
 * storm with every acknowledged put readable after a restart), and the command's flags through run().
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {
	CreateTableCommand,
	DynamoDBClient,
	PutItemCommand,
	ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {KinesisClient, CreateStreamCommand, PutRecordsCommand} from '@aws-sdk/client-kinesis';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {Agent} from 'node:http';
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitUntilActive} from '../helpers/kcl-leases.js';
import {waitFor} from '../helpers/wait-for.js';
import {collector, runRaw, temporaryDirectory} from './helpers.js';

const STARTED =
	/^kinesis-top serve: Kinesis, Firehose, CloudWatch and DynamoDB APIs on (http:\/\/127\.0\.0\.1:(\d+)) \(HTTP\/1\.1 and h2c\), (data in (.+)|in memory)$/m;

type Served = {child: ChildProcess; url: string; stdout: () => string; stderr: () => string};
const children: ChildProcess[] = [];

afterEach(() => {
	for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `kinesis-top serve ARGS` and waits for its start-up line. */
async function serve(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Served> {
	const child = spawn(process.execPath, ['bin/kinesis-top.js', 'serve', ...args], {cwd: root, env});
	children.push(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const url = await waitFor(() => STARTED.exec(stdout)?.[1], {
		timeoutMs: 15_000,
		message: 'the start-up line',
	}).catch((error: Error) => {
		throw new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
	});
	return {child, url, stdout: () => stdout, stderr: () => stderr};
}

function exited(child: ChildProcess) {
	return new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
		if (child.exitCode !== null) resolve({code: child.exitCode, signal: child.signalCode});
		else child.once('exit', (code, signal) => resolve({code, signal}));
	});
}

/** Every record of every shard, from the start. */
async function readEverything(driver: Driver, stream: string) {
	const records = new Map<string, {data: string; shardId: string}>();
	for (const shard of (await driver.describeStream(stream)).Shards) {
		let iterator: string | undefined = await driver.getShardIterator(stream, shard.ShardId, {
			type: 'TRIM_HORIZON',
		});
		while (iterator) {
			const page = await driver.getRecords(iterator, 10_000);
			for (const record of page.Records) {
				records.set(record.SequenceNumber, {
					data: Buffer.from(record.Data).toString(),
					shardId: shard.ShardId,
				});
			}

			iterator =
				page.Records.length === 0 && page.MillisBehindLatest === 0
					? undefined
					: page.NextShardIterator;
		}
	}

	return records;
}

beforeAll(ensureBuilt, 180_000);

describe('kinesis-top serve (the binary)', () => {
	test('--port 0 prints the real port, binds 127.0.0.1, and SIGTERM stops it with status 0', async () => {
		const served = await serve(['--port', '0', '--in-memory']);
		expect(served.url).not.toMatch(/:0$/);
		const client = new KinesisClient({
			endpoint: served.url,
			region: 'us-east-1',
			credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
		});
		try {
			await client.send(new CreateStreamCommand({StreamName: 'hello', ShardCount: 1}));
		} finally {
			client.destroy();
		}

		served.child.kill('SIGTERM');
		expect(await exited(served.child)).toEqual({code: 0, signal: null});
		expect(served.stdout()).toMatch(/kinesis-top serve: stopped\n$/);
		expect(served.stderr()).toBe('');
	}, 30_000);

	test('DynamoDB on the same port: a lease table in the data directory outlives a restart, and SIGTERM still ends it at once', async () => {
		const dataDirectory = temporaryDirectory();
		const args = ['--port', '0', '--data-dir', dataDirectory, '--create-ms', '0'];
		const credentials = {accessKeyId: 'a', secretAccessKey: 'b'};
		const first = await serve(args);
		const writer = new DynamoDBClient({endpoint: first.url, region: 'us-east-1', credentials});
		try {
			await writer.send(
				new CreateTableCommand({
					TableName: 'app-leases',
					KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
					AttributeDefinitions: [{AttributeName: 'leaseKey', AttributeType: 'S'}],
					BillingMode: 'PAY_PER_REQUEST',
				}),
			);
			await waitUntilActive(writer, 'app-leases');
			await writer.send(
				new PutItemCommand({
					TableName: 'app-leases',
					Item: {leaseKey: {S: 'shardId-000000000000'}, checkpoint: {S: 'TRIM_HORIZON'}},
				}),
			);
		} finally {
			writer.destroy();
		}

		expect(existsSync(join(dataDirectory, 'dynamodb'))).toBe(true);
		const signalled = performance.now();
		first.child.kill('SIGTERM');
		expect(await exited(first.child)).toEqual({code: 0, signal: null});
		expect(performance.now() - signalled, 'ms from SIGTERM to the exit').toBeLessThan(1000);
		const second = await serve(args);
		const reader = new DynamoDBClient({endpoint: second.url, region: 'us-east-1', credentials});
		try {
			const {Items} = await reader.send(new ScanCommand({TableName: 'app-leases'}));
			expect(Items).toEqual([
				{leaseKey: {S: 'shardId-000000000000'}, checkpoint: {S: 'TRIM_HORIZON'}},
			]);
		} finally {
			reader.destroy();
		}

		second.child.kill('SIGTERM');
		expect(await exited(second.child)).toEqual({code: 0, signal: null});
		expect(second.stderr()).toBe('');
	}, 30_000);

	test('--max-memory: the in-memory engine says once in its log that it trims records early, and why', async () => {
		const served = await serve([
			'--port',
			'0',
			'--in-memory',
			'--no-limits',
			'--create-ms',
			'0',
			'--max-memory',
			'1MiB',
		]);
		const client = new KinesisClient({
			endpoint: served.url,
			region: 'us-east-1',
			credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
		});
		try {
			await client.send(new CreateStreamCommand({StreamName: 'big', ShardCount: 1}));
			const data = new Uint8Array(10_000);
			// 3 MB against a 1 MiB budget: trimmed many times over.
			for (let put = 0; put < 30; put++) {
				await client.send(
					new PutRecordsCommand({
						StreamName: 'big',
						Records: Array.from({length: 10}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
					}),
				);
			}
		} finally {
			client.destroy();
		}

		served.child.kill('SIGTERM');
		expect(await exited(served.child)).toEqual({code: 0, signal: null});
		const lines = served.stdout().split('\n');
		expect(lines.filter((line) => line.includes('trimmed'))).toEqual([
			'kinesis-top serve: records trimmed before their retention: the in-memory engine is at its 1 MiB memory budget (--max-memory), so the oldest records of the largest streams go first',
		]);
	}, 30_000);

	test('SIGTERM during a put storm: every acknowledged put is readable after a restart', async () => {
		const dataDirectory = temporaryDirectory();
		const served = await serve([
			'--port',
			'0',
			'--data-dir',
			dataDirectory,
			'--no-limits',
			'--create-ms',
			'0',
		]);
		expect(served.stdout()).toContain(`data in ${dataDirectory}`);
		const clients = [
			// The SDK's default HTTP/2, and HTTP/1.1 keep-alive as older clients use.
			new KinesisClient({
				endpoint: served.url,
				region: 'us-east-1',
				credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
				maxAttempts: 1,
			}),
			new KinesisClient({
				endpoint: served.url,
				region: 'us-east-1',
				credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
				maxAttempts: 1,
				requestHandler: new NodeHttpHandler({httpAgent: new Agent({keepAlive: true})}),
			}),
		];
		const acknowledged = new Map<string, string>();
		let failures = 0;
		let afterSignal = 0;
		let signalled = false;
		try {
			await clients[0].send(new CreateStreamCommand({StreamName: 'storm', ShardCount: 4}));
			const worker = async (id: number) => {
				const client = clients[id % 2];
				for (let batch = 0; ; batch++) {
					const data = Array.from({length: 25}, (_, i) => `w${id}-b${batch}-r${i}`);
					try {
						const output = await client.send(
							new PutRecordsCommand({
								StreamName: 'storm',
								Records: data.map((text) => ({Data: Buffer.from(text), PartitionKey: text})),
							}),
						);
						for (const [i, entry] of (output.Records ?? []).entries()) {
							if (entry.SequenceNumber) acknowledged.set(entry.SequenceNumber, data[i]);
						}

						if (signalled) afterSignal++;
					} catch {
						// Refused, reset or 503 once the server stops: this worker is done.
						failures++;
						return;
					}
				}
			};

			const workers = Array.from({length: 12}, (_, id) => worker(id));
			await waitFor(() => acknowledged.size >= 2000, {timeoutMs: 20_000, message: 'the storm'});
			served.child.kill('SIGTERM');
			signalled = true;
			await Promise.all(workers);
		} finally {
			for (const client of clients) client.destroy();
		}

		expect(await exited(served.child)).toEqual({code: 0, signal: null});
		expect(served.stdout()).toContain('kinesis-top serve: stopped');
		expect(failures).toBe(12);
		// The lock is released: the data directory has no owner any more.
		expect(existsSync(join(dataDirectory, 'owner.json'))).toBe(false);

		const driver = LocalDriver.open({dataDirectory, enforceLimits: false});
		try {
			const stored = await readEverything(driver, 'storm');
			const missing = [...acknowledged].filter(
				([sequenceNumber, data]) => stored.get(sequenceNumber)?.data !== data,
			);
			expect(missing).toEqual([]);
			console.log(
				`put storm: ${acknowledged.size} records acknowledged (${afterSignal} batches answered after SIGTERM), ` +
					`${stored.size} stored`,
			);
		} finally {
			await driver.close();
		}
	}, 60_000);
});

describe('kinesis-top serve (through run)', () => {
	// Interrupted once running, or even before it is listening: either way it starts, then stops.
	for (const when of ['once listening', 'before it is listening']) {
		test(`runs until interrupted (${when}), then stops gracefully with status 0`, async () => {
			const controller = new AbortController();
			const stdout = collector();
			const finished = runRaw(
				['serve', '--port', '0', '--in-memory', '--account-id', '123456789012'],
				{io: {signal: controller.signal, stdout: stdout.stream}},
			);
			if (when === 'once listening')
				await waitFor(() => STARTED.test(stdout.text()), {message: 'the start-up line'});
			controller.abort();
			const outcome = await finished;
			expect(outcome.status).toBe(0);
			expect(stdout.text()).toMatch(STARTED);
			expect(stdout.text()).toMatch(/, in memory\nkinesis-top serve: stopped\n$/);
		});
	}

	test('a data directory another process owns is refused, naming the owner and its endpoint', async () => {
		const dataDirectory = temporaryDirectory();
		const engine = new KinesisEngine({dataDirectory});
		const server = new KinesisServer({engine, port: 0});
		const url = await server.start();
		engine.recordEndpoint(url);
		try {
			const outcome = await runRaw(['serve', '--port', '0', '--data-dir', dataDirectory]);
			expect(outcome.status).toBe(1);
			expect(outcome.stderr).toBe(
				`error: the data directory ${dataDirectory} is in use by kinesis-top process ${process.pid}, serving it at ${url}\n`,
			);
		} finally {
			await server.stop();
			await engine.close();
		}
	});

	test('a port in use is a one-line error', async () => {
		const engine = new KinesisEngine();
		const server = new KinesisServer({engine, port: 0});
		const port = new URL(await server.start()).port;
		try {
			const outcome = await runRaw(['serve', '--port', port, '--in-memory']);
			expect(outcome.status).toBe(1);
			expect(outcome.stderr).toBe(`error: cannot listen on 127.0.0.1 port ${port} (EADDRINUSE)\n`);
		} finally {
			await server.stop();
			await engine.close();
		}
	});

	test('flags are checked before anything starts, and the secret is never echoed', async () => {
		const cases: Array<[string[], string]> = [
			[['serve', '--endpoint', 'http://x'], '--endpoint does not apply to serve'],
			[['serve', '--read-only'], '--read-only does not apply to serve'],
			[['serve', '--port', '65536'], '--port must be a whole number from 0 to 65535, not "65536"'],
			[
				['serve', '--create-ms', '-1'],
				'--create-ms must be a whole number from 0 to 3600000, not "-1"',
			],
			[['serve', '--account-id', '42'], '--account-id must be 12 digits, not "42"'],
			[
				['serve', '--data-dir', '/tmp/x', '--in-memory'],
				'--data-dir and --in-memory cannot be used together',
			],
			[['serve', 'extra'], 'too many arguments for serve: extra'],
			[
				['serve', '--max-memory', '512'],
				'--max-memory must be at least 1MiB, not "512" (a plain number is bytes: add a unit such as MiB)',
			],
			[['streams', '--port', '1'], '--port does not apply to streams'],
			[
				['serve', '--secret-access-key', 'TOP-SECRET'],
				'--access-key-id and --secret-access-key are for --verify-signatures',
			],
		];
		for (const [argv, message] of cases) {
			const outcome = await runRaw(argv, {io: {environment: {}}});
			expect(outcome.status, argv.join(' ')).toBe(2);
			expect(outcome.stderr.split('\n')[0]).toBe(`error: ${message}`);
		}

		const noKey = await runRaw(['serve', '--verify-signatures', '--in-memory'], {
			io: {environment: {}},
		});
		expect(noKey.status).toBe(2);
		expect(noKey.stderr).toMatch(
			/^error: --verify-signatures needs the key to check signatures against/,
		);
		const withSecret = await runRaw(
			['serve', '--verify-signatures', '--secret-access-key', 'TOP-SECRET', '--port', 'x'],
			{io: {environment: {}}},
		);
		expect(withSecret.status).toBe(2);
		expect(withSecret.stderr).not.toContain('TOP-SECRET');
	});

	test('--verify-signatures takes the key from the environment and never prints it', async () => {
		const controller = new AbortController();
		const stdout = collector();
		const finished = runRaw(['serve', '--port', '0', '--in-memory', '--verify-signatures'], {
			io: {
				signal: controller.signal,
				stdout: stdout.stream,
				environment: {
					KINESIS_TOP_ACCESS_KEY_ID: 'AKIAEXAMPLE',
					KINESIS_TOP_SECRET_ACCESS_KEY: 'TOP-SECRET',
				},
			},
		});
		await waitFor(() => stdout.text().includes(', SigV4 signatures verified\n'), {
			message: 'the start-up line',
		});
		controller.abort();
		const outcome = await finished;
		expect(outcome.status).toBe(0);
		expect(stdout.text() + outcome.stderr).not.toMatch(/TOP-SECRET|AKIAEXAMPLE/);
	});
});

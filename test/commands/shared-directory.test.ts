/**
 * One engine, many processes: while a kinesis-top process owns a data directory and serves it (`serve`,
 * or the console with --local), every other `--local` invocation on that directory goes through it
 * instead of failing on the lock — and works on its own again once the owner is gone.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {openDriver} from '../../source/driver/open-driver.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {DataDirectoryInUseError, readOwner} from '../../source/engine/log/data-directory.js';
import {KinesisServer} from '../../source/server/server.js';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitFor} from '../helpers/wait-for.js';
import {localCli, ndjson, runRaw, temporaryDirectory, type TailLine} from './helpers.js';

const children: ChildProcess[] = [];
afterEach(() => {
	for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

beforeAll(ensureBuilt, 180_000);

describe('a data directory shared between kinesis-top processes', () => {
	test('a `serve --data-dir D` process serves `--local --data-dir D` invocations elsewhere', async () => {
		const {dataDirectory, ok, cli} = localCli();
		const child = spawn(
			process.execPath,
			[
				'bin/kinesis-top.js',
				'serve',
				'--port',
				'0',
				'--data-dir',
				dataDirectory,
				'--create-ms',
				'0',
			],
			{cwd: root},
		);
		children.push(child);
		let stdout = '';
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		const owner = await waitFor(
			() => {
				const recorded = readOwner(dataDirectory);
				return recorded?.endpoint ? recorded : undefined;
			},
			{timeoutMs: 15_000, message: 'the owner to record its endpoint'},
		);
		expect(owner.pid).toBe(child.pid);
		// The start-up line names the endpoint recorded (written just after recording it).
		await waitFor(() => stdout.includes(owner.endpoint!), {message: 'the start-up line'});

		// This process cannot open the directory itself: it goes through the owner.
		await ok(['create', 'shared', '--shards', '2']);
		const put = ndjson(await ok(['put', 'shared', '--key', 'k', '--data', 'from another process']));
		expect(put).toEqual([{ShardId: expect.any(String), SequenceNumber: expect.any(String)}]);
		const tail = ndjson<TailLine>(
			await ok(['tail', 'shared', '--from', 'trim-horizon', '--no-follow']),
		);
		expect(tail.map((line) => Buffer.from(line.Data, 'base64').toString())).toEqual([
			'from another process',
		]);
		const driver = await openDriver({local: true, dataDirectory});
		try {
			expect(driver.target).toMatchObject({
				backend: 'local',
				location: `${dataDirectory} via pid ${child.pid}`,
			});
		} finally {
			await driver.close();
		}

		// Once the owner stops, the directory is free and this process opens it itself.
		child.kill('SIGTERM');
		await new Promise((resolve) => child.once('exit', resolve));
		expect(readOwner(dataDirectory)).toBeUndefined();
		const after = await cli(['tail', 'shared', '--from', 'trim-horizon', '--no-follow']);
		expect(after.status).toBe(0);
		expect(ndjson<TailLine>(after.stdout)).toHaveLength(1);
	}, 60_000);

	test('the console with --local serves its data directory while it is open', async () => {
		const {dataDirectory, cli} = localCli();
		let during: {endpoint?: string; create: number; put: number; streams: string[]} | undefined;
		const outcome = await cli([], {
			io: {
				isTTY: true,
				async openConsole({driver}) {
					const owner = readOwner(dataDirectory);
					const create = await cli(['create', 'from-outside', '--shards', '1']);
					const put = await cli(['put', 'from-outside', '--key', 'k', '--data', 'x']);
					during = {
						endpoint: owner?.endpoint,
						create: create.status,
						put: put.status,
						// The console's own driver sees what the other invocations did.
						streams: await driver.listStreams(),
					};
				},
			},
		});
		expect(outcome.status).toBe(0);
		expect(during).toEqual({
			endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			create: 0,
			put: 0,
			streams: ['from-outside'],
		});
		// Closed with the console: the directory is released.
		expect(readOwner(dataDirectory)).toBeUndefined();
	});

	test('an in-memory console serves nothing', async () => {
		let served: unknown = 'not called';
		const outcome = await runRaw(['--local', '--in-memory'], {
			io: {
				isTTY: true,
				async openConsole({driver}) {
					served = driver.target.location;
				},
			},
		});
		expect(outcome.status).toBe(0);
		expect(served).toBe('in memory');
	});

	test('an owner that does not serve the directory still refuses with DataDirectoryInUseError', async () => {
		const dataDirectory = temporaryDirectory();
		const engine = new KinesisEngine({dataDirectory});
		try {
			const started = Date.now();
			await expect(openDriver({local: true, dataDirectory})).rejects.toBeInstanceOf(
				DataDirectoryInUseError,
			);
			// It waited a moment for an owner that might be starting up, not forever.
			expect(Date.now() - started).toBeLessThan(5000);
		} finally {
			await engine.close();
		}
	});

	test('an in-process owner that records its endpoint late is still found', async () => {
		const dataDirectory = temporaryDirectory();
		const engine = new KinesisEngine({dataDirectory});
		const server = new KinesisServer({engine, port: 0});
		try {
			const opening = openDriver({local: true, dataDirectory});
			// The owner locks first and records its endpoint once listening, a moment later.
			await new Promise((resolve) => setTimeout(resolve, 200));
			engine.recordEndpoint(await server.start());
			const driver = await opening;
			try {
				await driver.createStream('late', {mode: 'PROVISIONED', shardCount: 1});
				expect(engine.listStreams()).toEqual(['late']);
			} finally {
				await driver.close();
			}
		} finally {
			await server.stop();
			await engine.close();
		}
	});
});

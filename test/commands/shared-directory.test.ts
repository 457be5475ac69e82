/**
 * One engine, many processes: while a kinesis-top process owns a data directory and serves it (`serve`,
 * or the console with --local), every other `--local` invocation on that directory goes through it
 * instead of failing on the lock — and works on its own again once the owner is gone.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {afterEach, beforeAll, describe, expect, test, vi} from 'vitest';
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
		// On a controlled clock: it waits 2 s for an owner that might be starting up, then gives up.
		vi.useFakeTimers();
		try {
			let settled = false;
			const opening = openDriver({local: true, dataDirectory}).finally(() => (settled = true));
			opening.catch(() => undefined);
			await vi.advanceTimersByTimeAsync(1900);
			expect(settled).toBe(false);
			await vi.advanceTimersByTimeAsync(200);
			expect(settled).toBe(true);
			await expect(opening).rejects.toBeInstanceOf(DataDirectoryInUseError);
		} finally {
			vi.useRealTimers();
			await engine.close();
		}
	});

	test('real commands (put, tail, serve) started at the same instant: one owns the directory, the others go through it or name its pid', async () => {
		const {dataDirectory, ok} = localCli();
		await ok(['create', 'race', '--shards', '2']);
		const run = (argv: string[]) => {
			const child = spawn(
				process.execPath,
				['bin/kinesis-top.js', '--local', '--data-dir', dataDirectory, ...argv],
				{cwd: root},
			);
			children.push(child);
			let stdout = '';
			let stderr = '';
			child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
			child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
			const exited = new Promise<{status: number | null; stdout: string; stderr: string}>(
				(resolve) => child.once('close', (status) => resolve({status, stdout, stderr})),
			);
			return {
				pid: child.pid!,
				exited,
				running: () => child.exitCode === null,
				stdout: () => stdout,
			};
		};

		// Five rounds of two to four `put`s and a `tail` started in the same tick: 12–20 full processes,
		// as many as fit a shared 2-core machine's test time (the lock itself races 200 rounds in
		// test/engine/directory-lock.test.ts).
		const acknowledged: string[] = [];
		for (let round = 0; round < 5; round++) {
			const texts = Array.from({length: 2 + (round % 3)}, (_, i) => `round-${round}-put-${i}`);
			const racing = [
				...texts.map((text) => ({text, ...run(['put', 'race', '--key', text, '--data', text])})),
				{text: undefined, ...run(['tail', 'race', '--from', 'trim-horizon', '--no-follow'])},
			];
			const pids = racing.map((process) => process.pid);
			for (const {text, exited} of racing) {
				const {status, stderr} = await exited;
				if (status === 0) {
					if (text) acknowledged.push(text);
					continue;
				}

				// Refused: by a process of this round that owned the directory, named by its pid.
				const named = /in use by kinesis-top process (\d+)/.exec(stderr);
				expect(named, `round ${round}: ${stderr}`).not.toBeNull();
				expect(pids).toContain(Number(named![1]));
			}
		}

		// And `serve` racing two `put`s: the puts go through it, or own the directory themselves (serve
		// is then refused, naming one of them), or are refused naming it.
		for (let round = 0; round < 2; round++) {
			const serve = run(['serve', '--port', '0', '--create-ms', '0']);
			const texts = [`serve-${round}-a`, `serve-${round}-b`];
			const puts = texts.map((text) => ({
				text,
				...run(['put', 'race', '--key', text, '--data', text]),
			}));
			const pids = [serve.pid, ...puts.map((put) => put.pid)];
			for (const {text, exited} of puts) {
				const {status, stderr} = await exited;
				if (status === 0) acknowledged.push(text);
				else expect(pids, stderr).toContain(Number(/process (\d+)/.exec(stderr)?.[1]));
			}

			// Stopped once it is up (a SIGTERM while it loads would end it before its handler is set).
			await waitFor(() => !serve.running() || serve.stdout().includes('kinesis-top serve:'), {
				timeoutMs: 15_000,
				message: 'serve to start or be refused',
			});
			if (serve.running()) process.kill(serve.pid, 'SIGTERM');
			const served = await serve.exited;
			if (served.status !== 0)
				expect(pids).toContain(Number(/process (\d+)/.exec(served.stderr)?.[1]));
		}

		expect(acknowledged.length).toBeGreaterThan(0);
		const tail = ndjson<TailLine>(
			await ok(['tail', 'race', '--from', 'trim-horizon', '--no-follow']),
		);
		const stored = tail.map((line) => Buffer.from(line.Data, 'base64').toString());
		expect(stored.toSorted()).toEqual(acknowledged.toSorted());
	}, 120_000);

	test('an in-process owner that records its endpoint late is still found', async () => {
		const dataDirectory = temporaryDirectory();
		const engine = new KinesisEngine({dataDirectory});
		const server = new KinesisServer({engine, port: 0});
		try {
			let settled = false;
			const opening = openDriver({local: true, dataDirectory}).finally(() => (settled = true));
			// The owner locks first and records its endpoint once listening, a moment later. By the next
			// turn of the event loop the opener has met the lock without an endpoint: it neither opened
			// the directory nor gave up, it waits for the endpoint.
			await new Promise((resolve) => setImmediate(resolve));
			expect(settled).toBe(false);
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

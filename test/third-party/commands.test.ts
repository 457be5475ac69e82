/**
 * The headless commands against Kinesis implementations we did not write, each with the HTTP version
 * left to kinesis-top: kinesalite (HTTP/1.1 only, also over TLS, where ALPN offers no h2) and kinesis-mock
 * (h2c, and h2 over TLS by ALPN). What an endpoint lacks ends the command with its error named.
 */
import {execFile} from 'node:child_process';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ensureBuilt, root} from '../helpers/build.js';
import {
	startKinesalite,
	startKinesisMock,
	TLS_CERTIFICATE,
	type Emulator,
} from '../helpers/emulators.js';
import {waitFor} from '../helpers/wait-for.js';
import {ndjson, runRaw, type TailLine} from '../commands/helpers.js';

const execFileAsync = promisify(execFile);

type Case = {
	name: string;
	start: () => Promise<Emulator>;
	/** An emulator that speaks TLS: kinesalite serves TLS or cleartext, so a second one. */
	startTls: (emulator: Emulator) => Promise<Emulator>;
	/** Its UpdateShardCount, where it has one. */
	scales: boolean;
};

const CASES: Case[] = [
	{
		name: 'kinesalite',
		start: startKinesalite,
		startTls: async () => startKinesalite({tls: true}),
		scales: false,
	},
	{
		name: 'kinesis-mock',
		start: startKinesisMock,
		startTls: async (emulator) => ({...emulator, stop: async () => undefined}),
		scales: true,
	},
];

describe.each(CASES)('commands against $name', ({start, startTls, scales}) => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await start();
	}, 90_000);
	afterAll(async () => emulator?.stop());

	const cli = (argv: string[], stdin?: string) =>
		runRaw(['--endpoint', emulator.endpoint, ...argv], {stdin});

	async function ok(argv: string[], stdin?: string) {
		const outcome = await cli(argv, stdin);
		expect(outcome, `kinesis-top ${argv.join(' ')}`).toMatchObject({status: 0, stderr: ''});
		return outcome.stdout;
	}

	async function waitForActive(stream: string) {
		await waitFor(
			async () => (await ok(['describe', stream, '--json'])).includes('"StreamStatus": "ACTIVE"'),
			{timeoutMs: 20_000, intervalMs: 100, message: `${stream} to be ACTIVE`},
		);
	}

	const tailAll = async (stream: string) =>
		ndjson<TailLine>(await ok(['tail', stream, '--from', 'trim-horizon', '--no-follow']));

	test('create, list, put, tail, split and merge: every record once, across the lineage', async () => {
		expect(await ok(['create', 'orders', '--shards', '2'])).toMatch(/created stream orders/);
		await waitForActive('orders');
		expect(await ok(['streams'])).toMatch(/^orders\s+ACTIVE\s+PROVISIONED\s+2\s/m);

		const lines = Array.from({length: 50}, (_, i) => `order-${i}`);
		const put = ndjson<{ShardId?: string; ErrorCode?: string}>(
			await ok(['put', 'orders'], lines.join('\n') + '\n'),
		);
		expect(put).toHaveLength(50);
		expect(put.every((result) => result.ShardId !== undefined)).toBe(true);

		const data = (records: TailLine[]) =>
			records.map((record) => Buffer.from(record.Data, 'base64').toString()).sort();
		expect(data(await tailAll('orders'))).toEqual([...lines].sort());

		expect(await ok(['split', 'orders', 'shardId-000000000000'])).toMatch(/split/);
		await waitForActive('orders');
		const shards = JSON.parse(await ok(['describe', 'orders', '--json'])) as {
			Shards: Array<{ShardId: string; ParentShardId?: string}>;
		};
		const children = shards.Shards.filter(
			(shard) => shard.ParentShardId === 'shardId-000000000000',
		);
		expect(children).toHaveLength(2);
		// Both emulators want the lower shard first (AWS takes either order).
		await ok(['merge', 'orders', children[1].ShardId, 'shardId-000000000001']);
		await waitForActive('orders');

		await ok(['put', 'orders', '--key', 'late', '--data', 'after-the-merge']);
		expect(data(await tailAll('orders'))).toEqual([...lines, 'after-the-merge'].sort());
	}, 120_000);

	test('what the endpoint lacks ends the command with its error named', async () => {
		await ok(['create', 'lacking', '--shards', '1']);
		await waitForActive('lacking');
		const lacking = [
			['metrics', 'lacking'],
			['firehose', 'list'],
			...(scales ? [] : [['scale', 'lacking', '--shards', '2']]),
		];
		for (const argv of lacking) {
			const outcome = await cli(argv);
			expect(outcome.status, argv.join(' ')).toBe(1);
			expect(outcome.stderr).toMatch(
				/^error: UnknownOperationException: \w+ is not offered by this endpoint \(http:\/\/127\.0\.0\.1:\d+\); it answered .+\n$/,
			);
		}

		if (scales) {
			await ok(['scale', 'lacking', '--shards', '2']);
			await waitForActive('lacking');
			expect(await ok(['streams'])).toMatch(/^lacking\s+ACTIVE\s+PROVISIONED\s+2\s/m);
		}
	}, 60_000);

	test('over TLS: ALPN picks the version, the binary trusts the certificate it is given', async () => {
		await ensureBuilt();
		const secure = await startTls(emulator);
		try {
			const binary = join(root, 'bin', 'kinesis-top.js');
			const kinesisTop = async (...argv: string[]) =>
				execFileAsync(process.execPath, [binary, '--endpoint', secure.tlsEndpoint!, ...argv], {
					env: {
						...process.env,
						NODE_EXTRA_CA_CERTS: TLS_CERTIFICATE,
						AWS_ACCESS_KEY_ID: 'kinesis-top',
						AWS_SECRET_ACCESS_KEY: 'kinesis-top',
						AWS_REGION: 'us-east-1',
					},
				});
			await kinesisTop('create', 'secure', '--shards', '1');
			await waitFor(
				async () =>
					(await kinesisTop('describe', 'secure', '--json')).stdout.includes(
						'"StreamStatus": "ACTIVE"',
					),
				{timeoutMs: 20_000, intervalMs: 100, message: 'secure to be ACTIVE'},
			);
			await kinesisTop('put', 'secure', '--key', 'k', '--data', 'over TLS');
			const {stdout, stderr} = await kinesisTop(
				'tail',
				'secure',
				'--from',
				'trim-horizon',
				'--no-follow',
			);
			expect(stderr).toBe('');
			const records = ndjson<TailLine>(stdout);
			expect(records.map((record) => Buffer.from(record.Data, 'base64').toString())).toEqual([
				'over TLS',
			]);
		} finally {
			await secure.stop();
		}
	}, 90_000);
});

/**
 * `serve --tls`, `--create`, `--faults` as users run them: the built binary, then clients trusting its
 * certificate the way each is told to in the start-up line — kinesis-top's own driver (NODE_EXTRA_CA_CERTS,
 * over HTTP/1.1 and HTTP/2), the AWS CLIs and boto3s on this machine (AWS_CA_BUNDLE) — and a restart on
 * the same data directory, which keeps both the streams and the certificate. Flag errors through run().
 */
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {promisify} from 'node:util';
import {KinesisClient, ListStreamsCommand, PutRecordCommand} from '@aws-sdk/client-kinesis';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ensureBuilt, root} from '../helpers/build.js';
import {
	expectClientsRan,
	findAwsClis,
	findBoto3s,
	testAbsentClients,
} from '../helpers/third-party-clients.js';
import {waitFor} from '../helpers/wait-for.js';
import {runRaw, temporaryDirectory} from './helpers.js';

const execFileAsync = promisify(execFile);
const awsClis = findAwsClis();
const boto3s = findBoto3s();

const STARTED =
	/^kinesis-top serve: Kinesis, Firehose, CloudWatch and DynamoDB APIs on (https:\/\/127\.0\.0\.1:(\d+)) \(HTTPS with h2 and HTTP\/1\.1, and HTTP\/1\.1 and h2c in cleartext\), data in (.+)$/m;
const CERTIFICATE =
	/^kinesis-top serve: TLS self-signed certificate( \(new\))? (\S+); clients trust it with AWS_CA_BUNDLE=(\S+) \(AWS CLI, boto3\) or NODE_EXTRA_CA_CERTS=(\S+) \(Node\)$/m;

type Served = {
	child: ChildProcess;
	url: string;
	certificate: string;
	stdout: () => string;
	stderr: () => string;
};
const children: ChildProcess[] = [];

/** Starts `kinesis-top serve ARGS` and waits for its start-up lines. */
async function serve(args: string[]): Promise<Served> {
	const child = spawn(process.execPath, ['bin/kinesis-top.js', 'serve', ...args], {cwd: root});
	children.push(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const started = await waitFor(
		() => (CERTIFICATE.test(stdout) ? (STARTED.exec(stdout) ?? undefined) : undefined),
		{timeoutMs: 15_000, message: 'the start-up lines'},
	).catch((error: Error) => {
		throw new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`);
	});
	return {
		child,
		url: started[1],
		certificate: CERTIFICATE.exec(stdout)![2],
		stdout: () => stdout,
		stderr: () => stderr,
	};
}

async function stop(served: Served) {
	const exited = new Promise<number | null>((resolve) => served.child.once('exit', resolve));
	served.child.kill('SIGTERM');
	expect(await exited).toBe(0);
}

/** A client's environment: its key, a region, the certificate to trust, nothing of the machine's AWS set-up. */
function clientEnvironment(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
	);
	return {
		...inherited,
		HOME: home,
		AWS_ACCESS_KEY_ID: 'serve-features',
		AWS_SECRET_ACCESS_KEY: 'serve-features',
		AWS_DEFAULT_REGION: 'us-east-1',
		AWS_REGION: 'us-east-1',
		AWS_CONFIG_FILE: join(home, 'no-config'),
		AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
		AWS_PAGER: '',
		AWS_EC2_METADATA_DISABLED: 'true',
		...extra,
	};
}

describe('serve --tls --create (the binary)', () => {
	let dataDirectory: string;
	let served: Served;
	let home: string;
	const createArgs = [
		'--create',
		'orders:4',
		'--create',
		'clickstream:2:on-demand',
		'--create',
		'firehose:archive:orders',
		'--create',
		'firehose:direct',
	];

	// One server for the whole sequence (start, clients, restart): its directories outlive each test.
	let directory: string;
	beforeAll(async () => {
		await ensureBuilt();
		directory = mkdtempSync(join(tmpdir(), 'kinesis-top-serve-tls-'));
		dataDirectory = join(directory, 'data');
		home = join(directory, 'home');
		mkdirSync(home);
	}, 180_000);

	afterAll(() => {
		for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
		rmSync(directory, {recursive: true, force: true});
	});

	test('starts on https with the streams ACTIVE, naming the certificate and how to trust it', async () => {
		served = await serve(['--port', '0', '--data-dir', dataDirectory, '--tls', ...createArgs]);
		expect(served.certificate).toBe(join(dataDirectory, 'tls', 'cert.pem'));
		expect(served.stdout()).toContain(' (new) ');
		expect(served.stderr().split('\n')).toEqual([
			'kinesis-top serve: created stream orders (4 shards, PROVISIONED)',
			'kinesis-top serve: created stream clickstream (2 shards, ON_DEMAND)',
			'kinesis-top serve: created delivery stream archive',
			'kinesis-top serve: created delivery stream direct',
			'',
		]);
	}, 30_000);

	test.each(['--http1', '--http2'])(
		"kinesis-top's own driver %s trusts it through NODE_EXTRA_CA_CERTS and sees the streams ACTIVE",
		async (version) => {
			const {stdout} = await execFileAsync(
				process.execPath,
				[
					join(root, 'bin', 'kinesis-top.js'),
					'--endpoint',
					served.url,
					version,
					'streams',
					'--json',
				],
				{env: clientEnvironment(home, {NODE_EXTRA_CA_CERTS: served.certificate})},
			);
			const streams = JSON.parse(stdout) as Array<{
				StreamName: string;
				StreamStatus: string;
				OpenShardCount: number;
				StreamModeDetails: {StreamMode: string};
			}>;
			expect(
				streams
					.map(
						(each) =>
							`${each.StreamName} ${each.StreamStatus} ${each.OpenShardCount} ${each.StreamModeDetails.StreamMode}`,
					)
					.sort(),
			).toEqual(['clickstream ACTIVE 2 ON_DEMAND', 'orders ACTIVE 4 PROVISIONED']);
		},
		30_000,
	);

	testAbsentClients(awsClis, boto3s);

	test('the AWS CLIs and boto3s trust it through AWS_CA_BUNDLE', async () => {
		const env = clientEnvironment(home, {AWS_CA_BUNDLE: served.certificate});
		for (const aws of awsClis.clients) {
			const {stdout} = await execFileAsync(
				aws.command,
				[
					'firehose',
					'describe-delivery-stream',
					'--delivery-stream-name',
					'archive',
					'--endpoint-url',
					served.url,
					'--output',
					'json',
				],
				{env},
			);
			const description = (
				JSON.parse(stdout) as {
					DeliveryStreamDescription: {
						DeliveryStreamStatus: string;
						DeliveryStreamType: string;
						Source: {KinesisStreamSourceDescription: {KinesisStreamARN: string}};
					};
				}
			).DeliveryStreamDescription;
			expect(description, aws.version).toMatchObject({
				DeliveryStreamStatus: 'ACTIVE',
				DeliveryStreamType: 'KinesisStreamAsSource',
				Source: {
					KinesisStreamSourceDescription: {
						KinesisStreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
					},
				},
			});
		}

		for (const boto3 of boto3s.clients) {
			const {stdout} = await execFileAsync(
				boto3.command,
				[
					'-c',
					'import boto3, json, sys; client = boto3.client("kinesis", endpoint_url=sys.argv[1]); ' +
						'print(json.dumps(client.list_streams()["StreamNames"]))',
					served.url,
				],
				{env},
			);
			expect(JSON.parse(stdout), boto3.boto3).toEqual(['clickstream', 'orders']);
		}

		expectClientsRan(awsClis, boto3s);
	}, 60_000);

	test('a restart on the same data directory leaves the streams as they are and keeps the certificate', async () => {
		const certificate = readFileSync(served.certificate, 'utf8');
		await stop(served);
		served = await serve([
			'--port',
			'0',
			'--data-dir',
			dataDirectory,
			'--tls',
			...createArgs,
			'--create',
			'more',
		]);
		expect(served.stdout()).not.toContain('(new)');
		expect(readFileSync(served.certificate, 'utf8')).toBe(certificate);
		expect(served.stderr().split('\n')).toEqual([
			'kinesis-top serve: stream orders already exists (4 open shards, PROVISIONED): left as it is',
			'kinesis-top serve: stream clickstream already exists (2 open shards, ON_DEMAND): left as it is',
			'kinesis-top serve: created stream more (1 shard, PROVISIONED)',
			'kinesis-top serve: delivery stream archive already exists: left as it is',
			'kinesis-top serve: delivery stream direct already exists: left as it is',
			'',
		]);
		await stop(served);
	}, 30_000);
});

describe('serve flags (through run)', () => {
	test('bad --create, --faults, --cert/--key are refused before anything starts', async () => {
		const directory = temporaryDirectory();
		const syntax =
			'(NAME[:SHARDS][:on-demand|provisioned] for a stream, or firehose:NAME[:SOURCE_STREAM] for a delivery stream)';
		const cases: Array<[string[], string]> = [
			[
				['--create', 'a b'],
				`--create "a b": a stream name is 1 to 128 letters, digits, _ . or - ${syntax}`,
			],
			[['--create', 'orders:0'], `--create "orders:0": shards must be from 1 to 10000 ${syntax}`],
			[
				['--create', 'orders:2:fast'],
				`--create "orders:2:fast": "fast" is neither a shard count nor a mode ${syntax}`,
			],
			[
				['--create', 'orders:on-demand:2'],
				`--create "orders:on-demand:2": "2" is neither a shard count nor a mode ${syntax}`,
			],
			[
				['--create', 'firehose:'],
				`--create "firehose:": a delivery stream name is 1 to 64 letters, digits, _ . or - ${syntax}`,
			],
			[['--create', 'ok', '--create', ''], '--create needs a value'],
			[
				['--faults', 'throttle=2'],
				'--faults: throttle must be a share from 0 to 1 (0.05) or a percentage (5%), not "2"',
			],
			[
				['--faults-seed', 'x'],
				'--faults-seed must be a whole number from 0 to 4294967295, not "x"',
			],
			[
				['--cert', 'cert.pem'],
				'--cert and --key go together: the certificate and its private key (PEM files)',
			],
			[
				['--cert', join(directory, 'none.pem'), '--key', join(directory, 'none.pem')],
				`--cert/--key: cannot read the certificate ${join(directory, 'none.pem')} (ENOENT)`,
			],
		];
		for (const [argv, message] of cases) {
			const outcome = await runRaw(['serve', '--in-memory', '--port', '0', ...argv]);
			expect(outcome.status, argv.join(' ')).toBe(2);
			expect(outcome.stderr.split('\n')[0], argv.join(' ')).toBe(`error: ${message}`);
			expect(outcome.stdout, argv.join(' ')).toBe('');
		}
	});

	test('--faults with --faults-seed: said at start, and calls fail as set', async () => {
		const controller = new AbortController();
		let stdout = '';
		const finished = runRaw(
			[
				'serve',
				'--in-memory',
				'--port',
				'0',
				'--create',
				'hot:2',
				'--faults',
				'throttle=1',
				'--faults-seed',
				'9',
			],
			{
				io: {
					signal: controller.signal,
					stdout: new Writable({
						write(chunk: Buffer, _encoding, callback) {
							stdout += chunk.toString();
							callback();
						},
					}),
				},
			},
		);
		const url = await waitFor(() => /APIs on (http:\/\/\S+) /.exec(stdout)?.[1], {
			timeoutMs: 10_000,
			message: 'the start-up line',
		});
		expect(stdout).toContain(
			'kinesis-top serve: faults {"throttle":1,"error":0,"latencyMs":0} (seed 9); GET or POST /_faults to see or change them\n',
		);
		const client = new KinesisClient({
			endpoint: url,
			region: 'us-east-1',
			credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
			maxAttempts: 1,
		});
		try {
			await expect(
				client.send(
					new PutRecordCommand({StreamName: 'hot', PartitionKey: 'k', Data: Buffer.from('x')}),
				),
			).rejects.toMatchObject({
				name: 'ProvisionedThroughputExceededException',
				message: expect.stringMatching(
					/^Rate exceeded for shard shardId-00000000000[01] in stream hot under account 000000000000\.$/,
				) as string,
			});
			await expect(client.send(new ListStreamsCommand({}))).rejects.toMatchObject({
				name: 'LimitExceededException',
			});
			const health = await fetch(`${url}/_health`);
			expect(health.status).toBe(200);
			expect(await health.json()).toMatchObject({ok: true, streams: 1});
		} finally {
			client.destroy();
			controller.abort();
		}

		expect((await finished).status).toBe(0);
	});
});

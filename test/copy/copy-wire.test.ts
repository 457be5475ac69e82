/**
 * `kinesis-top copy` through the AWS driver: against `serve` (our engine over the wire) and against
 * kinesalite (a Kinesis we did not write). Every record once, order per key kept, --where applied.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {startKinesalite} from '../helpers/emulators.js';
import {waitFor} from '../helpers/wait-for.js';
import {ndjson, runRaw, type TailLine} from '../commands/helpers.js';

type Endpoint = {endpoint: string; stop: () => Promise<void>};

const ENDPOINTS: Array<{name: string; start: () => Promise<Endpoint>}> = [
	{
		name: 'serve',
		async start() {
			const backend = LocalBackend.open({enforceLimits: false, createDelayMs: 0});
			const server = new KinesisServer({
				engine: backend.kinesis,
				firehose: backend.firehose,
				port: 0,
			});
			const endpoint = await server.start();
			return {
				endpoint,
				async stop() {
					await server.stop();
					await backend.close();
				},
			};
		},
	},
	{name: 'kinesalite', start: startKinesalite},
];

const ENVIRONMENT = {AWS_ACCESS_KEY_ID: 'kinesis-top', AWS_SECRET_ACCESS_KEY: 'kinesis-top'};

describe.each(ENDPOINTS)('copy through the AWS driver against $name', ({start}) => {
	let server: Endpoint;
	beforeAll(async () => {
		server = await start();
	}, 60_000);
	afterAll(async () => server?.stop());

	async function ok(argv: string[], stdin?: string) {
		const outcome = await runRaw(
			['--endpoint', server.endpoint, '--region', 'us-east-1', ...argv],
			{
				stdin,
				io: {environment: ENVIRONMENT},
			},
		);
		expect(outcome.status, `kinesis-top ${argv.join(' ')}: ${outcome.stderr}`).toBe(0);
		return outcome.stdout;
	}

	async function create(stream: string, shards: number) {
		await ok(['create', stream, '--shards', String(shards)]);
		await waitFor(
			async () => (await ok(['describe', stream, '--json'])).includes('"StreamStatus": "ACTIVE"'),
			{timeoutMs: 20_000, intervalMs: 50, message: `${stream} to be ACTIVE`},
		);
	}

	const tailAll = async (stream: string) =>
		ndjson<TailLine>(await ok(['tail', stream, '--from', 'trim-horizon', '--no-follow']));

	test('a filtered copy: the matching records once each, in order per key', async () => {
		await create('orders', 2);
		await create('staging', 3);
		const lines = Array.from({length: 600}, (_, n) =>
			JSON.stringify({user: `u-${n % 20}`, n, status: n % 2 ? 'ok' : 'failed'}),
		);
		await ok(['put', 'orders', '--key-field', 'user'], lines.join('\n') + '\n');
		expect(await ok(['copy', 'orders', 'staging', '--where', "data.status = 'failed'"])).toMatch(
			/^copied 300 records to staging .*; 300 records left out by --where\n$/,
		);
		const copied = await tailAll('staging');
		const events = copied.map(
			(line) =>
				JSON.parse(Buffer.from(line.Data, 'base64').toString()) as {user: string; n: number},
		);
		expect(events.map((event) => event.n).sort((a, b) => a - b)).toEqual(
			Array.from({length: 300}, (_, i) => i * 2),
		);
		const byKey = new Map<string, number[]>();
		copied.forEach((line, index) => {
			expect(line.PartitionKey).toBe(events[index].user);
			byKey.set(line.PartitionKey, [...(byKey.get(line.PartitionKey) ?? []), events[index].n]);
		});
		for (const [key, numbers] of byKey) {
			expect(numbers, key).toEqual([...numbers].sort((a, b) => a - b));
		}
	});
});

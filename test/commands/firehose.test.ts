import {afterEach, describe, expect, test} from 'vitest';
import {describeDeliveryStreamText} from '../../source/commands/firehose-text.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {waitFor} from '../helpers/wait-for.js';
import {lines, localCli, ndjson, runRaw} from './helpers.js';

type Hints = {SizeInMBs?: number; IntervalInSeconds?: number};
const ROLE = 'arn:aws:iam::000000000000:role/firehose';

function createHose(backend: LocalBackend, name: string, hints: Hints = {}, extra = {}) {
	backend.firehose.createDeliveryStream({
		DeliveryStreamName: name,
		ExtendedS3DestinationConfiguration: {
			RoleARN: ROLE,
			BucketARN: 'arn:aws:s3:::landing',
			Prefix: 'raw/',
			ErrorOutputPrefix: 'errors/',
			CompressionFormat: 'GZIP',
			BufferingHints: {SizeInMBs: 16, IntervalInSeconds: 600, ...hints},
			...extra,
		},
	});
}

/** A CLI over a data directory holding the delivery streams `names` (made by the engine itself). */
async function cliWithHoses(...names: string[]) {
	const cli = localCli();
	const backend = LocalBackend.open({dataDirectory: cli.dataDirectory});
	try {
		for (const name of names) createHose(backend, name);
	} finally {
		await backend.close();
	}

	return cli;
}

type Detail = {
	DeliveryStreamName: string;
	DeliveryStreamStatus: string;
	CreateTimestamp: string;
	Destinations: Array<{ExtendedS3DestinationDescription: {BufferingHints: Hints}}>;
	Buffer: Record<string, unknown>;
};

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const stop of servers.splice(0)) await stop();
});

describe('kinesis-top firehose', () => {
	test('list: names one per line, --json an array', async () => {
		const {ok} = await cliWithHoses('orders-hose', 'clicks-hose');
		expect(await ok(['firehose', 'list'])).toBe('clicks-hose\norders-hose\n');
		expect(JSON.parse(await ok(['firehose', 'list', '--json']))).toEqual([
			'clicks-hose',
			'orders-hose',
		]);
		const empty = localCli();
		expect(await empty.ok(['firehose', 'list'])).toBe('');
		expect(JSON.parse(await empty.ok(['firehose', 'list', '--json']))).toEqual([]);
	});

	test('put: stdin lines as records, a summary; --json one RecordId line per record', async () => {
		const {ok, cli} = await cliWithHoses('hose');
		const summary = await cli(['firehose', 'put', 'hose'], {stdin: 'a\r\n\r\nbb\nccc\n'});
		expect(summary).toEqual({status: 0, stdout: 'Put 3 records (6 B) to hose.\n', stderr: ''});
		const results = ndjson(await ok(['firehose', 'put', 'hose', '--json'], {stdin: lines(700)}));
		expect(results).toHaveLength(700);
		for (const result of results) expect(Object.keys(result)).toEqual(['RecordId']);
		expect(new Set(results.map((result) => result.RecordId)).size).toBe(700);
		expect(await ok(['firehose', 'put', 'hose', '--data', 'one more'])).toBe(
			'Put 1 record (8 B) to hose.\n',
		);
		const detail = JSON.parse(await ok(['firehose', 'describe', 'hose', '--json'])) as Detail;
		const bytes = 6 + Buffer.byteLength(lines(700)) - 700 + 8;
		expect(detail.Buffer).toMatchObject({
			Estimate: false,
			BufferedRecords: 704,
			BufferedBytes: bytes,
			SizeLimitBytes: 16 * 1024 * 1024,
			IntervalMillis: 600_000,
		});
	});

	test('put: records over the 5 MiB/s quota are retried until every one is in', async () => {
		const {ok} = await cliWithHoses('hose');
		const input = Array.from({length: 14}, (_, i) => String(i % 10).repeat(900_000)).join('\n');
		const results = ndjson(await ok(['firehose', 'put', 'hose', '--json'], {stdin: input}));
		expect(results).toHaveLength(14);
		expect(results.every((result) => typeof result.RecordId === 'string')).toBe(true);
		const detail = JSON.parse(await ok(['firehose', 'describe', 'hose', '--json'])) as Detail;
		expect(detail.Buffer).toMatchObject({BufferedRecords: 14, BufferedBytes: 14 * 900_000});
	});

	test('put: a record over 1,000 KiB fails alone; the status is 1', async () => {
		const {cli} = await cliWithHoses('hose');
		const input = `small\n${'x'.repeat(1_024_001)}\nafter\n`;
		const json = await cli(['firehose', 'put', 'hose', '--json'], {stdin: input});
		expect(json.status).toBe(1);
		expect(json.stderr).toBe('error: 1 of 3 records were not put (see the ErrorCode lines)\n');
		const results = ndjson(json.stdout);
		expect(results.map((result) => result.ErrorCode ?? 'ok')).toEqual([
			'ok',
			'InvalidArgumentException',
			'ok',
		]);
		expect(Object.keys(results[1])).toEqual(['ErrorCode', 'ErrorMessage']);
		expect(results[1].ErrorMessage).toMatch(/^line 2: the record is 1024001 bytes/);
		const text = await cli(['firehose', 'put', 'hose'], {stdin: input});
		expect(text.status).toBe(1);
		expect(text.stdout).toBe(
			'InvalidArgumentException: line 2: the record is 1024001 bytes, over the 1,000 KiB limit\n' +
				'Put 2 records (10 B) to hose; 1 failed.\n',
		);
	});

	test('describe: a readable summary; --json the DeliveryStreamDescription plus Buffer', async () => {
		const {ok} = await cliWithHoses('hose');
		await ok(['firehose', 'put', 'hose'], {stdin: lines(4)});
		const text = await ok(['firehose', 'describe', 'hose']);
		expect(text).toMatch(/^Delivery stream {4}hose\n/);
		expect(text).toContain(
			'ARN                arn:aws:firehose:us-east-1:000000000000:deliverystream/hose\n',
		);
		expect(text).toContain('Status             ACTIVE\n');
		expect(text).toContain('Source             Direct PUT (PutRecord, PutRecordBatch)\n');
		expect(text).toContain('Destination        s3://landing/raw/\n');
		expect(text).toContain('Error prefix       s3://landing/errors/\n');
		expect(text).toContain('Compression        GZIP\n');
		expect(text).toContain('Buffering hints    16.0 MiB or 600 s, whichever comes first\n');
		expect(text).toMatch(
			/Buffer {13}32 B of 16\.0 MiB \(0\.0%\), 4 records, oldest \d+ s of 600 s, interval flush in \d+ s\n/,
		);
		expect(text).toContain('Failed deliveries  0\n');
		expect(text).toMatch(/\nNo deliveries yet\.\n$/);

		const detail = JSON.parse(await ok(['firehose', 'describe', 'hose', '--json'])) as Detail;
		expect(Object.keys(detail)).toEqual(
			expect.arrayContaining([
				'DeliveryStreamName',
				'DeliveryStreamARN',
				'DeliveryStreamStatus',
				'DeliveryStreamType',
				'VersionId',
				'CreateTimestamp',
				'Destinations',
				'HasMoreDestinations',
				'Buffer',
			]),
		);
		expect(detail.CreateTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(detail.Destinations[0].ExtendedS3DestinationDescription.BufferingHints).toEqual({
			SizeInMBs: 16,
			IntervalInSeconds: 600,
		});
		expect(detail.Buffer).toMatchObject({
			Estimate: false,
			BufferedBytes: 32,
			BufferedRecords: 4,
			LastDeliveries: [],
			FailedDeliveries: 0,
		});
		expect(detail.Buffer.OldestRecordAgeMillis).toEqual(expect.any(Number));
	});

	test('describe text lists the last deliveries, newest first', async () => {
		const driver = LocalDriver.open();
		try {
			createHose(driver.backend, 'fast', {SizeInMBs: 1, IntervalInSeconds: 0});
			await driver.putRecordBatch('fast', [{Data: Buffer.from('x')}, {Data: Buffer.from('y')}]);
			const detail = await waitFor(async () => {
				const answer = await driver.describeDeliveryStream('fast');
				return answer.Buffer.LastDeliveries?.length === 1 && answer;
			});
			const [delivery] = detail.Buffer.LastDeliveries!;
			const text = describeDeliveryStreamText(detail);
			expect(text).toMatch(/\nDELIVERED {17}RECORDS {2}BYTES {2}OBJECT KEY\n/);
			expect(text).toContain(
				`${delivery.DeliveredAt.toISOString()}  2        ${String(delivery.Bytes).padEnd(5)}  ${delivery.ObjectKey}\n`,
			);
			expect(delivery.ObjectKey).toMatch(/^raw\/\d{4}\/\d\d\/\d\d\/\d\d\/fast-1-.*\.gz$/);
		} finally {
			await driver.close();
		}
	});

	test('over the wire (--endpoint): the buffer is an estimate from CloudWatch', async () => {
		const backend = LocalBackend.open();
		const server = new KinesisServer({
			engine: backend.kinesis,
			firehose: backend.firehose,
			port: 0,
		});
		const endpoint = await server.start();
		servers.push(async () => {
			await server.stop();
			await backend.close();
		});
		createHose(backend, 'hose');
		const cli = (argv: string[], stdin?: string) =>
			runRaw(['--endpoint', endpoint, '--region', 'us-east-1', ...argv], {stdin});
		expect((await cli(['firehose', 'list'])).stdout).toBe('hose\n');
		expect((await cli(['firehose', 'put', 'hose', '--json'], lines(3))).status).toBe(0);
		const described = await cli(['firehose', 'describe', 'hose', '--json']);
		expect(described.status).toBe(0);
		const detail = JSON.parse(described.stdout) as Detail;
		expect(detail.Buffer).toEqual({
			Estimate: true,
			SizeLimitBytes: 16 * 1024 * 1024,
			IntervalMillis: 600_000,
			BufferedBytes: 24,
			BufferedRecords: 3,
			FailedDeliveries: 0,
		});
		expect((await cli(['firehose', 'describe', 'hose'])).stdout).toContain(
			'Buffer             24 B of 16.0 MiB (0.0%), 3 records (estimated from CloudWatch)\n',
		);
	});

	test('a missing delivery stream fails with the backend error, status 1', async () => {
		const {cli} = localCli();
		for (const argv of [
			['firehose', 'describe', 'nope'],
			['firehose', 'put', 'nope', '--data', 'x'],
		]) {
			const outcome = await cli(argv);
			expect(outcome.status, argv.join(' ')).toBe(1);
			expect(outcome.stdout).toBe('');
			expect(outcome.stderr).toBe(
				'error: ResourceNotFoundException: Firehose nope under account 000000000000 not found.\n',
			);
		}
	});

	test('--read-only refuses firehose put; list and describe still work', async () => {
		const {ok, cli} = await cliWithHoses('hose');
		const outcome = await cli(['--read-only', 'firehose', 'put', 'hose', '--data', 'x']);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toBe(
			'error: AccessDeniedException: kinesis-top is in read-only mode: putRecordBatch is not allowed (started with --read-only).\n',
		);
		expect(await ok(['--read-only', 'firehose', 'list'])).toBe('hose\n');
		const detail = JSON.parse(
			await ok(['--read-only', 'firehose', 'describe', 'hose', '--json']),
		) as Detail;
		expect(detail.Buffer.BufferedRecords).toBe(0);
	});

	test('usage errors: subcommands, arguments, flags', async () => {
		const {cli} = localCli();
		const cases: Array<[string[], string]> = [
			[['firehose'], 'firehose needs a subcommand: list, describe NAME, put NAME'],
			[
				['firehose', 'frob'],
				'unknown command "firehose frob" (firehose has: list, describe NAME, put NAME)',
			],
			[['firehose', 'describe'], 'firehose describe needs NAME'],
			[['firehose', 'list', 'extra'], 'too many arguments for firehose list: extra'],
			[['firehose', 'list', '--data', 'x'], '--data does not apply to firehose list'],
			[['firehose', 'put', 'hose', '--key', 'k'], '--key does not apply to firehose put'],
		];
		for (const [argv, message] of cases) {
			const outcome = await cli(argv);
			expect(outcome.status, argv.join(' ')).toBe(2);
			expect(outcome.stderr.split('\n')[0]).toBe(`error: ${message}`);
		}
	});
});

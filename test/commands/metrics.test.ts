import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {lines, localCli, runRaw} from './helpers.js';

type JsonSeries = {
	Namespace: string;
	MetricName: string;
	Dimensions: Array<{Name: string; Value: string}>;
	Statistic: string;
	Period: number;
	Datapoints: Array<{Timestamp: string; Value: number}>;
};

const STREAM_METRICS = [
	['IncomingRecords', 'Sum'],
	['IncomingBytes', 'Sum'],
	['GetRecords.Records', 'Sum'],
	['GetRecords.IteratorAgeMilliseconds', 'Maximum'],
	['WriteProvisionedThroughputExceeded', 'Sum'],
	['ReadProvisionedThroughputExceeded', 'Sum'],
];
const total = (series: JsonSeries) =>
	series.Datapoints.reduce((sum, datapoint) => sum + datapoint.Value, 0);

// Metrics live in the engine's memory: the commands reach one engine through `serve`, as they would a
// running console or AWS.
let backend: LocalBackend;
let server: KinesisServer;
let endpoint: string;
const input = lines(10, 'metric-record');
const inputBytes = Buffer.byteLength(input) - 10;

const cli = (argv: string[], stdin?: string) =>
	runRaw(['--endpoint', endpoint, '--region', 'us-east-1', ...argv], {stdin});
async function ok(argv: string[], stdin?: string) {
	const outcome = await cli(argv, stdin);
	if (outcome.status !== 0) throw new Error(`${argv.join(' ')}: ${outcome.stderr}`);
	return outcome.stdout;
}

beforeAll(async () => {
	backend = LocalBackend.open({createDelayMs: 0});
	server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
	endpoint = await server.start();
	backend.kinesis.createStream({StreamName: 's', ShardCount: 2});
	backend.kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['ALL']});
	backend.kinesis.createStream({StreamName: 'idle', ShardCount: 1});
	await ok(['put', 's'], input);
	await ok(['tail', 's', '--from', 'trim-horizon', '--no-follow']);
});

afterAll(async () => {
	await server.stop();
	await backend.close();
});

describe('kinesis-top metrics', () => {
	test('--json: the stream-level series in CloudWatch terms', async () => {
		const series = JSON.parse(await ok(['metrics', 's', '--json'])) as JsonSeries[];
		expect(series.map((each) => [each.MetricName, each.Statistic])).toEqual(STREAM_METRICS);
		for (const each of series) {
			expect(Object.keys(each)).toEqual([
				'Namespace',
				'MetricName',
				'Dimensions',
				'Statistic',
				'Period',
				'Datapoints',
			]);
			expect(each.Namespace).toBe('AWS/Kinesis');
			expect(each.Dimensions).toEqual([{Name: 'StreamName', Value: 's'}]);
			expect(each.Period).toBe(60);
			for (const datapoint of each.Datapoints) {
				expect(Object.keys(datapoint)).toEqual(['Timestamp', 'Value']);
				expect(datapoint.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
			}
		}

		expect(total(series[0])).toBe(10);
		expect(total(series[1])).toBe(inputBytes);
		expect(total(series[2])).toBe(10);
		expect(series[3].Datapoints.length).toBeGreaterThan(0);
		expect(total(series[4])).toBe(0);
	});

	test('--shard: the shard-level series with the ShardId dimension', async () => {
		const byShard = await Promise.all(
			['0', 'shardId-000000000001'].map(
				async (shard) =>
					JSON.parse(await ok(['metrics', 's', '--shard', shard, '--json'])) as JsonSeries[],
			),
		);
		expect(byShard[0].map((each) => each.MetricName)).toEqual([
			'IncomingRecords',
			'IncomingBytes',
			'OutgoingRecords',
			'IteratorAgeMilliseconds',
			'WriteProvisionedThroughputExceeded',
			'ReadProvisionedThroughputExceeded',
		]);
		expect(byShard[0][0].Dimensions).toEqual([
			{Name: 'StreamName', Value: 's'},
			{Name: 'ShardId', Value: 'shardId-000000000000'},
		]);
		expect(byShard[1][0].Dimensions[1]).toEqual({Name: 'ShardId', Value: 'shardId-000000000001'});
		expect(total(byShard[0][0]) + total(byShard[1][0])).toBe(10);
		expect(total(byShard[0][1]) + total(byShard[1][1])).toBe(inputBytes);
		expect(total(byShard[0][2]) + total(byShard[1][2])).toBe(10);
	});

	test('text: a table by minute, minutes without data left out', async () => {
		const text = await ok(['metrics', 's', '--since', '15m']);
		const [heading, header, ...rows] = text.trimEnd().split('\n');
		expect(heading).toMatch(
			/^Stream s: one-minute datapoints over the last 15m, \d{4}-\d\d-\d\dT\d\d:\d\dZ to \d{4}-\d\d-\d\dT\d\d:\d\dZ UTC$/,
		);
		expect(header.split(/ {2,}/)).toEqual([
			'MINUTE',
			'IN RECORDS',
			'IN BYTES',
			'READ RECORDS',
			'ITERATOR AGE MAX',
			'WRITE THROTTLED',
			'READ THROTTLED',
		]);
		expect(rows.length).toBeGreaterThanOrEqual(1);
		const cells = rows.map((row) => row.split(/ {2,}/));
		// A minute with no datapoint for a column shows '-' (the reads may fall in the next minute).
		const count = (cell: string) => (cell === '-' ? 0 : Number(cell));
		expect(cells.reduce((sum, row) => sum + count(row[1]), 0)).toBe(10);
		expect(cells.reduce((sum, row) => sum + count(row[2]), 0)).toBe(inputBytes);
		for (const row of cells) expect(row[4]).toMatch(/^(-|\d+ ms)$/);
	});

	test('a stream without data says so', async () => {
		const text = await ok(['metrics', 'idle']);
		expect(text.split('\n').slice(1).join('\n')).toBe('No datapoints in this window.\n');
		expect(
			(JSON.parse(await ok(['metrics', 'idle', '--json'])) as JsonSeries[]).map(
				(each) => each.Datapoints,
			),
		).toEqual(Array.from({length: 6}, () => []));
	});

	test('a missing stream or shard fails with the backend error, status 1', async () => {
		const missing = await cli(['metrics', 'nope']);
		expect(missing).toEqual({
			status: 1,
			stdout: '',
			stderr:
				'error: ResourceNotFoundException: Stream nope under account 000000000000 not found.\n',
		});
		const shard = await cli(['metrics', 's', '--shard', '7']);
		expect(shard.status).toBe(1);
		expect(shard.stderr).toBe(
			'error: ResourceNotFoundException: Could not find shard 7 in stream s.\n',
		);
	});

	test('--since takes 15m, 1h, 24h-style durations; anything else is a usage error', async () => {
		const {cli: local} = localCli();
		await local(['create', 's', '--shards', '1']);
		for (const since of ['15m', '1h', '3h', '12h', '24h', '2d']) {
			expect((await local(['metrics', 's', '--since', since])).status, since).toBe(0);
		}

		for (const since of ['0m', '90s', '1.5h', 'h', '16d', '-1h', 'soon']) {
			const outcome = await local(['metrics', 's', `--since=${since}`]);
			expect(outcome.status, since).toBe(2);
			expect(outcome.stderr.split('\n')[0]).toBe(
				`error: --since must be a duration from 1m to 15d such as 15m, 1h, 3h, 12h or 24h, not "${since}"`,
			);
		}

		expect((await local(['metrics'])).stderr.split('\n')[0]).toBe('error: metrics needs STREAM');
		expect((await local(['metrics', 's', '--data', 'x'])).status).toBe(2);
	});
});

import {describe, expect, test} from 'vitest';
import {collector, localCli, ndjson} from './helpers.js';
import {waitFor} from '../helpers/wait-for.js';

const COUNT_BY_KEY = `SELECT partition_key, COUNT(*) AS n, SUM(data.v) AS total
	FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '1' HOUR))
	GROUP BY partition_key, window_start, window_end`;

type Row = {
	window_start: string;
	window_end: string;
	partition_key: string;
	n: number;
	total: number;
};

describe('kinesis-top query', () => {
	test('--no-follow: reads every shard, then flushes the open windows as NDJSON rows', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '3']);
		const lines = Array.from({length: 30}, (_, i) =>
			JSON.stringify({user: `u${i % 3}`, v: i}),
		).join('\n');
		await ok(['put', 's', '--key-field', 'user'], {stdin: lines + '\n'});
		const rows = ndjson<Row>(
			await ok(['query', 's', COUNT_BY_KEY, '--from', 'trim-horizon', '--no-follow']),
		);
		const byKey = Object.fromEntries(rows.map((row) => [row.partition_key, row]));
		expect(Object.keys(byKey).sort()).toEqual(['u0', 'u1', 'u2']);
		expect(byKey.u0).toMatchObject({n: 10, total: 135});
		expect(byKey.u1).toMatchObject({n: 10, total: 145});
		expect(byKey.u2).toMatchObject({n: 10, total: 155});
		// Two records in different hours would make two windows; in one test they share the hour or the next.
		for (const row of rows) {
			expect(Object.keys(row)).toEqual([
				'window_start',
				'window_end',
				'partition_key',
				'n',
				'total',
			]);
			expect(Date.parse(row.window_end) - Date.parse(row.window_start)).toBe(3_600_000);
		}
	});

	test('following a quiet stream, the last window still emits (idle timeout), until interrupted', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '2']);
		await ok(['put', 's'], {stdin: '{"v":1}\n{"v":2}\n{"v":3}\n'});
		const stdout = collector();
		const controller = new AbortController();
		const running = cli(
			[
				'query',
				's',
				'SELECT COUNT(*) AS n, SUM(data.v) AS total FROM s WINDOW TUMBLING (SIZE 1 SECOND)',
				'--from',
				'trim-horizon',
			],
			{io: {stdout: stdout.stream, signal: controller.signal}},
		);
		const counted = () =>
			ndjson<{n: number}>(stdout.text()).reduce((sum, row) => sum + row.n, 0) === 3;
		await waitFor(counted, {timeoutMs: 15_000, message: 'the windows to emit'});
		controller.abort();
		const outcome = await running;
		expect(outcome.status).toBe(130);
		const rows = ndjson<{n: number; total: number}>(stdout.text());
		expect(rows.reduce((sum, row) => sum + row.n, 0)).toBe(3);
		expect(rows.reduce((sum, row) => sum + row.total, 0)).toBe(6);
	});

	test('reads through resharding: the parent shard and its children, every record once', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		await ok(['put', 's'], {stdin: '{"v":1}\n{"v":2}\n'});
		await ok(['split', 's', 'shardId-000000000000']);
		await ok(['put', 's'], {stdin: '{"v":10}\n{"v":20}\n{"v":30}\n'});
		const sql = `SELECT shard_id, COUNT(*) AS n, SUM(data.v) AS total FROM s
			WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY shard_id`;
		const rows = ndjson<{shard_id: string; n: number; total: number}>(
			await ok(['query', 's', sql, '--from', 'trim-horizon', '--no-follow']),
		);
		const parent = rows.filter((row) => row.shard_id === 'shardId-000000000000');
		expect(parent.reduce((sum, row) => sum + row.total, 0)).toBe(3);
		expect(rows.reduce((sum, row) => sum + row.n, 0)).toBe(5);
		expect(rows.reduce((sum, row) => sum + row.total, 0)).toBe(63);
	});

	test('a projection without a window prints one row per matching record', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		await ok(['put', 's', '--key', 'k'], {
			stdin: '{"level":"error","msg":"a"}\n{"level":"info"}\n{"level":"error","msg":"b"}\n',
		});
		const out = await ok([
			'query',
			's',
			"SELECT data.msg AS msg FROM s WHERE data.level = 'error'",
			'--from',
			'trim-horizon',
			'--no-follow',
		]);
		expect(ndjson(out)).toEqual([{msg: 'a'}, {msg: 'b'}]);
	});

	test('a projection with LIMIT ends by itself, even following', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		await ok(['put', 's'], {stdin: 'a\nb\nc\nd\n'});
		const out = await ok(['query', 's', 'SELECT data FROM s LIMIT 2', '--from', 'trim-horizon']);
		expect(ndjson(out)).toHaveLength(2);
	});

	test('bad SQL is a usage error that points at the line and column', async () => {
		const {cli} = localCli();
		const outcome = await cli(['query', 's', 'SELECT COUNT(*)\nFORM s']);
		expect(outcome.status).toBe(2);
		expect(outcome.stderr).toContain(
			"error: in the query, line 2, column 1: expected AS, ',', FROM or an operator, found 'FORM' (did you mean FROM?)\n  FORM s\n  ^^^^",
		);
	});

	test('the stream in FROM must be the stream named', async () => {
		const {cli} = localCli();
		const outcome = await cli(['query', 's', 'SELECT * FROM other']);
		expect(outcome.status).toBe(2);
		expect(outcome.stderr).toContain('the query reads FROM other, but the stream named is s');
	});

	test('a stream that does not exist is the backend error', async () => {
		const {cli} = localCli();
		const outcome = await cli(['query', 'nope', 'SELECT * FROM nope', '--no-follow']);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(/^error: ResourceNotFoundException: /);
	});

	test('--help covers query', async () => {
		const {cli} = localCli();
		const outcome = await cli(['--help']);
		expect(outcome.stdout).toContain('query STREAM SQL');
	});
});

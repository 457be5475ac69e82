/** Golden tests per window type, with fixed records and a manual clock. */
import {describe, expect, test} from 'vitest';
import {executor, runQuery} from './run-query.js';
import {iso, record, T0} from './records.js';

const s = (seconds: number) => T0 + seconds * 1000;
const SHARD = 'shardId-000000000000';

describe('TUMBLE', () => {
	const sql = `SELECT partition_key, COUNT(*) AS n
		FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '10' SECOND))
		WATERMARK FOR arrival_ts AS arrival_ts
		GROUP BY partition_key, window_start, window_end`;

	test('a window emits once the watermark passes its end; the rest on flush', () => {
		const run = executor(sql);
		run.executor.push(SHARD, [record(s(1), 'a'), record(s(2), 'b'), record(s(3), 'a')]);
		expect(run.take()).toEqual([]);
		run.executor.push(SHARD, [record(s(11), 'a')]);
		expect(run.take()).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(10)), partition_key: 'a', n: 2},
			{window_start: iso(s(0)), window_end: iso(s(10)), partition_key: 'b', n: 1},
		]);
		run.executor.flush();
		expect(run.take()).toEqual([
			{window_start: iso(s(10)), window_end: iso(s(20)), partition_key: 'a', n: 1},
		]);
	});

	test("ksqlDB's WINDOW TUMBLING gives the same rows, the watermark trailing arrival by 2 s", () => {
		const ksql = `SELECT partition_key, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY partition_key`;
		const run = executor(ksql);
		run.executor.push(SHARD, [
			record(s(1), 'a'),
			record(s(2), 'b'),
			record(s(3), 'a'),
			record(s(11), 'a'),
		]);
		expect(run.take()).toEqual([]);
		run.executor.push(SHARD, [record(s(12), 'b')]);
		expect(run.take()).toEqual(
			runQuery(sql, [record(s(1), 'a'), record(s(2), 'b'), record(s(3), 'a')]),
		);
	});

	test("intervals as '10 seconds', INTERVAL '10' SECOND and 10 SECONDS mean the same", () => {
		const records = [record(s(1), 'a'), record(s(9), 'a'), record(s(10), 'a')];
		const forms = [`'10 seconds'`, `INTERVAL '10' SECOND`, `INTERVAL '10 seconds'`, `10 SECONDS`];
		const results = forms.map((interval) =>
			runQuery(`SELECT COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE ${interval})`, records),
		);
		for (const result of results) expect(result).toEqual(results[0]);
		expect(results[0].map((row) => row.n)).toEqual([2, 1]);
	});
});

describe('other spellings', () => {
	test("Flink's named arguments, and ksqlDB's WINDOWSTART and WINDOWEND", () => {
		const records = [record(s(1), 'a'), record(s(12), 'a')];
		const named = runQuery(
			`SELECT WINDOWSTART, WINDOWEND, COUNT(*) AS n FROM TABLE(TUMBLE(DATA => TABLE s,
			 TIMECOL => DESCRIPTOR(arrival_ts), SIZE => INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
			records,
		);
		expect(named).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(10)), n: 1},
			{window_start: iso(s(10)), window_end: iso(s(20)), n: 1},
		]);
	});
});

describe('HOP', () => {
	const expected = [
		{window_start: iso(s(-5)), window_end: iso(s(5)), n: 1},
		{window_start: iso(s(0)), window_end: iso(s(10)), n: 2},
		{window_start: iso(s(5)), window_end: iso(s(15)), n: 2},
		{window_start: iso(s(10)), window_end: iso(s(20)), n: 1},
	];
	const records = () => [record(s(1), 'a'), record(s(6), 'a'), record(s(12), 'a')];

	test("Flink's HOP(…, slide, size): every window holding the record counts it", () => {
		const sql = `SELECT COUNT(*) AS n FROM TABLE(HOP(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end`;
		expect(runQuery(sql, records())).toEqual(expected);
	});

	test("ksqlDB's WINDOW HOPPING (SIZE …, ADVANCE BY …)", () => {
		const sql = `SELECT COUNT(*) AS n FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS)`;
		expect(runQuery(sql, records())).toEqual(expected);
	});
});

describe('SESSION', () => {
	test('per key: a session ends after the gap without records', () => {
		const sql = `SELECT partition_key, COUNT(*) AS n FROM s WINDOW SESSION (5 SECONDS) GROUP BY partition_key`;
		const rows = runQuery(sql, [
			record(s(0), 'a'),
			record(s(1), 'b'),
			record(s(3), 'a'),
			record(s(20), 'a'),
		]);
		expect(rows).toEqual([
			{window_start: iso(s(1)), window_end: iso(s(6)), partition_key: 'b', n: 1},
			{window_start: iso(s(0)), window_end: iso(s(8)), partition_key: 'a', n: 2},
			{window_start: iso(s(20)), window_end: iso(s(25)), partition_key: 'a', n: 1},
		]);
	});

	test("Flink's SESSION(TABLE s PARTITION BY key, …): a record bridging two sessions merges them", () => {
		const sql = `SELECT partition_key, COUNT(*) AS n, SUM(data.v) AS total
			FROM TABLE(SESSION(TABLE s PARTITION BY partition_key, DESCRIPTOR(arrival_ts), INTERVAL '5' SECOND))
			WATERMARK FOR arrival_ts AS arrival_ts - INTERVAL '30' SECOND
			GROUP BY partition_key, window_start, window_end`;
		const run = executor(sql);
		run.executor.push(SHARD, [record(s(0), 'a', {v: 1}), record(s(8), 'a', {v: 2})]);
		expect(run.executor.stats().openWindows).toBe(2);
		run.executor.push(SHARD, [record(s(4), 'a', {v: 4})]);
		expect(run.executor.stats().openWindows).toBe(1);
		run.executor.flush();
		expect(run.take()).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(13)), partition_key: 'a', n: 3, total: 7},
		]);
	});
});

describe('SESSION lateness', () => {
	test('a record behind the watermark still joins an open session it falls in; else it is late', () => {
		const run = executor(
			`SELECT COUNT(*) AS n FROM s WATERMARK FOR arrival_ts AS arrival_ts WINDOW SESSION (5 SECONDS)`,
		);
		run.executor.setSourceIdle('other', false);
		run.executor.push(SHARD, [
			record(s(0), 'a'),
			record(s(4), 'a'),
			record(s(8), 'a'),
			record(s(12), 'a'),
		]);
		run.executor.push('other', [record(s(12), 'a')]);
		expect(run.executor.stats().watermark).toBe(s(12));
		run.executor.push(SHARD, [record(s(3), 'a'), record(s(-20), 'a')]);
		expect(run.executor.stats().late).toBe(1);
		run.executor.flush();
		expect(run.take()).toEqual([{window_start: iso(s(0)), window_end: iso(s(17)), n: 6}]);
	});
});

describe('CUMULATE', () => {
	test('windows grow by the step from the start of each size-window', () => {
		const sql = `SELECT COUNT(*) AS n FROM TABLE(CUMULATE(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end`;
		expect(
			runQuery(sql, [record(s(1), 'a'), record(s(6), 'a'), record(s(7), 'a'), record(s(12), 'a')]),
		).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(5)), n: 1},
			{window_start: iso(s(0)), window_end: iso(s(10)), n: 3},
			{window_start: iso(s(10)), window_end: iso(s(15)), n: 1},
			{window_start: iso(s(10)), window_end: iso(s(20)), n: 1},
		]);
	});
});

describe("KDA's STEP and FLOOR", () => {
	test('GROUP BY STEP(ROWTIME BY …): processing-time windows close on the clock', () => {
		const sql = `SELECT STREAM STEP(s.ROWTIME BY INTERVAL '10' SECOND) AS win, partition_key, COUNT(*) AS n
			FROM s GROUP BY partition_key, STEP(s.ROWTIME BY INTERVAL '10' SECOND)`;
		const run = executor(sql);
		run.clock.set(s(1));
		// Arrival times say nothing here: ROWTIME is when the record is taken.
		run.executor.push(SHARD, [record(s(-100), 'a'), record(s(-100), 'a')]);
		run.clock.set(s(5));
		run.executor.push(SHARD, [record(s(-100), 'b')]);
		run.clock.set(s(9));
		run.executor.tick();
		expect(run.take()).toEqual([]);
		run.clock.set(s(10));
		run.executor.tick();
		expect(run.take()).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(10)), win: iso(s(0)), partition_key: 'a', n: 2},
			{window_start: iso(s(0)), window_end: iso(s(10)), win: iso(s(0)), partition_key: 'b', n: 1},
		]);
	});

	test('GROUP BY FLOOR(arrival_ts TO MINUTE): one-minute windows', () => {
		const sql = `SELECT FLOOR(arrival_ts TO MINUTE) AS minute, COUNT(*) AS n FROM s GROUP BY FLOOR(arrival_ts TO MINUTE)`;
		expect(runQuery(sql, [record(s(1), 'a'), record(s(59), 'a'), record(s(61), 'a')])).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(60)), minute: iso(s(0)), n: 2},
			{window_start: iso(s(60)), window_end: iso(s(120)), minute: iso(s(60)), n: 1},
		]);
	});
});

describe('event time, watermarks and late records', () => {
	const sql = `SELECT COUNT(*) AS n FROM s WATERMARK FOR data.ts AS data.ts - INTERVAL '5' SECOND
		WINDOW TUMBLING (SIZE 10 SECONDS)`;

	test('the payload time places records; late ones are counted and warned about', () => {
		const run = executor(sql);
		const at = (seconds: number) => record(s(1000), 'k', {ts: iso(s(seconds))});
		run.executor.push(SHARD, [at(1), at(12), at(14)]);
		expect(run.take()).toEqual([]);
		run.executor.push(SHARD, [at(16)]);
		expect(run.take()).toEqual([{window_start: iso(s(0)), window_end: iso(s(10)), n: 1}]);
		run.executor.push(SHARD, [at(3), record(s(1000), 'k', {other: 1})]);
		expect(run.executor.stats()).toMatchObject({late: 1, noTime: 1});
		expect(run.warnings.map((warning) => warning.kind).sort()).toEqual(['late', 'no-time']);
		expect(run.warnings.find((warning) => warning.kind === 'late')!.message).toMatch(/1 so far/);
		run.executor.flush();
		expect(run.take()).toEqual([{window_start: iso(s(10)), window_end: iso(s(20)), n: 3}]);
	});

	test('epoch seconds and milliseconds in the payload are both times', () => {
		const rows = runQuery(
			`SELECT COUNT(*) AS n FROM s WATERMARK FOR data.ts AS data.ts WINDOW TUMBLING (SIZE 1 MINUTE)`,
			[record(0, 'k', {ts: s(1) / 1000}), record(0, 'k', {ts: s(2)})],
		);
		expect(rows).toEqual([{window_start: iso(s(0)), window_end: iso(s(60)), n: 2}]);
	});

	test('a quiet stream still closes its last window after the idle timeout', () => {
		const run = executor(`SELECT COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS)`, {
			idleTimeoutMs: 3000,
		});
		run.clock.set(s(1));
		run.executor.push(SHARD, [record(s(1), 'a')]);
		run.clock.set(s(3));
		run.executor.tick();
		expect(run.take()).toEqual([]);
		run.clock.set(s(9));
		run.executor.tick();
		expect(run.take()).toEqual([]);
		// Quiet since 1 s: event time is taken to have moved on with the clock, to 10 s.
		run.clock.set(s(10));
		run.executor.tick();
		expect(run.take()).toEqual([{window_start: iso(s(0)), window_end: iso(s(10)), n: 1}]);
	});

	test('a shard behind holds the watermark back until it is idle', () => {
		const run = executor(
			`SELECT COUNT(*) AS n FROM s WATERMARK FOR arrival_ts AS arrival_ts WINDOW TUMBLING (SIZE 10 SECONDS)`,
		);
		run.executor.setSourceIdle('shard-b', false);
		run.executor.push('shard-a', [record(s(1), 'a'), record(s(30), 'a')]);
		expect(run.take()).toEqual([]);
		run.executor.push('shard-b', [record(s(5), 'b')]);
		expect(run.take()).toEqual([]);
		run.executor.setSourceIdle('shard-b', true);
		expect(run.take()).toEqual([{window_start: iso(s(0)), window_end: iso(s(10)), n: 2}]);
	});

	test('GRACE PERIOD keeps a window open for late records', () => {
		const sql = `SELECT COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 20 SECONDS)`;
		const run = executor(sql);
		run.executor.push(SHARD, [record(s(1), 'a'), record(s(25), 'a'), record(s(2), 'a')]);
		expect(run.executor.stats().late).toBe(0);
		run.executor.flush();
		expect(run.take()[0]).toEqual({window_start: iso(s(0)), window_end: iso(s(10)), n: 2});
	});
});

describe('EMIT CHANGES', () => {
	test("a window's rows are updated as records arrive, once per batch", () => {
		const sql = `SELECT partition_key, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY partition_key EMIT CHANGES`;
		const run = executor(sql);
		run.executor.push(SHARD, [record(s(1), 'a'), record(s(2), 'a'), record(s(3), 'b')]);
		expect(run.take()).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(10)), partition_key: 'a', n: 2},
			{window_start: iso(s(0)), window_end: iso(s(10)), partition_key: 'b', n: 1},
		]);
		run.executor.push(SHARD, [record(s(4), 'a')]);
		expect(run.take()).toEqual([
			{window_start: iso(s(0)), window_end: iso(s(10)), partition_key: 'a', n: 3},
		]);
		expect(run.rows).toEqual([]);
		run.executor.flush();
		expect(run.take()).toEqual([]);
	});
});

describe('bounded state', () => {
	test('past the group cap with one window open, new groups are refused and counted', () => {
		const run = executor(
			`SELECT partition_key, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY partition_key`,
			{maxGroups: 2},
		);
		run.executor.push(SHARD, [
			record(s(1), 'a'),
			record(s(2), 'b'),
			record(s(3), 'c'),
			record(s(4), 'a'),
		]);
		expect(run.executor.stats()).toMatchObject({dropped: 1, groups: 2});
		expect(run.warnings.map((warning) => warning.kind)).toEqual(['dropped']);
		run.executor.flush();
		expect(run.take().map((row) => [row.partition_key, row.n])).toEqual([
			['a', 2],
			['b', 1],
		]);
	});

	test('past the window cap, the oldest window closes early, with a warning', () => {
		const run = executor(
			`SELECT COUNT(*) AS n FROM s WATERMARK FOR arrival_ts AS arrival_ts - INTERVAL '1' HOUR WINDOW TUMBLING (SIZE 10 SECONDS)`,
			{maxWindows: 2},
		);
		run.executor.push(SHARD, [record(s(1), 'a'), record(s(11), 'a'), record(s(12), 'a')]);
		expect(run.take()).toEqual([]);
		run.executor.push(SHARD, [record(s(21), 'a')]);
		expect(run.take()).toEqual([{window_start: iso(s(0)), window_end: iso(s(10)), n: 1}]);
		expect(run.executor.stats()).toMatchObject({evictedWindows: 1, openWindows: 2});
		expect(run.warnings[0]).toMatchObject({kind: 'evicted'});
	});
});

describe('bounded state: sessions', () => {
	test('past the window cap, the session that ends first closes early', () => {
		const run = executor(
			`SELECT partition_key, COUNT(*) AS n FROM s WATERMARK FOR arrival_ts AS arrival_ts - INTERVAL '1' HOUR
			 WINDOW SESSION (5 SECONDS) GROUP BY partition_key`,
			{maxWindows: 2},
		);
		run.executor.push(SHARD, [record(s(1), 'a'), record(s(2), 'b'), record(s(3), 'c')]);
		expect(run.take()).toEqual([
			{window_start: iso(s(1)), window_end: iso(s(6)), partition_key: 'a', n: 1},
		]);
		expect(run.executor.stats()).toMatchObject({evictedWindows: 1, openWindows: 2});
	});
});

describe('WHERE, HAVING, ORDER BY and LIMIT', () => {
	test('the top two keys of each window by count, of the records that pass WHERE', () => {
		const sql = `SELECT data.user AS user, COUNT(*) AS n FROM s
			WINDOW TUMBLING (SIZE 10 SECONDS)
			WHERE data.kind = 'click' AND NOT data.bot
			GROUP BY data.user HAVING COUNT(*) > 1 ORDER BY n DESC, user LIMIT 2`;
		const click = (user: string, bot = false) => record(s(1), 'k', {kind: 'click', user, bot});
		const rows = runQuery(sql, [
			click('u1'),
			click('u2'),
			click('u2'),
			click('u3'),
			click('u3'),
			click('u3'),
			click('u4'),
			click('u4'),
			click('u5', true),
			click('u5', true),
			click('u5', true),
			click('u5', true),
			record(s(2), 'k', {kind: 'view', user: 'u1'}),
		]);
		expect(rows.map((row) => [row.user, row.n])).toEqual([
			['u3', 3],
			['u2', 2],
		]);
	});
});

test('GROUP BY may name a select alias', () => {
	const rows = runQuery(
		`SELECT data.user AS u, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY u`,
		[
			record(s(1), 'k', {user: 'x'}),
			record(s(2), 'k', {user: 'y'}),
			record(s(3), 'k', {user: 'x'}),
		],
	);
	expect(rows.map((row) => [row.u, row.n])).toEqual([
		['x', 2],
		['y', 1],
	]);
});

describe('projection (no window)', () => {
	test('SELECT * gives the record as the tail shows it, data decoded', () => {
		const input = record(s(1), 'k1', {a: 1});
		expect(runQuery('SELECT * FROM s', [input])).toEqual([
			{
				shard_id: SHARD,
				sequence_number: input.SequenceNumber,
				partition_key: 'k1',
				arrival_ts: iso(s(1)),
				data: {a: 1},
			},
		]);
	});

	test('one row per matching record, with fields, casts and functions', () => {
		const rows = runQuery(
			`SELECT partition_key, data->>'id' AS id, (data['x-y']::int) * 2 AS doubled, UPPER(data.name) AS name
			 FROM s WHERE data.n IN (1, 3) AND partition_key LIKE 'k%' LIMIT 2`,
			[
				record(s(1), 'k1', {id: 7, 'x-y': '21', n: 1, name: 'ab'}),
				record(s(1), 'k2', {id: 8, n: 2}),
				record(s(1), 'x3', {id: 9, n: 3}),
				record(s(1), 'k4', {id: 10, n: 3, name: null}),
				record(s(1), 'k5', {id: 11, n: 1}),
			],
		);
		expect(rows).toEqual([
			{partition_key: 'k1', id: '7', doubled: 42, name: 'AB'},
			{partition_key: 'k4', id: '10', doubled: null, name: null},
		]);
	});
});

/** Golden tests per aggregate, over one window of fixed values. */
import {describe, expect, test} from 'vitest';
import {executor, runQuery} from './run-query.js';
import {iso, record, T0} from './records.js';

const VALUES = [null, 3, 1, 4, 1, 5, 9, 2, 6];
const one = (sql: string, values: unknown[] = VALUES) => {
	const rows = runQuery(
		`SELECT ${sql} AS x FROM s WINDOW TUMBLING (SIZE 1 MINUTE)`,
		values.map((v, i) => record(T0 + i, 'k', {v})),
	);
	expect(rows).toHaveLength(1);
	return rows[0].x;
};

describe('aggregates', () => {
	test('COUNT(*) counts rows, COUNT(x) non-null values, COUNT(DISTINCT x) distinct ones', () => {
		expect(one('COUNT(*)')).toBe(9);
		expect(one('COUNT(data.v)')).toBe(8);
		expect(one('COUNT(DISTINCT data.v)')).toBe(7);
	});

	test('SUM, AVG, MIN and MAX skip NULL; numeric strings count as numbers', () => {
		expect(one('SUM(data.v)')).toBe(31);
		expect(one('AVG(data.v)')).toBe(31 / 8);
		expect(one('MIN(data.v)')).toBe(1);
		expect(one('MAX(data.v)')).toBe(9);
		expect(one('SUM(data.v)', ['1.5', 2, 'x'])).toBe(3.5);
		expect(one('SUM(data.v)', [null, 'x'])).toBeNull();
		expect(one('MAX(data.v)', ['b', 'c', 'a'])).toBe('c');
	});

	test('FIRST and LAST follow the records’ time, not the order they were read in', () => {
		const rows = runQuery(
			`SELECT FIRST(data.v) AS first, LAST(data.v) AS last, FIRST_VALUE(partition_key) AS k,
				MIN(arrival_ts) AS earliest FROM s WINDOW TUMBLING (SIZE 1 MINUTE)`,
			[
				record(T0 + 5, 'b', {v: 'middle'}),
				record(T0 + 9, 'c', {v: 'late'}),
				record(T0 + 1, 'a', {v: 'early'}),
			],
		);
		expect(rows).toEqual([
			{
				window_start: iso(T0),
				window_end: iso(T0 + 60_000),
				first: 'early',
				last: 'late',
				k: 'a',
				earliest: iso(T0 + 1),
			},
		]);
	});

	test('TOPK(x, k): the k most frequent values with their counts', () => {
		expect(one('TOPK(data.v, 2)', ['a', 'b', 'a', 'c', 'b', 'a', null])).toEqual([
			{value: 'a', count: 3},
			{value: 'b', count: 2},
		]);
	});

	test('P50…P99 and APPROX_PERCENTILE are within 1% of the exact value', () => {
		const values = Array.from({length: 1000}, (_, i) => i + 1);
		for (const [sql, exact] of [
			['P50(data.v)', 500],
			['P90(data.v)', 900],
			['P95(data.v)', 950],
			['P99(data.v)', 990],
			['APPROX_PERCENTILE(data.v, 0.25)', 250],
		] as const) {
			const value = one(sql, values) as number;
			expect(Math.abs(value - exact) / exact, sql).toBeLessThanOrEqual(0.011);
		}
	});

	test('COUNT(DISTINCT) above 10,000 values is a HyperLogLog estimate, and says so', () => {
		const run = executor(
			`SELECT COUNT(DISTINCT data.v) AS n FROM s WINDOW TUMBLING (SIZE 1 MINUTE)`,
		);
		const records = Array.from({length: 30_000}, (_, i) => record(T0 + 1, 'k', {v: `value-${i}`}));
		run.executor.push('shard', records);
		run.executor.flush();
		const [{n}] = run.take();
		expect(Math.abs((n as number) - 30_000) / 30_000).toBeLessThan(0.03);
		expect(run.warnings).toEqual([
			{
				kind: 'approximate',
				message: expect.stringMatching(
					/HyperLogLog estimate above 10,000 distinct values \(standard error 0\.81%\)/,
				),
			},
		]);
	});

	test('aggregates combine in expressions, and several of one kind get their own names', () => {
		const rows = runQuery(
			`SELECT SUM(data.v) / COUNT(data.v) AS mean, COUNT(*), COUNT(data.v) FROM s WINDOW TUMBLING (SIZE 1 MINUTE)`,
			VALUES.map((v, i) => record(T0 + i, 'k', {v})),
		);
		expect(rows[0]).toMatchObject({mean: 31 / 8, count: 9, count_2: 8});
	});
});

/** The live results model a query screen subscribes to. */
import {describe, expect, test, vi} from 'vitest';
import {QueryResults} from '../../source/query/query-results.js';
import {executor} from './run-query.js';
import {record, T0} from './records.js';

const s = (seconds: number) => T0 + seconds * 1000;
const SHARD = 'shardId-000000000000';

describe('QueryResults', () => {
	test('EMIT CHANGES rows replace their group’s row; closed windows are marked', () => {
		const run = executor(
			`SELECT partition_key, COUNT(*) AS n FROM s WATERMARK FOR arrival_ts AS arrival_ts
			 WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY partition_key EMIT CHANGES`,
		);
		const results = new QueryResults(run.executor, {flushMs: 0});
		run.executor.push(SHARD, [record(s(1), 'a'), record(s(2), 'b')]);
		run.executor.push(SHARD, [record(s(3), 'a')]);
		expect(results.windows()).toEqual([
			{
				start: s(0),
				end: s(10),
				closed: false,
				rows: [
					expect.objectContaining({partition_key: 'a', n: 2}),
					expect.objectContaining({partition_key: 'b', n: 1}),
				],
				byKey: expect.any(Map),
			},
		]);
		run.executor.push(SHARD, [record(s(12), 'a')]);
		expect(
			results.windows().map((window) => [window.start, window.closed, window.rows.length]),
		).toEqual([
			[s(0), true, 2],
			[s(10), false, 1],
		]);
		expect(results.series()).toBeUndefined();
	});

	test('one number per window is a series to chart; old windows are let go past the cap', () => {
		const run = executor(
			`SELECT COUNT(*) AS n FROM s WATERMARK FOR arrival_ts AS arrival_ts WINDOW TUMBLING (SIZE 10 SECONDS)`,
		);
		const results = new QueryResults(run.executor, {flushMs: 0, maxWindows: 2});
		run.executor.push(SHARD, [
			record(s(1), 'a'),
			record(s(11), 'a'),
			record(s(12), 'a'),
			record(s(21), 'a'),
		]);
		run.executor.flush();
		expect(results.series()).toEqual({
			column: 'n',
			points: [
				{time: s(10), value: 2},
				{time: s(20), value: 1},
			],
		});
		expect(results.dropped).toBe(1);
	});

	test('listeners are told once per flush interval, not once per row', () => {
		vi.useFakeTimers();
		try {
			const run = executor(`SELECT partition_key FROM s`);
			const results = new QueryResults(run.executor, {flushMs: 100, maxRows: 3});
			const listener = vi.fn();
			results.onChange(listener);
			run.executor.push(
				SHARD,
				['a', 'b', 'c', 'd', 'e'].map((key) => record(s(1), key)),
			);
			expect(listener).not.toHaveBeenCalled();
			vi.advanceTimersByTime(100);
			expect(listener).toHaveBeenCalledTimes(1);
			expect(results.rows()).toEqual([
				{partition_key: 'c'},
				{partition_key: 'd'},
				{partition_key: 'e'},
			]);
			expect(results.dropped).toBe(2);
			results.dispose();
		} finally {
			vi.useRealTimers();
		}
	});
});

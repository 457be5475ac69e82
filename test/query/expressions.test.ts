/** Expressions over records: operators, NULL logic, fields, casts, functions, unpacked payloads. */
import {gzipSync} from 'node:zlib';
import {describe, expect, test} from 'vitest';
import type {KinesisRecord} from '../../source/driver/driver.js';
import {runQuery} from './run-query.js';
import {record, T0} from './records.js';

const value = (expression: string, data: unknown = {}, key = 'k') => {
	const rows = runQuery(`SELECT ${expression} AS x FROM s`, [record(T0, key, data)]);
	return rows[0].x;
};

describe('expressions', () => {
	test('arithmetic, concatenation and precedence', () => {
		expect(value('1 + 2 * 3 - 4 / 2')).toBe(5);
		expect(value('(1 + 2) * 3 % 5')).toBe(4);
		expect(value("data.a || '-' || partition_key", {a: 'x'})).toBe('x-k');
		expect(value('data.n * 2', {n: '21'})).toBe(42);
		expect(value('1 / 0')).toBeNull();
		expect(value('-data.n', {n: 3})).toBe(-3);
	});

	test('comparisons and three-valued logic: NULL is neither true nor false', () => {
		expect(value('data.a > 1 AND data.b < 1', {a: 2, b: 0})).toBe(true);
		expect(value('data.missing = 1')).toBeNull();
		expect(value('data.missing = 1 OR TRUE')).toBe(true);
		expect(value('data.missing = 1 AND FALSE')).toBe(false);
		expect(value('NOT (data.missing = 1)')).toBeNull();
		expect(value("data.s <> 'a'", {s: 'b'})).toBe(true);
		expect(value('data.n BETWEEN 1 AND 3', {n: 3})).toBe(true);
		expect(value('data.n NOT BETWEEN 1 AND 3', {n: 4})).toBe(true);
		expect(value('data.x IS NULL', {x: null})).toBe(true);
		expect(value('data.x IS NOT NULL')).toBe(false);
		expect(value("partition_key IN ('a', 'k')")).toBe(true);
		expect(value('data.n NOT IN (1, 2)', {n: '2'})).toBe(false);
		expect(value("data.p LIKE 'a_c%'", {p: 'abcdef'})).toBe(true);
		expect(value("data.p NOT LIKE '%.%'", {p: 'a.b'})).toBe(false);
	});

	test('times: arrival_ts against ISO text, intervals, FLOOR TO and DATE_TRUNC', () => {
		expect(value("arrival_ts >= '2026-01-01T00:00:00Z'")).toBe(true);
		expect(value("arrival_ts < TIMESTAMP '2026-01-01 00:00:00'")).toBe(false);
		expect(value("arrival_ts + INTERVAL '90' SECOND")).toBe('2026-01-01T00:01:30.000Z');
		expect(value('FLOOR(TO_TIMESTAMP(data.t) TO HOUR)', {t: '2026-03-04T05:06:07Z'})).toBe(
			'2026-03-04T05:00:00.000Z',
		);
		expect(value("DATE_TRUNC('minute', data.t)", {t: 1_767_225_605})).toBe(
			'2026-01-01T00:00:00.000Z',
		);
	});

	test('CASE, casts and functions', () => {
		expect(
			value("CASE WHEN data.n > 10 THEN 'big' WHEN data.n > 1 THEN 'mid' ELSE 'small' END", {n: 5}),
		).toBe('mid');
		expect(value("CASE data.k WHEN 'a' THEN 1 WHEN 'b' THEN 2 END", {k: 'b'})).toBe(2);
		expect(value('CAST(data.n AS INT)', {n: '3.9'})).toBe(3);
		expect(value('data.n::double', {n: '3.5'})).toBe(3.5);
		expect(value('data.o::string', {o: {a: 1}})).toBe('{"a":1}');
		expect(value('CAST(data.b AS BOOLEAN)', {b: 'true'})).toBe(true);
		expect(value('SUBSTRING(UPPER(TRIM(data.s)), 2, 3)', {s: '  hello '})).toBe('ELL');
		expect(value('COALESCE(data.a, data.b, 0)', {b: 7})).toBe(7);
		expect(value('ROUND(data.n, 1)', {n: 2.345})).toBe(2.3);
		expect(value('LENGTH(data.s)', {s: 'abc'})).toBe(3);
	});

	test('fields: nested, bracketed, ->, ->>, arrays, and the size in bytes', () => {
		const data = {a: {b: {c: 1}}, 'x-y': 2, list: [10, 20]};
		expect(value('data.a.b.c', data)).toBe(1);
		expect(value("data['x-y']", data)).toBe(2);
		expect(value("data->'a'->'b'", data)).toEqual({c: 1});
		expect(value("data->'a'->>'b'", data)).toBe('{"c":1}');
		expect(value('data.list[1]', data)).toBe(20);
		expect(value('data.a.missing.deeper', data)).toBeNull();
		expect(value('size', {a: 1})).toBe(7);
	});

	test('a text payload is text; a binary one is NULL', () => {
		expect(
			runQuery('SELECT data AS x FROM s', [record(T0, 'k', 'plain line', {raw: true})])[0].x,
		).toBe('plain line');
		const binary: KinesisRecord = {...record(T0, 'k'), Data: Uint8Array.of(0xff, 0xfe, 0x00)};
		expect(runQuery('SELECT data AS x, size FROM s', [binary])[0]).toEqual({x: null, size: 3});
	});

	test('gzip payloads are inflated before fields are read', () => {
		const gzipped: KinesisRecord = {
			...record(T0, 'k'),
			Data: gzipSync(Buffer.from(JSON.stringify({level: 'error', n: 5}))),
		};
		expect(runQuery('SELECT data.level AS level, data.n AS n FROM s', [gzipped])).toEqual([
			{level: 'error', n: 5},
		]);
	});
});

/** Bad SQL: every error names its line and column, what was expected, and the nearest valid name. */
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {planQuery} from '../../source/query/plan.js';
import {formatQueryError, QueryError} from '../../source/query/query-error.js';

function errorOf(sql: string): QueryError {
	try {
		planQuery(sql);
	} catch (error) {
		if (error instanceof QueryError) return error;
		throw error;
	}

	throw new Error(`no error for: ${sql}`);
}

describe('syntax errors', () => {
	test('a misspelt keyword: where, what was expected, and the keyword meant', () => {
		const error = errorOf('SELECT partition_key, COUNT(*) FORM s');
		expect(error).toMatchObject({line: 1, column: 32, suggestion: 'FROM'});
		expect(error.message).toBe(
			"line 1, column 32: expected AS, ',', FROM or an operator, found 'FORM' (did you mean FROM?)",
		);
	});

	test('positions count lines and columns in multi-line SQL', () => {
		const sql = 'SELECT COUNT(*)\nFROM s\nWINDOW TUMBLNG (SIZE 10 SECONDS)';
		const error = errorOf(sql);
		expect(error).toMatchObject({line: 3, column: 8, suggestion: 'TUMBLING'});
		expect(error.expected).toEqual(['TUMBLING', 'HOPPING', 'SESSION', 'CUMULATING']);
		expect(formatQueryError(sql, error)).toBe(
			[
				"line 3, column 8: expected TUMBLING, HOPPING, SESSION or CUMULATING, found 'TUMBLNG' (did you mean TUMBLING?)",
				'  WINDOW TUMBLNG (SIZE 10 SECONDS)',
				'         ^^^^^^^',
			].join('\n'),
		);
	});

	test('the caret picture is padded by columns: wide characters before the error take two', () => {
		const wide = "SELECT '日本語👩‍👩‍👧' AS x FORM s";
		const [, line, caret] = formatQueryError(wide, errorOf(wide)).split('\n');
		expect(caret).toBe(`${' '.repeat(stringWidth(line.slice(0, line.indexOf('FORM'))))}^^^^`);
	});

	test('the end of the query, an unknown unit, an unclosed string', () => {
		expect(errorOf('SELECT COUNT(*) FROM').message).toBe(
			'line 1, column 21: expected TABLE or a stream name, found the end of the query',
		);
		expect(
			errorOf("SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE INTERVAL '10' SECONDZ)"),
		).toMatchObject({
			column: 60,
			reason: 'unknown time unit SECONDZ (did you mean SECOND?)',
		});
		expect(errorOf("SELECT 'abc FROM s")).toMatchObject({
			column: 8,
			reason: "this string is never closed with '",
		});
	});

	test('operators are summarised, not listed one by one', () => {
		expect(errorOf('SELECT partition_key FROM s WHERE size 10').reason).toBe(
			"expected GROUP, HAVING, ORDER, LIMIT, EMIT, ';' or an operator, found '10'",
		);
	});

	test('window arguments are checked', () => {
		expect(
			errorOf(
				"SELECT COUNT(*) FROM TABLE(HOP(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '1' MINUTE)) GROUP BY window_start",
			).reason,
		).toMatch(/^HOP needs a slide and a size/);
		expect(
			errorOf(
				"SELECT COUNT(*) FROM TABLE(TUMBEL(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '1' MINUTE))",
			),
		).toMatchObject({
			column: 28,
			suggestion: 'TUMBLE',
		});
		expect(errorOf("SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE '0 seconds')").reason).toBe(
			'an interval must be longer than zero',
		);
	});
});

describe('planning errors', () => {
	test('a misspelt column suggests the column; an unknown one points to data.', () => {
		expect(errorOf('SELECT partiton_key FROM s')).toMatchObject({
			line: 1,
			column: 8,
			reason: 'unknown column partiton_key (did you mean partition_key?)',
		});
		expect(errorOf('SELECT user FROM s').reason).toBe(
			'unknown column user (payload fields are written data.user)',
		);
	});

	test('a misspelt function or aggregate suggests the name meant', () => {
		expect(errorOf('SELECT CONUT(*) FROM s WINDOW TUMBLING (SIZE 1 MINUTE)')).toMatchObject({
			column: 8,
			suggestion: 'COUNT',
		});
		expect(errorOf('SELECT LOWRE(partition_key) FROM s').suggestion).toBe('LOWER');
	});

	test('grouping mistakes', () => {
		expect(
			errorOf('SELECT partition_key, COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 MINUTE)'),
		).toMatchObject({
			column: 8,
			reason:
				'partition_key is neither grouped nor aggregated: add it to GROUP BY or use it inside an aggregate',
		});
		expect(
			errorOf('SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE 1 MINUTE) WHERE COUNT(*) > 1'),
		).toMatchObject({
			column: 62,
			reason: 'aggregate COUNT is not allowed in WHERE',
		});
		expect(errorOf('SELECT partition_key, COUNT(*) FROM s GROUP BY partition_key').reason).toMatch(
			/^grouping needs a window/,
		);
		expect(
			errorOf('SELECT TOPK(partition_key, 0) FROM s WINDOW TUMBLING (SIZE 1 MINUTE)').reason,
		).toBe('k must be a whole number from 1 to 1000');
		expect(errorOf('SELECT SUM(COUNT(*)) FROM s WINDOW TUMBLING (SIZE 1 MINUTE)').reason).toBe(
			'aggregates cannot be nested',
		);
	});

	test('the watermark must be the window’s time column', () => {
		expect(
			errorOf(
				"SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '1' MINUTE)) WATERMARK FOR data.ts AS data.ts GROUP BY window_start",
			).reason,
		).toBe('the watermark is declared for data.ts, not this column');
		expect(errorOf('SELECT COUNT(*) FROM s WATERMARK FOR data.ts AS data.ts + 5').reason).toMatch(
			/^a watermark is the time column minus an interval/,
		);
	});
});

describe('stream names', () => {
	test('a name with - or . needs no quotes; a quoted one may hold anything', () => {
		expect(planQuery('SELECT * FROM app-logs').stream).toBe('app-logs');
		expect(planQuery('SELECT * FROM orders.v2-eu').stream).toBe('orders.v2-eu');
		expect(planQuery('SELECT * FROM "my stream"').stream).toBe('my stream');
		expect(errorOf('SELECT * FROM app - logs')).toMatchObject({column: 19});
	});
});

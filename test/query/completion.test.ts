/** Completion from the grammar: what may come at the cursor, filtered by the word being typed. */
import {describe, expect, test} from 'vitest';
import {complete} from '../../source/query/completion.js';

const texts = (text: string, cursor = text.length, streams?: string[]) =>
	complete(text, cursor, {streams}).candidates.map((candidate) => candidate.text);

describe('completion', () => {
	test('an expression slot offers columns, aggregates and functions by prefix', () => {
		expect(texts('SELECT part')).toEqual(['partition_key']);
		expect(texts('SELECT CO')).toEqual(['COUNT', 'COALESCE', 'CONCAT']);
		expect(texts('SELECT P9')).toEqual(['P90', 'P95', 'P99']);
	});

	test('after a select item: FROM and the other continuations', () => {
		const after = texts('SELECT COUNT(*) ');
		expect(after).toContain('FROM');
		expect(after).toContain('AS');
		expect(texts('SELECT COUNT(*) F')).toEqual(['FROM']);
	});

	test('after FROM: streams given by the caller, and TABLE', () => {
		expect(texts('SELECT COUNT(*) FROM ', undefined, ['orders', 'clicks'])).toEqual([
			'clicks',
			'orders',
			'TABLE',
		]);
		expect(texts('SELECT COUNT(*) FROM o', undefined, ['orders', 'clicks'])).toEqual(['orders']);
	});

	test('window kinds, units and types where the grammar wants them', () => {
		expect(texts('SELECT COUNT(*) FROM s WINDOW ')).toEqual([
			'CUMULATING',
			'HOPPING',
			'SESSION',
			'TUMBLING',
		]);
		expect(texts("SELECT COUNT(*) FROM s WINDOW TUMBLING (SIZE INTERVAL '10' ")).toEqual([
			'DAY',
			'HOUR',
			'MILLISECOND',
			'MINUTE',
			'SECOND',
		]);
		expect(texts('SELECT CAST(size AS DOU')).toEqual(['DOUBLE']);
		expect(texts('SELECT COUNT(*) FROM s EMIT ')).toEqual(['CHANGES', 'FINAL']);
	});

	test('the replaced span is the word at the cursor; nothing inside data. or after an error', () => {
		const text = 'SELECT parti FROM s';
		expect(complete(text, 12)).toMatchObject({
			from: 7,
			to: 12,
			candidates: [{text: 'partition_key', kind: 'column'}],
		});
		expect(texts('SELECT data.us')).toEqual([]);
		expect(texts('SELECT ) FROM s WHERE ')).toEqual([]);
	});
});

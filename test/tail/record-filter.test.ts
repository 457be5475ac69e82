import {describe, expect, test} from 'vitest';
import {parseRecordFilter, type FilterSubject} from '../../source/tail/record-filter.js';

function subject(data: unknown, patch: Partial<FilterSubject> = {}): FilterSubject {
	const text = typeof data === 'string' ? data : JSON.stringify(data);
	return {
		shardId: 'shardId-000000000003',
		partitionKey: 'user-42',
		sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
		text,
		data,
		...patch,
	};
}

const matches = (filter: string, value: FilterSubject) => {
	const parsed = parseRecordFilter(filter);
	if (!parsed.filter) throw new Error(parsed.error ?? 'no filter');
	return parsed.filter.test(value);
};

const order = {user: {id: 'u-42', tier: 'gold'}, total: 120.5, items: ['book', 'pen'], count: '7'};

describe('record filters', () => {
	test('empty text is no filter', () => {
		expect(parseRecordFilter('  ')).toEqual({});
	});

	test('substring: payload, partition key or shard; smart case', () => {
		expect(matches('gold', subject(order))).toBe(true);
		expect(matches('GOLD', subject(order))).toBe(false);
		expect(matches('Gold', subject({tier: 'Gold'}))).toBe(true);
		expect(matches('user-4', subject('x'))).toBe(true);
		expect(matches('shardid-000000000003', subject('x'))).toBe(true);
		expect(matches('silver', subject(order))).toBe(false);
	});

	test('/regex/ with flags; an invalid one is an error', () => {
		expect(matches('/"total":\\d+\\.5/', subject(order))).toBe(true);
		expect(matches('/^USER-\\d+$/i', subject('x'))).toBe(true);
		expect(matches('/^USER-\\d+$/', subject('x'))).toBe(false);
		expect(parseRecordFilter('/(/').error).toMatch(/invalid regular expression/);
	});

	test('JSON field tests: ==, !=, >, <, >=, <=, contains', () => {
		const value = subject(order);
		expect(matches('data.user.id == "u-42"', value)).toBe(true);
		expect(matches('data.user.id == u-42', value)).toBe(true);
		expect(matches("data.user.id == 'u-7'", value)).toBe(false);
		expect(matches('data.user.id != "u-7"', value)).toBe(true);
		expect(matches('data.total > 100', value)).toBe(true);
		expect(matches('data.total < 100', value)).toBe(false);
		expect(matches('data.total >= 120.5', value)).toBe(true);
		expect(matches('data.count <= 7', value)).toBe(true);
		expect(matches('data.count == 7', value)).toBe(true);
		expect(matches('data.items contains "pen"', value)).toBe(true);
		expect(matches('data.items[0] == book', value)).toBe(true);
		expect(matches('data.user contains gold', value)).toBe(true);
		expect(matches('data.missing == 1', value)).toBe(false);
		expect(matches('data.missing != 1', value)).toBe(true);
		expect(matches('data.missing > 1', value)).toBe(false);
	});

	test('partitionKey, shard (by number too) and sequence numbers (as big integers)', () => {
		const value = subject(order);
		expect(matches('partitionKey == user-42', value)).toBe(true);
		expect(matches('key contains 42', value)).toBe(true);
		expect(matches('shard == 3', value)).toBe(true);
		expect(matches('shard == shardId-000000000003', value)).toBe(true);
		expect(matches('shard != 3', value)).toBe(false);
		expect(matches('seq > 49590338271490256608559692538361571095921575989136588897', value)).toBe(
			true,
		);
		expect(matches('seq < 49590338271490256608559692538361571095921575989136588898', value)).toBe(
			false,
		);
	});

	test('on a text payload, data is the text', () => {
		expect(matches('data contains ERROR', subject('2024 ERROR boom'))).toBe(true);
		expect(matches('data.level == ERROR', subject('2024 ERROR boom'))).toBe(false);
	});

	test('a test without a value asks for one', () => {
		expect(parseRecordFilter('data.x ==').error).toMatch(/what\?/);
	});
});

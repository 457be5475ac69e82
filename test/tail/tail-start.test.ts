import {describe, expect, test} from 'vitest';
import {formatTailStart, parseTailStart} from '../../source/tail/tail-start.js';

describe('--from positions', () => {
	test('parses the five iterator types', () => {
		expect(parseTailStart('latest')).toEqual({type: 'LATEST'});
		expect(parseTailStart('trim-horizon')).toEqual({type: 'TRIM_HORIZON'});
		expect(parseTailStart('at:4900123')).toEqual({
			type: 'AT_SEQUENCE_NUMBER',
			sequenceNumber: '4900123',
		});
		expect(parseTailStart('after:0')).toEqual({type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '0'});
		expect(parseTailStart('time:2026-01-02T03:04:05.678Z')).toEqual({
			type: 'AT_TIMESTAMP',
			timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
		});
		expect(parseTailStart('time:2026-01-02')).toEqual({
			type: 'AT_TIMESTAMP',
			timestamp: new Date(Date.UTC(2026, 0, 2)),
		});
	});

	test('refuses anything else', () => {
		for (const text of [
			'',
			'LATEST',
			'earliest',
			'at:',
			'at:01',
			'at:-1',
			'after:x',
			'time:',
			'time:2026',
			'time:2026-13-45',
			'time:now',
			'trim_horizon',
		]) {
			expect(parseTailStart(text), text).toBeUndefined();
		}
	});

	test('formats back to the same text', () => {
		for (const text of [
			'latest',
			'trim-horizon',
			'at:123',
			'after:456',
			'time:2026-01-02T03:04:05.678Z',
		]) {
			expect(formatTailStart(parseTailStart(text)!)).toBe(text);
		}
	});
});

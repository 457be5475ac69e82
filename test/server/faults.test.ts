/** `--faults` settings as written on the command line, and how the draws follow them. */
import {describe, expect, test} from 'vitest';
import {Faults, parseFaultSettings} from '../../source/server/faults.js';

describe('parseFaultSettings', () => {
	test.each([
		['throttle=0.05,error=0.01,latency=20ms', {throttle: 0.05, error: 0.01, latencyMs: 20}],
		['latency=1.5s', {throttle: 0, error: 0, latencyMs: 1500}],
		['error=5%, throttle=0.95', {throttle: 0.95, error: 0.05, latencyMs: 0}],
		['throttle=0,latency=0', {throttle: 0, error: 0, latencyMs: 0}],
		['throttle=.5', {throttle: 0.5, error: 0, latencyMs: 0}],
	])('%s', (text, settings) => {
		expect(parseFaultSettings(text)).toEqual(settings);
	});

	test.each([
		[
			'throttle',
			'faults are throttle=SHARE, error=SHARE and latency=DURATION joined by commas (throttle=0.05,error=0.01,latency=20ms), not "throttle"',
		],
		[
			'slow=1',
			'faults are throttle=SHARE, error=SHARE and latency=DURATION joined by commas (throttle=0.05,error=0.01,latency=20ms), not "slow=1"',
		],
		['throttle=1.5', 'throttle must be a share from 0 to 1 (0.05) or a percentage (5%), not "1.5"'],
		['error=-0.1', 'error must be a share from 0 to 1 (0.05) or a percentage (5%), not "-0.1"'],
		['error=1e-2', 'error must be a share from 0 to 1 (0.05) or a percentage (5%), not "1e-2"'],
		['latency=20', 'latency must be a duration from 0 to 60s such as 20ms or 1s, not "20"'],
		['latency=2m', 'latency must be a duration from 0 to 60s such as 20ms or 1s, not "2m"'],
		['latency=61s', 'latency must be a duration from 0 to 60s such as 20ms or 1s, not "61s"'],
		[
			'throttle=0.6,error=0.5',
			'throttle and error together cannot exceed 1 (all calls), not 0.6 + 0.5',
		],
		['error=0.1,error=0.2', 'error is given twice'],
	])('%s is refused', (text, message) => {
		expect(() => parseFaultSettings(text)).toThrow(message);
	});
});

describe('Faults', () => {
	test('the share of faults drawn follows the settings', () => {
		const faults = new Faults({throttle: 0.2, error: 0.1, latencyMs: 3}, 7);
		const counts = {throttle: 0, error: 0, none: 0};
		for (let i = 0; i < 10_000; i++) {
			const draw = faults.draw(undefined);
			expect(draw.latencyMs).toBe(3);
			counts[draw.fault ?? 'none']++;
		}

		expect(counts.throttle / 10_000).toBeCloseTo(0.2, 1);
		expect(counts.error / 10_000).toBeCloseTo(0.1, 1);
	});

	test("a stream's own settings replace the defaults for it alone; clear() removes them", () => {
		const faults = new Faults({throttle: 0, error: 0, latencyMs: 10});
		expect(faults.active).toBe(true);
		faults.update('orders', {error: 1});
		expect(faults.settingsFor('orders')).toEqual({throttle: 0, error: 1, latencyMs: 0});
		expect(faults.settingsFor('other')).toEqual({throttle: 0, error: 0, latencyMs: 10});
		expect(faults.draw('orders').fault).toBe('error');
		expect(faults.draw('other').fault).toBeUndefined();
		faults.update('orders', {latencyMs: 5});
		expect(faults.settingsFor('orders')).toEqual({throttle: 0, error: 1, latencyMs: 5});
		expect(() => faults.update('orders', {throttle: 0.5})).toThrow(
			'throttle and error together cannot exceed 1 (all calls), not 0.5 + 1',
		);
		faults.clear('orders');
		expect(faults.settingsFor('orders')).toEqual({throttle: 0, error: 0, latencyMs: 10});
		faults.update('orders', {throttle: 0.1});
		faults.clear();
		expect(faults.view()).toEqual({
			default: {throttle: 0, error: 0, latencyMs: 0},
			streams: {},
			seed: null,
		});
		expect(faults.active).toBe(false);
	});
});

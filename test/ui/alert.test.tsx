import {afterEach, describe, expect, test} from 'vitest';
import type {Driver, MetricsRequest} from '../../source/driver/driver.js';
import {cleanUp, localDriver, renderApp} from './render-app.js';

afterEach(cleanUp);

/**
 * A local driver whose CloudWatch iterator age is whatever the test says (ms per stream), in the current
 * minute: the engine's own would need a reader that far behind.
 */
async function driverWithAges(ages: Record<string, number | undefined>) {
	const local = await localDriver(Object.keys(ages).map((name) => [name, 1]));
	const driver = Object.create(local) as Driver;
	driver.getMetrics = async (request: MetricsRequest, signal) => {
		const series = await local.getMetrics(request, signal);
		const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
		return series.map((each) => {
			const age = ages[each.query.dimensions.StreamName];
			if (each.query.metricName !== 'GetRecords.IteratorAgeMilliseconds' || age === undefined) {
				return each;
			}

			return {...each, points: [{timestamp: minute, value: age}]};
		});
	};

	return driver;
}

describe('iterator-age alert', () => {
	test('highlights streams above the threshold and rings the bell once per crossing', async () => {
		const ages: Record<string, number | undefined> = {slow: 90_000, fine: 5000};
		const driver = await driverWithAges(ages);
		let bells = 0;
		const app = renderApp(driver, {
			alertIteratorAgeMs: 60_000,
			metricsIntervalMs: 30,
			bell: () => bells++,
		});
		let frame = await app.untilText('age > 1m: 1!');
		// The age is marked (for NO_COLOR too); the other stream is not.
		expect(frame).toMatch(/slow +ACTIVE .* 2m! *$/m);
		expect(frame).toMatch(/fine +ACTIVE .* 5s *$/m);
		expect(app.lines().at(-1)).toBe('Iterator age above 1m: slow');
		expect(bells).toBe(1);

		// Still above through many refreshes: no more bells.
		const refreshes = app.frames.length;
		await app.until(() => app.frames.length > refreshes + 5, 'more refreshes');
		expect(bells).toBe(1);

		// Back under, then over again: a second crossing, a second bell.
		ages.slow = 1000;
		frame = await app.untilText('age > 1m: none');
		expect(frame).toMatch(/slow +ACTIVE .* 1s *$/m);
		expect(bells).toBe(1);
		ages.fine = 61_000;
		ages.slow = 120_000;
		await app.untilText('age > 1m: 2!');
		// Both crossed in the same refresh: one bell for them, and none in the refreshes after.
		const crossed = app.frames.length;
		await app.until(() => app.frames.length > crossed + 5, 'more refreshes');
		expect(bells).toBe(2);
	});

	test(':alert sets, shows and turns off the threshold', async () => {
		const driver = await driverWithAges({slow: 45_000});
		let bells = 0;
		const app = renderApp(driver, {metricsIntervalMs: 30, bell: () => bells++});
		await app.untilText(/slow +ACTIVE .* 45s *$/m);
		expect(app.frame()).not.toContain('age >');
		expect(bells).toBe(0);

		await app.command('alert 30s');
		await app.untilText('age > 30s: 1!');
		expect(app.frame()).toMatch(/slow +ACTIVE .* 45s! *$/m);
		await app.until(() => bells === 1, 'the bell');
		await app.command('alert');
		await app.untilText('Iterator-age alert above 30s (:alert off turns it off)');
		await app.command('alert off');
		await app.untilText('Iterator-age alert off');
		expect(app.frame()).not.toContain('age >');
		expect(app.frame()).toMatch(/slow +ACTIVE .* 45s *$/m);
		await app.command('alert soon');
		await app.untilText('Not an age: soon');
		expect(bells).toBe(1);
	});
});

/**
 * A metrics source that throws is a defect, shown rather than hidden: the sweep that met it goes on
 * (the call that triggered it is not failed for housekeeping), evicts nothing when a source cannot say
 * how long to keep, and the CloudWatch queries answer InternalFailure with the source's error until a
 * sweep finds every source well again.
 */
import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {MetricsRecorder} from '../../source/engine/metrics.js';

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const QUERY = {Namespace: 'Test', MetricName: 'Value'};

function recorderWith(source: {prune(): void; retentionHint?(): number}) {
	const clock = new ManualClock(START);
	const recorder = new MetricsRecorder({clock, retentionMs: HOUR});
	recorder.register(source);
	const series = recorder.series('Test', 'Value', [], 'Count');
	series.add(START, 1);
	return {clock, recorder};
}

describe('a metrics source that throws', () => {
	test('a failing prune: the queries answer InternalFailure with its error until it recovers', () => {
		let broken = true;
		const {recorder} = recorderWith({
			prune() {
				if (broken) throw new Error('the stream table is corrupt');
			},
		});
		// The sweep itself, run from a recording call, does not throw.
		expect(() => recorder.maybeSweep(START)).not.toThrow();
		let failure: unknown;
		try {
			recorder.listMetrics(QUERY);
		} catch (error) {
			failure = error;
		}

		expect(failure).toMatchObject({
			code: 'InternalFailure',
			statusCode: 500,
			message: 'A metrics source failed: the stream table is corrupt',
		});
		broken = false;
		expect(recorder.listMetrics(QUERY).Metrics).toHaveLength(1);
	});

	test('a failing retention hint: nothing is evicted on a guess', () => {
		let broken = true;
		const {clock, recorder} = recorderWith({
			prune() {},
			retentionHint() {
				if (broken) throw new Error('no streams table');
				return 48 * HOUR;
			},
		});
		clock.set(START + 3 * HOUR);
		recorder.sweep();
		// Past the minimum retention (1 h), the minute is still held.
		expect(recorder.stats().minutes).toBe(1);
		expect(() =>
			recorder.getMetricStatistics({
				...QUERY,
				StartTime: new Date(START),
				EndTime: new Date(START + 3 * HOUR),
				Period: 60,
				Statistics: ['Sum'],
			}),
		).toThrow('A metrics source failed: no streams table');
		broken = false;
		recorder.sweep();
		// The hint (48 h) keeps it.
		expect(recorder.stats().minutes).toBe(1);
	});
});

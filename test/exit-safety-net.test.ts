import {Writable} from 'node:stream';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {armExitSafetyNet, describeResources} from '../source/exit-safety-net.js';

const collector = () => {
	let text = '';
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			text += String(chunk);
			done();
		},
	});
	return {stream, text: () => text};
};

describe('the exit safety net', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	test('names what holds the loop, counted', () => {
		expect(describeResources(['Timeout', 'TCPSocketWrap', 'Timeout'])).toBe(
			'Timeout ×2, TCPSocketWrap',
		);
		expect(describeResources([])).toBe('');
	});

	test('fires after its delay only, reports on stderr and exits', () => {
		vi.useFakeTimers();
		const stderr = collector();
		const exit = vi.fn();
		armExitSafetyNet(stderr.stream, {afterMs: 3000, exit});
		vi.advanceTimersByTime(2999);
		expect(exit).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(exit).toHaveBeenCalledOnce();
		expect(stderr.text()).toMatch(
			/^kinesis-top: still running 3 s after finishing, held by: .+; exiting\n$/,
		);
	});

	test('keeps nothing alive itself: its timer is unref’d', () => {
		const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
		armExitSafetyNet(collector().stream, {afterMs: 60_000, exit: () => undefined});
		const after = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
		expect(after).toBe(before);
	});
});

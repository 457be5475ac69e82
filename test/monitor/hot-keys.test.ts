import {expect, test} from 'vitest';
import {HotKeys} from '../../source/monitor/hot-keys.js';

test('the hottest keys of the last minute, with rates per second', () => {
	const hot = new HotKeys();
	const start = 1_000_000;
	for (let second = 0; second < 30; second++) {
		const now = start + second * 1000;
		for (let i = 0; i < 10; i++) hot.add('hot', 100, 'shard-1', now);
		hot.add('warm', 50, 'shard-2', now);
	}

	const [first, second] = hot.top(2, start + 30_000);
	expect(first).toMatchObject({key: 'hot', shardId: 'shard-1', errorPerSecond: 0});
	expect(first.recordsPerSecond).toBeCloseTo(10, 0);
	expect(first.bytesPerSecond).toBeCloseTo(1000, -1);
	expect(second.key).toBe('warm');
	// A minute later, with nothing new, nothing is hot.
	expect(hot.top(2, start + 100_000)).toEqual([]);
});

test('bounded: with more keys than counters the hot one stays, and counts may only be over', () => {
	const hot = new HotKeys(8);
	const now = 5_000_000;
	for (let i = 0; i < 2000; i++) {
		hot.add('hot', 1, 's', now);
		hot.add(`cold-${i}`, 1, 's', now);
	}

	const [top] = hot.top(1, now + 1000);
	expect(top.key).toBe('hot');
	expect(top.recordsPerSecond).toBe(2000);
	const cold = hot.top(8, now + 1000).filter((entry) => entry.key !== 'hot');
	// Each surviving cold key was seen once: its count is over by exactly its reported error.
	for (const entry of cold) {
		expect(entry.recordsPerSecond - entry.errorPerSecond).toBeCloseTo(1, 5);
	}
});

/** The sketches behind the approximate aggregates, against exact answers. */
import {describe, expect, test} from 'vitest';
import {DDSketch} from '../../source/query/sketches/dd-sketch.js';
import {HyperLogLog} from '../../source/query/sketches/hyperloglog.js';
import {SpaceSaving} from '../../source/query/sketches/space-saving.js';
import {mulberry32} from '../../source/demo/random.js';

describe('sketches', () => {
	test('HyperLogLog estimates within a few standard errors, and merges', () => {
		for (const n of [100, 5000, 200_000]) {
			const sketch = new HyperLogLog();
			for (let i = 0; i < n; i++) sketch.add(`k${i}`);
			expect(Math.abs(sketch.count() - n) / n, String(n)).toBeLessThan(0.03);
		}

		const a = new HyperLogLog();
		const b = new HyperLogLog();
		for (let i = 0; i < 50_000; i++) (i % 2 ? a : b).add(`k${i}`);
		for (let i = 0; i < 10_000; i++) a.add(`k${i}`); // overlap counts once
		a.merge(b);
		expect(Math.abs(a.count() - 50_000) / 50_000).toBeLessThan(0.03);
	});

	test('DDSketch answers every quantile within 1% relative error, negatives and zeros too', () => {
		const random = mulberry32(7);
		const values = Array.from({length: 20_000}, () => (random() - 0.3) * 10 ** (random() * 6));
		values.push(0, 0, 0);
		const sketch = new DDSketch();
		const half = new DDSketch();
		values.forEach((value, i) => (i % 2 ? sketch : half).add(value));
		sketch.merge(half);
		const sorted = [...values].sort((a, b) => a - b);
		for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
			const exact = sorted[Math.floor(q * (sorted.length - 1))];
			const estimate = sketch.quantile(q)!;
			expect(Math.abs(estimate - exact), `q=${q}`).toBeLessThanOrEqual(Math.abs(exact) * 0.0101);
		}

		expect(new DDSketch().quantile(0.5)).toBeNull();
	});

	test('space-saving keeps every value more frequent than n/capacity, counts as upper bounds', () => {
		const random = mulberry32(3);
		const sketch = new SpaceSaving(20);
		const exact = new Map<string, number>();
		for (let i = 0; i < 10_000; i++) {
			const value =
				random() < 0.5 ? `hot${Math.floor(random() * 3)}` : `cold${Math.floor(random() * 5000)}`;
			exact.set(value, (exact.get(value) ?? 0) + 1);
			sketch.add(value, value);
		}

		const top = sketch.top(3);
		expect(top.map((entry) => entry.value).sort()).toEqual(['hot0', 'hot1', 'hot2']);
		for (const entry of top)
			expect(entry.count).toBeGreaterThanOrEqual(exact.get(entry.value as string)!);
	});
});

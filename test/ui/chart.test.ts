import {describe, expect, test} from 'vitest';
import {bucket, gaugeBar, niceCeiling, renderChart} from '../../source/ui/chart.js';
import {lastFirst, panelWindow} from '../../source/ui/panels.js';
import {plotRowsFor} from '../../source/ui/screens/metrics-screen.js';
import {compactBytes, compactDuration, compactNumber} from '../../source/ui/units.js';

const start = new Date(2026, 10, 22, 10, 0);
const end = new Date(2026, 10, 22, 11, 0);
const format = (value: number) => String(value);

describe('renderChart', () => {
	test('values become block columns against a round scale, with y labels and a time axis', () => {
		const chart = renderChart({values: [0, 2, 4, 8], width: 7, height: 2, start, end, format});
		expect(chart.scaleMax).toBe(10);
		// Two rows of 8 steps each: 2 → 3 eighths (rounded), 4 → 6, 8 → 13 (a full bottom, 5/8 on top).
		// The start time does not fit in 4 columns, "now" does.
		expect(chart.lines).toEqual(['10┤   ▅', ' 0┤ ▃▆█', '    now']);
		expect(chart.plotStart).toBe(3);
	});

	test('labels the middle row when there are three or more, and the time axis ends with now', () => {
		const chart = renderChart({
			values: Array.from({length: 60}, (_, i) => i),
			width: 40,
			height: 3,
			start,
			end,
			format,
		});
		expect(chart.scaleMax).toBe(100);
		expect(chart.lines.map((line) => line.slice(0, 4))).toEqual(['100┤', ' 50┤', '  0┤', '    ']);
		expect(chart.lines[3]).toMatch(/^ {4}10:00 +10:30 +now$/);
		for (const line of chart.lines) expect([...line].length).toBeLessThanOrEqual(40);
		// Rising values up to 59 of 100: the last column is 14 eighths of 24, the first empty.
		expect(chart.lines.slice(0, 3).map((line) => line.at(-1))).toEqual([' ', '▆', '█']);
		expect(chart.lines[2][4]).toBe(' ');
	});

	test('unknown minutes are gaps; a tiny value still shows the lowest block', () => {
		const chart = renderChart({
			values: [undefined, 1000, 1, undefined],
			width: 7,
			height: 1,
			start,
			end,
			format,
		});
		expect(chart.lines[0]).toBe('1000┤█▁');
	});

	test('an all-zero or empty series draws an empty plot on a scale of 1', () => {
		const chart = renderChart({values: [], width: 10, height: 2, start, end, format});
		expect(chart.scaleMax).toBe(1);
		expect(chart.lines.slice(0, 2)).toEqual(['1┤        ', '0┤        ']);
	});

	test('still draws at tiny widths', () => {
		const chart = renderChart({values: [5, 5], width: 4, height: 1, start, end, format});
		for (const line of chart.lines) expect([...line].length).toBeLessThanOrEqual(4);
	});
});

describe('bucket', () => {
	test('many periods per column: max by default, or mean; fewer periods are stretched', () => {
		expect(bucket([1, 5, 2, 2], 2)).toEqual([5, 2]);
		expect(bucket([1, 5, 2, 2], 2, 'mean')).toEqual([3, 2]);
		expect(bucket([1, 2], 4)).toEqual([1, 1, 2, 2]);
		expect(bucket([undefined, undefined, 3, undefined], 2)).toEqual([undefined, 3]);
	});
});

test('niceCeiling picks 1, 2, 2.5 or 5 times a power of ten', () => {
	expect([0, 0.3, 1, 1.1, 2.2, 3, 7, 60, 1234].map(niceCeiling)).toEqual([
		1, 0.5, 1, 2, 2.5, 5, 10, 100, 2000,
	]);
});

test('gaugeBar fills its width by the fraction, with an eighth block at the edge', () => {
	expect(gaugeBar(0, 6)).toBe('[····]');
	expect(gaugeBar(0.5, 6)).toBe('[██··]');
	expect(gaugeBar(0.5 + 1 / 32, 6)).toBe('[██▏·]');
	expect(gaugeBar(2, 6)).toBe('[████]');
});

test('panelWindow shows whole panels from the first, never scrolling past the end', () => {
	const heights = [6, 6, 6, 6];
	expect(panelWindow(heights, 0, 13)).toEqual({start: 0, end: 2});
	expect(lastFirst(heights, 13)).toBe(2);
	expect(panelWindow(heights, 3, 13)).toEqual({start: 2, end: 4});
	// One panel taller than the room is still shown (cut by the screen).
	expect(panelWindow([20], 0, 5)).toEqual({start: 0, end: 1});
});

test('compact units', () => {
	expect([0.5, 12, 999, 1234, 15_000, 3_400_000].map(compactNumber)).toEqual([
		'0.5',
		'12',
		'999',
		'1.2k',
		'15k',
		'3.4M',
	]);
	expect([512, 1536, 1024 * 1024].map(compactBytes)).toEqual(['512 B', '1.5 KiB', '1 MiB']);
	expect([850, 45_000, 720_000, 7_200_000].map(compactDuration)).toEqual([
		'850ms',
		'45s',
		'12m',
		'2h',
	]);
});

test('metrics charts: three to a screen, taller on tall terminals, never more than fit', () => {
	expect([20, 36, 60, 12, 8, 3].map(plotRowsFor)).toEqual([4, 8, 8, 3, 4, 1]);
	for (const room of [3, 8, 12, 20, 36]) {
		expect(plotRowsFor(room) + 2, `room ${room}`).toBeLessThanOrEqual(Math.max(3, room));
	}
});

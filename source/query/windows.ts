/**
 * Which windows a record's time falls in, for the windows with a fixed shape (sessions depend on the
 * records around them: the executor keeps those). Each window is known by one number that is unique
 * among the query's windows: its start for TUMBLE and HOP, its end for CUMULATE (whose windows share
 * a start).
 */
import type {WindowPlan} from './plan.js';

/** `time` rounded down to a multiple of `size` (also for times before 1970). */
export const floorTo = (time: number, size: number) => time - (((time % size) + size) % size);

/**
 * Writes the [start, end) of every window holding `time` into `out` (start, end, start, end, …), oldest
 * first, and returns how many there are. `out` is reused: no allocation per record.
 */
export function assignWindows(window: WindowPlan, time: number, out: number[]): number {
	const {size} = window;
	switch (window.kind) {
		case 'TUMBLE': {
			const start = floorTo(time, size);
			out[0] = start;
			out[1] = start + size;
			return 1;
		}

		case 'HOP': {
			const slide = window.step!;
			const last = floorTo(time, slide);
			let count = 0;
			let first = last;
			while (first - slide > time - size) first -= slide;
			for (let start = first; start <= last; start += slide) {
				out[count * 2] = start;
				out[count * 2 + 1] = start + size;
				count++;
			}

			return count;
		}

		case 'CUMULATE': {
			const step = window.step!;
			const base = floorTo(time, size);
			let count = 0;
			for (let end = base + floorTo(time - base, step) + step; end <= base + size; end += step) {
				out[count * 2] = base;
				out[count * 2 + 1] = end;
				count++;
			}

			return count;
		}

		case 'SESSION': {
			throw new Error('session windows are assigned by the executor');
		}
	}
}

/** The number a window is known by (see above). */
export const windowId = (window: WindowPlan, start: number, end: number) =>
	window.kind === 'CUMULATE' ? end : start;

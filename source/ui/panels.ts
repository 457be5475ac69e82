/**
 * Scrolling by panels (charts, sections) of different heights: from the first one shown, as many whole
 * panels as fit. Scrolling stops once the last panel is in view, so the screen never shows blank space
 * it could fill.
 */
import {movementStep, type Movement} from './hooks/use-selection.js';

/** The panels [first, end) shown from `first` in `room` lines (at least one, even if cut). */
export function panelWindow(heights: readonly number[], first: number, room: number) {
	const start = Math.min(Math.max(0, first), lastFirst(heights, room));
	let used = 0;
	let end = start;
	while (end < heights.length && (end === start || used + heights[end] <= room)) {
		used += heights[end];
		end++;
	}

	return {start, end};
}

/** The largest useful `first`: the one from which the remaining panels all fit. */
export function lastFirst(heights: readonly number[], room: number) {
	let used = 0;
	for (let index = heights.length - 1; index >= 0; index--) {
		used += heights[index];
		if (used > room) return Math.min(heights.length - 1, index + 1);
	}

	return 0;
}

/** The `first` panel after a movement key: one panel, a page of them, or to either end. */
export function scrollPanels(
	heights: readonly number[],
	room: number,
	first: number,
	movement: Movement,
) {
	const page = Math.max(1, panelWindow(heights, first, room).end - first);
	return Math.min(Math.max(first + movementStep(movement, page), 0), lastFirst(heights, room));
}

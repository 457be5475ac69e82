/**
 * The streams table's selection as a reducer: it follows a stream by name (so it stays on the same
 * stream when others appear or disappear), falls back to the same position when its stream goes, and
 * keeps a scroll offset that moves only as far as needed to keep the selection visible.
 */
import {useCallback, useReducer} from 'react';
import {visibleWindow} from '../format.js';

export type Movement = 'down' | 'up' | 'pageDown' | 'pageUp' | 'top' | 'bottom';

export const isMovement = (command: string): command is Movement =>
	['down', 'up', 'pageDown', 'pageUp', 'top', 'bottom'].includes(command);

/** How far a movement moves, a page being `page` rows: ±Infinity to either end (callers clamp). */
export function movementStep(movement: Movement, page: number) {
	const steps = {down: 1, up: -1, pageDown: page, pageUp: -page, top: -Infinity, bottom: Infinity};
	return steps[movement];
}

export type SelectionState = {name?: string; index: number; offset: number};

export type ResolvedSelection = {
	/** -1 when the list is empty. */
	index: number;
	name?: string;
	start: number;
	end: number;
};

/** Where the selection is in `names` now, and which rows are visible in `height` lines. */
export function resolveSelection(
	state: SelectionState,
	names: readonly string[],
	height: number,
): ResolvedSelection {
	if (names.length === 0) return {index: -1, start: 0, end: 0};
	const found = state.name === undefined ? -1 : names.indexOf(state.name);
	const index = found >= 0 ? found : Math.min(Math.max(state.index, 0), names.length - 1);
	const {start, end} = visibleWindow(names.length, index, height, state.offset);
	return {index, name: names[index], start, end};
}

export type SelectionAction = {movement: Movement; names: readonly string[]; height: number};

export function selectionReducer(state: SelectionState, action: SelectionAction): SelectionState {
	const {names, height} = action;
	if (names.length === 0) return state;
	const current = resolveSelection(state, names, height);
	const last = names.length - 1;
	const page = Math.max(1, height - 1);
	const step = movementStep(action.movement, page);
	const index = Math.min(Math.max(current.index + step, 0), last);
	const {start} = visibleWindow(names.length, index, height, current.start);
	return {name: names[index], index, offset: start};
}

export function useSelection(names: readonly string[], height: number) {
	const [state, dispatch] = useReducer(selectionReducer, {index: 0, offset: 0});
	const move = useCallback(
		(movement: Movement) => dispatch({movement, names, height}),
		[names, height],
	);
	return {...resolveSelection(state, names, height), move};
}

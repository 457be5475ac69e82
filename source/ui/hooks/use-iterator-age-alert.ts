/**
 * Watches the streams' iterator age against the alert threshold: rings the terminal bell once per
 * crossing (not per refresh) and says which streams crossed. No threshold, no watch.
 */
import {useEffect, useRef} from 'react';
import {updateAlert, type AlertState} from '../../monitor/iterator-age-alert.js';
import type {StreamRow} from '../../monitor/stream-poller.js';

export function useIteratorAgeAlert(
	rows: readonly StreamRow[],
	thresholdMs: number | undefined,
	onCrossing: (streams: string[]) => void,
) {
	const state = useRef<AlertState | undefined>(undefined);
	const callback = useRef(onCrossing);
	useEffect(() => {
		callback.current = onCrossing;
	});
	useEffect(() => {
		if (thresholdMs === undefined) {
			state.current = undefined;
			return;
		}

		const next = updateAlert(state.current, rows, thresholdMs);
		state.current = next.state;
		if (next.crossed.length > 0) callback.current(next.crossed);
	}, [rows, thresholdMs]);
}

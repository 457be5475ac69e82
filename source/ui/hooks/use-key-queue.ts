/**
 * Reads the keyboard (Ink's useInput, through a KeyReader) into a queue and hands the presses to
 * `route` one at a time, so that a burst — keys typed faster than a frame over SSH, a paste — behaves
 * exactly like the same keys typed slowly.
 *
 * `route` returns true when the press may have changed what the next one meets (a command ran: the
 * selection moved, a screen was pushed, a prompt opened). The next press then waits until React has
 * committed that change and takes it in a passive effect, where React still batches updates (a chain
 * of layout effects would hit React's nested-update limit on a long burst). A press that changed
 * nothing (an unbound key, text typed into a prompt that keeps its own copy of its state) needs no
 * commit: the next goes on at once. `putBack` puts presses at the head of the queue.
 */
import {useInput, type Key} from 'ink';
import {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {KeyReader, type Press} from '../key-reader.js';

export type Route = (press: Press, putBack: (presses: Press[]) => void) => boolean;

export function useKeyQueue(route: Route) {
	const queue = useRef<Press[]>([]);
	const [turn, setTurn] = useState(0);
	const drain = useCallback(() => {
		const putBack = (presses: Press[]) => queue.current.unshift(...presses);
		while (queue.current.length > 0) {
			if (route(queue.current.shift()!, putBack) && queue.current.length > 0) {
				setTurn((count) => count + 1);
				return;
			}
		}
	}, [route]);
	useEffect(() => {
		drain();
	}, [turn, drain]);

	const reader = useRef<KeyReader | undefined>(undefined);
	useLayoutEffect(() => {
		const each = new KeyReader((presses, late) => {
			// A non-empty queue is already waiting for a commit: these keys go after it.
			const idle = queue.current.length === 0;
			queue.current.push(...presses);
			if (!idle || presses.length === 0) return;
			// Ink batches the updates of its input handler; a late Esc (a timer) waits for the effect.
			if (late) setTurn((count) => count + 1);
			else drain();
		});
		reader.current = each;
		return () => each.dispose();
	}, [drain]);
	const onInput = useCallback((input: string, key: Key) => reader.current?.push(input, key), []);
	useInput(onInput);
}

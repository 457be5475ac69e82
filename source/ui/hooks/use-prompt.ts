/**
 * The prompt's keys, captured from the app's keyboard while it is active: Enter, Esc, Tab, Backspace,
 * Ctrl+U and Ctrl+C come from the keymap's `prompt` scope; any other printable input is typed text.
 *
 * A paste is inserted whole.
 *
 * The router hands a burst's keys over one after another without waiting for React to render (a
 * paste, a quick Tab after typing), so the handler keeps its own copy of the state, advanced by the
 * same reducer as React's, and acts on that: Enter submits what was typed, not what was last drawn.
 */
import {useCallback, useRef, type Dispatch} from 'react';
import type {Press} from '../key-reader.js';
import {useKeyCapture} from './use-keymap.js';
import {commandFor, KEYMAP, type Binding} from '../keymap.js';
import {promptReducer, type PromptAction, type PromptState} from './use-prompt-state.js';

export type Completion = {value: string; candidates: readonly string[]};

const NO_HISTORY: readonly string[] = [];

export type PromptHandlers = {
	onSubmit: (value: string) => void;
	onCancel: () => void;
	onQuit: () => void;
	complete?: (value: string) => Completion;
	/** Earlier answers, oldest first: ↑ and ↓ recall them. */
	history?: readonly string[];
};

export function usePrompt(
	state: PromptState,
	dispatch: Dispatch<PromptAction>,
	handlers: PromptHandlers,
	options: {isActive?: boolean; keymap?: readonly Binding[]} = {},
) {
	const {isActive = true, keymap = KEYMAP} = options;
	const {onSubmit, onCancel, onQuit, complete, history = NO_HISTORY} = handlers;
	const latest = useRef(state);
	// Where ↑/↓ are in the history: history.length is "past the newest", the text being typed.
	const recalled = useRef(history.length);
	const handler = useCallback(
		(press: Press): boolean => {
			const apply = (action: PromptAction) => {
				latest.current = promptReducer(latest.current, action);
				dispatch(action);
			};

			if ('paste' in press) {
				apply({type: 'insert', text: press.paste});
				return true;
			}

			const {input, key} = press;
			const command = commandFor(input, key, ['prompt'], keymap);
			switch (command) {
				case 'submit': {
					onSubmit(latest.current.value);
					return false;
				}

				case 'cancel': {
					onCancel();
					return false;
				}

				case 'quit': {
					onQuit();
					return false;
				}

				case 'complete': {
					if (complete) apply({type: 'complete', ...complete(latest.current.value)});
					break;
				}

				case 'historyBack':
				case 'historyForward': {
					const step = command === 'historyBack' ? -1 : 1;
					const next = Math.max(0, Math.min(history.length, recalled.current + step));
					if (next === recalled.current) break;
					recalled.current = next;
					apply({type: 'complete', value: history[next] ?? '', candidates: []});
					break;
				}

				case 'deleteBack': {
					apply({type: 'deleteBack'});
					break;
				}

				case 'clear': {
					apply({type: 'clear'});
					break;
				}

				default: {
					if (!key.ctrl && !key.meta && input !== '') apply({type: 'insert', text: input});
				}
			}

			return true;
		},
		[dispatch, onSubmit, onCancel, onQuit, complete, keymap, history],
	);
	useKeyCapture(handler, isActive);
}

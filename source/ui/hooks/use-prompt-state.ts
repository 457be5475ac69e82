/**
 * The one-line prompt's state as a reducer: the text typed so far and, after a Tab, the candidates
 * that completion found. The cursor stays at the end: these are short answers, not an editor.
 */
import {useReducer} from 'react';

export type PromptState = {value: string; candidates: readonly string[]};

export type PromptAction =
	| {type: 'insert'; text: string}
	| {type: 'deleteBack'}
	| {type: 'clear'}
	| {type: 'complete'; value: string; candidates: readonly string[]};

const LINE_BREAK = /\r\n|[\r\n\t]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function promptReducer(state: PromptState, action: PromptAction): PromptState {
	switch (action.type) {
		case 'insert': {
			// Pasted text may hold line breaks or escapes: a prompt takes one line of plain text, and a
			// line break or tab (between the words of a pasted query) is a space, not nothing.
			const text = action.text.replaceAll(LINE_BREAK, ' ').replace(CONTROL, '');
			return text ? {value: state.value + text, candidates: []} : state;
		}

		case 'deleteBack': {
			return {value: Array.from(state.value).slice(0, -1).join(''), candidates: []};
		}

		case 'clear': {
			return {value: '', candidates: []};
		}

		case 'complete': {
			return {value: action.value, candidates: action.candidates};
		}
	}
}

export function usePromptState(initial = '') {
	return useReducer(promptReducer, {value: initial, candidates: []});
}

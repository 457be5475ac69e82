/** Dispatches key presses to commands through the keymap, for the given scopes, while active. */
import {useInput, type Key} from 'ink';
import {useCallback} from 'react';
import {commandFor, KEYMAP, type Binding, type Command, type Scope} from '../keymap.js';

export function useKeymap(
	scopes: readonly Scope[],
	onCommand: (command: Command) => void,
	options: {keymap?: readonly Binding[]; isActive?: boolean} = {},
) {
	const {keymap = KEYMAP, isActive = true} = options;
	const handler = useCallback(
		(input: string, key: Key) => {
			// Ink hands over several characters read at once (a held key repeating faster than we draw,
			// or a paste) as one input; like a curses program, take them as that many key presses.
			const presses = input.length > 1 && !key.ctrl && !key.meta ? Array.from(input) : [input];
			for (const press of presses) {
				const command = commandFor(press, key, scopes, keymap);
				if (command) onCommand(command);
			}
		},
		[scopes, onCommand, keymap],
	);
	useInput(handler, {isActive});
}

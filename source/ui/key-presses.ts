/**
 * Ink hands over everything read at once as one input: a paste, a held key repeating faster than the
 * frames, or keys typed quicker than a render ("tail ap⇥"). Like a curses program, the console takes
 * such a chunk as that many key presses, recognising the control characters a terminal sends for
 * Enter, Tab, Backspace and Ctrl+letter.
 */
import type {Key} from 'ink';

/** Every flag of Ink's Key off: a plain character. */
export const NO_KEYS: Partial<Key> = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	tab: false,
	backspace: false,
	delete: false,
	ctrl: false,
	meta: false,
	shift: false,
};

function pressOf(char: string, base: Key): [string, Key] {
	const key = {...base, ...NO_KEYS} as Key;
	const code = char.charCodeAt(0);
	if (char === '\r' || char === '\n') return ['', {...key, return: true}];
	if (char === '\t') return ['', {...key, tab: true}];
	if (char === '\b') return ['', {...key, backspace: true}];
	if (char === '\u007f') return ['', {...key, delete: true}];
	if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), {...key, ctrl: true}];
	return [char, {...key, shift: /[A-Z]/.test(char)}];
}

/** The key presses in one input from Ink: itself when it is one key, else one per character. */
export function keyPresses(input: string, key: Key): Array<[string, Key]> {
	const chars = Array.from(input);
	if (chars.length <= 1 || key.meta || key.ctrl) return [[input, key]];
	return chars.map((char) => pressOf(char, key));
}

/** The key presses that typing `text` makes (a paste taken as keys). */
export function typedKeys(text: string): Array<[string, Key]> {
	return Array.from(text).map((char) => pressOf(char, NO_KEYS as Key));
}

/**
 * Turns what Ink's useInput reports — one call per run of text or escape sequence in a read — into key
 * presses and pastes, in order, so that a burst means what the same keys typed slowly would.
 *
 * Two things Ink cannot see are put right here:
 * - An escape sequence split across reads (an arrow key over a slow SSH link): Ink waits only until
 *   the end of the read before calling a trailing ESC the Esc key, and the `[B` of the next read would
 *   then be typed as text. A lone Esc is held for `escapeWaitMs`; if the rest of a sequence comes in
 *   that time the two are one key, otherwise it is Esc, a little late.
 * - Bracketed paste (the console turns it on): everything between the markers is one paste, line
 *   breaks included, so a prompt takes it whole instead of Enter submitting half of it.
 */
import type {Key} from 'ink';
import {keyPresses} from './key-presses.js';

export type Press = {input: string; key: Key} | {paste: string};

/** Long enough for the second half of a key sent in two packets, short enough not to feel slow. */
export const ESCAPE_WAIT_MS = 50;

const PASTE_START = '[200~';
const PASTE_END = '[201~';

/** The sequences (after ESC) of the keys the keymap binds, as xterm and its kin send them. */
const SEQUENCES: Record<string, keyof Key | 'backTab'> = {
	'[A': 'upArrow',
	'[B': 'downArrow',
	'[C': 'rightArrow',
	'[D': 'leftArrow',
	OA: 'upArrow',
	OB: 'downArrow',
	OC: 'rightArrow',
	OD: 'leftArrow',
	'[H': 'home',
	'[F': 'end',
	OH: 'home',
	OF: 'end',
	'[1~': 'home',
	'[7~': 'home',
	'[4~': 'end',
	'[8~': 'end',
	'[5~': 'pageUp',
	'[6~': 'pageDown',
	'[3~': 'delete',
	'[Z': 'backTab',
};
const SEQUENCE_REST = /^(?:\[[\d;]*[~A-Za-z]|O[A-Za-z])/;

const plain = (key: Key) =>
	!key.ctrl &&
	!key.meta &&
	!key.escape &&
	!key.return &&
	!key.tab &&
	!key.backspace &&
	!key.delete &&
	!key.upArrow &&
	!key.downArrow &&
	!key.leftArrow &&
	!key.rightArrow &&
	!key.pageUp &&
	!key.pageDown &&
	!key.home &&
	!key.end;

function blank(base: Key): Key {
	const key = {...base};
	for (const name of Object.keys(key) as Array<keyof Key>) {
		if (typeof key[name] === 'boolean') (key as Record<string, unknown>)[name] = false;
	}

	return key;
}

/** The key a sequence stands for (undefined for one no binding uses: it is not typed as text). */
function sequenceKey(sequence: string, base: Key): Press | undefined {
	const name = SEQUENCES[sequence];
	if (!name) return undefined;
	const key = blank(base);
	if (name === 'backTab') return {input: '', key: {...key, tab: true, shift: true}};
	return {input: '', key: {...key, [name]: true}};
}

export class KeyReader {
	private heldEscape: {key: Key; timer: NodeJS.Timeout} | undefined;
	private paste: string | undefined;

	/**
	 * `emit` gets the presses in order; `late` is true for an Esc let go by the timer, outside Ink's
	 * input handling.
	 */
	constructor(
		private readonly emit: (presses: Press[], late: boolean) => void,
		private readonly escapeWaitMs = ESCAPE_WAIT_MS,
	) {}

	/** One call of Ink's useInput handler. */
	push(input: string, key: Key) {
		const presses: Press[] = [];
		let text = input;
		if (this.paste !== undefined) {
			if (input === PASTE_END && plain(key)) {
				presses.push({paste: this.paste});
				this.paste = undefined;
			} else {
				this.paste += key.return ? '\r' : key.tab ? '\t' : input;
			}

			this.emit(presses, false);
			return;
		}

		if (this.heldEscape) {
			const held = this.heldEscape;
			clearTimeout(held.timer);
			this.heldEscape = undefined;
			const rest = plain(key) ? SEQUENCE_REST.exec(input)?.[0] : undefined;
			if (rest) {
				const joined = sequenceKey(rest, key);
				if (joined) presses.push(joined);
				text = input.slice(rest.length);
			} else {
				presses.push({input: '', key: held.key});
			}
		}

		if (text === PASTE_START && plain(key)) {
			this.paste = '';
		} else if (key.escape && text === '') {
			// Ink reports a lone ESC only when it ended a read: the rest of a sequence may be on its way.
			const timer = setTimeout(() => {
				this.heldEscape = undefined;
				this.emit([{input: '', key}], true);
			}, this.escapeWaitMs);
			this.heldEscape = {key, timer};
		} else if (text !== '' || text === input) {
			for (const [each, eachKey] of keyPresses(text, text === input ? key : blank(key))) {
				presses.push({input: each, key: eachKey});
			}
		}

		this.emit(presses, false);
	}

	dispose() {
		clearTimeout(this.heldEscape?.timer);
		this.heldEscape = undefined;
	}
}

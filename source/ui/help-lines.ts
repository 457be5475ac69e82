/**
 * The `?` help's lines, generated from the keymap for the screen it was opened from: that screen's
 * keys first, under its name as the title, then the keys that work everywhere. Someone paged at night
 * presses `?` to learn what they can do *here*; the other screens' keys (117 lines in all) buried the
 * twelve of the tail, so they are shown only on request (`a`), below the screen's own and the global
 * ones, and each screen's help fits an 80×24 terminal without scrolling.
 */
import {cell} from './format.js';
import {keyLabel, SCOPE_ORDER, SCOPE_TITLES, type Binding, type Scope} from './keymap.js';

export type HelpLine = {kind: 'title' | 'binding'; text: string; dangerous?: boolean};

const KEYS_WIDTH = 16;

function bindingLine(binding: Binding): HelpLine {
	const keys = cell(binding.keys.map(keyLabel).join(', '), KEYS_WIDTH);
	const flag = binding.dangerous ? ' (!) changes data' : '';
	return {
		kind: 'binding',
		text: `  ${keys} ${binding.description}${flag}`,
		dangerous: binding.dangerous,
	};
}

/** The scopes the help lists, in order: the screen's, the global ones, then (all) every other. */
export function helpScopes(scope: Scope, all = false): Scope[] {
	const first: Scope[] = [scope, 'global'];
	return all ? [...first, ...SCOPE_ORDER.filter((each) => !first.includes(each))] : first;
}

/**
 * The lines under the help's title. The screen's own keys come without a section title of their own
 * (the help's title already names the screen), so that the longest screen's help keeps a spare line.
 */
export function helpLines(keymap: readonly Binding[], scope: Scope, all = false): HelpLine[] {
	const lines: HelpLine[] = [];
	for (const each of helpScopes(scope, all)) {
		const bindings = keymap.filter((binding) => binding.scope === each);
		if (bindings.length === 0) continue;
		if (each !== scope) lines.push({kind: 'title', text: SCOPE_TITLES[each]});
		lines.push(...bindings.map(bindingLine));
	}

	return lines;
}

export type HelpRange = {top: number; shown: number; total: number};

/**
 * The help's title: the screen's name, how to close it, and — when the lines do not all fit — which
 * of them are shown, so a help that scrolls says so.
 */
export function helpTitle(scope: Scope, all: boolean, range: HelpRange) {
	const what = all ? 'all keys' : 'keys';
	const scroll =
		range.shown < range.total
			? ` · ${range.top + 1}–${range.top + range.shown} of ${range.total}, j/k scroll`
			: '';
	return `${SCOPE_TITLES[scope]} — ${what}${scroll} · ? or esc closes`;
}

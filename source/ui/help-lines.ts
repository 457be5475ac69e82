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

/** As wide as the widest keys ("backspace, del"): every column given to them is one fewer for words. */
const KEYS_WIDTH = 14;
const DANGER_MARK = '!';

/**
 * `! S              Split the selected shard…`: the danger mark goes in the indent, not after the
 * description, where an 80-column terminal used to cut it off the very lines it was for.
 */
function bindingLine(binding: Binding): HelpLine {
	const keys = cell(binding.keys.map(keyLabel).join(', '), KEYS_WIDTH);
	const mark = binding.dangerous ? DANGER_MARK : ' ';
	return {
		kind: 'binding',
		text: `${mark} ${keys} ${binding.description}`,
		dangerous: binding.dangerous,
	};
}

/** The scopes the help lists, in order: the screen's, the global ones, then (all) every other. */
export function helpScopes(scope: Scope, all = false): Scope[] {
	const first: Scope[] = [scope, 'global'];
	return all ? [...first, ...SCOPE_ORDER.filter((each) => !first.includes(each))] : first;
}

/** `j/k, ↓/↑`: a pair's keys, position by position. */
function pairedKeys(first: Binding, second: Binding) {
	return first.keys
		.map((key, i) =>
			second.keys[i] ? `${keyLabel(key)}/${keyLabel(second.keys[i])}` : keyLabel(key),
		)
		.join(', ');
}

/** A scope's bindings as help lines: a binding and its helpPair partner share one. */
function scopeLines(bindings: readonly Binding[]): HelpLine[] {
	const lines: HelpLine[] = [];
	for (let i = 0; i < bindings.length; i++) {
		const binding = bindings[i];
		const partner = bindings[i + 1];
		if (binding.helpPair && partner?.command === binding.helpPair.with) {
			const keys = cell(pairedKeys(binding, partner), KEYS_WIDTH);
			lines.push({kind: 'binding', text: `  ${keys} ${binding.helpPair.description}`});
			i++;
		} else {
			lines.push(bindingLine(binding));
		}
	}

	return lines;
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
		lines.push(...scopeLines(bindings));
	}

	return lines;
}

/**
 * The line under the list: in read-only mode that actions which change data are not offered, else
 * what the mark means, when a listed key has it.
 */
export function helpFootnote(lines: readonly HelpLine[], readOnly: boolean) {
	if (readOnly) return 'Read-only: actions that change data are not offered.';
	return lines.some((line) => line.dangerous)
		? `${DANGER_MARK} marks the keys that change data (records, shards)`
		: undefined;
}

/** Lines left for the list in `height`, under the title and above the footnote if there is one. */
export const helpRoom = (height: number, footnote: string | undefined) =>
	Math.max(1, height - 1 - (footnote ? 1 : 0));

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

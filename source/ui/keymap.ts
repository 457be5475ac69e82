/**
 * Every key binding of the console, as data: the input handler dispatches from this table, and the
 * footer hints and the `?` help screen are generated from it, so the three never disagree. Actions that
 * change a stream are marked `dangerous` (none yet in this slice): read-only mode hides them, and the
 * help screen flags them.
 */
import type {Key} from 'ink';

export type Command = 'quit' | 'help' | 'closeHelp' | 'down' | 'up' | 'top' | 'bottom';

/** Where a binding applies: everywhere, on the streams table, or while the help screen is open. */
export type Scope = 'global' | 'streams' | 'help';

type NamedKey = 'upArrow' | 'downArrow' | 'escape' | 'home' | 'end' | 'pageUp' | 'pageDown';

/** One key: a character (`input`, case-sensitive) or a named key, optionally with Ctrl. */
export type KeySpec = {input: string; ctrl?: boolean} | {key: NamedKey; ctrl?: boolean};

export type Binding = {
	command: Command;
	scope: Scope;
	keys: readonly KeySpec[];
	description: string;
	/** Short label for the footer; bindings sharing one are shown together ("j/k move"). */
	hint?: string;
	dangerous?: boolean;
};

export const KEYMAP: readonly Binding[] = [
	{
		command: 'down',
		scope: 'streams',
		keys: [{input: 'j'}, {key: 'downArrow'}],
		description: 'Select the next stream',
		hint: 'move',
	},
	{
		command: 'up',
		scope: 'streams',
		keys: [{input: 'k'}, {key: 'upArrow'}],
		description: 'Select the previous stream',
		hint: 'move',
	},
	{
		command: 'top',
		scope: 'streams',
		keys: [{input: 'g'}, {key: 'home'}],
		description: 'Select the first stream',
		hint: 'top/bottom',
	},
	{
		command: 'bottom',
		scope: 'streams',
		keys: [{input: 'G'}, {key: 'end'}],
		description: 'Select the last stream',
		hint: 'top/bottom',
	},
	{
		command: 'help',
		scope: 'global',
		keys: [{input: '?'}],
		description: 'Show or hide this help',
		hint: 'help',
	},
	{command: 'closeHelp', scope: 'help', keys: [{key: 'escape'}], description: 'Close the help'},
	{
		command: 'quit',
		scope: 'global',
		keys: [{input: 'q'}, {input: 'c', ctrl: true}],
		description: 'Quit kinesis-top',
		hint: 'quit',
	},
];

export const SCOPE_TITLES: Record<Scope, string> = {
	global: 'Everywhere',
	streams: 'Streams',
	help: 'Help screen',
};

/** The bindings on offer: read-only mode withdraws the dangerous ones (the driver refuses them too). */
export function availableBindings(readOnly: boolean, keymap: readonly Binding[] = KEYMAP) {
	return readOnly ? keymap.filter((binding) => !binding.dangerous) : keymap;
}

/** Whether Ink's (input, key) pair is this key. */
export function matches(spec: KeySpec, input: string, key: Key) {
	if (Boolean(spec.ctrl) !== key.ctrl) return false;
	return 'input' in spec ? input === spec.input : key[spec.key];
}

/** The command bound to this key in the first of `scopes` that binds it. */
export function commandFor(
	input: string,
	key: Key,
	scopes: readonly Scope[],
	keymap: readonly Binding[] = KEYMAP,
): Command | undefined {
	for (const scope of scopes) {
		for (const binding of keymap) {
			if (binding.scope !== scope) continue;
			if (binding.keys.some((spec) => matches(spec, input, key))) return binding.command;
		}
	}

	return undefined;
}

const NAMED_LABELS: Record<NamedKey, string> = {
	upArrow: '↑',
	downArrow: '↓',
	escape: 'esc',
	home: 'home',
	end: 'end',
	pageUp: 'pgup',
	pageDown: 'pgdn',
};

export function keyLabel(spec: KeySpec) {
	const name = 'input' in spec ? spec.input : NAMED_LABELS[spec.key];
	return spec.ctrl ? `ctrl+${name}` : name;
}

/** Footer hints for the active scopes: "j/k move", "? help", … in keymap order. */
export function footerHints(
	scopes: readonly Scope[],
	keymap: readonly Binding[] = KEYMAP,
): Array<{keys: string; hint: string}> {
	const hints = new Map<string, string[]>();
	for (const binding of keymap) {
		if (!binding.hint || !scopes.includes(binding.scope)) continue;
		const keys = hints.get(binding.hint) ?? [];
		keys.push(keyLabel(binding.keys[0]));
		hints.set(binding.hint, keys);
	}

	return [...hints].map(([hint, keys]) => ({keys: keys.join('/'), hint}));
}

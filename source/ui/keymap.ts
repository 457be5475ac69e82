/**
 * Every key binding of the console, as data: the input handlers dispatch from this table, and the
 * footer hints and the `?` help screen are generated from it, so the three never disagree. Actions that
 * change a stream are marked `dangerous` (split, merge, scale, put, confirm): read-only mode hides them, and the help flags them.
 *
 * A key means one thing at a time: the `global` bindings are handled by the app and every other scope
 * by one screen, so no key is bound both globally and in a screen's scope (a test checks it). While a
 * prompt is open only the `prompt` scope is live and every other key types text.
 */
import type {Key} from 'ink';

export type Command =
	| 'quit'
	| 'help'
	| 'command'
	| 'back'
	| 'down'
	| 'up'
	| 'pageDown'
	| 'pageUp'
	| 'top'
	| 'bottom'
	| 'open'
	| 'tail'
	| 'filter'
	| 'sort'
	| 'put'
	| 'send'
	| 'stop'
	| 'split'
	| 'merge'
	| 'scale'
	| 'confirm'
	| 'isolate'
	| 'historyBack'
	| 'query'
	| 'chart'
	| 'historyForward'
	| 'lookup'
	| 'metrics'
	| 'consumers'
	| 'range'
	| 'level'
	| 'firehose'
	| 'pause'
	| 'decode'
	| 'pretty'
	| 'from'
	| 'save'
	| 'mark'
	| 'redrive'
	| 'submit'
	| 'cancel'
	| 'complete'
	| 'deleteBack'
	| 'clear'
	| 'allKeys'
	| 'contexts'
	| 'resetCheckpoint'
	| 'releaseLease';

/**
 * Where a binding applies: everywhere, on one screen (the streams table, a stream's shard map, a live
 * tail, one record, the help), or in the one-line prompt (`:` commands, `/` filters, …).
 */
export type Scope =
	| 'global'
	| 'streams'
	| 'stream'
	| 'tail'
	| 'record'
	| 'put'
	| 'reshard'
	| 'query'
	| 'metrics'
	| 'firehose'
	| 'delivery'
	| 'contexts'
	| 'consumers'
	| 'consumer'
	| 'repair'
	| 'help'
	| 'prompt';

type NamedKey =
	| 'upArrow'
	| 'downArrow'
	| 'escape'
	| 'home'
	| 'end'
	| 'pageUp'
	| 'pageDown'
	| 'return'
	| 'tab'
	| 'backspace'
	| 'delete';

/** One key: a character (`input`, case-sensitive) or a named key, optionally with Ctrl. */
export type KeySpec = {input: string; ctrl?: boolean} | {key: NamedKey; ctrl?: boolean};

export type Binding = {
	command: Command;
	scope: Scope;
	keys: readonly KeySpec[];
	description: string;
	/** Short label for the footer; bindings sharing one are shown together ("j/k move"). */
	hint?: string;
	/**
	 * The help shows this binding and the next one, `with`, on one line (j/k, ↓/↑), described so: every
	 * line a screen's help spends on a pair is one fewer for its own keys at 80×24.
	 */
	helpPair?: {with: Command; description: string};
	/** Always in the footer, however narrow; other hints give way first. */
	pinned?: boolean;
	dangerous?: boolean;
};

/** j/k, arrows, g/G, page keys: the same movement keys on every list. */
function movement(scope: Scope, noun: string, verb = 'Select'): Binding[] {
	return [
		{
			command: 'down',
			scope,
			keys: [{input: 'j'}, {key: 'downArrow'}],
			description: `${verb} the next ${noun}`,
			hint: 'move',
			helpPair: {with: 'up', description: `${verb} the next or the previous ${noun}`},
		},
		{
			command: 'up',
			scope,
			keys: [{input: 'k'}, {key: 'upArrow'}],
			description: `${verb} the previous ${noun}`,
			hint: 'move',
		},
		{
			command: 'pageDown',
			scope,
			keys: [{key: 'pageDown'}, {input: 'f', ctrl: true}],
			description: 'One page down',
		},
		{
			command: 'pageUp',
			scope,
			keys: [{key: 'pageUp'}, {input: 'b', ctrl: true}],
			description: 'One page up',
		},
		{
			command: 'top',
			scope,
			keys: [{input: 'g'}, {key: 'home'}],
			description: `${verb} the first ${noun}`,
		},
		{
			command: 'bottom',
			scope,
			keys: [{input: 'G'}, {key: 'end'}],
			description: `${verb} the last ${noun}`,
		},
	];
}

function filter(scope: Scope, what: string): Binding {
	return {
		command: 'filter',
		scope,
		keys: [{input: '/'}],
		description: `Filter ${what} (esc clears)`,
		hint: 'filter',
	};
}

export const KEYMAP: readonly Binding[] = [
	// The streams table.
	...movement('streams', 'stream'),
	{
		command: 'open',
		scope: 'streams',
		keys: [{key: 'return'}],
		description: 'Open the stream: its shard map',
		hint: 'open',
	},
	{
		command: 'tail',
		scope: 'streams',
		keys: [{input: 't'}],
		description: 'Tail the stream (all shards)',
		hint: 'tail',
	},
	{
		command: 'query',
		scope: 'streams',
		keys: [{input: 'Q'}],
		description: 'Query the stream: windowed SQL over its live records',
	},
	{
		command: 'consumers',
		scope: 'streams',
		keys: [{input: 'c'}],
		description: 'Consumers: KCL apps, EFO, Lambda — their lag per shard and why',
	},
	filter('streams', 'the streams by name'),
	{
		command: 'firehose',
		scope: 'streams',
		keys: [{input: 'F'}],
		description: 'Firehose: the delivery streams, their buffers and deliveries',
	},
	{
		command: 'put',
		scope: 'streams',
		keys: [{input: 'p'}],
		description: 'Put records to the selected stream (a form)',
		hint: 'put',
		dangerous: true,
	},
	{
		command: 'contexts',
		scope: 'streams',
		keys: [{input: 'X'}],
		description: 'Contexts: switch profile, region, endpoint or local engine',
	},
	{
		command: 'sort',
		scope: 'streams',
		keys: [{input: 's'}],
		description: 'Sort by the next column: name, in/s, bytes/s, age, shards',
		hint: 'sort',
	},

	// The contexts.
	...movement('contexts', 'context'),
	{
		command: 'open',
		scope: 'contexts',
		keys: [{key: 'return'}],
		description: 'Switch to the selected context: every screen reloads from it',
		hint: 'switch',
	},

	// A stream: its shard map.
	...movement('stream', 'shard'),
	{
		command: 'tail',
		scope: 'stream',
		keys: [{input: 't'}, {key: 'return'}],
		description: 'Tail the selected shard (and its children)',
		hint: 'tail shard',
	},
	{
		command: 'lookup',
		scope: 'stream',
		keys: [{input: 'K'}],
		description: 'Which shard owns a partition key? (MD5 routing)',
		hint: 'key→shard',
	},
	filter('stream', 'the shards'),
	{
		command: 'metrics',
		scope: 'stream',
		keys: [{input: 'm'}],
		description: 'Metrics: throughput, throttles, iterator age (1–24 h), EFO',
	},

	{
		command: 'put',
		scope: 'stream',
		keys: [{input: 'p'}],
		description: 'Put records to this stream (a form); marks the shard they hit',
		hint: 'put',
		dangerous: true,
	},

	{
		command: 'split',
		scope: 'stream',
		keys: [{input: 'S'}],
		description: 'Split the selected shard: preview, confirm by typing the name',
		hint: 'split',
		dangerous: true,
	},
	{
		command: 'merge',
		scope: 'stream',
		keys: [{input: 'M'}],
		description: 'Merge the shard with an adjacent open one: preview, confirm',
		hint: 'merge',
		dangerous: true,
	},
	{
		command: 'scale',
		scope: 'stream',
		keys: [{input: 'N'}],
		description: 'Set the open shard count (UpdateShardCount): preview, confirm',
		hint: 'scale',
		dangerous: true,
	},

	// Split, merge or scale: the preview and the confirmation.
	{
		command: 'open',
		scope: 'reshard',
		keys: [{key: 'return'}],
		description: 'Change the split point, merge neighbour or target count',
		hint: 'change',
	},
	{
		command: 'isolate',
		scope: 'reshard',
		keys: [{input: 'h'}],
		description: "Split at the hottest key's hash: it ends up at a child's edge",
		hint: 'isolate hot key',
	},
	{
		command: 'confirm',
		scope: 'reshard',
		keys: [{input: 'c'}],
		description: 'Confirm: type the stream name, then the change is made',
		hint: 'confirm',
		dangerous: true,
	},

	// A windowed SQL query over the stream.
	{
		command: 'open',
		scope: 'query',
		keys: [{key: 'return'}],
		description: 'Edit the query (tab completes, ↑/↓ earlier queries)',
		hint: 'edit',
	},
	{
		command: 'pause',
		scope: 'query',
		keys: [{input: ' '}],
		description: 'Pause the view (the query keeps running) or follow again',
		hint: 'pause',
	},
	{
		command: 'chart',
		scope: 'query',
		keys: [{input: 'c'}],
		description: 'Chart a one-number-per-window result; again for the table',
		hint: 'chart',
	},
	{
		command: 'save',
		scope: 'query',
		keys: [{input: 's'}],
		description: 'Save the result rows to an NDJSON file here',
		hint: 'save',
	},

	// The put form.
	...movement('put', 'field'),
	{
		command: 'open',
		scope: 'put',
		keys: [{key: 'return'}],
		description: 'Edit the selected field',
		hint: 'edit',
	},
	{
		command: 'send',
		scope: 'put',
		keys: [{input: 'p'}],
		description: 'Put the records as the form says',
		hint: 'put',
		dangerous: true,
	},
	{
		command: 'stop',
		scope: 'put',
		keys: [{input: 'x'}],
		description: 'Stop a put that is still running',
		hint: 'stop',
	},

	// A stream's metrics (CloudWatch charts).
	...movement('metrics', 'chart', 'Scroll to'),
	{
		command: 'range',
		scope: 'metrics',
		keys: [{input: 'r'}],
		description: 'Cycle the time range: 1 h, 3 h, 12 h, 24 h',
		hint: 'range',
	},
	{
		command: 'level',
		scope: 'metrics',
		keys: [{input: 's'}],
		description: 'Next shard (needs enhanced monitoring), then the stream again',
		hint: 'shard',
	},

	// A stream's consumers, then one of them shard by shard.
	...movement('consumers', 'consumer'),
	{
		command: 'open',
		scope: 'consumers',
		keys: [{key: 'return'}],
		description: 'Open the consumer: shards, owners, checkpoints, lag, diagnoses',
		hint: 'open',
	},
	...movement('consumer', 'shard'),
	{
		command: 'sort',
		scope: 'consumer',
		keys: [{input: 's'}],
		description: 'Sort the shards by lag (most behind first) or by shard',
		hint: 'sort',
	},
	{
		command: 'resetCheckpoint',
		scope: 'consumer',
		keys: [{input: 'R'}],
		description: 'Reset the checkpoint: TRIM_HORIZON, LATEST, sequence or time',
		hint: 'reset',
		dangerous: true,
	},
	{
		command: 'releaseLease',
		scope: 'consumer',
		keys: [{input: 'O'}],
		description: 'Release the lease: clear its owner, another worker takes it',
		hint: 'release',
		dangerous: true,
	},
	{
		command: 'open',
		scope: 'repair',
		keys: [{key: 'return'}],
		description: 'Change the new checkpoint (a reset)',
		hint: 'change',
	},
	{
		command: 'confirm',
		scope: 'repair',
		keys: [{input: 'c'}],
		description: 'Confirm: type the shard id, then the lease table is written',
		hint: 'confirm',
		dangerous: true,
	},

	// Firehose: the delivery streams, then one of them.
	...movement('firehose', 'delivery stream'),
	{
		command: 'open',
		scope: 'firehose',
		keys: [{key: 'return'}],
		description: 'Open the delivery stream: its buffer, deliveries and charts',
		hint: 'open',
	},
	filter('firehose', 'by name, source or destination'),
	...movement('delivery', 'section', 'Scroll to'),
	{
		command: 'put',
		scope: 'delivery',
		keys: [{input: 'p'}],
		description: 'Put records to this delivery stream (a form)',
		hint: 'put',
		dangerous: true,
	},

	// A live tail.
	{
		command: 'pause',
		scope: 'tail',
		keys: [{input: ' '}],
		description: 'Pause (freeze the view) or follow new records again',
		hint: 'pause',
	},
	{
		command: 'open',
		scope: 'tail',
		keys: [{key: 'return'}],
		description: 'Show the selected record in full, with its metadata',
		hint: 'detail',
	},
	{
		command: 'decode',
		scope: 'tail',
		keys: [{input: 'd'}],
		description: 'Cycle the decoding: auto, JSON, text, hex, base64',
		hint: 'decode',
	},
	filter('tail', 'by text, /regex/ or data.x == "v"'),
	{
		command: 'from',
		scope: 'tail',
		keys: [{input: 'f'}],
		description: 'Restart at LATEST, TRIM_HORIZON, a sequence number or a time',
		hint: 'from',
	},
	{
		command: 'save',
		scope: 'tail',
		keys: [{input: 's'}],
		description: 'Save the buffered records to an NDJSON file here',
		hint: 'save',
	},
	{
		command: 'mark',
		scope: 'tail',
		keys: [{input: 'v'}],
		description: 'Mark a record to re-drive (two marks: all between them)',
		hint: 'mark',
	},
	{
		command: 'redrive',
		scope: 'tail',
		keys: [{input: 'R'}],
		description: 'Re-drive the marked (or all shown) records to a stream',
		hint: 're-drive',
		dangerous: true,
	},
	...movement('tail', 'record'),

	// One record.
	...movement('record', 'line', 'Scroll to'),
	{
		command: 'decode',
		scope: 'record',
		keys: [{input: 'd'}],
		description: 'Cycle the decoding: auto, JSON, text, hex, base64',
		hint: 'decode',
	},
	{
		command: 'pretty',
		scope: 'record',
		keys: [{input: 'p'}],
		description: 'JSON pretty or compact',
		hint: 'pretty',
	},

	// The help.
	...movement('help', 'line', 'Scroll to'),
	{
		command: 'allKeys',
		scope: 'help',
		keys: [{input: 'a'}],
		description: "Every screen's keys, below these (again: these only)",
		hint: 'all keys',
	},

	// The one-line prompt.
	{
		command: 'submit',
		scope: 'prompt',
		keys: [{key: 'return'}],
		description: 'Run the command / keep the filter',
		hint: 'ok',
	},
	{
		command: 'complete',
		scope: 'prompt',
		keys: [{key: 'tab'}],
		description: 'Complete the command or stream name',
		hint: 'complete',
	},
	{
		command: 'cancel',
		scope: 'prompt',
		keys: [{key: 'escape'}],
		description: 'Cancel (a filter is cleared)',
		hint: 'cancel',
	},
	{
		command: 'historyBack',
		scope: 'prompt',
		keys: [{key: 'upArrow'}],
		description: 'The previous answer (where a prompt keeps history: queries)',
	},
	{
		command: 'historyForward',
		scope: 'prompt',
		keys: [{key: 'downArrow'}],
		description: 'The next answer in the history',
	},
	{
		command: 'deleteBack',
		scope: 'prompt',
		keys: [{key: 'backspace'}, {key: 'delete'}],
		description: 'Delete the character before the cursor',
	},
	{
		command: 'clear',
		scope: 'prompt',
		keys: [{input: 'u', ctrl: true}],
		description: 'Clear the line',
	},
	{
		command: 'quit',
		scope: 'prompt',
		keys: [{input: 'c', ctrl: true}],
		description: 'Quit kinesis-top',
	},

	// Everywhere.
	{
		command: 'command',
		scope: 'global',
		keys: [{input: ':'}],
		description: 'Command line: :tail, :query, :metrics, :put… (tab lists all)',
		hint: 'cmd',
	},
	{
		command: 'back',
		scope: 'global',
		keys: [{key: 'escape'}],
		description: 'Back: clear the filter, or close this screen',
		hint: 'back',
		pinned: true,
	},
	{
		command: 'help',
		scope: 'global',
		keys: [{input: '?'}],
		description: 'Show or hide this help',
		hint: 'help',
		pinned: true,
	},
	{
		command: 'quit',
		scope: 'global',
		keys: [{input: 'q'}, {input: 'c', ctrl: true}],
		description: 'Quit kinesis-top',
		hint: 'quit',
		pinned: true,
	},
];

export const SCOPE_TITLES: Record<Scope, string> = {
	global: 'Everywhere',
	streams: 'Streams',
	stream: 'Stream: shard map',
	tail: 'Live tail',
	record: 'Record',
	put: 'Put form',
	reshard: 'Split, merge, scale',
	query: 'Query (windowed SQL)',
	metrics: 'Stream metrics',
	firehose: 'Firehose delivery streams',
	delivery: 'Firehose delivery stream',
	contexts: 'Contexts',
	consumers: 'Consumers of a stream',
	consumer: 'A consumer, shard by shard',
	repair: 'Repair a KCL lease',
	help: 'Help screen',
	prompt: 'Prompt (: and / and other questions)',
};

/** The help's order: everywhere first, then the screens as one meets them. */
export const SCOPE_ORDER: readonly Scope[] = [
	'global',
	'streams',
	'stream',
	'tail',
	'record',
	'put',
	'reshard',
	'query',
	'metrics',
	'firehose',
	'delivery',
	'contexts',
	'consumers',
	'consumer',
	'repair',
	'prompt',
	'help',
];

/** The bindings on offer: read-only mode withdraws the dangerous ones (the driver refuses them too). */
export function availableBindings(readOnly: boolean, keymap: readonly Binding[] = KEYMAP) {
	return readOnly ? keymap.filter((binding) => !binding.dangerous) : keymap;
}

/** Whether Ink's (input, key) pair is this key. */
export function matches(spec: KeySpec, input: string, key: Key) {
	if (Boolean(spec.ctrl) !== key.ctrl) return false;
	return 'input' in spec ? input === spec.input : key[spec.key];
}

/** The binding of this key in the first of `scopes` that binds it. */
export function bindingFor(
	input: string,
	key: Key,
	scopes: readonly Scope[],
	keymap: readonly Binding[] = KEYMAP,
): Binding | undefined {
	for (const scope of scopes) {
		for (const binding of keymap) {
			if (binding.scope !== scope) continue;
			if (binding.keys.some((spec) => matches(spec, input, key))) return binding;
		}
	}

	return undefined;
}

/** The command bound to this key in the first of `scopes` that binds it. */
export function commandFor(
	input: string,
	key: Key,
	scopes: readonly Scope[],
	keymap: readonly Binding[] = KEYMAP,
): Command | undefined {
	return bindingFor(input, key, scopes, keymap)?.command;
}

const NAMED_LABELS: Record<NamedKey, string> = {
	upArrow: '↑',
	downArrow: '↓',
	escape: 'esc',
	home: 'home',
	end: 'end',
	pageUp: 'pgup',
	pageDown: 'pgdn',
	return: 'enter',
	tab: 'tab',
	backspace: 'backspace',
	delete: 'del',
};

export function keyLabel(spec: KeySpec) {
	const name =
		'input' in spec ? (spec.input === ' ' ? 'space' : spec.input) : NAMED_LABELS[spec.key];
	return spec.ctrl ? `ctrl+${name}` : name;
}

export type Hint = {keys: string; hint: string; pinned: boolean};

/**
 * Footer hints for the active scopes — "j/k move", "? help", … — in the order of `scopes`, then of the
 * keymap; bindings sharing a hint are shown together.
 */
export function footerHints(scopes: readonly Scope[], keymap: readonly Binding[] = KEYMAP): Hint[] {
	const hints = new Map<string, Hint>();
	for (const scope of scopes) {
		for (const binding of keymap) {
			if (!binding.hint || binding.scope !== scope) continue;
			const key = `${scope}\u0000${binding.hint}`;
			const label = keyLabel(binding.keys[0]);
			const known = hints.get(key);
			if (known) known.keys += `/${label}`;
			else hints.set(key, {keys: label, hint: binding.hint, pinned: Boolean(binding.pinned)});
		}
	}

	return [...hints.values()];
}

/** Hints that fit in `width`, in order, the pinned ones kept in any case (room is made for them). */
export function fittingHints(hints: readonly Hint[], width: number): Hint[] {
	const size = (hint: Hint) => hint.keys.length + 1 + hint.hint.length;
	let room = width;
	for (const hint of hints) if (hint.pinned) room -= size(hint) + 2;
	const shown = new Set<Hint>();
	let used = 0;
	for (const hint of hints) {
		if (hint.pinned) continue;
		const needed = (used > 0 ? 2 : 0) + size(hint);
		if (used + needed > room) continue;
		used += needed;
		shown.add(hint);
	}

	return hints.filter((hint) => hint.pinned || shown.has(hint));
}

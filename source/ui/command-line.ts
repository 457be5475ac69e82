/**
 * The console's `:` commands — parsed, and completed on Tab (command names, then stream names). Only
 * commands that work are offered; each one is also a headless command or a key.
 */
import {parseAgeThreshold} from '../monitor/iterator-age-alert.js';

export type ConsoleCommand =
	| {name: 'streams'}
	| {name: 'stream'; stream: string}
	| {name: 'tail'; stream: string; shard?: string}
	| {name: 'put'; stream: string}
	| {name: 'query'; stream: string}
	| {name: 'metrics'; stream: string; shard?: string}
	| {name: 'consumers'; stream: string}
	| {name: 'firehose'; deliveryStream?: string}
	/** No threshold: show the current one; null: turn the alert off. */
	| {name: 'alert'; thresholdMs?: number | null}
	/** No name: list the contexts; a name: switch to it. */
	| {name: 'ctx'; context?: string}
	/** The current context again, in another region. */
	| {name: 'region'; region: string}
	| {name: 'help'}
	| {name: 'quit'};

type Spec = {
	name: ConsoleCommand['name'];
	aliases: readonly string[];
	usage: string;
	/** Named in the prompt's placeholder (80 columns hold only so many; Tab and the help list all). */
	listed?: false;
};

export const CONSOLE_COMMANDS: readonly Spec[] = [
	{name: 'streams', aliases: [], usage: ':streams'},
	{name: 'stream', aliases: ['describe'], usage: ':stream NAME'},
	{name: 'tail', aliases: [], usage: ':tail NAME [SHARD]'},
	{name: 'put', aliases: [], usage: ':put NAME'},
	{name: 'query', aliases: [], usage: ':query NAME'},
	{name: 'metrics', aliases: [], usage: ':metrics NAME [SHARD]'},
	{name: 'consumers', aliases: ['lag'], usage: ':consumers NAME'},
	{name: 'firehose', aliases: [], usage: ':firehose [DELIVERY_STREAM]'},
	{name: 'alert', aliases: [], usage: ':alert [AGE | off] (iterator age, e.g. 60s)', listed: false},
	{name: 'ctx', aliases: ['context', 'contexts'], usage: ':ctx [NAME] (list or switch contexts)'},
	{
		name: 'region',
		aliases: [],
		usage: ':region NAME (the current context in another region)',
		listed: false,
	},
	{name: 'help', aliases: [], usage: ':help', listed: false},
	{name: 'quit', aliases: ['q'], usage: ':quit', listed: false},
];

/** The commands' names, short enough for 80 columns (? and q are keys too); Tab and the help give all. */
export const COMMAND_PLACEHOLDER = `${CONSOLE_COMMANDS.filter((spec) => spec.listed !== false)
	.map((spec) => spec.name)
	.join(' ')} · tab completes`;

function specFor(word: string) {
	return CONSOLE_COMMANDS.find((spec) => spec.name === word || spec.aliases.includes(word));
}

export type ParsedCommand = {command?: ConsoleCommand; error?: string};

/** `streams` lists the known stream names; when given, an unknown name is refused before running. */
export function parseCommandLine(text: string, streams?: readonly string[]): ParsedCommand {
	const [word = '', ...args] = text.trim().split(/\s+/).filter(Boolean);
	if (word === '') return {};
	const spec = specFor(word);
	if (!spec) return {error: `Unknown command :${word} — try ${COMMAND_PLACEHOLDER}`};
	const monitoring = parseMonitoringCommand(spec, args, streams);
	if (monitoring) return monitoring;
	const wantsStream =
		spec.name === 'stream' || spec.name === 'tail' || spec.name === 'put' || spec.name === 'query';
	const maxArgs = spec.name === 'tail' ? 2 : wantsStream ? 1 : 0;
	if (args.length > maxArgs || (wantsStream && args.length === 0)) {
		return {error: `Usage: ${spec.usage}`};
	}

	if (wantsStream && streams && !streams.includes(args[0])) {
		return {error: `No stream named ${args[0]}`};
	}

	switch (spec.name) {
		case 'stream': {
			return {command: {name: 'stream', stream: args[0]}};
		}

		case 'tail': {
			return {command: {name: 'tail', stream: args[0], shard: args[1]}};
		}

		case 'put':
		case 'query': {
			return {command: {name: spec.name, stream: args[0]}};
		}

		default: {
			// The commands without arguments (the others returned above).
			return {command: {name: spec.name} as ConsoleCommand};
		}
	}
}

/** `:metrics NAME [SHARD]`, `:firehose [NAME]`, `:alert [AGE | off]`; undefined for other commands. */
function parseMonitoringCommand(
	spec: Spec,
	args: readonly string[],
	streams?: readonly string[],
): ParsedCommand | undefined {
	switch (spec.name) {
		case 'metrics': {
			if (args.length === 0 || args.length > 2) return {error: `Usage: ${spec.usage}`};
			if (streams && !streams.includes(args[0])) return {error: `No stream named ${args[0]}`};
			return {command: {name: 'metrics', stream: args[0], shard: args[1]}};
		}

		case 'consumers': {
			if (args.length !== 1) return {error: `Usage: ${spec.usage}`};
			if (streams && !streams.includes(args[0])) return {error: `No stream named ${args[0]}`};
			return {command: {name: 'consumers', stream: args[0]}};
		}

		case 'firehose': {
			if (args.length > 1) return {error: `Usage: ${spec.usage}`};
			return {command: {name: 'firehose', deliveryStream: args[0]}};
		}

		case 'alert': {
			if (args.length > 1) return {error: `Usage: ${spec.usage}`};
			if (args.length === 0) return {command: {name: 'alert'}};
			if (args[0] === 'off') return {command: {name: 'alert', thresholdMs: null}};
			const thresholdMs = parseAgeThreshold(args[0]);
			if (thresholdMs === undefined) {
				return {error: `Not an age: ${args[0]} — try :alert 60s, :alert 5m or :alert off`};
			}

			return {command: {name: 'alert', thresholdMs}};
		}

		case 'ctx': {
			if (args.length > 1) return {error: `Usage: ${spec.usage}`};
			return {command: {name: 'ctx', context: args[0]}};
		}

		case 'region': {
			if (args.length !== 1) return {error: `Usage: ${spec.usage}`};
			if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(args[0])) {
				return {error: `Not a region: ${args[0]} — try :region eu-west-1`};
			}

			return {command: {name: 'region', region: args[0]}};
		}

		default: {
			return undefined;
		}
	}
}

function commonPrefix(words: readonly string[]) {
	if (words.length === 0) return '';
	let prefix = words[0];
	for (const word of words) {
		while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
	}

	return prefix;
}

/**
 * Tab: completes the word being typed as far as the candidates agree (with a space after a unique
 * match) and lists the candidates when there is more than one.
 */
export function completeCommandLine(
	text: string,
	streams: readonly string[],
): {value: string; candidates: string[]} {
	const words = text.trimStart().split(/\s+/);
	const current = words.at(-1) ?? '';
	let pool: readonly string[] = [];
	if (words.length === 1) {
		pool = CONSOLE_COMMANDS.map((spec) => spec.name);
	} else if (words.length === 2) {
		const spec = specFor(words[0]);
		if (
			spec?.name === 'stream' ||
			spec?.name === 'tail' ||
			spec?.name === 'metrics' ||
			spec?.name === 'consumers'
		) {
			pool = streams;
		}
	}

	const candidates = pool.filter((candidate) => candidate.startsWith(current));
	if (candidates.length === 0) return {value: text, candidates: []};
	const completed = candidates.length === 1 ? `${candidates[0]} ` : commonPrefix(candidates);
	const before = text.slice(0, text.length - current.length);
	return {value: before + completed, candidates: candidates.length > 1 ? candidates : []};
}

/**
 * Every headless command, by name (serve included: it runs with the engine instead of a Driver). A name
 * of two words (`firehose list`) is a subcommand of a group: its first two words on the command line.
 */
import {UsageError, type AnyCommand} from './command.js';
import {consumersCommand} from './consumers.js';
import {contextsCommand} from './contexts.js';
import {copyCommand} from './copy.js';
import {createCommand} from './create.js';
import {deleteCommand} from './delete.js';
import {describeCommand} from './describe.js';
import {
	firehoseDescribeCommand,
	firehoseListCommand,
	firehosePutCommand,
} from './firehose-commands.js';
import {lagCommand} from './lag.js';
import {mergeCommand} from './merge.js';
import {metricsCommand} from './metrics.js';
import {putCommand} from './put.js';
import {queryCommand} from './query.js';
import {scaleCommand} from './scale.js';
import {serveCommand} from './serve.js';
import {splitCommand} from './split.js';
import {streamsCommand} from './streams.js';
import {tailCommand} from './tail.js';

export const COMMANDS: readonly AnyCommand[] = [
	streamsCommand,
	describeCommand,
	createCommand,
	deleteCommand,
	putCommand,
	tailCommand,
	copyCommand,
	queryCommand,
	splitCommand,
	mergeCommand,
	scaleCommand,
	metricsCommand,
	consumersCommand,
	lagCommand,
	firehoseListCommand,
	firehoseDescribeCommand,
	firehosePutCommand,
	contextsCommand,
	serveCommand,
];

export const findCommand = (name: string) => COMMANDS.find((command) => command.name === name);

/** The command the positional words name, and its arguments (the words after its name). */
export function resolveCommand(words: readonly string[]): {
	command: AnyCommand | undefined;
	input: string[];
} {
	const [name, subcommand, ...rest] = words;
	if (name === undefined) return {command: undefined, input: []};
	const group = COMMANDS.filter((command) => command.name.startsWith(`${name} `));
	if (group.length === 0) {
		const command = findCommand(name);
		if (!command) throw new UsageError(`unknown command "${name}"`);
		return {command, input: words.slice(1)};
	}

	const command = subcommand === undefined ? undefined : findCommand(`${name} ${subcommand}`);
	if (!command) {
		const choices = group.map((each) => [each.name.split(' ')[1], ...each.arguments].join(' '));
		throw new UsageError(
			subcommand === undefined
				? `${name} needs a subcommand: ${choices.join(', ')}`
				: `unknown command "${name} ${subcommand}" (${name} has: ${choices.join(', ')})`,
		);
	}

	return {command, input: rest};
}

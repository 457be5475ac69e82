/**
 * The console's navigation as a pure step: (stack, change) → the next stack. The app dispatches changes
 * from keys, `:` commands and the screens themselves; what a change does to the stack lives here alone,
 * so it is tested without rendering anything. Effects that are not about the stack (quitting, the
 * iterator-age alert, refusing a put in read-only mode) stay with the app.
 */
import type {ConsoleCommand} from './command-line.js';
import {SCREEN_SCOPE, type Screen, type StackEntry} from './navigation.js';

export type ScreenStack = {
	/** Bottom first; never empty (the streams table is always at the bottom). */
	readonly entries: readonly StackEntry[];
	/** The id the next entry gets: stable React keys, so a covered screen keeps its state. */
	readonly nextId: number;
};

/** The `:` commands that only move between screens. */
export type ScreenCommand = Extract<
	ConsoleCommand,
	{
		name:
			| 'streams'
			| 'stream'
			| 'tail'
			| 'metrics'
			| 'consumers'
			| 'firehose'
			| 'query'
			| 'put'
			| 'help'
			| 'ctx';
	}
>;

export type StackChange =
	/** A screen opens another on top of itself (Enter on a stream, `t` on a shard, …). */
	| {type: 'push'; screen: Screen}
	/** A `:` command. */
	| {type: 'command'; command: ScreenCommand}
	/** The `?` key: opens the help for the top screen, or closes it when it is on top. */
	| {type: 'toggle-help'}
	/** Esc: clears the top screen's filter first, then goes back one screen (never below the bottom). */
	| {type: 'back'}
	| {type: 'filter'; id: number; filter: string};

export const initialStack = (): ScreenStack => ({
	entries: [{id: 0, screen: {kind: 'streams'}, filter: ''}],
	nextId: 1,
});

export const topOf = (stack: ScreenStack) => stack.entries.at(-1)!;

/** `screens` on top of `entries`, with fresh ids. */
function withScreens(
	stack: ScreenStack,
	entries: readonly StackEntry[],
	screens: readonly Screen[],
): ScreenStack {
	let {nextId} = stack;
	const added = screens.map((screen) => ({id: nextId++, screen, filter: ''}));
	return {entries: [...entries, ...added], nextId};
}

/** The help for the screen on top: its keys first. */
const helpFor = (stack: ScreenStack): Screen => ({
	kind: 'help',
	scope: SCREEN_SCOPE[topOf(stack).screen.kind],
});

/**
 * What a `:` command opens above the streams table: a command names a place, not a step, so it starts
 * from the bottom of the stack (except `:put` and `:help`, which open over what is shown).
 */
function commandScreens(command: ScreenCommand): Screen[] {
	switch (command.name) {
		case 'streams':
		case 'help':
		case 'put': {
			return [];
		}

		case 'stream': {
			return [{kind: 'stream', stream: command.stream}];
		}

		case 'tail': {
			return [{kind: 'tail', stream: command.stream, shardId: command.shard}];
		}

		case 'metrics': {
			return [{kind: 'metrics', stream: command.stream, shardId: command.shard}];
		}

		case 'query': {
			return [{kind: 'query', stream: command.stream}];
		}

		case 'ctx': {
			return [{kind: 'contexts'}];
		}

		case 'consumers': {
			return [{kind: 'consumers', stream: command.stream}];
		}

		case 'firehose': {
			const {deliveryStream} = command;
			return deliveryStream
				? [{kind: 'firehose'}, {kind: 'delivery', deliveryStream}]
				: [{kind: 'firehose'}];
		}
	}
}

function runCommand(stack: ScreenStack, command: ScreenCommand): ScreenStack {
	if (command.name === 'help') {
		return topOf(stack).screen.kind === 'help'
			? stack
			: withScreens(stack, stack.entries, [helpFor(stack)]);
	}

	if (command.name === 'put') {
		return withScreens(stack, stack.entries, [{kind: 'put', stream: command.stream}]);
	}

	return withScreens(stack, stack.entries.slice(0, 1), commandScreens(command));
}

export function nextStack(stack: ScreenStack, change: StackChange): ScreenStack {
	switch (change.type) {
		case 'push': {
			return withScreens(stack, stack.entries, [change.screen]);
		}

		case 'command': {
			return runCommand(stack, change.command);
		}

		case 'toggle-help': {
			return topOf(stack).screen.kind === 'help'
				? {...stack, entries: stack.entries.slice(0, -1)}
				: withScreens(stack, stack.entries, [helpFor(stack)]);
		}

		case 'back': {
			const top = topOf(stack);
			if (top.filter !== '') {
				return {...stack, entries: [...stack.entries.slice(0, -1), {...top, filter: ''}]};
			}

			return stack.entries.length > 1 ? {...stack, entries: stack.entries.slice(0, -1)} : stack;
		}

		case 'filter': {
			const {id, filter} = change;
			const index = stack.entries.findIndex((each) => each.id === id);
			if (index === -1 || stack.entries[index].filter === filter) return stack;
			const entries = [...stack.entries];
			entries[index] = {...entries[index], filter};
			return {...stack, entries};
		}
	}
}

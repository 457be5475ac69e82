import {describe, expect, test} from 'vitest';
import type {Screen} from '../../source/ui/navigation.js';
import {
	initialStack,
	nextStack,
	topOf,
	type ScreenStack,
	type StackChange,
} from '../../source/ui/screen-stack.js';

const kinds = (stack: ScreenStack) => stack.entries.map((each) => each.screen.kind);
const run = (...changes: StackChange[]) => changes.reduce(nextStack, initialStack());
const push = (screen: Screen): StackChange => ({type: 'push', screen});

describe('the screen stack', () => {
	test('starts on the streams table, which back never leaves', () => {
		const stack = initialStack();
		expect(kinds(stack)).toEqual(['streams']);
		expect(nextStack(stack, {type: 'back'})).toBe(stack);
	});

	test('a push goes on top with a fresh id; back takes it off again', () => {
		const stack = run(
			push({kind: 'stream', stream: 'orders'}),
			push({kind: 'tail', stream: 'orders'}),
		);
		expect(kinds(stack)).toEqual(['streams', 'stream', 'tail']);
		expect(new Set(stack.entries.map((each) => each.id)).size).toBe(3);
		expect(kinds(nextStack(stack, {type: 'back'}))).toEqual(['streams', 'stream']);
	});

	test('back clears the top filter before it leaves the screen', () => {
		let stack = run(push({kind: 'stream', stream: 'orders'}));
		stack = nextStack(stack, {type: 'filter', id: topOf(stack).id, filter: 'OPEN'});
		expect(topOf(stack).filter).toBe('OPEN');
		stack = nextStack(stack, {type: 'back'});
		expect(kinds(stack)).toEqual(['streams', 'stream']);
		expect(topOf(stack).filter).toBe('');
		expect(kinds(nextStack(stack, {type: 'back'}))).toEqual(['streams']);
	});

	test('a filter change reaches the entry it names, even when covered; an unknown id changes nothing', () => {
		const stack = run(
			push({kind: 'stream', stream: 'orders'}),
			push({kind: 'tail', stream: 'orders'}),
		);
		const covered = stack.entries[1];
		const filtered = nextStack(stack, {type: 'filter', id: covered.id, filter: 'shardId-1'});
		expect(filtered.entries[1].filter).toBe('shardId-1');
		expect(topOf(filtered).filter).toBe('');
		expect(nextStack(filtered, {type: 'filter', id: covered.id, filter: 'shardId-1'})).toBe(
			filtered,
		);
		expect(nextStack(stack, {type: 'filter', id: 999, filter: 'x'})).toBe(stack);
	});

	test('a : command names a place: it starts from the streams table', () => {
		const deep = run(
			push({kind: 'stream', stream: 'orders'}),
			push({kind: 'tail', stream: 'orders'}),
		);
		const command = (change: StackChange) => kinds(nextStack(deep, change));
		expect(command({type: 'command', command: {name: 'streams'}})).toEqual(['streams']);
		expect(command({type: 'command', command: {name: 'stream', stream: 'logs'}})).toEqual([
			'streams',
			'stream',
		]);
		expect(command({type: 'command', command: {name: 'metrics', stream: 'logs'}})).toEqual([
			'streams',
			'metrics',
		]);
		expect(command({type: 'command', command: {name: 'query', stream: 'logs'}})).toEqual([
			'streams',
			'query',
		]);
		expect(command({type: 'command', command: {name: 'firehose'}})).toEqual([
			'streams',
			'firehose',
		]);
		expect(
			command({type: 'command', command: {name: 'firehose', deliveryStream: 'to-s3'}}),
		).toEqual(['streams', 'firehose', 'delivery']);
		const tail = nextStack(deep, {
			type: 'command',
			command: {name: 'tail', stream: 'logs', shard: 'shardId-000000000001'},
		});
		expect(topOf(tail).screen).toEqual({
			kind: 'tail',
			stream: 'logs',
			shardId: 'shardId-000000000001',
		});
		// The bottom entry is kept as it was (its selection and filter live on).
		expect(tail.entries[0]).toBe(deep.entries[0]);
	});

	test(':put and :help open over what is shown', () => {
		const stream = run(push({kind: 'stream', stream: 'orders'}));
		expect(
			kinds(nextStack(stream, {type: 'command', command: {name: 'put', stream: 'orders'}})),
		).toEqual(['streams', 'stream', 'put']);
		const help = nextStack(stream, {type: 'command', command: {name: 'help'}});
		expect(topOf(help).screen).toEqual({kind: 'help', scope: 'stream'});
		// :help on the help changes nothing.
		expect(nextStack(help, {type: 'command', command: {name: 'help'}})).toBe(help);
	});

	test('? opens the help for the screen on top, and closes it', () => {
		const tail = run(push({kind: 'tail', stream: 'orders'}));
		const help = nextStack(tail, {type: 'toggle-help'});
		expect(topOf(help).screen).toEqual({kind: 'help', scope: 'tail'});
		expect(kinds(nextStack(help, {type: 'toggle-help'}))).toEqual(['streams', 'tail']);
	});

	test('ids are never reused, so a screen opened again starts afresh', () => {
		let stack = run(push({kind: 'stream', stream: 'orders'}));
		const first = topOf(stack).id;
		stack = nextStack(nextStack(stack, {type: 'back'}), push({kind: 'stream', stream: 'orders'}));
		expect(topOf(stack).id).not.toBe(first);
	});
});

import {afterEach, describe, expect, test} from 'vitest';
import {
	COMMAND_PLACEHOLDER,
	completeCommandLine,
	parseCommandLine,
} from '../../source/ui/command-line.js';
import {cleanUp, expectFits, keys, localDriver, renderApp} from './render-app.js';

afterEach(cleanUp);

const STREAMS: Array<[string, number]> = [
	['clickstream', 4],
	['orders', 2],
	['app-logs', 1],
];

describe('navigation', () => {
	test('enter opens the selected stream; esc goes back to where it was', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.untilText('orders');
		app.press('G');
		await app.until((f) => /› orders/.test(f), 'orders selected');
		app.press(keys.enter);
		await app.untilText('orders · ACTIVE · PROVISIONED · 2 open of 2 shards');
		expect(app.lines().at(-1)).toBe(
			'j/k move  t tail shard  K key→shard  / filter  p put  esc back  ? help  q quit',
		);
		app.press(keys.escape);
		await app.untilText('Streams 3');
		expect(app.selected()).toMatch(/^› orders/);
		app.press(keys.escape); // nothing further back
		// k after it moves the selection: the Esc has been taken, and it left the streams on screen.
		app.press('k');
		await app.until(() => !app.selected()?.startsWith('› orders'), 'k taken after the Esc');
		expect(app.frame()).toContain('Streams 3');
	});

	test('/ filters the streams as you type; esc clears', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.untilText('orders');
		app.press('/');
		await app.untilText('/  part of a stream name');
		app.type('or');
		await app.untilText('Streams 1 of 3 · /or');
		expect(app.frame()).toContain('› orders');
		expect(app.frame()).not.toContain('clickstream');
		app.press(keys.backspace);
		await app.untilText('Streams 2 of 3 · /o');
		expect(app.frame()).toContain('app-logs');
		app.press(keys.enter); // keeps the filter
		await app.until((f) => f.split('\n').at(-1)!.startsWith('j/k move'), 'the footer back');
		expect(app.frame()).toContain('Streams 2 of 3 · /o');
		app.press('j');
		await app.until((f) => /› orders/.test(f), 'the selection moved');
		app.press(keys.escape); // clears the filter
		await app.until((f) => f.includes('Streams 3') && !f.includes('/o'), 'every stream again');
	});

	test(': command mode completes commands and stream names, and runs them', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.untilText('orders');
		app.press(':');
		await app.untilText(`:  ${COMMAND_PLACEHOLDER.slice(0, 40)}`);
		app.type('t');
		app.press(keys.tab);
		await app.untilText(/^:tail\s*$/m);
		app.type('cl');
		app.press(keys.tab);
		await app.untilText(/^:tail clickstream\s*$/m);
		app.press(keys.enter);
		await app.untilText('Tail clickstream · all shards · from latest');
		// esc goes back to the streams (a command starts from the table).
		app.press(keys.escape);
		await app.untilText('Streams 3');

		app.press(':');
		await app.untilPrompt(':');
		app.type('stream');
		app.press(keys.tab);
		await app.untilText('streams  stream');
		app.type(' ord');
		app.press(keys.tab);
		app.press(keys.enter);
		await app.untilText('orders · ACTIVE · PROVISIONED');

		await app.command('tail nosuch');
		await app.untilText('No stream named nosuch');
		await app.command('shards');
		await app.untilText('Unknown command :shards');
	});

	test('keys typed in one burst after : or / are text, not commands', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.untilText('orders');
		// `t` would tail, `q` would quit: in the same chunk as `:` they are not taken as commands.
		app.press(':tq');
		await app.untilPrompt(':tq');
		expect(app.frame()).toContain('Streams 3');
		app.press(keys.escape);
		await app.until(() => app.lastLine().startsWith('j/k move'), 'the prompt closed');
		app.press('/');
		await app.untilPrompt('/');
		app.type('quit');
		await app.untilText('No stream matches the filter');
		expect(app.lines().at(-1)).toMatch(/^\/quit/);
	});

	test(':quit and ctrl+c in a prompt quit', async () => {
		for (const ending of [':quit', 'ctrl+c']) {
			const app = renderApp(await localDriver(STREAMS));
			await app.untilText('orders');
			app.press(':');
			await app.untilPrompt(':');
			if (ending === ':quit') {
				app.type('quit');
				await app.untilText(':quit');
				app.press(keys.enter);
			} else {
				app.press(keys.ctrlC);
			}

			// Ink lets go of the keyboard when the console exits: a key after that draws nothing.
			await app.until(() => app.stdin.listenerCount('readable') === 0, 'the console to exit');
			const frames = app.frames.length;
			app.press('j');
			expect(app.frames.length).toBe(frames);
		}
	});

	test('? shows the help over any screen, generated from the keymap; the tail keeps running', async () => {
		const driver = await localDriver([['clicks', 1]]);
		const app = renderApp(driver);
		await app.untilText('clicks');
		app.press('t');
		await app.until((f) => /lag, read\/s per shard: #0 \d+ms/.test(f), 'the tail reading');
		app.press('?');
		// The tail's help: its keys, then the global ones, on one page (help.test.tsx: every screen).
		const frame = await app.untilText('Live tail — keys · ? or esc closes');
		expect(frame).toMatch(/s +Save the buffered records to an NDJSON file here/);
		expect(frame).toMatch(/Everywhere/);
		expect(frame).toMatch(/: +Command line/);
		// a, then page down: every screen's keys, down to the help's own.
		app.press('a');
		await app.untilText('Live tail — all keys');
		app.press('\u001B[6~'); // page down
		await app.untilText('Live tail — all keys · 21–40 of');
		app.press('G');
		await app.untilText('Help screen');
		await driver.putRecords('clicks', [
			{PartitionKey: 'k', Data: Buffer.from('while the help was open')},
		]);
		app.press('?');
		await app.untilText('while the help was open');
	});

	test('every screen fits 80×24 and survives 40×12', async () => {
		for (const [width, height] of [
			[80, 24],
			[40, 12],
		]) {
			const driver = await localDriver(STREAMS);
			const app = renderApp(driver, {width, height});
			await app.untilText('orders');
			expectFits(app);
			app.press(keys.enter);
			await app.untilText('KEY RANGE');
			await app.untilText('OPEN');
			expectFits(app);
			app.press('K');
			await app.untilPrompt('partition key: ');
			app.type('user-1');
			app.press(keys.enter);
			await app.untilText('key "user-1"');
			expectFits(app);
			app.press('t');
			await app.untilText('Tail app-logs');
			await app.untilText(/#0 \d+ms/);
			await driver.putRecords('app-logs', [{PartitionKey: 'user-1', Data: Buffer.from('{"a":1}')}]);
			await app.untilText('{"a":1}');
			expectFits(app);
			app.press(keys.enter);
			await app.untilText('Record');
			expectFits(app);
			app.press('?');
			await app.untilText('Record — keys');
			expectFits(app);
		}
	});
});

describe('command line', () => {
	const streams = ['clickstream', 'clicks', 'orders'];

	test('parses the commands that exist, and only those', () => {
		expect(parseCommandLine('streams')).toEqual({command: {name: 'streams'}});
		expect(parseCommandLine('q')).toEqual({command: {name: 'quit'}});
		expect(parseCommandLine('tail orders 3', streams)).toEqual({
			command: {name: 'tail', stream: 'orders', shard: '3'},
		});
		expect(parseCommandLine('stream nope', streams).error).toBe('No stream named nope');
		expect(parseCommandLine('stream nope').command).toEqual({name: 'stream', stream: 'nope'});
		expect(parseCommandLine('tail').error).toBe('Usage: :tail NAME [SHARD]');
		expect(parseCommandLine('queries orders').error).toMatch(/^Unknown command :queries/);
		expect(parseCommandLine('')).toEqual({});
	});

	test('completes as far as the candidates agree', () => {
		expect(completeCommandLine('', streams).candidates).toEqual([
			'streams',
			'stream',
			'tail',
			'put',
			'query',
			'metrics',
			'consumers',
			'firehose',
			'alert',
			'ctx',
			'region',
			'help',
			'quit',
		]);
		expect(completeCommandLine('ta', streams)).toEqual({value: 'tail ', candidates: []});
		expect(completeCommandLine('tail cl', streams)).toEqual({
			value: 'tail clicks',
			candidates: ['clickstream', 'clicks'],
		});
		expect(completeCommandLine('tail o', streams)).toEqual({value: 'tail orders ', candidates: []});
		expect(completeCommandLine('help x', streams)).toEqual({value: 'help x', candidates: []});
		expect(completeCommandLine('consumers o', streams)).toEqual({
			value: 'consumers orders ',
			candidates: [],
		});
	});

	test(':ctx lists or switches contexts; :region takes a region', () => {
		expect(parseCommandLine('ctx')).toEqual({command: {name: 'ctx', context: undefined}});
		expect(parseCommandLine('context prod')).toEqual({command: {name: 'ctx', context: 'prod'}});
		expect(parseCommandLine('ctx a b').error).toBe('Usage: :ctx [NAME] (list or switch contexts)');
		expect(parseCommandLine('region eu-west-1')).toEqual({
			command: {name: 'region', region: 'eu-west-1'},
		});
		expect(parseCommandLine('region us-gov-west-1').command).toEqual({
			name: 'region',
			region: 'us-gov-west-1',
		});
		expect(parseCommandLine('region Ireland').error).toBe(
			'Not a region: Ireland — try :region eu-west-1',
		);
		expect(parseCommandLine('region').error).toMatch(/^Usage: :region NAME/);
		expect(COMMAND_PLACEHOLDER).toBe(
			'streams stream tail put query metrics consumers firehose ctx · tab completes',
		);
	});
});

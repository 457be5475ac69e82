/**
 * Keys read in one chunk (typed faster than a frame over SSH, or pasted): each `press` below is one
 * `stdin.write`, and must do what the same keys typed one by one do.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanUp, keys, localDriver, renderApp} from './render-app.js';

afterEach(cleanUp);

const STREAMS: Array<[string, number]> = [
	['clickstream', 4],
	['orders', 2],
	['app-logs', 1],
];
const pasted = (text: string) => `\u001B[200~${text}\u001B[201~`;

describe('bursts behave like the same keys typed slowly', () => {
	test('j⏎ opens the stream j selected', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.until((f) => /› app-logs/.test(f), 'app-logs selected');
		app.press('j\r');
		await app.untilText('clickstream · ACTIVE · PROVISIONED · 4 open of 4 shards');
	});

	test('jjS on the shard map previews a split of the third shard', async () => {
		const app = renderApp(await localDriver([['orders', 4]]));
		await app.untilText('orders');
		app.press(keys.enter);
		await app.until((f) => /^› 0 /m.test(f), 'the first shard selected');
		app.press('jjS');
		await app.untilText('Split shard 2 of orders');
	});

	test(':tail clickstream⏎ runs the command; /text fills the filter', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.untilText('orders');
		app.press(':tail clickstream\r');
		await app.untilText('Tail clickstream · all shards · from latest');
		// Esc and a key in one read are Alt+key, as in any terminal program: Esc goes on its own.
		app.press(keys.escape);
		await app.untilText('Streams 3');
		app.press('/or');
		await app.untilText('Streams 1 of 3 · /or');
		expect(app.lines().at(-1)).toMatch(/^\/or/);
	});

	test('keys after a command in the same burst go to the screen it opened', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.untilText('orders');
		// :stream orders⏎ opens the shard map; / there filters its shards (the stream table has no `1`).
		app.press(':stream orders\r/1');
		await app.until(
			(f) => f.includes('orders · ACTIVE') && f.split('\n').at(-1)!.startsWith('/1'),
			'the shard filter open on the stream screen',
		);
	});

	test('c, the name and ⏎ in one burst confirm a reshard; a wrong name is refused', async () => {
		const driver = await localDriver([['orders', 1]]);
		const app = renderApp(driver);
		await app.untilText('orders');
		app.press(keys.enter);
		await app.until((f) => /^› 0 /m.test(f), 'the shard selected');
		app.press('S');
		await app.untilText('(the middle)');
		app.press('corder\r');
		await app.untilText('The name did not match: nothing was changed.');
		expect((await driver.describeStream('orders')).Shards).toHaveLength(1);
		app.press('corders\r');
		await app.untilText('✓ done: the stream is ACTIVE again');
		expect((await driver.describeStream('orders')).Shards).toHaveLength(3);
	});

	test('the put form takes a field typed in one burst', async () => {
		const app = renderApp(await localDriver([['orders', 1]]));
		await app.untilText('orders');
		app.press('p');
		await app.untilText('Put records to orders');
		app.press(`\r${keys.ctrlU}user-42\rj`);
		await app.until((f) => /^ {2}Partition key\s+user-42/m.test(f), 'the key set');
		await app.until((f) => /^› Data/m.test(f), 'the next field selected');
	});

	test('a bracketed paste lands whole in the SQL editor, line breaks and all', async () => {
		const app = renderApp(await localDriver([['orders', 1]]));
		await app.untilText('orders');
		app.press(':query orders\r');
		await app.untilText('enter edit  space pause');
		app.press(
			`\r${keys.ctrlU}${pasted('SELECT COUNT(*) AS n\nFROM orders\r\nWINDOW TUMBLING (SIZE 10 SECONDS)')}\r`,
		);
		await app.untilText('SQL> SELECT COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 10 SECONDS)');
	});

	test('an arrow key split across reads is one key; a lone Esc is still Esc', async () => {
		const app = renderApp(await localDriver(STREAMS));
		await app.until((f) => /› app-logs/.test(f), 'app-logs selected');
		app.press('\u001B');
		await new Promise((resolve) => setImmediate(resolve));
		app.press('[B');
		await app.until((f) => /› clickstream/.test(f), 'clickstream selected');
		app.press('/');
		await app.untilText('/  part of a stream name');
		app.press(keys.escape);
		await app.until((f) => f.split('\n').at(-1)!.startsWith('j/k move'), 'the prompt closed');
		expect(app.selected()).toMatch(/^› clickstream/);
	});
});

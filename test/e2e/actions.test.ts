/**
 * End to end, the actions of an on-call engineer in a real terminal (tmux, 80×24) on the demo: put a
 * record from the form and find it in the tail; split a shard (typed confirmation) and see its two
 * children in the shard map.
 */
import {describe, expect, test} from 'vitest';
import {useConsoleTerminal} from '../helpers/console-terminal.js';

describe('console actions in a terminal (tmux, 80×24)', () => {
	const kinesisTop = useConsoleTerminal();

	test('put a record and see it in the tail; split a shard and see its children', async () => {
		const t = await kinesisTop.start('--local', '--in-memory', '--demo');
		const keys = async (...sequence: string[]) => {
			for (const key of sequence) {
				await t.sendKeys(key);
				await new Promise((resolve) => setTimeout(resolve, 120));
			}
		};

		const typeInto = async (label: string, text: string) => {
			await keys('Enter');
			await t.until((screen) => screen.includes(`${label}: `), `the ${label} prompt`);
			await t.sendKeys('-l', text);
			await keys('Enter');
		};

		// orders: the second stream in the table; its shard map, then the put form.
		await t.until((screen) => screen.includes('orders'), 'the demo streams');
		await keys('j', 'j');
		await t.until((screen) => /› orders/.test(screen), 'orders selected');
		await keys('Enter');
		await t.until((screen) => screen.includes('2 open of 2 shards'), 'the shard map of orders');
		await keys('p');
		await t.until((screen) => screen.includes('Put records to orders'), 'the put form');
		await typeInto('Partition key', 'e2e-key');
		await keys('j');
		await typeInto('Data', '{"e2e":"hello from tmux"}');
		await keys('p');
		const put = await t.until((screen) => screen.includes('✓ done: 1 of 1 put'), 'the put');
		const shard = /last record → shard (\d+)/.exec(put)![1];

		// Back on the shard map the shard it went to is marked; tail it from the trim horizon.
		await keys('Escape');
		await t.until((screen) => new RegExp(`^[◆›] ${shard} `, 'm').test(screen), 'the marked shard');
		// Select it, and tail it.
		await keys('g');
		for (let index = 0; index < Number(shard); index++) await keys('j');
		await t.until((screen) => new RegExp(`^› ${shard} `, 'm').test(screen), 'the shard selected');
		await keys('t');
		await t.until((screen) => screen.includes(`Tail orders · shard ${shard}`), 'the tail');
		await keys('f');
		await t.until((screen) => /from: /.test(screen), 'the from prompt');
		await t.sendKeys('-l', 'trim-horizon');
		await keys('Enter');
		await t.until((screen) => screen.includes('from trim-horizon'), 'the tail from the start');
		await keys('/');
		await t.until((screen) => /^\/ {2}text/m.test(screen), 'the filter prompt');
		await t.sendKeys('-l', 'e2e-key');
		await keys('Enter');
		await t.until(
			(screen) => /e2e-key +\{"e2e":"hello from tmux"\}/.test(screen),
			'the record in the tail',
		);

		// Split shard 0 of orders: preview, a typed confirmation, then three open shards of four.
		await keys('Escape', 'Escape');
		await t.until((screen) => screen.includes('KEY RANGE') && !screen.includes('Tail'), 'the map');
		await keys('g', 'S');
		await t.until((screen) => screen.includes('(the middle)'), 'the split preview');
		await keys('c');
		await t.until((screen) => screen.includes('type orders to confirm'), 'the confirmation');
		await t.sendKeys('-l', 'orders');
		await keys('Enter');
		await t.until((screen) => screen.includes('✓ done'), 'the split', 20_000);
		await keys('Escape');
		const map = await t.until(
			(screen) => screen.includes('3 open of 4 shards'),
			'two children in the map',
			20_000,
		);
		expect(map).toMatch(/CLOSED/);
		expect(map.match(/ OPEN /g)).toHaveLength(3);
		await keys('q');
	}, 120_000);
});

/**
 * The console in a real terminal (tmux, 80×24) against Kinesis implementations we did not write: it
 * opens, lists the streams, says once that the endpoint offers no metrics, shows a shard map, tails,
 * splits a shard and merges it back — with the HTTP version left to it (HTTP/1.1 for kinesalite, h2c
 * for kinesis-mock).
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runRaw} from '../commands/helpers.js';
import {useConsoleTerminal} from '../helpers/console-terminal.js';
import {startKinesalite, startKinesisMock, type Emulator} from '../helpers/emulators.js';
import {waitFor} from '../helpers/wait-for.js';

describe.each([
	{name: 'kinesalite', start: startKinesalite},
	{name: 'kinesis-mock', start: startKinesisMock},
])('the console against $name (tmux, 80×24)', ({start}) => {
	const kinesisTop = useConsoleTerminal();
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await start();
		const cli = async (...argv: string[]) => {
			const outcome = await runRaw(['--endpoint', emulator.endpoint, ...argv]);
			expect(outcome.stderr).toBe('');
			return outcome.stdout;
		};

		await cli('create', 'orders', '--shards', '2');
		await waitFor(async () => (await cli('describe', 'orders')).includes('ACTIVE'), {
			timeoutMs: 20_000,
			message: 'orders to be ACTIVE',
		});
		// To shard 0, the one the console tails first.
		for (const data of ['first', 'second', 'third']) {
			await cli('put', 'orders', '--key', 'k', '--explicit-hash-key', '0', '--data', data);
		}
	}, 90_000);
	afterAll(async () => emulator?.stop());

	test('streams, shard map, tail, split and merge', async () => {
		const t = await kinesisTop.start('--endpoint', emulator.endpoint);
		const keys = async (...sequence: string[]) => {
			for (const key of sequence) {
				await t.sendKeys(key);
				await new Promise((resolve) => setTimeout(resolve, 120));
			}
		};

		let screen = await t.until(
			(text) => /› orders/.test(text) && text.includes('metrics: not offered by this endpoint'),
			'the streams, without metrics',
		);
		expect(screen.split('\n')[0]).toMatch(/● ok/);
		expect(screen).not.toMatch(/✖/);

		await keys('Enter');
		await t.until((text) => text.includes('2 open of 2 shards'), 'the shard map');
		await keys('t');
		await t.until((text) => text.includes('Tail orders · shard 0'), 'the tail');
		await keys('f');
		await t.until((text) => /from: /.test(text), 'the from prompt');
		await t.sendKeys('-l', 'trim-horizon');
		await keys('Enter');
		screen = await t.until(
			(text) => text.includes('from trim-horizon') && /k +third/.test(text),
			'the records in the tail',
		);
		expect(screen).toMatch(/k +first/);

		await keys('Escape');
		await t.until((text) => text.includes('KEY RANGE') && !text.includes('Tail'), 'the map');
		await keys('g', 'S');
		await t.until((text) => text.includes('(the middle)'), 'the split preview');
		await keys('c');
		await t.until((text) => text.includes('type orders to confirm'), 'the confirmation');
		await t.sendKeys('-l', 'orders');
		await keys('Enter');
		await t.until((text) => text.includes('✓ done'), 'the split', 20_000);
		await keys('Escape');
		await t.until((text) => text.includes('3 open of 4 shards'), 'two children', 20_000);

		// The lower child (selected first) merged with its upper neighbour: lower first, as both take.
		await keys('g');
		for (let step = 0; step < 5 && !/^› ├─2 /m.test(await t.screen()); step++) await keys('j');
		await t.until((text) => /^› ├─2 /m.test(text), 'the lower child selected');
		await keys('M');
		// The preview takes `c` once it has worked out the neighbour.
		await t.until(
			(text) => text.includes('Merge shard 2 of orders') && text.includes('c confirms'),
			'the merge preview',
		);
		await keys('c');
		await t.until((text) => text.includes('type orders to confirm'), 'the confirmation');
		await t.sendKeys('-l', 'orders');
		await keys('Enter');
		await t.until((text) => text.includes('✓ done'), 'the merge', 20_000);
		await keys('Escape');
		await t.until((text) => text.includes('2 open of 5 shards'), 'the merged shard', 20_000);
		await keys('q');
		await waitFor(() => t.exitStatus(), {timeoutMs: 10_000, message: 'the console to exit'});
		expect(t.exitStatus()).toBe(0);
	}, 120_000);
});

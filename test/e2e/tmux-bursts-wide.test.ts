/**
 * In tmux (80×24), as an on-call engineer over SSH types: bursts sent in one go (tmux hands
 * `send-keys -l` text to the program in one write) run the command line and fill the prompt, and a
 * Japanese and emoji record is drawn within the pane's 80 columns, nothing cut in half.
 */
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {runRaw, temporaryDirectory} from '../commands/helpers.js';
import {useConsoleTerminal} from '../helpers/console-terminal.js';
import {waitFor} from '../helpers/wait-for.js';

const WIDE = '注文が確定しました🎉 お届け予定日は明日です👩‍👩‍👧 ありがとうございました';

describe('bursts and wide text in tmux (80×24)', () => {
	const kinesisTop = useConsoleTerminal();

	test(':tail NAME⏎ and f trim-horizon⏎ in one write each; a wide record fits the pane', async () => {
		const dataDirectory = temporaryDirectory();
		const cli = async (...argv: string[]) => {
			const outcome = await runRaw(['--local', '--data-dir', dataDirectory, ...argv]);
			expect(outcome).toMatchObject({status: 0, stderr: ''});
		};

		await cli('create', 'orders', '--shards', '1');
		await cli('put', 'orders', '--key', '顧客-42', '--data', WIDE.repeat(3));

		const t = await kinesisTop.start('--local', '--data-dir', dataDirectory);
		await t.until((screen) => /› orders/.test(screen), 'the streams');
		await t.sendKeys('-l', ':tail orders\r');
		await t.until((screen) => screen.includes('Tail orders'), 'the tail, from one burst');
		await t.sendKeys('-l', 'ftrim-horizon\r');
		const screen = await t.until(
			(text) => text.includes('from trim-horizon') && text.includes('顧客-42'),
			'the wide record',
		);

		for (const line of screen.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
		const row = screen.split('\n').find((line) => line.includes('顧客-42'))!;
		// The row shows the payload's start, whole characters only.
		expect(row).toContain('注文が確定しました🎉');
		// No replacement character and no lone surrogate (a pair matches as one code point with u).
		expect(row).not.toMatch(/\uFFFD|[\uD800-\uDFFF]/u);
		await t.sendKeys('q');
		// Gone before the data directory is removed after the test.
		await waitFor(() => t.exitStatus(), {timeoutMs: 10_000, message: 'the console to exit'});
		expect(t.exitStatus()).toBe(0);
	}, 60_000);
});

/**
 * End to end: the built binary in a real terminal (a tmux pane of 80×24), with the bundled engine in
 * memory and demo traffic — navigate to a stream, tail it, see records arrive, open the help, quit with
 * q, and check the terminal was given back: the alternate screen left and the cursor shown again.
 * tmux is the pseudo-terminal: it draws what the program writes, and `pipe-pane` records the raw bytes.
 */
import {describe, expect, test} from 'vitest';
import {useConsoleTerminal} from '../helpers/console-terminal.js';
import {waitFor} from '../helpers/wait-for.js';

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

// tmux is a test dependency: .ci/run installs it when the machine lacks it. Missing, this fails loudly.
describe('the console in a terminal (tmux, 80×24)', () => {
	const kinesisTop = useConsoleTerminal();

	test('navigate, tail, help, quit: the terminal is restored', async () => {
		const terminal = await kinesisTop.start('--local', '--in-memory', '--demo');
		const sendKeys = terminal.sendKeys.bind(terminal);
		const untilScreen = terminal.until.bind(terminal);

		// The streams table, with the demo's streams.
		let text = await untilScreen(
			(s) => s.includes('clickstream') && s.includes('orders'),
			'the demo streams',
		);
		expect(text.split('\n')[0]).toMatch(/^kinesis-top local · .* \[DEMO\] +● ok/);
		expect(text).toContain('j/k move  enter open  t tail');

		// Down to clickstream, Enter: its shard map.
		await sendKeys('j');
		await untilScreen((s) => /› clickstream/.test(s), 'clickstream selected');
		await sendKeys('Enter');
		text = await untilScreen(
			(s) => s.includes('4 open of 4 shards') && s.includes('KEY RANGE'),
			'the shard map',
		);
		expect(text).toMatch(/› 0 +█+·+ OPEN/);

		// t: tail the selected shard; records arrive.
		await sendKeys('t');
		text = await untilScreen(
			(s) =>
				s.includes('Tail clickstream · shard 0') &&
				/^ {2}\d\d:\d\d:\d\d\.\d{3} 0 +u-\d+ +\{"ts":/m.test(s),
			'records arriving in the tail',
		);
		expect(text).toMatch(/\d+\/5,000 buffered · 0 dropped/);

		// ? : the tail's help over the running tail: its keys first, then the global ones.
		await sendKeys('?');
		text = await untilScreen((s) => s.includes('Live tail — keys · ? or esc closes'), 'the help');
		expect(text.indexOf('Pause (freeze the view)')).toBeGreaterThan(-1);
		expect(text.indexOf('Pause (freeze the view)')).toBeLessThan(text.indexOf('Everywhere'));
		expect(text).not.toContain('j/k scroll');

		// q: quit, within a second (cli.tsx's safety net would only end a leaking process after 3 s).
		await sendKeys('q');
		const sent = performance.now();
		const status = await waitFor(() => terminal.exitStatus(), {
			timeoutMs: 10_000,
			message: 'the program to exit',
		}).catch(async (error: Error) => {
			throw new Error(`${error.message}; screen:\n${await terminal.screen()}`);
		});
		expect(performance.now() - sent, 'ms from q to the exit').toBeLessThan(1000);
		expect(status).toBe(0);

		// The terminal is given back: back from the alternate screen, cursor shown, the console gone.
		await waitFor(() => terminal.rawOutput().includes(LEAVE_ALTERNATE_SCREEN), {
			message: 'the raw output',
		});
		const output = terminal.rawOutput();
		expect(output.startsWith(ENTER_ALTERNATE_SCREEN)).toBe(true);
		const left = output.lastIndexOf(LEAVE_ALTERNATE_SCREEN);
		expect(left).toBeGreaterThan(output.lastIndexOf(ENTER_ALTERNATE_SCREEN));
		expect(output.indexOf(SHOW_CURSOR, left)).toBeGreaterThan(left);
		expect(await terminal.screen()).not.toContain('kinesis-top local');
	}, 90_000);
});

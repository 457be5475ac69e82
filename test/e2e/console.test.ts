/**
 * End to end: the built binary in a real terminal (a tmux pane of 80×24), with the bundled engine in
 * memory and demo traffic — navigate to a stream, tail it, see records arrive, open the help, quit with
 * q, and check the terminal was given back: the alternate screen left and the cursor shown again.
 * tmux is the pseudo-terminal: it draws what the program writes, and `pipe-pane` records the raw bytes.
 */
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitFor} from '../helpers/wait-for.js';

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

const run = promisify(execFile);
/** Our own tmux server (its own socket), so nothing else running in tmux is touched. */
const socket = `kinesis-top-e2e-${process.pid}`;
const tmux = async (...args: string[]) =>
	(await run('tmux', ['-L', socket, '-f', '/dev/null', ...args])).stdout;
const screen = () => tmux('capture-pane', '-p', '-t', 'e2e');
const sendKeys = (...keys: string[]) => tmux('send-keys', '-t', 'e2e', ...keys);

async function untilScreen(check: (text: string) => boolean, what: string, timeoutMs = 15_000) {
	let last = '';
	return waitFor(
		async () => {
			last = await screen();
			return check(last) && last;
		},
		{timeoutMs, intervalMs: 100, message: `${what}; screen:\n${last}`},
	).catch((error: Error) => {
		throw new Error(`${error.message}\n${last}`);
	});
}

// tmux is a test dependency: .ci/run installs it when the machine lacks it. Missing, this fails loudly.
describe('the console in a terminal (tmux, 80×24)', () => {
	let work: string;

	beforeAll(async () => {
		await ensureBuilt();
		work = mkdtempSync(join(tmpdir(), 'kinesis-top-e2e-'));
	}, 300_000);

	afterAll(async () => {
		await tmux('kill-server').catch(() => undefined);
		if (work) rmSync(work, {recursive: true, force: true});
	});

	test('navigate, tail, help, quit: the terminal is restored', async () => {
		const raw = join(work, 'raw-output');
		const go = join(work, 'go');
		const binary = join(root, 'bin/kinesis-top.js');
		// The program waits for `go`, so the raw output is recorded from its very first byte.
		const command = `while [ ! -e '${go}' ]; do sleep 0.05; done; exec '${process.execPath}' '${binary}' --local --in-memory --demo`;
		await tmux(
			'new-session',
			'-d',
			'-s',
			'e2e',
			'-x',
			'80',
			'-y',
			'24',
			'-c',
			work,
			'sh',
			'-c',
			command,
		);
		await tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');
		await tmux('pipe-pane', '-t', 'e2e', '-o', `cat >> '${raw}'`);
		writeFileSync(go, '');

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

		// ? : the help, over the running tail.
		await sendKeys('?');
		text = await untilScreen((s) => s.includes('Keys — press ? or esc to close'), 'the help');
		expect(text).toContain('Everywhere');

		// q: quit.
		await sendKeys('q');
		await waitFor(
			async () => (await tmux('display-message', '-p', '-t', 'e2e', '#{pane_dead}')).trim() === '1',
			{
				timeoutMs: 10_000,
				message: 'the program to exit',
			},
		);
		expect((await tmux('display-message', '-p', '-t', 'e2e', '#{pane_dead_status}')).trim()).toBe(
			'0',
		);

		// The terminal is given back: back from the alternate screen, cursor shown, the console gone.
		await waitFor(
			() => existsSync(raw) && readFileSync(raw, 'latin1').includes(LEAVE_ALTERNATE_SCREEN),
			{
				message: 'the raw output',
			},
		);
		const output = readFileSync(raw, 'latin1');
		expect(output.startsWith(ENTER_ALTERNATE_SCREEN)).toBe(true);
		const left = output.lastIndexOf(LEAVE_ALTERNATE_SCREEN);
		expect(left).toBeGreaterThan(output.lastIndexOf(ENTER_ALTERNATE_SCREEN));
		expect(output.indexOf(SHOW_CURSOR, left)).toBeGreaterThan(left);
		expect(await screen()).not.toContain('kinesis-top local');
	}, 90_000);
});

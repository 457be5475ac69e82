/**
 * End to end: bursts written straight to the console's pty, each in one write, so that the program
 * reads them in one read as it does keys typed quickly over SSH: navigation, the reshard confirmation,
 * the command line, the filter, the put form and the query editor must do what the same keys typed
 * slowly do. The pty is util-linux `script` (bench/pty-terminal.ts), not tmux: a `tmux send-keys` is a
 * process per call, with no say over how the keys are read.
 */
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {PtyTerminal} from '../../bench/pty-terminal.js';
import {ensureBuilt, root} from '../helpers/build.js';

const ESC = '\u001B';
const CTRL_U = '\u0015';
const pasted = (text: string) => `${ESC}[200~${text}${ESC}[201~`;
/** The pty's output is kept one character per byte (latin1): text to look for is spelled the same. */
const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const pattern = (source: string) => new RegExp(bytes(source));

describe('bursts written to the console’s pty (80×24)', () => {
	let pty: PtyTerminal | undefined;
	beforeAll(async () => {
		await ensureBuilt();
	}, 300_000);
	afterAll(async () => {
		await pty?.close();
	});

	test('each burst does what the same keys typed slowly do', async () => {
		const terminal = PtyTerminal.start({
			command: [
				process.execPath,
				join(root, 'bin/kinesis-top.js'),
				'--local',
				'--in-memory',
				'--demo',
			],
		});
		pty = terminal;
		/** Writes `keys` in one write, then waits for `text` in what the console draws after it. */
		const burst = async (keys: string, text: string, what: string) => {
			const from = terminal.rawLength();
			terminal.sendKeys(keys);
			await terminal.until(pattern(text), what, from);
		};

		await terminal.until(pattern('› app-logs[^]*clickstream[^]*orders'), 'the demo streams');
		// j⏎: the stream j selected (clickstream, 4 shards), not app-logs (1).
		await burst('j\r', 'clickstream · ACTIVE · PROVISIONED · 4 open of 4 shards', 'clickstream');
		await terminal.until(pattern('› 0 '), 'the first shard selected');
		await burst('jjS', 'Split shard 2 of clickstream', 'the split preview of the third shard');
		await burst('cclick\r', 'The name did not match: nothing was changed', 'a wrong name refused');
		await burst('cclickstream\r', '✓ done: the stream is ACTIVE again', 'the split made');
		// A lone Esc is still Esc (after the wait for the rest of a sequence).
		await burst(ESC, '5 open of 6 shards', 'back on the shard map');
		await burst(ESC, 'Streams 3[^]*› clickstream', 'back on the streams');

		// An arrow key split across two reads is one key.
		const from = terminal.rawLength();
		terminal.sendKeys(ESC);
		await new Promise((resolve) => setTimeout(resolve, 15));
		terminal.sendKeys('[B');
		await terminal.until(pattern('› orders'), 'orders selected by ↓', from);

		await burst(':tail orders\r', 'Tail orders · all shards', 'the command run');
		await burst(ESC, 'Streams 3', 'back on the streams');
		await burst('/ord', 'Streams 1 of 3 · /ord', 'the filter typed');
		await burst(ESC, 'Streams 3\\s', 'the filter cleared');

		await burst(':put orders\r', 'Put records to orders', 'the put form');
		await burst(`\r${CTRL_U}user-42\r`, 'Partition key +user-42', 'the partition key set');
		await burst(ESC, 'Streams 3', 'back on the streams');

		await burst(':query orders\r', 'enter edit  space pause', 'the query screen');
		const sql = 'SELECT COUNT(*) AS n\nFROM orders\nWINDOW TUMBLING (SIZE 10 SECONDS)';
		await burst(
			`\r${CTRL_U}${pasted(sql)}\r`,
			'SQL> SELECT COUNT\\(\\*\\) AS n FROM orders WINDOW TUMBLING \\(SIZE 10 SECONDS\\)',
			'the pasted query running',
		);

		const sent = performance.now();
		terminal.sendKeys('q');
		expect(await terminal.exited(10_000)).toBe(true);
		// Within a second of q: cli.tsx's safety net would only end a leaking process after 3 s.
		expect(performance.now() - sent, 'ms from q to the exit').toBeLessThan(1000);
	}, 120_000);
});

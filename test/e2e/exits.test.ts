/**
 * The built kinesis-top ends as soon as it is done: a headless command within 1 s of its last output,
 * the console within 1 s of q — against the engine in memory, a data directory, and a running `serve`
 * through --endpoint. cli.tsx's safety net would end a process that something keeps alive 3 s later;
 * these deadlines are shorter, so a leaked timer or socket fails here. The net itself is tested with a
 * timer planted by a preloaded module: it exits, and names what kept the process alive.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {PtyTerminal} from '../../bench/pty-terminal.js';
import {STILL_RUNNING} from '../../source/exit-safety-net.js';
import {temporaryDirectory} from '../commands/helpers.js';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitFor} from '../helpers/wait-for.js';

const EXIT_DEADLINE_MS = 1000;
/** The pty's output is kept one character per byte (latin1): text to look for is spelled the same. */
const pattern = (source: string) => new RegExp(Buffer.from(source, 'utf8').toString('latin1'));
const bin = join(root, 'bin/kinesis-top.js');

type Finished = {code: number | null; stdout: string; stderr: string; exitAfterOutputMs: number};

/** Runs the binary to its end; how long after its last output (stdout or stderr) it exited. */
function runToExit(args: string[], {input = '', nodeOptions = [] as string[]} = {}) {
	return new Promise<Finished>((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeOptions, bin, ...args], {cwd: root});
		let stdout = '';
		let stderr = '';
		let lastOutput = performance.now();
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
			lastOutput = performance.now();
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			lastOutput = performance.now();
		});
		child.stdin.end(input);
		child.once('error', reject);
		child.once('exit', (code) => {
			resolve({code, stdout, stderr, exitAfterOutputMs: performance.now() - lastOutput});
		});
	});
}

/** `kinesis-top serve` on a free port, in memory; its URL. */
async function startServe(children: ChildProcess[]) {
	const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--in-memory'], {cwd: root});
	children.push(child);
	let stdout = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	return waitFor(() => /APIs on (http:\/\/\S+)/.exec(stdout)?.[1], {
		timeoutMs: 15_000,
		message: 'serve to start',
	});
}

const QUERY = 'SELECT COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 10 SECONDS)';

/** The commands, each with what a run that did its work looks like. */
const COMMANDS: Array<{name: string; args: string[]; input?: string; ok: RegExp}> = [
	{name: 'streams', args: ['streams'], ok: /^orders\s/m},
	{name: 'put', args: ['put', 'orders', '--key', 'k'], input: 'a\nb\nc\n', ok: /"SequenceNumber"/},
	{
		name: 'tail --no-follow',
		args: ['tail', 'orders', '--from', 'trim-horizon', '--no-follow'],
		ok: /"PartitionKey":"k"/,
	},
	{name: 'describe', args: ['describe', 'orders'], ok: /orders/},
	{
		name: 'query --no-follow',
		args: ['query', 'orders', QUERY, '--from', 'trim-horizon', '--no-follow'],
		ok: /"n":3/,
	},
];

describe('exits of the built binary', () => {
	const children: ChildProcess[] = [];
	let endpoint: string;
	beforeAll(async () => {
		await ensureBuilt();
		endpoint = await startServe(children);
	}, 300_000);
	afterAll(() => {
		for (const child of children) child.kill('SIGTERM');
	});

	const expectPromptExit = (finished: Finished, what: string) => {
		expect(finished.stderr, what).not.toContain(STILL_RUNNING);
		expect(finished.exitAfterOutputMs, `${what}: ms from its last output to its exit`).toBeLessThan(
			EXIT_DEADLINE_MS,
		);
	};

	test.each([
		{backend: 'a data directory', flags: () => ['--local', '--data-dir', temporaryDirectory()]},
		{backend: 'serve through --endpoint', flags: () => ['--endpoint', endpoint]},
	])(
		'each headless command on $backend exits within 1 s of finishing',
		async ({flags}) => {
			const backend = flags();
			const created = await runToExit([...backend, 'create', 'orders', '--shards', '2']);
			expect(created).toMatchObject({code: 0, stderr: ''});
			expectPromptExit(created, 'create');
			for (const {name, args, input, ok} of COMMANDS) {
				const finished = await runToExit([...backend, ...args], {input});
				expect(finished.code, `${name}: ${finished.stderr}`).toBe(0);
				expect(finished.stdout, name).toMatch(ok);
				expectPromptExit(finished, name);
			}

			// The next run must not find this one's stream in serve: delete it.
			const deleted = await runToExit([...backend, 'delete', 'orders']);
			expect(deleted).toMatchObject({code: 0, stderr: ''});
		},
		120_000,
	);

	test('in memory, where each run starts empty: an answer or an error, then the exit', async () => {
		const streams = await runToExit(['--local', '--in-memory', 'streams', '--json']);
		expect(streams).toMatchObject({code: 0, stdout: '[]\n'});
		expectPromptExit(streams, 'streams');
		for (const {name, args, input} of COMMANDS.slice(1)) {
			const finished = await runToExit(['--local', '--in-memory', ...args], {input});
			expect(finished.code, name).toBe(1);
			expect(finished.stderr, name).toMatch(/^error: ResourceNotFoundException: Stream orders/);
			expectPromptExit(finished, name);
		}
	}, 120_000);

	test('something left holding the event loop: the net exits 3 s later and names it', async () => {
		// A preloaded module starts an interval that nothing clears: the leak the net is there for.
		const leak = `data:text/javascript,${encodeURIComponent('setInterval(() => {}, 60_000);')}`;
		const finished = await runToExit(['--local', '--in-memory', 'streams', '--json'], {
			nodeOptions: ['--import', leak],
		});
		expect(finished.code).toBe(0);
		expect(finished.stdout).toBe('[]\n');
		expect(finished.stderr).toMatch(
			/^kinesis-top: still running 3 s after finishing, held by: .*\bTimeout\b.*; exiting\n$/,
		);
	}, 30_000);
});

describe('the console quits within 1 s of q', () => {
	let terminal: PtyTerminal | undefined;
	const children: ChildProcess[] = [];
	let endpoint: string;
	beforeAll(async () => {
		await ensureBuilt();
		endpoint = await startServe(children);
		const created = await runToExit(['--endpoint', endpoint, 'create', 'orders', '--shards', '2']);
		expect(created).toMatchObject({code: 0, stderr: ''});
	}, 300_000);
	// After each test, so that one that failed leaves no console running.
	afterEach(async () => {
		await terminal?.close();
		terminal = undefined;
	});
	afterAll(() => {
		for (const child of children) child.kill('SIGTERM');
	});

	test.each([
		{backend: 'in memory with the demo', flags: () => ['--local', '--in-memory', '--demo']},
		{
			backend: 'a data directory with the demo',
			flags: () => ['--local', '--data-dir', temporaryDirectory(), '--demo'],
		},
		{backend: 'serve through --endpoint', flags: () => ['--endpoint', endpoint]},
	])(
		'$backend, after a live tail',
		async ({flags}) => {
			const backend = flags();
			// CI set, as a CI job that opens the console in a pty has it: Ink must still draw.
			terminal = PtyTerminal.start({
				command: [process.execPath, bin, ...backend],
				environment: {CI: 'true'},
			});
			await terminal.until(/Streams [1-9]/, 'the streams table');
			// A tail runs (timers, reads, on the endpoint an HTTP/2 session) when q comes.
			let from = terminal.rawLength();
			terminal.sendKeys('t');
			await terminal.until(pattern('Tail \\S+ · all shards'), 'the tail', from);
			from = terminal.rawLength();
			const sent = performance.now();
			terminal.sendKeys('q');
			expect(await terminal.exited(10_000), 'the console to exit').toBe(true);
			expect(performance.now() - sent, 'ms from q to the exit').toBeLessThan(EXIT_DEADLINE_MS);
			expect(terminal.exitCode).toBe(0);
			expect(terminal.rawOutput(from)).not.toContain(STILL_RUNNING);
		},
		60_000,
	);
});

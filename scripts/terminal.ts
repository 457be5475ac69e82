/**
 * A real terminal for a program under test, a benchmark or a screenshot: a tmux pane of a fixed size on
 * a private tmux server (its own socket, so nothing else running in tmux is touched). tmux draws what
 * the program writes exactly as a terminal would; `capture-pane` reads the screen (with colours on
 * request) and `pipe-pane` records the raw bytes, from the program's first one: the program waits for a
 * go file that is only created once the recording runs. The pane's shell waits for the program and
 * writes its exit status to a file (a signal meant for the program does not end the shell first).
 * tmux's own #{pane_dead_status} is not to be trusted: tmux 3.3a here can miss the SIGCHLD of a program
 * that renamed itself (as meow's process.title does) and then never reaps it or knows its status.
 */
import {execFile} from 'node:child_process';
import {
	closeSync,
	existsSync,
	fstatSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);
let sessions = 0;

export type TerminalOptions = {
	/** The program and its arguments. */
	command: readonly string[];
	width?: number;
	height?: number;
	/** Extra environment for the program (tmux's own is inherited otherwise). */
	environment?: Record<string, string>;
	cwd?: string;
};

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export class Terminal {
	/** The raw bytes the program wrote, as they arrive. */
	readonly rawFile: string;
	private readonly statusFile: string;

	private constructor(
		private readonly socket: string,
		private readonly work: string,
	) {
		this.rawFile = join(work, 'raw-output');
		this.statusFile = join(work, 'exit-status');
	}

	/** Starts `command` in a new pane (80×24 unless told otherwise) and returns once it runs. */
	static async start(options: TerminalOptions): Promise<Terminal> {
		const work = mkdtempSync(join(tmpdir(), 'kinesis-top-terminal-'));
		const terminal = new Terminal(`kinesis-top-${process.pid}-${sessions++}`, work);
		const go = join(work, 'go');
		const environment = Object.entries(options.environment ?? {})
			.map(([name, value]) => `${name}=${quote(value)} `)
			.join('');
		const program = options.command.map((part) => quote(part)).join(' ');
		const script = `while [ ! -e ${quote(go)} ]; do sleep 0.02; done; trap : INT TERM HUP; env ${environment}${program}; echo $? > ${quote(terminal.statusFile)}`;
		await terminal.tmux(
			'new-session',
			'-d',
			'-s',
			'main',
			'-x',
			String(options.width ?? 80),
			'-y',
			String(options.height ?? 24),
			'-c',
			options.cwd ?? work,
			'sh',
			'-c',
			script,
		);
		await terminal.tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
		await terminal.tmux('pipe-pane', '-t', 'main', '-o', `cat >> ${quote(terminal.rawFile)}`);
		writeFileSync(go, '');
		return terminal;
	}

	/** The screen as text, one line per row. */
	screen() {
		return this.tmux('capture-pane', '-p', '-t', 'main');
	}

	/** The screen with its colours and attributes as SGR escape sequences. */
	screenWithColour() {
		return this.tmux('capture-pane', '-p', '-e', '-t', 'main');
	}

	/** Keys in tmux's names: 'j', 'Enter', 'Escape', 'C-c', 'Down', … */
	async sendKeys(...keys: string[]) {
		await this.tmux('send-keys', '-t', 'main', ...keys);
	}

	/** Waits until `check` accepts the screen; returns it. Fails with the last screen shown. */
	async until(check: (screen: string) => boolean, what: string, timeoutMs = 15_000) {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		for (;;) {
			last = await this.screen();
			if (check(last)) return last;
			if (Date.now() > deadline) {
				throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${last}`);
			}

			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	/** The exit status once the program has ended, else undefined. */
	exitStatus(): number | undefined {
		const status = existsSync(this.statusFile) ? readFileSync(this.statusFile, 'utf8').trim() : '';
		return status === '' ? undefined : Number(status);
	}

	/** What the program has written so far, from byte `from` on (latin1: one character per byte). */
	rawOutput(from = 0) {
		if (!existsSync(this.rawFile)) return '';
		if (from === 0) return readFileSync(this.rawFile, 'latin1');
		const file = openSync(this.rawFile, 'r');
		try {
			const bytes = Buffer.alloc(Math.max(0, fstatSync(file).size - from));
			const read = readSync(file, bytes, 0, bytes.length, from);
			return bytes.subarray(0, read).toString('latin1');
		} finally {
			closeSync(file);
		}
	}

	/** How many bytes the program has written so far. */
	rawLength() {
		return statSync(this.rawFile, {throwIfNoEntry: false})?.size ?? 0;
	}

	/**
	 * Ends the program (if still running) and the tmux server, waits (up to 10 s) for the program to
	 * have exited, so that whatever it writes to (a data directory) can be removed next, and removes
	 * the work directory. Killing the server hangs the program up; the pane's shell ignores the hangup
	 * and writes the program's status when it has gone.
	 */
	async close() {
		await this.tmux('kill-server').catch(() => undefined);
		const deadline = Date.now() + 10_000;
		while (this.exitStatus() === undefined && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 20));
		}

		rmSync(this.work, {recursive: true, force: true});
	}

	private async tmux(...args: string[]) {
		return (await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args])).stdout;
	}
}

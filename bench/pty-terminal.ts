/**
 * A pseudo-terminal for timing a program's answers to key presses, with nothing heavy in between: the
 * program runs under util-linux `script`, a small relay between a pty and this process's pipes. Keys
 * are written straight to the pty and the program's output arrives as events, where tmux (used for
 * screenshots and end-to-end tests) adds a `tmux send-keys` process per key and a terminal emulator, a
 * `pipe-pane` process and a polled file per frame: under load those alone cost tens of milliseconds.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {readFile} from 'node:fs/promises';

export type PtyTerminalOptions = {
	command: readonly string[];
	width?: number;
	height?: number;
	/** Extra environment for the program. */
	environment?: Record<string, string>;
};

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
/** Key names as tmux spells them, for the keys the benchmark presses. */
const KEY_BYTES: Record<string, string> = {Escape: '\u001B', Enter: '\r', 'C-c': '\u0003'};
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001B(?:\[[\d;?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[()][\dA-Z]|[=>78])/g;

export class PtyTerminal {
	/** Everything the program wrote, one character per byte (latin1). */
	private output = '';
	private readonly ended: Promise<void>;

	private constructor(private readonly relay: ChildProcess) {
		relay.stdout!.setEncoding('latin1');
		relay.stdout!.on('data', (chunk: string) => {
			this.output += chunk;
		});
		this.ended = new Promise((resolve) => relay.once('exit', () => resolve()));
	}

	static start(options: PtyTerminalOptions) {
		const environment = Object.entries(options.environment ?? {})
			.map(([name, value]) => `${name}=${quote(value)} `)
			.join('');
		const program = options.command.map((part) => quote(part)).join(' ');
		const size = `stty cols ${options.width ?? 80} rows ${options.height ?? 24}`;
		const relay = spawn(
			'script',
			['-q', '-f', '-e', '-c', `${size} && exec env ${environment}${program}`, '/dev/null'],
			{
				stdio: ['pipe', 'pipe', 'ignore'],
				env: {...process.env, SHELL: '/bin/sh'},
			},
		);
		return new PtyTerminal(relay);
	}

	/** Keys in tmux's names ('Escape', 'Enter', 'C-c') or as the characters they type. */
	sendKeys(...keys: string[]) {
		this.relay.stdin!.write(keys.map((key) => KEY_BYTES[key] ?? key).join(''));
	}

	rawLength() {
		return this.output.length;
	}

	rawOutput(from = 0) {
		return this.output.slice(from);
	}

	/** The text of the last `characters` of output, escape sequences removed. */
	recentText(characters = 20_000) {
		return this.output.slice(-characters).replaceAll(ESCAPE_SEQUENCE, '');
	}

	/** Waits until the output since `from` shows `text`. */
	async until(text: string | RegExp, what: string, from = 0, timeoutMs = 15_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const shown = this.output.slice(from).replaceAll(ESCAPE_SEQUENCE, '');
			if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return;
			if (Date.now() > deadline) {
				throw new Error(
					`Timed out after ${timeoutMs} ms waiting for ${what}; last output:\n${this.recentText(3000)}`,
				);
			}

			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/** The program's process id: the relay's child (its shell exec'd into the program). */
	async pid() {
		const children = await readFile(
			`/proc/${this.relay.pid}/task/${this.relay.pid}/children`,
			'utf8',
		);
		return Number(children.trim().split(' ')[0]);
	}

	/** Waits up to `timeoutMs` for the program to end by itself; whether it did. */
	async exited(timeoutMs: number) {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<false>((resolve) => {
			timer = setTimeout(() => resolve(false), timeoutMs);
		});
		const ended = await Promise.race([this.ended.then(() => true), timeout]);
		clearTimeout(timer);
		return ended;
	}

	/** The program's exit status once it has ended (the relay, `script -e`, exits with it), else null. */
	get exitCode() {
		return this.relay.exitCode;
	}

	/** Ends the program if it still runs, and the relay. */
	async close() {
		if (this.relay.exitCode === null) {
			this.relay.stdin!.end();
			this.relay.kill('SIGTERM');
		}

		await this.ended;
	}
}

/**
 * The built kinesis-top in a real terminal (a tmux pane, 80×24) for the end-to-end tests: dist/ built
 * once before the tests of the file, the terminal closed after them.
 */
import {join} from 'node:path';
import {afterAll, beforeAll} from 'vitest';
import {Terminal} from '../../scripts/terminal.js';
import {ensureBuilt, root} from './build.js';

/** Call in a describe block; `start` opens the console with the given arguments. */
export function useConsoleTerminal() {
	let terminal: Terminal | undefined;
	beforeAll(async () => {
		await ensureBuilt();
	}, 300_000);
	afterAll(async () => {
		await terminal?.close();
	});
	return {
		async start(...args: string[]) {
			terminal = await Terminal.start({
				command: [process.execPath, join(root, 'bin/kinesis-top.js'), ...args],
			});
			return terminal;
		},
	};
}

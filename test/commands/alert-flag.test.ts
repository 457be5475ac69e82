import {describe, expect, test, vi} from 'vitest';
import {runRaw} from './helpers.js';

describe('--alert-iterator-age', () => {
	test('the console gets the threshold in milliseconds', async () => {
		const openConsole = vi.fn(async () => undefined);
		const outcome = await runRaw(['--local', '--in-memory', '--alert-iterator-age', '90s'], {
			io: {isTTY: true, openConsole},
		});
		expect(outcome.status).toBe(0);
		const [[options]] = openConsole.mock.calls as unknown as Array<[{alertIteratorAgeMs?: number}]>;
		expect(options.alertIteratorAgeMs).toBe(90_000);
	});

	test('a value that is not an age is a usage error, and commands do not take the flag', async () => {
		const openConsole = vi.fn(async () => undefined);
		const bad = await runRaw(['--local', '--in-memory', '--alert-iterator-age', 'soon'], {
			io: {isTTY: true, openConsole},
		});
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/^error: --alert-iterator-age must be an age such as 30s/);
		expect(openConsole).not.toHaveBeenCalled();
		const command = await runRaw(['streams', '--local', '--alert-iterator-age', '60s']);
		expect(command.status).toBe(2);
	});
});

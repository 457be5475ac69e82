import {EventEmitter} from 'node:events';
import {afterEach, describe, expect, test} from 'vitest';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {NotATerminalError, runConsole} from '../../source/ui/run-console.js';
import {waitFor} from '../helpers/wait-for.js';

const ENTER = '\u001B[?1049h';
const LEAVE = '\u001B[?1049l\u001B[?25h';
const ctrlC = '\u0003';

/** A terminal for Ink: a TTY stdout of 80×24 that records what is written, and a TTY stdin. */
class FakeStdout extends EventEmitter {
	isTTY = true;
	columns = 80;
	rows = 24;
	output = '';
	write = (chunk: string, callback?: () => void) => {
		this.output += chunk;
		callback?.();
		return true;
	};
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write(data: string) {
		this.data = data;
		this.emit('readable');
	}
	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

const drivers: LocalDriver[] = [];
afterEach(async () => {
	for (const driver of drivers.splice(0)) await driver.close();
});

function terminal() {
	const stdout = new FakeStdout();
	const stdin = new FakeStdin();
	return {
		stdout,
		stdin,
		streams: {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
		},
	};
}

describe('runConsole', () => {
	for (const [name, key] of [
		['q', 'q'],
		['Ctrl+C', ctrlC],
	]) {
		test(`runs the demo in the alternate screen; ${name} leaves it and stops the demo`, async () => {
			const driver = LocalDriver.open({enforceLimits: false});
			drivers.push(driver);
			// The demo's puts, by the signal each carries (only the demo puts here).
			const demoSignals: AbortSignal[] = [];
			const putRecords = driver.putRecords.bind(driver);
			driver.putRecords = async (name, records, signal) => {
				if (signal) demoSignals.push(signal);
				return putRecords(name, records, signal);
			};
			const {stdout, stdin, streams} = terminal();
			const done = runConsole({driver, demo: true, pollIntervalMs: 50, ...streams});
			await waitFor(
				() => stdout.output.includes('clickstream') && stdout.output.includes('app-logs'),
				{
					message: 'the demo streams on screen',
				},
			);
			expect(stdout.output.startsWith(ENTER)).toBe(true);
			expect(stdout.output).toContain('[DEMO]');
			expect(stdout.output).not.toContain(LEAVE);

			stdin.write(key);
			await done;
			expect(stdout.output.endsWith(LEAVE)).toBe(true);

			// The demo is stopped: nothing more arrives.
			const count = async () => {
				const {Shards} = await driver.describeStream('orders');
				let total = 0;
				for (const shard of Shards) {
					const iterator = await driver.getShardIterator('orders', shard.ShardId, {
						type: 'TRIM_HORIZON',
					});
					total += (await driver.getRecords(iterator)).Records.length;
				}

				return total;
			};

			expect(await count()).toBeGreaterThan(0);
			// Every put the demo made carried its signal, now aborted: a put it starts later is refused
			// before it is made, so none can arrive.
			expect(demoSignals.length).toBeGreaterThan(0);
			expect(demoSignals.filter((signal) => !signal.aborted)).toEqual([]);
		});
	}

	test('refuses to start without a terminal, before touching the screen', async () => {
		const driver = LocalDriver.open({});
		drivers.push(driver);
		const {stdout, streams} = terminal();
		stdout.isTTY = false;
		await expect(runConsole({driver, demo: true, ...streams})).rejects.toBeInstanceOf(
			NotATerminalError,
		);
		expect(stdout.output).toBe('');
		expect(await driver.listStreams()).toEqual([]);
	});
});

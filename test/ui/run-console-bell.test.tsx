/** The iterator-age alert's bell reaches the terminal: BEL written to the console's stdout. */
import {EventEmitter} from 'node:events';
import {afterEach, expect, test} from 'vitest';
import type {Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {runConsole} from '../../source/ui/run-console.js';
import {waitFor} from '../helpers/wait-for.js';

const BELL = '\u0007';

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

test('--alert-iterator-age: a stream above it rings the terminal bell once', async () => {
	const local = LocalDriver.open({enforceLimits: false});
	drivers.push(local);
	await local.createStream('lagging', {mode: 'PROVISIONED', shardCount: 1});
	// CloudWatch says the readers are 5 minutes behind.
	const driver = Object.create(local) as Driver;
	driver.getMetrics = async (request, signal) =>
		(await local.getMetrics(request, signal)).map((series) =>
			series.query.metricName === 'GetRecords.IteratorAgeMilliseconds'
				? {
						...series,
						points: [
							{timestamp: new Date(Math.floor(Date.now() / 60_000) * 60_000), value: 300_000},
						],
					}
				: series,
		);
	const stdout = new FakeStdout();
	const stdin = new FakeStdin();
	const done = runConsole({
		driver,
		demo: false,
		pollIntervalMs: 50,
		alertIteratorAgeMs: 60_000,
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
	});
	await waitFor(() => stdout.output.includes('age > 1m: 1!'), {message: 'the alert on screen'});
	await waitFor(() => stdout.output.includes(BELL), {message: 'the bell'});
	// Many frames later, still one bell: the stream has not crossed again.
	const length = stdout.output.length;
	await waitFor(() => stdout.output.length > length + 1000, {message: 'more frames'});
	expect(stdout.output.split(BELL)).toHaveLength(2);
	stdin.write('q');
	await done;
});

/**
 * The tail-UI figure: the console tailing a 4-shard stream fed 20,000 records/s, in a real terminal
 * (an 80×24 pseudo-terminal, see pty-terminal.ts). Three processes, so the figure is the console's alone: `kinesis-top serve`
 * (in memory, limits off), this process as the producer (PutRecords of 500 through the AWS driver, as
 * a real producer), and the console under test pointed at serve with --endpoint. Measured from outside:
 * the console's CPU and RSS from /proc, its frames per second from the synchronized-update markers Ink
 * wraps each frame in, and the time from a key press (written to the pty) to the first frame that shows it.
 */
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {AwsDriver} from '../source/driver/aws-driver.js';
import type {PutRecordsRequestEntry} from '../source/driver/driver.js';
import {processUsage, spawnServer, stopChild} from './child-process.js';
import {PtyTerminal} from './pty-terminal.js';
import {median, type Figure} from './report.js';

const RATE = 20_000;
const BATCH = 500;
const STREAM = 'bench';
/** The end of each frame Ink draws (synchronized output, DEC mode 2026). */
const END_OF_FRAME = '\u001B[?2026l';

export type TailUiOptions = {
	/** Records fed before the final RSS is read (the figure is after 5 million). */
	records: number;
	/** Key presses timed. */
	presses: number;
	log?: (line: string) => void;
};

const root = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], q: number) =>
	[...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

/** ~100-byte JSON records with keys spread over many users. */
function makeBatch(sequence: number): PutRecordsRequestEntry[] {
	const encoder = new TextEncoder();
	return Array.from({length: BATCH}, (_, index) => {
		const n = sequence * BATCH + index;
		const user = `u-${(n * 7919) % 100_000}`;
		return {
			PartitionKey: user,
			Data: encoder.encode(
				JSON.stringify({n, user, page: '/products/42', action: 'view', ms: n % 997}).padEnd(100),
			),
		};
	});
}

/** Feeds the stream at RATE until stopped; counts what was accepted. */
function startProducer(driver: AwsDriver) {
	let accepted = 0;
	let stopped = false;
	let batches = 0;
	const started = Date.now();
	const loop = async () => {
		while (!stopped) {
			// Keep to the schedule: the batches owed by now, a few calls in flight at once.
			const owed = Math.floor(((Date.now() - started) / 1000) * (RATE / BATCH)) - batches;
			if (owed <= 0) {
				await sleep(5);
				continue;
			}

			const calls = Array.from({length: Math.min(owed, 4)}, () =>
				driver.putRecords(STREAM, makeBatch(batches++)),
			);
			for (const result of await Promise.all(calls)) {
				accepted += BATCH - result.failedRecordCount;
			}
		}
	};

	// A failed call ends the feed; stop() reports it.
	const running = loop();
	return {
		accepted: () => accepted,
		async stop() {
			stopped = true;
			await running;
		},
	};
}

/** Milliseconds from a key press to the end of the first frame after it that contains `marker`. */
async function timeKey(terminal: PtyTerminal, key: string, marker: string) {
	const offset = terminal.rawLength();
	const start = performance.now();
	terminal.sendKeys(key);
	for (;;) {
		const output = terminal.rawOutput(offset);
		const at = output.indexOf(marker);
		if (at >= 0 && output.includes(END_OF_FRAME, at)) return performance.now() - start;
		if (performance.now() - start > 5000)
			throw new Error(`no frame showed "${marker}" after ${key}`);
		await sleep(1);
	}
}

export async function tailUiBenchmarks(options: TailUiOptions): Promise<Figure[]> {
	const log = options.log ?? (() => undefined);
	const serve = await spawnServer(
		[join(root, 'bin/kinesis-top.js'), 'serve', '--in-memory', '--no-limits', '--port', '0'],
		/on (http:\/\/\S+) /,
	);
	const endpoint = serve.match[1];
	const credentials = {accessKeyId: 'bench', secretAccessKey: 'bench'};
	const driver = new AwsDriver({endpoint, region: 'us-east-1', credentials, environment: {}});
	let terminal: PtyTerminal | undefined;
	let producer: ReturnType<typeof startProducer> | undefined;
	try {
		await driver.createStream(STREAM, {mode: 'PROVISIONED', shardCount: 4});
		for (;;) {
			const summary = await driver.describeStreamSummary(STREAM);
			if (summary.StreamStatus === 'ACTIVE') break;
			await sleep(50);
		}

		terminal = PtyTerminal.start({
			command: [
				process.execPath,
				join(root, 'bin/kinesis-top.js'),
				'--endpoint',
				endpoint,
				'--region',
				'us-east-1',
			],
			environment: {
				TERM: 'xterm-256color',
				AWS_ACCESS_KEY_ID: 'bench',
				AWS_SECRET_ACCESS_KEY: 'bench',
			},
		});
		await terminal.until(STREAM, 'the streams list');
		// The same key presses on the idle console first: the floor that the terminal and the frame cap set.
		const idle = await timeKeys(terminal, Math.max(5, Math.floor(options.presses / 2)));
		producer = startProducer(driver);
		// t on the selected (only) stream: the tail of all its shards.
		const beforeTail = terminal.rawLength();
		terminal.sendKeys('t');
		await terminal.until(`Tail ${STREAM}`, 'the tail', beforeTail);
		const pid = await terminal.pid();

		// Frames and CPU over a steady 10 s window.
		await sleep(3000);
		const before = await processUsage(pid);
		const windowOffset = terminal.rawLength();
		const windowStart = performance.now();
		await sleep(10_000);
		const after = await processUsage(pid);
		const windowSeconds = (performance.now() - windowStart) / 1000;
		const fps = countFrames(terminal.rawOutput(windowOffset)) / windowSeconds;
		const cpu = (after.cpuSeconds - before.cpuSeconds) / windowSeconds;
		log(`  ${fps.toFixed(1)} frames/s, CPU ${(cpu * 100).toFixed(0)}%`);

		// Key to frame: open and close the help over the running tail.
		const latencies = await timeKeys(terminal, options.presses, 'buffered');

		// Memory once the records are through; the peak is sampled every second on the way.
		let peakRss = after.rssBytes;
		while (producer.accepted() < options.records) {
			await sleep(1000);
			peakRss = Math.max(peakRss, (await processUsage(pid)).rssBytes);
			log(`  ${producer.accepted().toLocaleString('en-US')} records fed`);
		}

		const fed = producer.accepted();
		const feedSeconds = (performance.now() - windowStart) / 1000;
		await producer.stop();
		const final = await processUsage(pid);
		const screen = terminal.recentText(4000);
		const read = [...screen.matchAll(/([\d.,]+)(k?)\/s read/g)].at(-1);
		const readRate = read ? Number(read[1].replaceAll(',', '')) * (read[2] ? 1000 : 1) : 0;
		terminal.sendKeys('q');
		if (!(await terminal.exited(5000))) throw new Error('the console did not quit on q');
		return [
			{name: 'records fed', unit: 'records', value: fed},
			{name: 'feed rate', unit: 'rec/s', value: fed / feedSeconds, target: RATE * 0.9},
			{name: 'tail read rate (on screen)', unit: 'rec/s', value: readRate},
			{name: 'console CPU', unit: '% of a core', value: cpu * 100},
			{name: 'frames per second', unit: 'fps', value: fps, decimals: 1, target: 30, atMost: true},
			{name: 'key → frame p50, idle', unit: 'ms', value: median(idle), decimals: 1},
			{name: 'key → frame p99, idle', unit: 'ms', value: percentile(idle, 0.99), decimals: 1},
			{name: 'key → frame p50', unit: 'ms', value: median(latencies), decimals: 1},
			{
				name: 'key → frame p99',
				unit: 'ms',
				value: percentile(latencies, 0.99),
				decimals: 1,
				target: 100,
				atMost: true,
			},
			{name: 'key → frame max', unit: 'ms', value: Math.max(...latencies), decimals: 1},
			{name: 'console RSS at the end', unit: 'MB', value: final.rssBytes / 1e6},
			{
				name: 'console RSS peak',
				unit: 'MB',
				value: Math.max(peakRss, final.rssBytes) / 1e6,
				target: 250,
				atMost: true,
			},
		];
	} finally {
		await producer?.stop();
		await terminal?.close();
		await driver.close();
		await stopChild(serve.child);
	}
}

/** Opens and closes the help `presses` times; the times from each key to the frame showing it. */
async function timeKeys(terminal: PtyTerminal, presses: number, back = 'NAME') {
	const latencies: number[] = [];
	for (let press = 0; press < presses; press++) {
		latencies.push(await timeKey(terminal, '?', '? or esc closes'));
		await sleep(100);
		latencies.push(await timeKey(terminal, 'Escape', back));
		await sleep(100);
	}

	return latencies;
}

const countFrames = (output: string) => output.split(END_OF_FRAME).length - 1;

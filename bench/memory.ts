/**
 * Memory: resident bytes per stored record in memory and on disk (each engine in a child process of its
 * own, memory-child.ts), how fast a reader finds a position by sequence number and by timestamp, and the
 * console's memory after an hour of demo traffic, extrapolated from a shorter measured run.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {ManualClock} from '../source/engine/clock.js';
import {KinesisEngine} from '../source/engine/engine.js';
import {processUsage} from './child-process.js';
import type {MemoryChildResult} from './memory-child.js';
import {PtyTerminal} from './pty-terminal.js';
import {median, type Figure} from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const sleep = async (ms: number) =>
	new Promise((resolve) => {
		setTimeout(resolve, ms);
	});

async function runChild(args: string[]): Promise<MemoryChildResult> {
	const child = spawn(process.execPath, ['--expose-gc', join(here, 'memory-child.js'), ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const code = await new Promise((resolve) => child.once('exit', resolve));
	if (code !== 0) throw new Error(`memory-child ${args.join(' ')} exited with ${String(code)}`);
	return JSON.parse(output.trim().split('\n').at(-1)!) as MemoryChildResult;
}

/**
 * Bytes of RSS per record: the least-squares slope over the samples from `from` of the way through (once
 * the segment cache is full). A slope over many samples, because RSS moves by tens of MB as 16 MiB
 * segment buffers are allocated and freed, and the difference of two samples would mostly be that noise.
 */
function slope(result: MemoryChildResult, from: number) {
	const last = result.samples.at(-1)!;
	const points = result.samples.filter((sample) => sample.records >= last.records * from);
	const meanX = points.reduce((sum, point) => sum + point.records, 0) / points.length;
	const meanY = points.reduce((sum, point) => sum + point.rssBytes, 0) / points.length;
	let covariance = 0;
	let variance = 0;
	for (const point of points) {
		covariance += (point.records - meanX) * (point.rssBytes - meanY);
		variance += (point.records - meanX) ** 2;
	}

	return covariance / variance;
}

/**
 * Time to reach a position: GetShardIterator (AT_SEQUENCE_NUMBER or AT_TIMESTAMP) then a GetRecords of
 * one record, at random positions over `records` stored records; the median of `runs` runs, µs of CPU
 * per read.
 */
export async function lookupTimes(records: number, runs: number) {
	const clock = new ManualClock();
	const engine = new KinesisEngine({clock, enforceLimits: false, memoryBudgetBytes: 2 ** 40});
	engine.createStream({StreamName: 'lookup', ShardCount: 1});
	const data = Buffer.alloc(100, 1);
	const sequences: string[] = [];
	const start = clock.now();
	for (let put = 0; put < records; put += 500) {
		clock.advance(1);
		const output = await engine.putRecords({
			StreamName: 'lookup',
			Records: Array.from({length: 500}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
		});
		sequences.push(output.Records[put % 499].SequenceNumber!);
	}

	const span = clock.now() - start;
	const lookups = 5000;
	let state = 7;
	const random = () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};

	const time = (from: () => Parameters<KinesisEngine['getShardIterator']>[0]) => {
		// CPU time, not wall time: on a shared machine another process's burst would count as ours.
		const started = process.cpuUsage();
		for (let i = 0; i < lookups; i++) {
			const iterator = engine.getShardIterator(from()).ShardIterator;
			if (engine.getRecords({ShardIterator: iterator, Limit: 1}).Records.length !== 1)
				throw new Error('lookup found nothing');
		}

		const used = process.cpuUsage(started);
		return (used.user + used.system) / lookups;
	};

	const bySequence: number[] = [];
	const byTimestamp: number[] = [];
	for (let run = -1; run < runs; run++) {
		const sequenceTime = time(() => ({
			StreamName: 'lookup',
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_SEQUENCE_NUMBER',
			StartingSequenceNumber: sequences[Math.floor(random() * sequences.length)],
		}));
		const timestampTime = time(() => ({
			StreamName: 'lookup',
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: start + Math.floor(random() * span),
		}));
		// The first run warms V8 up and is not counted.
		if (run >= 0) {
			bySequence.push(sequenceTime);
			byTimestamp.push(timestampTime);
		}
	}

	await engine.close();
	return {bySequence: median(bySequence), byTimestamp: median(byTimestamp)};
}

/**
 * `npm start` (the console, in-memory engine, demo traffic), fed at `rate` records/s (limits off, so
 * the demo is not throttled) for `seconds`, with `extra` flags; its RSS is read from outside every
 * second. The growth per record over the second half of the run, once every shard has sealed segments
 * (before that, RSS also holds the copies left by growing buffers), extrapolates the RSS after an hour
 * at the demo's default 300 records/s.
 */
export async function consoleRun(rate: number, seconds: number, extra: string[] = []) {
	const terminal = PtyTerminal.start({
		command: [
			process.execPath,
			join(root, 'bin/kinesis-top.js'),
			'--local',
			'--in-memory',
			'--no-limits',
			'--demo',
			'--demo-rate',
			String(rate),
			...extra,
		],
		environment: {TERM: 'xterm-256color', FORCE_COLOR: '1'},
	});
	try {
		await terminal.until('clickstream', 'the console to list the demo streams', 0, 30_000);
		const pid = await terminal.pid();
		const started = performance.now();
		const samples: Array<{records: number; rssBytes: number}> = [];
		while (performance.now() - started < seconds * 1000) {
			await sleep(1000);
			const usage = await processUsage(pid);
			samples.push({
				records: ((performance.now() - started) / 1000) * rate,
				rssBytes: usage.rssBytes,
			});
		}

		const last = samples.at(-1)!;
		const perRecord = slope({records: last.records, frameBytes: 0, samples}, 0.5);
		const hourRecords = 3600 * 300;
		return {
			measured: last.rssBytes,
			perRecord,
			hour: last.rssBytes + perRecord * Math.max(0, hourRecords - last.records),
		};
	} finally {
		terminal.sendKeys('q');
		if (!(await terminal.exited(5000))) await terminal.close();
	}
}

export async function memoryBenchmarks(options: {
	quick: boolean;
	log?: (line: string) => void;
}): Promise<Figure[]> {
	const log = options.log ?? (() => undefined);
	const inMemory = await runChild([
		'--mode=memory',
		`--records=${options.quick ? 500_000 : 2_000_000}`,
	]);
	log(`in memory: ${JSON.stringify(inMemory)}`);
	const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-bench-memory-'));
	let durable: MemoryChildResult;
	try {
		durable = await runChild([
			'--mode=durable',
			`--directory=${join(directory, 'data')}`,
			'--records=20000000',
			`--seconds=${options.quick ? 15 : 60}`,
			'--sample-every=250000',
		]);
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}

	log(`durable: ${JSON.stringify(durable)}`);
	const inMemoryPerRecord =
		(inMemory.samples.at(-1)!.rssBytes - inMemory.samples[0].rssBytes) / inMemory.records;
	const lookups = await lookupTimes(options.quick ? 200_000 : 1_000_000, options.quick ? 3 : 5);
	const demoRate = 10_000;
	const consoleSeconds = options.quick ? 20 : 60;
	const hour = await consoleRun(demoRate, consoleSeconds);
	const capped = await consoleRun(demoRate, consoleSeconds, ['--max-memory', '64MiB']);
	return [
		{
			name: `RSS/record in memory (${(inMemory.records / 1e6).toFixed(1)} M)`,
			unit: 'B',
			value: inMemoryPerRecord,
		},
		{
			name: '  of which beyond the frame',
			unit: `B (frame ${inMemory.frameBytes.toFixed(0)} B)`,
			value: inMemoryPerRecord - inMemory.frameBytes,
		},
		{
			name: `RSS/record durable (${(durable.records / 1e6).toFixed(1)} M)`,
			unit: 'B, RSS growth from 1/4 of the way on',
			value: slope(durable, 0.25),
			decimals: 2,
			target: 2,
			atMost: true,
		},
		{
			name: 'durable RSS at the end',
			unit: 'MB (64 MiB segment cache)',
			value: durable.samples.at(-1)!.rssBytes / 1e6,
		},
		{name: 'read at a sequence number', unit: 'µs', value: lookups.bySequence, decimals: 1},
		{name: 'read at a timestamp', unit: 'µs', value: lookups.byTimestamp, decimals: 1},
		{
			name: 'npm start, measured',
			unit: `MB after ${consoleSeconds} s at ${demoRate.toLocaleString('en-US')} rec/s`,
			value: hour.measured / 1e6,
		},
		{name: '  growth per record', unit: 'B, second half', value: hour.perRecord},
		{
			name: 'npm start after an hour',
			unit: 'MB at 300 rec/s (extrapolated)',
			value: hour.hour / 1e6,
		},
		{
			name: 'npm start --max-memory 64MiB',
			unit: `MB after ${consoleSeconds} s at ${demoRate.toLocaleString('en-US')} rec/s`,
			value: capped.measured / 1e6,
		},
		{name: '  growth per record', unit: 'B, second half', value: capped.perRecord},
	];
}

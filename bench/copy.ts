/**
 * Copy throughput, stream to stream (`kinesis-top copy`'s model, CopyRun: the range reader, per-key
 * ordered PutRecords, the checkpoint kept in memory): on the local engine in this process (limits off),
 * beside a ceiling measured in the same run — PutRecords of the same records alone, with no reading and
 * no ordering — and through the AWS driver against `serve` (in this process, so the client and the server
 * share the machine's cores). Each is given by the wall clock and per CPU second of this process: on a
 * shared machine the wall clock measures the neighbours too.
 */
import {randomBytes} from 'node:crypto';
import {Checkpoint} from '../source/copy/checkpoint.js';
import {CopyRun} from '../source/copy/copy-run.js';
import {readStreamRange} from '../source/copy/stream-source.js';
import {AwsDriver} from '../source/driver/aws-driver.js';
import type {Driver, PutRecordsRequestEntry} from '../source/driver/driver.js';
import {LocalDriver} from '../source/driver/local-driver.js';
import {LocalBackend} from '../source/engine/local-backend.js';
import {KinesisServer} from '../source/server/server.js';
import {median, type Figure} from './report.js';

const RECORD_BYTES = 100;
const BATCH = 500;
const SHARDS = 4;
/** Distinct partition keys: enough that per-key serialisation still fills every call. */
const KEYS = 10_000;

function makeBatches(records: number): PutRecordsRequestEntry[][] {
	const payload = randomBytes(records * RECORD_BYTES);
	const keys = Array.from({length: KEYS}, () => randomBytes(8).toString('hex'));
	const batches: PutRecordsRequestEntry[][] = [];
	for (let i = 0; i < records; i += BATCH) {
		const batch: PutRecordsRequestEntry[] = [];
		for (let j = i; j < Math.min(records, i + BATCH); j++) {
			batch.push({
				PartitionKey: keys[Math.floor(Math.random() * KEYS)],
				Data: payload.subarray(j * RECORD_BYTES, (j + 1) * RECORD_BYTES),
			});
		}

		batches.push(batch);
	}

	return batches;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** CPU seconds (user + system) this process spent since `start`: steadier than the wall clock on a shared machine. */
const cpuSeconds = (start: NodeJS.CpuUsage) => {
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1e6;
};

type Rates = {wall: number; cpu: number};

async function fill(driver: Driver, stream: string, batches: PutRecordsRequestEntry[][]) {
	await driver.createStream(stream, {mode: 'PROVISIONED', shardCount: SHARDS});
	for (const batch of batches) {
		const output = await driver.putRecords(stream, batch);
		if (output.failedRecordCount > 0) throw new Error('the source could not be filled');
	}
}

/** One copy of `source` into a new stream; records per second of wall-clock time and of CPU time. */
async function timeCopy(
	driver: Driver,
	source: string,
	destination: string,
	records: number,
): Promise<Rates> {
	await driver.createStream(destination, {mode: 'PROVISIONED', shardCount: SHARDS});
	const start = process.hrtime.bigint();
	const cpu = process.cpuUsage();
	const progress = await new CopyRun(driver, {
		source: readStreamRange(
			driver,
			{stream: source, from: {type: 'TRIM_HORIZON'}},
			{tail: {catchUpPollMs: 0, idlePollMs: 50}},
		),
		destination: {kind: 'stream', name: destination},
		key: {kind: 'keep'},
		dryRun: false,
		checkpoint: Checkpoint.open(undefined, source, destination),
	}).run();
	const elapsed = seconds(start);
	const cpuElapsed = cpuSeconds(cpu);
	if (progress.copied !== records) {
		throw new Error(`copied ${progress.copied} records of ${records}`);
	}

	await driver.deleteStream(destination);
	return {wall: records / elapsed, cpu: records / cpuElapsed};
}

/** The ceiling: the same records put in calls of 500, one call at a time, nothing read. */
async function timePutsAlone(
	driver: Driver,
	stream: string,
	batches: PutRecordsRequestEntry[][],
): Promise<Rates> {
	await driver.createStream(stream, {mode: 'PROVISIONED', shardCount: SHARDS});
	const start = process.hrtime.bigint();
	const cpu = process.cpuUsage();
	let records = 0;
	for (const batch of batches) {
		await driver.putRecords(stream, batch);
		records += batch.length;
	}

	const elapsed = seconds(start);
	const cpuElapsed = cpuSeconds(cpu);
	await driver.deleteStream(stream);
	return {wall: records / elapsed, cpu: records / cpuElapsed};
}

/** Two figures per measurement: by the wall clock, and per CPU second. */
function figuresOf(name: string, copies: Rates[], ceilings: Rates[], target?: number): Figure[] {
	const of = (rates: Rates[], key: keyof Rates) => median(rates.map((rate) => rate[key]));
	return [
		{
			name,
			unit: 'records/s',
			value: of(copies, 'wall'),
			ceilingName: 'PutRecords alone',
			ceiling: of(ceilings, 'wall'),
			target,
		},
		{
			name: `${name}, per CPU s`,
			unit: 'records/s',
			value: of(copies, 'cpu'),
			ceilingName: 'PutRecords alone',
			ceiling: of(ceilings, 'cpu'),
			target,
		},
	];
}

export async function copyBenchmarks(options: {
	records: number;
	wireRecords: number;
	runs: number;
}): Promise<Figure[]> {
	const figures: Figure[] = [];
	{
		const driver = LocalDriver.open({enforceLimits: false, createDelayMs: 0, deleteDelayMs: 0});
		try {
			const batches = makeBatches(options.records);
			await fill(driver, 'source', batches);
			const copies: Rates[] = [];
			const ceilings: Rates[] = [];
			await timeCopy(driver, 'source', 'warm-up', options.records);
			for (let run = 0; run < options.runs; run++) {
				copies.push(await timeCopy(driver, 'source', `copy-${run}`, options.records));
				ceilings.push(await timePutsAlone(driver, `puts-${run}`, batches));
			}

			figures.push(...figuresOf('copy, local engine', copies, ceilings, 100_000));
		} finally {
			await driver.close();
		}
	}

	{
		const backend = LocalBackend.open({enforceLimits: false, createDelayMs: 0, deleteDelayMs: 0});
		const server = new KinesisServer({
			engine: backend.kinesis,
			firehose: backend.firehose,
			port: 0,
		});
		const endpoint = await server.start();
		const driver = new AwsDriver({
			endpoint,
			region: 'us-east-1',
			environment: {},
			credentials: {accessKeyId: 'bench', secretAccessKey: 'bench'},
		});
		try {
			const batches = makeBatches(options.wireRecords);
			await fill(driver, 'source', batches);
			const copies: Rates[] = [];
			const ceilings: Rates[] = [];
			for (let run = 0; run < options.runs; run++) {
				copies.push(await timeCopy(driver, 'source', `copy-${run}`, options.wireRecords));
				ceilings.push(await timePutsAlone(driver, `puts-${run}`, batches));
			}

			figures.push(...figuresOf('copy, AWS driver → serve', copies, ceilings));
		} finally {
			await driver.close();
			await server.stop();
			await backend.close();
		}
	}

	return figures;
}

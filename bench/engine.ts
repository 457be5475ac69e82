/**
 * Engine throughput: PutRecords in memory and durable, GetRecords, each beside a ceiling measured in the
 * same run on the same bytes, so the ratio says how much of the machine's speed the engine keeps.
 */
import {randomBytes} from 'node:crypto';
import {closeSync, mkdtempSync, openSync, rmSync, write} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {KinesisEngine} from '../source/engine/engine.js';
import type {PutRecordsRequestEntry} from '../source/kinesis/types.js';
import {median, type Figure} from './report.js';

const RECORD_BYTES = 100;
const BATCH = 500;
const writeAsync = promisify(write);

/** Batches of 500 records of 100 bytes with random partition keys, made before any timing starts. */
function makeBatches(records: number): PutRecordsRequestEntry[][] {
	const batches: PutRecordsRequestEntry[][] = [];
	const payload = randomBytes(records * RECORD_BYTES);
	for (let i = 0; i < records; i += BATCH) {
		const batch: PutRecordsRequestEntry[] = [];
		for (let j = i; j < Math.min(records, i + BATCH); j++) {
			batch.push({
				PartitionKey: randomBytes(8).toString('hex'),
				Data: payload.subarray(j * RECORD_BYTES, (j + 1) * RECORD_BYTES),
			});
		}

		batches.push(batch);
	}

	return batches;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function timePuts(
	engine: KinesisEngine,
	batches: PutRecordsRequestEntry[][],
	concurrency: number,
) {
	let next = 0;
	const start = process.hrtime.bigint();
	const worker = async () => {
		while (next < batches.length) {
			const batch = batches[next++];
			const output = await engine.putRecords({StreamName: 'bench', Records: batch});
			if (output.FailedRecordCount > 0) throw new Error('bench put failed');
		}
	};

	await Promise.all(Array.from({length: concurrency}, worker));
	return seconds(start);
}

/** Ceiling for in-memory puts: the same bytes (key + data) appended to an array. */
function timeArrayAppend(batches: PutRecordsRequestEntry[][]) {
	const kept: Array<{key: string; data: Uint8Array}> = [];
	const start = process.hrtime.bigint();
	for (const batch of batches) {
		for (const entry of batch) kept.push({key: entry.PartitionKey, data: Buffer.from(entry.Data)});
	}

	const elapsed = seconds(start);
	if (kept.length === 0) throw new Error('nothing appended');
	return elapsed;
}

/** Ceiling for durable puts: the same bytes appended to one file, one write per batch (the commit policy). */
async function timeFileAppend(batches: PutRecordsRequestEntry[][], directory: string) {
	const fd = openSync(join(directory, 'ceiling.log'), 'w');
	let position = 0;
	const start = process.hrtime.bigint();
	for (const batch of batches) {
		const buffer = Buffer.concat(
			batch.flatMap((entry) => [Buffer.from(entry.PartitionKey), entry.Data]),
		);
		await writeAsync(fd, buffer, 0, buffer.length, position);
		position += buffer.length;
	}

	const elapsed = seconds(start);
	closeSync(fd);
	return elapsed;
}

function readAll(engine: KinesisEngine) {
	const start = process.hrtime.bigint();
	let count = 0;
	for (const shard of engine.listShards({StreamName: 'bench'})) {
		let iterator: string | undefined = engine.getShardIterator({
			StreamName: 'bench',
			ShardId: shard.ShardId,
			ShardIteratorType: 'TRIM_HORIZON',
		}).ShardIterator;
		while (iterator) {
			const page = engine.getRecords({ShardIterator: iterator, Limit: 10_000});
			count += page.Records.length;
			if (page.Records.length === 0) break;
			iterator = page.NextShardIterator;
		}
	}

	return {elapsed: seconds(start), count};
}

/** Ceiling for reads: walking the same number of records already in an array, copying each out. */
function timeArrayRead(batches: PutRecordsRequestEntry[][]) {
	const start = process.hrtime.bigint();
	let bytes = 0;
	for (const batch of batches) {
		for (const entry of batch) {
			const copy = {key: entry.PartitionKey, data: entry.Data, at: new Date(0)};
			bytes += copy.data.length;
		}
	}

	if (bytes === 0) throw new Error('nothing read');
	return seconds(start);
}

export async function engineBenchmarks(options: {
	records: number;
	runs: number;
	/** Runs done first and not counted: the engine runs in long-lived processes, so the figure is its speed once V8 has settled its optimised code (the first million records or so), not the first call's. */
	warmups: number;
}): Promise<Figure[]> {
	const batches = makeBatches(options.records);
	const n = options.records;
	const memory: number[] = [];
	const memoryCeiling: number[] = [];
	const durable: number[] = [];
	const durableCeiling: number[] = [];
	const reads: number[] = [];
	const readCeiling: number[] = [];
	for (let run = -options.warmups; run < options.runs; run++) {
		const counted = run >= 0;
		const record = (figures: number[], value: number) => {
			if (counted) figures.push(value);
		};

		const inMemory = new KinesisEngine({enforceLimits: false});
		inMemory.createStream({StreamName: 'bench', ShardCount: 4});
		record(memory, n / (await timePuts(inMemory, batches, 1)));
		record(memoryCeiling, n / timeArrayAppend(batches));
		const read = readAll(inMemory);
		if (read.count !== n) throw new Error(`read ${read.count} of ${n}`);
		record(reads, n / read.elapsed);
		record(readCeiling, n / timeArrayRead(batches));
		await inMemory.close();

		const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-bench-'));
		try {
			const onDisk = new KinesisEngine({
				dataDirectory: join(directory, 'data'),
				enforceLimits: false,
			});
			onDisk.createStream({StreamName: 'bench', ShardCount: 4});
			record(durable, n / (await timePuts(onDisk, batches, 8)));
			await onDisk.close();
			record(durableCeiling, n / (await timeFileAppend(batches, directory)));
		} finally {
			rmSync(directory, {recursive: true, force: true});
		}
	}

	return [
		{
			name: 'PutRecords, in memory',
			unit: 'rec/s',
			value: median(memory),
			ceilingName: 'array append',
			ceiling: median(memoryCeiling),
			target: 1_000_000,
		},
		{
			name: 'PutRecords, durable',
			unit: 'rec/s',
			value: median(durable),
			ceilingName: 'file append, one write per batch',
			ceiling: median(durableCeiling),
			target: 300_000,
		},
		{
			name: 'GetRecords, in memory',
			unit: 'rec/s',
			value: median(reads),
			ceilingName: 'array walk',
			ceiling: median(readCeiling),
		},
	];
}

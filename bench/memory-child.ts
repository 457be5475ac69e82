/**
 * One engine measured for bench/memory.ts, in a process of its own so that its resident memory is the
 * engine's alone: it puts the demo's clickstream records (its largest stream) until a record count or a
 * time limit, and prints the RSS, sampled after a full GC, as one JSON line. Run with --expose-gc.
 */
import {KinesisEngine} from '../source/engine/engine.js';
import type {PutRecordsRequestEntry} from '../source/kinesis/types.js';
import {clickstream} from '../source/demo/generators.js';
import {mulberry32} from '../source/demo/random.js';

export type MemorySample = {records: number; rssBytes: number};
export type MemoryChildResult = {
	records: number;
	/** Average bytes of a record's frame (header, key and data): what the engine must keep of it. */
	frameBytes: number;
	samples: MemorySample[];
};

const argument = (name: string) =>
	process.argv.find((value) => value.startsWith(`--${name}=`))?.slice(name.length + 3);
const mode = argument('mode') ?? 'memory';
const maxRecords = Number(argument('records') ?? 1_000_000);
const seconds = Number(argument('seconds') ?? 60);
const directory = argument('directory');
const sampleEvery = Number(argument('sample-every') ?? 250_000);
const BATCH = 500;
/** Frame bytes beyond the key and data (frame.ts: length, checksum, counter, arrival, key length). */
const FRAME_OVERHEAD = 26;

// 20,000 distinct records, made before anything is measured and put again and again.
const generate = clickstream(mulberry32(1));
const batches: PutRecordsRequestEntry[][] = Array.from({length: 40}, () =>
	Array.from({length: BATCH}, () => generate(Date.now())),
);
let frameBytes = 0;
for (const batch of batches)
	for (const entry of batch)
		frameBytes += FRAME_OVERHEAD + Buffer.byteLength(entry.PartitionKey) + entry.Data.length;
frameBytes /= batches.length * BATCH;

const engine = new KinesisEngine({
	enforceLimits: false,
	dataDirectory: mode === 'durable' ? directory : undefined,
	// In memory nothing is trimmed here: the figure is what each stored record costs.
	memoryBudgetBytes: Number.MAX_SAFE_INTEGER,
	// On disk, a small cache fills early, so what grows after is the per-record cost alone.
	cacheBytes: 64 * 1024 * 1024,
});
engine.createStream({StreamName: 'memory', ShardCount: 4});
const gc = (globalThis as {gc?: () => void}).gc;
const sample = (records: number): MemorySample => {
	gc?.();
	return {records, rssBytes: process.memoryUsage().rss};
};

const samples = [sample(0)];
const deadline = performance.now() + seconds * 1000;
let records = 0;
let next = 0;
const worker = async () => {
	while (records < maxRecords && performance.now() < deadline) {
		const batch = batches[next++ % batches.length];
		records += BATCH;
		await engine.putRecords({StreamName: 'memory', Records: batch});
		if (records % sampleEvery === 0) samples.push(sample(records));
	}
};

await Promise.all(Array.from({length: mode === 'durable' ? 8 : 1}, worker));
samples.push(sample(records));
await engine.close();
const result: MemoryChildResult = {records, frameBytes, samples};
console.log(JSON.stringify(result));

/**
 * `npm run bench`: every benchmark, medians of several runs, printed with ceilings and ratios.
 * `--quick`: fewer records and runs; `--only=engine|memory|wire|wire-load|put-pipeline|query|tail-ui|copy`: one
 * benchmark; `--verbose`:
 * every run.
 */
import {copyBenchmarks} from './copy.js';
import {engineBenchmarks} from './engine.js';
import {memoryBenchmarks} from './memory.js';
import {queryBenchmarks} from './query.js';
import {putPipelineBenchmarks} from './put-pipeline.js';
import {printFigures} from './report.js';
import {serverBenchmarks} from './server.js';
import {tailUiBenchmarks} from './tail-ui.js';
import {wireLoadBenchmarks} from './wire-load.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice(7);
const verbose = process.argv.includes('--verbose');
const records = quick ? 100_000 : 500_000;
const runs = quick ? 3 : 5;
const warmups = quick ? 1 : 2;
console.log(
	`kinesis-top benchmarks (${records.toLocaleString('en-US')} records of 100 bytes, median of ${runs} runs)`,
);
if (only === undefined || only === 'engine') {
	printFigures(
		`Engine (after ${warmups} warm-up runs, not counted)`,
		await engineBenchmarks({records, runs, warmups}),
	);
}

if (only === undefined || only === 'memory') {
	printFigures(
		'Memory: RSS per stored record (demo clickstream records, each engine in its own process), reads to a position (1 shard, median CPU µs of 5,000 random reads), the console over an hour of demo traffic',
		await memoryBenchmarks({quick, log: verbose ? (line) => console.log(line) : undefined}),
	);
}

if (only === undefined || only === 'wire') {
	const wireRecords = quick ? 20_000 : 100_000;
	printFigures(
		`Wire: one AWS SDK v3 client against serve, kinesalite and the null server, each in a child process (PutRecords: ${wireRecords.toLocaleString('en-US')} records in calls of 500, 8 in flight, 4 shards, limits off; ratios are medians of each run's side-by-side ratios)`,
		await serverBenchmarks({
			records: wireRecords,
			sequential: quick ? 500 : 2000,
			runs,
			log: verbose ? (line) => console.log(line) : undefined,
		}),
	);
}

if (only === undefined || only === 'wire-load') {
	const seconds = quick ? 1 : 2;
	printFigures(
		`Wire, server-bound: autocannon (HTTP/1.1, 8 connections, pre-built PutRecords bodies of 500 records of 100 bytes) against serve, kinesalite and the null server, each in a child process (4 shards, limits off; ${seconds} s per server per round, median of ${runs} rounds after a warm-up; ratios are medians of each round's side-by-side ratios)`,
		await wireLoadBenchmarks({
			runs,
			seconds,
			log: verbose ? (line) => console.log(line) : undefined,
		}),
	);
}

if (only === undefined || only === 'put-pipeline') {
	const calls = quick ? 200 : 600;
	printFigures(
		`PutRecords in serve, stage by stage, in-process without HTTP (the server-bound benchmark's bodies: 500 records of 100 bytes, 4 shards, limits off; CPU ns per record, median of ${runs} rounds of ${calls} calls after a warm-up)`,
		await putPipelineBenchmarks({runs, calls}),
	);
}

if (only === undefined || only === 'query') {
	printFigures(
		`Query: windowed SQL end to end through the query engine, ${records.toLocaleString('en-US')} JSON records of ~90 bytes, Zipf keys`,
		await queryBenchmarks({records, runs}),
	);
}

if (only === undefined || only === 'tail-ui') {
	const fed = quick ? 500_000 : 5_000_000;
	printFigures(
		`Tail UI: the console (in an 80×24 pseudo-terminal) tailing a 4-shard stream fed 20,000 records/s through serve, until ${fed.toLocaleString('en-US')} records (the console's CPU, frames and RSS from outside)`,
		await tailUiBenchmarks({
			records: fed,
			// 200 timed keys: a p99 of fewer samples is only their maximum.
			presses: quick ? 25 : 100,
			log: verbose ? (line) => console.log(line) : undefined,
		}),
	);
}

if (only === undefined || only === 'copy') {
	const wireRecords = quick ? 20_000 : 100_000;
	printFigures(
		`Copy, stream to stream (kinesis-top copy's model: range reader, per-key ordered PutRecords; 4 shards to 4, 10,000 keys, limits off): ${records.toLocaleString('en-US')} records on the local engine, ${wireRecords.toLocaleString('en-US')} through the AWS driver against serve in the same process`,
		await copyBenchmarks({records, wireRecords, runs}),
	);
}

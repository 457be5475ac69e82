/** `npm run bench`: every benchmark, medians of several runs, printed with ceilings and ratios. */
import {engineBenchmarks} from './engine.js';
import {printFigures} from './report.js';

const quick = process.argv.includes('--quick');
const records = quick ? 100_000 : 500_000;
const runs = quick ? 3 : 5;
console.log(
	`kinesis-top benchmarks (${records.toLocaleString('en-US')} records of 100 bytes, median of ${runs} runs)`,
);
printFigures('Engine', await engineBenchmarks({records, runs}));

/**
 * The query engine's throughput, beside a ceiling measured in the same run on the same records: a
 * hand-written loop doing the same work (UTF-8 decode, JSON.parse, a Map count per key per 10 s window,
 * a row object per group as each window closes). The records are ~90-byte JSON click events from a
 * fixed seed, keyed by a Zipf-distributed user, arriving 1,000 a second over 4 shards.
 *
 * Two queries: the one the ceiling matches (grouped by a payload field, so every record is decoded and
 * parsed, as in the loop), and the issue's own shape grouped by partition_key — where the engine never
 * decodes the payload at all, because no expression reads `data`.
 */
import type {KinesisRecord} from '../source/driver/driver.js';
import {mulberry32} from '../source/demo/random.js';
import {Zipf} from '../source/demo/zipf.js';
import {QueryExecutor} from '../source/query/executor.js';
import {planQuery} from '../source/query/plan.js';
import {median, type Figure} from './report.js';

const SHARDS = 4;
const BATCH = 1000;
const PER_SECOND = 1000;
const WINDOW_MS = 10_000;
const START = Date.UTC(2026, 0, 1);

export const QUERY_BY_FIELD = `SELECT data.user AS user, COUNT(*) AS n
	FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(arrival_ts), INTERVAL '10' SECOND))
	GROUP BY data.user, window_start, window_end`;

export const QUERY_BY_KEY = `SELECT partition_key, COUNT(*) AS n
	FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(arrival_ts), INTERVAL '10' SECOND))
	GROUP BY partition_key, window_start, window_end`;

type Batch = {shardId: string; records: KinesisRecord[]};

/** The records, in batches of 1,000 as GetRecords would hand them out, made before any timing. */
export function makeClickBatches(count: number, seed = 42): Batch[] {
	const random = mulberry32(seed);
	const zipf = new Zipf(10_000, 1.1);
	const encoder = new TextEncoder();
	const batches: Batch[] = [];
	for (let i = 0; i < count; i += BATCH) {
		const records: KinesisRecord[] = [];
		for (let j = i; j < Math.min(count, i + BATCH); j++) {
			const user = `u-${String(zipf.sample(random)).padStart(5, '0')}`;
			const at = START + Math.floor((j * 1000) / PER_SECOND);
			const page = `/products/${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
			const json = `{"user":"${user}","event":"click","page":"${page}","ms":${Math.floor(random() * 900)},"ts":${at}}`;
			records.push({
				SequenceNumber: String(j),
				ApproximateArrivalTimestamp: new Date(at),
				PartitionKey: user,
				Data: encoder.encode(json),
			});
		}

		batches.push({shardId: `shardId-${String((i / BATCH) % SHARDS).padStart(12, '0')}`, records});
	}

	return batches;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** The ceiling: the same work written by hand for this one query. Returns the rows made. */
export function handWrittenCount(batches: Batch[]): number {
	const decoder = new TextDecoder();
	const windows = new Map<number, Map<string, number>>();
	let rows = 0;
	let newest = -Infinity;
	const close = (upTo: number) => {
		for (const [start, counts] of windows) {
			if (start + WINDOW_MS > upTo) continue;
			const windowStart = new Date(start).toISOString();
			const windowEnd = new Date(start + WINDOW_MS).toISOString();
			for (const [user, n] of counts) {
				const row = {window_start: windowStart, window_end: windowEnd, user, n};
				if (row.n > 0) rows++;
			}

			windows.delete(start);
		}
	};

	for (const {records} of batches) {
		for (const record of records) {
			const value = JSON.parse(decoder.decode(record.Data)) as {user: string};
			const at = record.ApproximateArrivalTimestamp.getTime();
			const start = at - (at % WINDOW_MS);
			let counts = windows.get(start);
			if (!counts) {
				counts = new Map();
				windows.set(start, counts);
			}

			counts.set(value.user, (counts.get(value.user) ?? 0) + 1);
			if (at > newest) newest = at;
		}

		close(newest - 2000);
	}

	close(Infinity);
	return rows;
}

/** The engine: parse, plan, and every batch through the executor. Returns the rows emitted. */
export function engineCount(sql: string, batches: Batch[]): number {
	const executor = new QueryExecutor(planQuery(sql), {now: () => START});
	let rows = 0;
	executor.onRow(() => rows++);
	for (const batch of batches) executor.push(batch.shardId, batch.records);
	executor.flush();
	return rows;
}

export async function queryBenchmarks(options: {records: number; runs: number}): Promise<Figure[]> {
	const batches = makeClickBatches(options.records);
	const n = options.records;
	const ceiling: number[] = [];
	const byField: number[] = [];
	const byKey: number[] = [];
	// One untimed pass of each first, so that no figure pays for the JIT's warm-up.
	handWrittenCount(batches);
	engineCount(QUERY_BY_FIELD, batches);
	engineCount(QUERY_BY_KEY, batches);
	for (let run = 0; run < options.runs; run++) {
		let start = process.hrtime.bigint();
		const expected = handWrittenCount(batches);
		ceiling.push(n / seconds(start));
		start = process.hrtime.bigint();
		const fieldRows = engineCount(QUERY_BY_FIELD, batches);
		byField.push(n / seconds(start));
		start = process.hrtime.bigint();
		const keyRows = engineCount(QUERY_BY_KEY, batches);
		byKey.push(n / seconds(start));
		if (fieldRows !== expected || keyRows !== expected) {
			throw new Error(`rows differ: loop ${expected}, query ${fieldRows} and ${keyRows}`);
		}

		await new Promise((resolve) => setImmediate(resolve));
	}

	const loop = median(ceiling);
	return [
		{
			name: 'TUMBLE COUNT by data.user',
			unit: 'rec/s',
			value: median(byField),
			ceilingName: 'hand-written loop',
			ceiling: loop,
		},
		{
			name: 'TUMBLE COUNT by part. key',
			unit: 'rec/s',
			value: median(byKey),
			ceilingName: 'same loop, which parses',
			ceiling: loop,
		},
	];
}

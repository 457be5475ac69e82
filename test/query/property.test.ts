/**
 * Property: a tumbling COUNT/SUM GROUP BY over random records — any times, keys, values, shards and
 * batch splits — equals a brute-force computation over the same records.
 */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {executor} from './run-query.js';
import {iso, record, T0} from './records.js';

const SQL = `SELECT partition_key, COUNT(*) AS n, SUM(data.v) AS total
	FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(arrival_ts), INTERVAL '10' SECOND))
	WATERMARK FOR arrival_ts AS arrival_ts - INTERVAL '1' HOUR
	GROUP BY partition_key, window_start, window_end`;

const input = fc.array(
	fc.record({
		offset: fc.integer({min: 0, max: 120_000}),
		key: fc.constantFrom('a', 'b', 'c', 'd'),
		v: fc.option(fc.integer({min: -1000, max: 1000}), {nil: null}),
		shard: fc.integer({min: 0, max: 2}),
		cut: fc.boolean(),
	}),
	{maxLength: 200},
);

type Row = {
	window_start: string;
	window_end: string;
	partition_key: string;
	n: number;
	total: number | null;
};

function bruteForce(records: Array<{offset: number; key: string; v: number | null}>): Row[] {
	const groups = new Map<string, Row>();
	for (const {offset, key, v} of records) {
		const start = T0 + offset - (offset % 10_000);
		const id = `${start}/${key}`;
		const row = groups.get(id) ?? {
			window_start: iso(start),
			window_end: iso(start + 10_000),
			partition_key: key,
			n: 0,
			total: null,
		};
		row.n++;
		if (v !== null) row.total = (row.total ?? 0) + v;
		groups.set(id, row);
	}

	return [...groups.values()];
}

const order = (rows: Array<Record<string, unknown>>) =>
	[...rows].sort((a, b) =>
		`${String(a.window_start)}/${String(a.partition_key)}`.localeCompare(
			`${String(b.window_start)}/${String(b.partition_key)}`,
		),
	);

test('tumbling COUNT and SUM per key equal a brute-force computation', () => {
	fc.assert(
		fc.property(input, (records) => {
			const run = executor(SQL);
			// Batches per shard, cut where the generator says, in the generated order.
			const batches = new Map<number, ReturnType<typeof record>[]>();
			for (const item of records) {
				const batch = batches.get(item.shard) ?? [];
				batch.push(record(T0 + item.offset, item.key, {v: item.v}));
				batches.set(item.shard, batch);
				if (item.cut) {
					run.executor.push(`shard-${item.shard}`, batch);
					batches.delete(item.shard);
				}
			}

			for (const [shard, batch] of batches) run.executor.push(`shard-${shard}`, batch);
			run.executor.flush();
			expect(order(run.take())).toEqual(order(bruteForce(records)));
		}),
		{numRuns: 200},
	);
});

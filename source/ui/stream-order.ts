/** The orders the streams table cycles through with `s`: the busiest or the most behind on top. */
import type {StreamRow} from '../monitor/stream-poller.js';

export const STREAM_ORDERS = ['name', 'rate', 'bytes', 'age', 'shards'] as const;
export type StreamOrder = (typeof STREAM_ORDERS)[number];

export const ORDER_LABELS: Record<StreamOrder, string> = {
	name: 'name',
	rate: 'records/s',
	bytes: 'bytes/s',
	age: 'iterator age',
	shards: 'shards',
};

export const nextOrder = (order: StreamOrder): StreamOrder =>
	STREAM_ORDERS[(STREAM_ORDERS.indexOf(order) + 1) % STREAM_ORDERS.length];

/** Largest first (unknown values last), ties by name; `name` is alphabetical. */
const figure: Record<Exclude<StreamOrder, 'name'>, (row: StreamRow) => number | undefined> = {
	rate: (row) => row.rate,
	bytes: (row) => row.bytesRate,
	age: (row) => row.iteratorAgeMs,
	shards: (row) => row.openShards,
};

export function sortStreams(rows: readonly StreamRow[], order: StreamOrder): StreamRow[] {
	const byName = (a: StreamRow, b: StreamRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
	if (order === 'name') return [...rows].sort(byName);
	const value = figure[order];
	return [...rows].sort((a, b) => {
		const difference = (value(b) ?? -1) - (value(a) ?? -1);
		return difference === 0 ? byName(a, b) : difference;
	});
}

/** The live tail's columns and its pure row renderer: an entry in, fixed-width cells out. */
import type {ShardTailProgress} from '../tail/tail-session.js';
import type {TailEntry} from '../tail/tail-entries.js';
import {escapeControls} from '../decode/text.js';
import {cell, formatLag, formatRate} from './format.js';
import {shortShardId} from './shard-rows.js';

export type TailColumns = {time: number; shard: number; key: number};

export const TAIL_MARKER_WIDTH = 2;

export function tailColumns(width: number): TailColumns {
	if (width >= 100) return {time: 13, shard: 7, key: 21};
	if (width >= 60) return {time: 13, shard: 6, key: 15};
	return {time: 9, shard: 4, key: 9};
}

const pad = (value: number, size = 2) => String(value).padStart(size, '0');

/** Local time of day, with milliseconds when there is room. */
export function formatTime(date: Date, withMillis: boolean) {
	const base = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
	return withMillis ? `${base}.${pad(date.getMilliseconds(), 3)}` : base;
}

/** A column of `width` whose last character is always a space. */
const column = (text: string, width: number) => `${cell(text, width - 1)} `;

export function tailHeader(columns: TailColumns, mode: string) {
	return (
		' '.repeat(TAIL_MARKER_WIDTH) +
		column('TIME', columns.time) +
		column(columns.shard >= 6 ? 'SHARD' : '#', columns.shard) +
		column('KEY', columns.key) +
		`DATA (${mode})`
	);
}

/** The fixed cells before the data: arrival time, shard, partition key. */
export function tailCells(entry: TailEntry, columns: TailColumns) {
	const {record, shardId} = entry.buffered;
	const time = formatTime(record.ApproximateArrivalTimestamp, columns.time > 10);
	return (
		column(time, columns.time) +
		column(shortShardId(shardId), columns.shard) +
		column(escapeControls(entry.partitionKey), columns.key)
	);
}

/** MillisBehindLatest, short: 0ms, 850ms, 12s, 5m, 3h. */
/** Per shard being read: how far behind, and this tail's read rate; ended (closed) shards counted. */
export function shardProgressLine(shards: readonly ShardTailProgress[]) {
	const parts: string[] = [];
	let ended = 0;
	for (const shard of shards) {
		if (shard.state === 'ended') {
			ended++;
			continue;
		}

		const id = `#${shortShardId(shard.shardId)}`;
		parts.push(
			shard.state === 'waiting'
				? `${id} waiting`
				: `${id} ${formatLag(shard.millisBehindLatest)} ${formatRate(shard.recordsPerSecond)}`,
		);
	}

	if (ended > 0) parts.push(`${ended} closed`);
	return `lag, read/s per shard: ${parts.length > 0 ? parts.join(' · ') : 'starting…'}`;
}

/** The streams table's columns and its pure row renderer: a row in, fixed-width cells out. */
import type {StreamRow} from '../monitor/stream-poller.js';
import {
	cell,
	formatBytesRate,
	formatLag,
	formatRate,
	formatRetention,
	sparkline,
} from './format.js';

/** Every column but the name, in the order they are shown. */
const OPTIONAL = [
	'status',
	'shards',
	'rate',
	'bytes',
	'trend',
	'age',
	'mode',
	'retention',
] as const;
type OptionalColumn = (typeof OPTIONAL)[number];

export type StreamColumns = {name: number} & Record<OptionalColumn, number>;

const WIDTHS: Record<OptionalColumn, number> = {
	status: 9,
	shards: 7,
	rate: 9,
	bytes: 11,
	trend: 11,
	age: 7,
	mode: 12,
	retention: 10,
};

/**
 * Which columns stay when the terminal is narrow, most important first: what an on-call engineer looks
 * for (is it active, how much comes in, is anyone behind) before the settings (mode, retention), which
 * the stream's own screen shows anyway. At 80 columns both settings give way.
 */
const PRIORITY: readonly OptionalColumn[] = [
	'status',
	'shards',
	'rate',
	'bytes',
	'age',
	'trend',
	'retention',
	'mode',
];

/** The columns that come from the stream metrics, shown once some row has them. */
const METRIC_COLUMNS = new Set<OptionalColumn>(['rate', 'bytes', 'trend', 'age']);

/** Width of the selection marker before each row. */
export const MARKER_WIDTH = 2;
const MIN_NAME = 16;

/**
 * The name takes what the other columns leave (at least a few characters); columns are added in
 * priority order while they fit. The metric columns only once some row has metrics.
 */
export function streamColumns(width: number, withMetrics: boolean): StreamColumns {
	const columns: StreamColumns = {
		name: 0,
		status: 0,
		shards: 0,
		rate: 0,
		bytes: 0,
		trend: 0,
		age: 0,
		mode: 0,
		retention: 0,
	};
	let left = width - MARKER_WIDTH - MIN_NAME;
	for (const column of PRIORITY) {
		if (!withMetrics && METRIC_COLUMNS.has(column)) continue;
		if (WIDTHS[column] > left) continue;
		columns[column] = WIDTHS[column];
		left -= WIDTHS[column];
	}

	columns.name = MIN_NAME + Math.max(0, left);
	return columns;
}

export type StreamCells = {name: string} & Record<OptionalColumn, string>;

/** The cells after the status, in display order, as one string (hidden columns are empty). */
export const trailingCells = (cells: StreamCells) =>
	OPTIONAL.filter((column) => column !== 'status')
		.map((column) => cells[column])
		.join('');

const optional = (width: number, text: () => string, align: 'left' | 'right' = 'right') =>
	width ? cell(text(), width, align) : '';

export const headerCells = (columns: StreamColumns): StreamCells => ({
	name: cell('NAME', columns.name),
	status: optional(columns.status, () => ' STATUS', 'left'),
	shards: optional(columns.shards, () => 'SHARDS'),
	rate: optional(columns.rate, () => 'IN/S'),
	bytes: optional(columns.bytes, () => 'BYTES/S'),
	trend: optional(columns.trend, () => ` LAST ${columns.trend - 1}M`, 'left'),
	age: optional(columns.age, () => 'AGE'),
	mode: optional(columns.mode, () => ' MODE', 'left'),
	retention: optional(columns.retention, () => 'RETENTION'),
});

/** `alertMs`: the iterator-age alert's threshold; an age above it is marked with `!` (for NO_COLOR). */
export function streamCells(row: StreamRow, columns: StreamColumns, alertMs?: number): StreamCells {
	return {
		name: cell(row.name, columns.name),
		status: optional(columns.status, () => ` ${row.status}`, 'left'),
		shards: optional(columns.shards, () => String(row.openShards)),
		rate: optional(columns.rate, () => formatRate(row.rate)),
		bytes: optional(columns.bytes, () =>
			row.bytesRate === undefined ? '' : formatBytesRate(row.bytesRate),
		),
		trend: optional(
			columns.trend,
			() => (row.history ? ` ${sparkline(row.history, columns.trend - 1)}` : ''),
			'left',
		),
		age: optional(columns.age, () =>
			row.iteratorAgeMs === undefined
				? ''
				: `${formatLag(row.iteratorAgeMs)}${alertMs !== undefined && row.iteratorAgeMs > alertMs ? '!' : ''}`,
		),
		mode: optional(columns.mode, () => ` ${row.mode}`, 'left'),
		retention: optional(columns.retention, () => formatRetention(row.retentionHours)),
	};
}

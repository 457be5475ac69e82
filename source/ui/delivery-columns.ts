/** The Firehose table's columns and its pure row renderer: a delivery stream in, fixed-width cells out. */
import type {DeliveryStreamRow} from '../monitor/delivery-streams.js';
import {cell} from './format.js';
import {compactBytes} from './units.js';

const OPTIONAL = ['status', 'source', 'hints', 'buffer', 'compression', 'destination'] as const;
type OptionalColumn = (typeof OPTIONAL)[number];

export type DeliveryColumns = {name: number} & Record<OptionalColumn, number>;

const WIDTHS: Record<OptionalColumn, number> = {
	status: 9,
	source: 13,
	hints: 11,
	buffer: 6,
	compression: 7,
	destination: 18,
};

/** What stays on a narrow terminal: is it healthy, where from, how it buffers, then where to. */
const PRIORITY: readonly OptionalColumn[] = [
	'status',
	'source',
	'buffer',
	'hints',
	'destination',
	'compression',
];

export const MARKER_WIDTH = 2;
const MIN_NAME = 20;

export function deliveryColumns(width: number): DeliveryColumns {
	const columns: DeliveryColumns = {
		name: 0,
		status: 0,
		source: 0,
		hints: 0,
		buffer: 0,
		compression: 0,
		destination: 0,
	};
	let left = width - MARKER_WIDTH - MIN_NAME;
	for (const column of PRIORITY) {
		if (WIDTHS[column] > left) continue;
		columns[column] = WIDTHS[column];
		left -= WIDTHS[column];
	}

	// The destination (a long S3 URL) takes what is left over, the name the rest.
	if (columns.destination > 0) {
		columns.destination += Math.floor(left / 2);
		left -= Math.floor(left / 2);
	}

	columns.name = MIN_NAME + Math.max(0, left);
	return columns;
}

export type DeliveryCells = {name: string} & Record<OptionalColumn, string>;

const optional = (width: number, text: () => string, align: 'left' | 'right' = 'left') =>
	width ? cell(text(), width, align) : '';

/** "1 MiB/60s": the size and interval hints. */
export const hintsText = (row: Pick<DeliveryStreamRow, 'sizeLimitBytes' | 'intervalMillis'>) =>
	`${compactBytes(row.sizeLimitBytes)}/${Math.round(row.intervalMillis / 1000)}s`;

export const deliveryHeader = (columns: DeliveryColumns): DeliveryCells => ({
	name: cell('NAME', columns.name),
	status: optional(columns.status, () => ' STATUS'),
	source: optional(columns.source, () => ' SOURCE'),
	hints: optional(columns.hints, () => ' HINTS'),
	buffer: optional(columns.buffer, () => 'BUFFER', 'right'),
	compression: optional(columns.compression, () => ' COMPR'),
	destination: optional(columns.destination, () => ' DESTINATION'),
});

export function deliveryCells(row: DeliveryStreamRow, columns: DeliveryColumns): DeliveryCells {
	const buffered = row.buffer.BufferedBytes;
	const fill =
		buffered === undefined ? '?' : `${Math.round((buffered / row.sizeLimitBytes) * 100)}%`;
	return {
		name: cell(row.name, columns.name),
		status: optional(columns.status, () => ` ${row.status}`),
		source: optional(columns.source, () => ` ${row.source}`),
		hints: optional(columns.hints, () => ` ${hintsText(row)}`),
		buffer: optional(columns.buffer, () => (row.buffer.Estimate ? `~${fill}` : fill), 'right'),
		compression: optional(
			columns.compression,
			() => ` ${row.compression === 'UNCOMPRESSED' ? 'none' : row.compression}`,
		),
		destination: optional(columns.destination, () => ` ${row.destination}`),
	};
}

/** The cells after the name, in display order, as one string. */
export const trailingCells = (cells: DeliveryCells) =>
	OPTIONAL.map((column) => cells[column]).join('');

/** The streams table's columns and its pure row renderer: a row in, fixed-width cells out. */
import type {StreamRow} from '../monitor/stream-poller.js';
import {cell, formatRate, formatRetention} from './format.js';

export type StreamColumns = {
	name: number;
	status: number;
	mode: number;
	shards: number;
	retention: number;
	/** 0 when no row has a rate (the column is left out). */
	rate: number;
};

/** Width of the selection marker before each row. */
export const MARKER_WIDTH = 2;
const MIN_NAME = 8;

/**
 * Fixed columns first; the name takes what is left (at least a few characters). On narrow terminals
 * the rate, retention and mode columns give way, in that order.
 */
export function streamColumns(width: number, withRate: boolean): StreamColumns {
	const fixed = {
		status: 9,
		mode: width >= 48 ? 12 : 0,
		shards: 7,
		retention: width >= 58 ? 10 : 0,
		rate: withRate && width >= 68 ? 9 : 0,
	};
	const used =
		MARKER_WIDTH + fixed.status + fixed.mode + fixed.shards + fixed.retention + fixed.rate;
	return {name: Math.max(MIN_NAME, width - used), ...fixed};
}

export type StreamCells = {
	name: string;
	status: string;
	mode: string;
	shards: string;
	retention: string;
	rate: string;
};

export const headerCells = (columns: StreamColumns): StreamCells => ({
	name: cell('NAME', columns.name),
	status: cell(' STATUS', columns.status),
	mode: cell(' MODE', columns.mode),
	shards: cell('SHARDS', columns.shards, 'right'),
	retention: columns.retention ? cell('RETENTION', columns.retention, 'right') : '',
	rate: columns.rate ? cell('IN', columns.rate, 'right') : '',
});

export function streamCells(row: StreamRow, columns: StreamColumns): StreamCells {
	return {
		name: cell(row.name, columns.name),
		status: cell(` ${row.status}`, columns.status),
		mode: cell(` ${row.mode}`, columns.mode),
		shards: cell(String(row.openShards), columns.shards, 'right'),
		retention: columns.retention
			? cell(formatRetention(row.retentionHours), columns.retention, 'right')
			: '',
		rate: columns.rate ? cell(formatRate(row.rate), columns.rate, 'right') : '',
	};
}

/**
 * Plain text helpers for fixed-width terminal layouts. Cells are measured in columns
 * (display-width.ts), not characters: a partition key or a payload may be Japanese or emoji.
 */
import {outageText} from '../driver/retry.js';
import {padToWidth, truncateToWidth} from '../display-width.js';
import type {TailOutage} from '../tail/tail-session.js';

/** Cuts `text` to `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number) {
	return truncateToWidth(text, width);
}

/** Exactly `width` columns: truncated, then padded on the right (or on the left for numbers). */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left') {
	return padToWidth(truncateToWidth(text, width), width, align);
}

/** Retention as the AWS console shows it: whole days as days, else hours. */
export function formatRetention(hours: number) {
	return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

export function formatRate(perSecond: number | undefined) {
	if (perSecond === undefined) return '';
	if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k/s`;
	if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
	return `${Math.round(perSecond)}/s`;
}

/** Bytes per second, in the units of the per-shard limit (KiB/s, MiB/s). */
export function formatBytesRate(bytesPerSecond: number) {
	if (bytesPerSecond >= 1024 * 1024) return `${(bytesPerSecond / 1024 / 1024).toFixed(2)} MiB/s`;
	if (bytesPerSecond >= 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KiB/s`;
	return `${Math.round(bytesPerSecond)} B/s`;
}

/** A lag or an age, short: 850ms, 12s, 4m, 2h; '?' when unknown. */
export function formatLag(ms: number | undefined) {
	if (ms === undefined) return '?';
	if (ms < 1000) return `${ms}ms`;
	if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
	if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
	return `${Math.round(ms / 3_600_000)}h`;
}

const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as a sparkline, scaled to their own maximum (a flat zero line when all are
 * 0); shorter series are padded on the left with spaces.
 */
export function sparkline(values: readonly number[], width: number) {
	const shown = values.slice(-width);
	const max = Math.max(0, ...shown);
	const bars = shown
		.map((value) =>
			max === 0 ? SPARK_LEVELS[0] : SPARK_LEVELS[Math.min(7, Math.floor((value / max) * 7.999))],
		)
		.join('');
	return bars.padStart(width);
}

/** HH:MM:SS in local time. */
export function formatClock(date: Date) {
	return date.toTimeString().slice(0, 8);
}

/** An outage a tail or query rides out: `retrying since 12:03:04: ECONNREFUSED 127.0.0.1:4567`. */
export function formatOutage(outage: TailOutage) {
	return `retrying since ${formatClock(new Date(outage.since))}: ${outageText(outage)}`;
}

/**
 * The slice of a list that fits in `height` lines with `selected` in it, scrolling only as far as
 * needed: [start, end).
 */
export function visibleWindow(count: number, selected: number, height: number, previousStart = 0) {
	if (height <= 0 || count === 0) return {start: 0, end: 0};
	let start = Math.min(previousStart, Math.max(0, count - height));
	if (selected < start) start = selected;
	if (selected >= start + height) start = selected - height + 1;
	return {start, end: Math.min(count, start + height)};
}

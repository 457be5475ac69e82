/**
 * How the dialect treats values. Payloads are JSON, where numbers often arrive as strings and fields
 * go missing, so the rules are forgiving: a numeric string compares and adds as a number, a missing
 * field is NULL, and a comparison with NULL is NULL (which WHERE and HAVING treat as false).
 * Timestamps are epoch milliseconds at run time; their static type makes them ISO 8601 in the output.
 */

/** What the planner knows of an expression's values. */
export type ValueType = 'number' | 'string' | 'boolean' | 'timestamp' | 'interval' | 'json' | 'any';

export function toNumber(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string') {
		if (value.trim() === '') return null;
		const number = Number(value);
		return Number.isFinite(number) ? number : null;
	}

	if (typeof value === 'boolean') return value ? 1 : 0;
	return null;
}

/** Text of a value: objects as JSON, NULL stays NULL. */
export function toText(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string') return value;
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/**
 * Epoch milliseconds from a payload's time: a number (seconds when below 10^11, which as milliseconds
 * would be 1973 — producers write both), a numeric string the same, or an ISO 8601 / RFC 2822 string.
 */
export function toTimestamp(value: unknown): number | null {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return null;
		return Math.abs(value) < 1e11 ? value * 1000 : value;
	}

	if (typeof value === 'string') {
		const number = toNumber(value);
		if (number !== null) return toTimestamp(number);
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? null : ms;
	}

	return null;
}

export function toBoolean(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	if (typeof value === 'string') {
		const lower = value.toLowerCase();
		if (lower === 'true') return true;
		if (lower === 'false') return false;
	}

	return null;
}

/**
 * Orders two values: numbers (and numeric strings beside a number) numerically, strings by code
 * point, booleans false first. NaN when they cannot be compared (NULL, objects, mixed kinds).
 */
export function compareValues(a: unknown, b: unknown): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
	if (a === null || a === undefined || b === null || b === undefined) return Number.NaN;
	if (typeof a === 'number' || typeof b === 'number') {
		const x = toNumber(a);
		const y = toNumber(b);
		return x === null || y === null ? Number.NaN : x - y;
	}

	if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
	return Number.NaN;
}

/** For ORDER BY: like compareValues, but total — NULL and incomparable values sort last. */
export function sortOrder(a: unknown, b: unknown): number {
	const order = compareValues(a, b);
	if (!Number.isNaN(order)) return order;
	const aMissing = a === null || a === undefined;
	const bMissing = b === null || b === undefined;
	if (aMissing !== bMissing) return aMissing ? 1 : -1;
	return String(toText(a)).localeCompare(String(toText(b)));
}

/**
 * A Map key for a group value: strings and numbers as themselves (Map tells 1 from '1'), other
 * values by their JSON, so that two equal objects are one group.
 */
export function keyOf(value: unknown): unknown {
	if (value === undefined) return null;
	if (value === null || typeof value !== 'object') return value;
	return '\u0000' + JSON.stringify(value);
}

/** A value as the output shows it: timestamps in ISO 8601, non-finite numbers and undefined as null. */
export function outputValue(value: unknown, type: ValueType): unknown {
	if (value === undefined) return null;
	if (type === 'timestamp' && typeof value === 'number') return isoTime(value);

	if (typeof value === 'number' && !Number.isFinite(value)) return null;
	return value;
}

// The last two times formatted: a window's rows all carry the same window_start and window_end.
let cachedTimes = [Number.NaN, Number.NaN];
let cachedTexts = ['', ''];

/** Epoch ms in ISO 8601 (null when not finite), remembering the last two. */
export function isoTime(ms: number): string | null {
	if (ms === cachedTimes[0]) return cachedTexts[0];
	if (ms === cachedTimes[1]) return cachedTexts[1];
	if (!Number.isFinite(ms)) return null;
	const text = new Date(ms).toISOString();
	cachedTimes = [ms, cachedTimes[0]];
	cachedTexts = [text, cachedTexts[0]];
	return text;
}

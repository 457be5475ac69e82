/**
 * The iterator-age alert: which streams are above the threshold, and which just crossed it. A stream
 * counts once per crossing — it must fall back to or below the threshold (or lose its age) before it
 * can cross again — so the bell rings on the change, not on every refresh while it stays high.
 */
import type {StreamRow} from './stream-poller.js';

export type AlertState = {
	thresholdMs: number;
	/** The streams above the threshold as of the last update. */
	above: ReadonlySet<string>;
};

export const isAbove = (row: Pick<StreamRow, 'iteratorAgeMs'>, thresholdMs: number) =>
	row.iteratorAgeMs !== undefined && row.iteratorAgeMs > thresholdMs;

/**
 * The next state for these rows, and the streams that crossed since `previous` (all those above, when
 * the threshold changed: a new threshold is a new watch).
 */
export function updateAlert(
	previous: AlertState | undefined,
	rows: readonly Pick<StreamRow, 'name' | 'iteratorAgeMs'>[],
	thresholdMs: number,
): {state: AlertState; crossed: string[]} {
	const before =
		previous && previous.thresholdMs === thresholdMs ? previous.above : new Set<string>();
	const above = new Set(rows.filter((row) => isAbove(row, thresholdMs)).map((row) => row.name));
	const crossed = [...above].filter((name) => !before.has(name));
	return {state: {thresholdMs, above}, crossed};
}

const AGE_UNITS = {ms: 1, s: 1000, m: 60_000, h: 3_600_000} as const;

/**
 * An iterator-age threshold from text — `500ms`, `60s`, `5m`, `1h` (a bare number is seconds) — in
 * milliseconds; undefined when it is not one (or is over a week, the most Kinesis retains by default
 * being far less, so such a value is a typo).
 */
export function parseAgeThreshold(text: string): number | undefined {
	const match = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim());
	if (!match) return undefined;
	const ms = Number(match[1]) * AGE_UNITS[(match[2] ?? 's') as keyof typeof AGE_UNITS];
	return ms > 0 && ms <= 7 * 86_400_000 ? ms : undefined;
}

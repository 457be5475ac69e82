/**
 * Where a tail (re)starts, as typed in the console's `f` prompt: the `--from` forms of
 * `kinesis-top tail` (latest, trim-horizon, at:SEQ, after:SEQ, time:ISO), and the short ones a person
 * types — a bare sequence number, an ISO time, or a time ago (`-5m`, `90s`, `2h`).
 */
import type {IteratorStart} from '../driver/driver.js';
import {parseTailStart} from '../tail/tail-start.js';

export const START_PLACEHOLDER =
	'latest · trim-horizon · SEQUENCE · after:SEQ · 2024-05-01T12:00Z · -15m';

const UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

export function parseStartInput(text: string, now = new Date()): IteratorStart | undefined {
	const value = text.trim();
	const lower = value.toLowerCase();
	if (lower === '' || lower === 'now' || lower === 'latest') return {type: 'LATEST'};
	if (['trim-horizon', 'trim_horizon', 'oldest', 'beginning', 'start'].includes(lower)) {
		return {type: 'TRIM_HORIZON'};
	}

	const exact = parseTailStart(value);
	if (exact) return exact;
	if (/^(0|[1-9]\d{0,128})$/.test(value))
		return {type: 'AT_SEQUENCE_NUMBER', sequenceNumber: value};
	const ago = /^-?(\d+(?:\.\d+)?)\s*([smhd])$/.exec(lower);
	if (ago) {
		return {
			type: 'AT_TIMESTAMP',
			timestamp: new Date(now.getTime() - Number(ago[1]) * UNITS[ago[2]]),
		};
	}

	return parseTailStart(`time:${value}`);
}

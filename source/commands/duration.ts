/** `--since` durations: a whole number of minutes, hours or days (15m, 1h, 24h, 3d). */
import {parseAgeThreshold} from '../monitor/iterator-age-alert.js';
import {UsageError} from './command.js';

const UNITS = {m: 60_000, h: 3_600_000, d: 86_400_000} as const;
/** CloudWatch keeps one-minute datapoints for 15 days. */
const MAX_MS = 15 * UNITS.d;

/** The duration in milliseconds, a whole number of minutes from 1 minute to 15 days. */
export function parseDuration(text: string, flag: string): number {
	const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
	const milliseconds = match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : 0;
	if (milliseconds < UNITS.m || milliseconds > MAX_MS) {
		throw new UsageError(
			`${flag} must be a duration from 1m to 15d such as 15m, 1h, 3h, 12h or 24h, not "${text}"`,
		);
	}

	return milliseconds;
}

/** `--retry-for`: 0 (no retries), or a duration such as 500ms, 30s, 5m or 1h, in milliseconds. */
export function parseRetryFor(text: string, flag: string): number {
	if (/^0+(ms|s|m|h)?$/.test(text.trim())) return 0;
	const milliseconds = parseAgeThreshold(text);
	if (milliseconds === undefined) {
		throw new UsageError(
			`${flag} must be 0 or a duration such as 2s, 30s, 5m or 1h, not "${text}"`,
		);
	}

	return milliseconds;
}

/** `--alert-iterator-age`: an age such as 500ms, 60s, 5m or 1h, in milliseconds. */
export function parseAge(text: string, flag: string): number {
	const milliseconds = parseAgeThreshold(text);
	if (milliseconds === undefined) {
		throw new UsageError(`${flag} must be an age such as 30s, 60s, 5m or 1h, not "${text}"`);
	}

	return milliseconds;
}

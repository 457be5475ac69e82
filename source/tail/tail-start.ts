/**
 * Where a tail starts, written the way `--from` takes it: `latest`, `trim-horizon`, `at:SEQ`,
 * `after:SEQ` or `time:ISO8601` — the five GetShardIterator types.
 */
import type {IteratorStart} from '../driver/driver.js';

export const TAIL_START_SYNTAX =
	'latest, trim-horizon, at:SEQUENCE, after:SEQUENCE or time:ISO8601';

const SEQUENCE_NUMBER = /^(0|[1-9]\d{0,128})$/;

/** Parses a `--from` value; undefined when it is not one of the accepted forms. */
export function parseTailStart(text: string): IteratorStart | undefined {
	const value = text.trim();
	if (value === 'latest') return {type: 'LATEST'};
	if (value === 'trim-horizon') return {type: 'TRIM_HORIZON'};
	const colon = value.indexOf(':');
	if (colon === -1) return undefined;
	const kind = value.slice(0, colon);
	const argument = value.slice(colon + 1);
	switch (kind) {
		case 'at':
		case 'after': {
			if (!SEQUENCE_NUMBER.test(argument)) return undefined;
			return {
				type: kind === 'at' ? 'AT_SEQUENCE_NUMBER' : 'AFTER_SEQUENCE_NUMBER',
				sequenceNumber: argument,
			};
		}

		case 'time': {
			// Only date-time forms: a bare number would be read as a year, which is never what was meant.
			if (!/^\d{4}-\d{2}-\d{2}/.test(argument)) return undefined;
			const timestamp = new Date(argument);
			return Number.isNaN(timestamp.getTime()) ? undefined : {type: 'AT_TIMESTAMP', timestamp};
		}

		default: {
			return undefined;
		}
	}
}

/** The `--from` form of a start, for messages and the TUI. */
export function formatTailStart(start: IteratorStart): string {
	switch (start.type) {
		case 'LATEST': {
			return 'latest';
		}

		case 'TRIM_HORIZON': {
			return 'trim-horizon';
		}

		case 'AT_SEQUENCE_NUMBER': {
			return `at:${start.sequenceNumber}`;
		}

		case 'AFTER_SEQUENCE_NUMBER': {
			return `after:${start.sequenceNumber}`;
		}

		case 'AT_TIMESTAMP': {
			return `time:${start.timestamp.toISOString()}`;
		}
	}
}

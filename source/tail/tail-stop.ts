/**
 * Where a tail stops, written the way `--to` takes it: `SEQUENCE` (inclusive, per shard) or
 * `time:ISO8601` (records that arrived at or before it). A shard's reading ends at its first record past
 * the bound; its children are not read, since every record of a child comes after every record of its
 * parents (in sequence number and in arrival time).
 */

export type TailStop =
	{type: 'SEQUENCE_NUMBER'; sequenceNumber: string} | {type: 'TIMESTAMP'; timestamp: Date};

export const TAIL_STOP_SYNTAX = 'SEQUENCE or time:ISO8601';

const SEQUENCE_NUMBER = /^(0|[1-9]\d{0,128})$/;

/** Parses a `--to` value; undefined when it is not one of the accepted forms. */
export function parseTailStop(text: string): TailStop | undefined {
	const value = text.trim();
	if (SEQUENCE_NUMBER.test(value)) return {type: 'SEQUENCE_NUMBER', sequenceNumber: value};
	if (!value.startsWith('time:')) return undefined;
	const argument = value.slice('time:'.length);
	// As for --from: only date-time forms, never a bare number read as a year.
	if (!/^\d{4}-\d{2}-\d{2}/.test(argument)) return undefined;
	const timestamp = new Date(argument);
	return Number.isNaN(timestamp.getTime()) ? undefined : {type: 'TIMESTAMP', timestamp};
}

export function formatTailStop(stop: TailStop) {
	return stop.type === 'SEQUENCE_NUMBER'
		? stop.sequenceNumber
		: `time:${stop.timestamp.toISOString()}`;
}

/**
 * Compares two sequence numbers as the numbers they are. Both are decimal digits without leading zeros
 * (as Kinesis writes them), so the longer is the larger and equal lengths compare as text — no BigInt
 * per record on the hot path.
 */
export function compareSequenceNumbers(a: string, b: string) {
	if (a.length !== b.length) return a.length < b.length ? -1 : 1;
	return a < b ? -1 : a > b ? 1 : 0;
}

/** How many of `records` (one shard's, in order) are within the bound: the rest are past it. */
export function countWithin(
	records: ReadonlyArray<{SequenceNumber: string; ApproximateArrivalTimestamp: Date}>,
	stop: TailStop,
): number {
	if (stop.type === 'SEQUENCE_NUMBER') {
		const last = stop.sequenceNumber;
		for (let index = 0; index < records.length; index++) {
			if (compareSequenceNumbers(records[index].SequenceNumber, last) > 0) return index;
		}
	} else {
		const last = stop.timestamp.getTime();
		for (let index = 0; index < records.length; index++) {
			if (records[index].ApproximateArrivalTimestamp.getTime() > last) return index;
		}
	}

	return records.length;
}

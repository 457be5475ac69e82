/**
 * Shard iterators. AWS's are opaque and expire five minutes after they are issued; ours encode the
 * stream incarnation, the shard, the position (the stream-wide counter of the next record to return)
 * and the time of issue, so any engine over the same data directory can resume one after a restart.
 */
import {invalidArgument} from './errors.js';

export type IteratorState = {
	streamName: string;
	streamCreatedAt: number;
	shardIndex: number;
	/** The next record returned is the first with counter ≥ this. */
	position: number;
	issuedAt: number;
};

const VERSION = 'AAAAAAAAAAE'; // AWS iterators start with the same eight bytes 0…01, base64.

export function encodeIterator(state: IteratorState) {
	const payload = JSON.stringify([
		state.streamName,
		state.streamCreatedAt,
		state.shardIndex,
		state.position,
		state.issuedAt,
	]);
	return VERSION + Buffer.from(payload).toString('base64url');
}

export function decodeIterator(iterator: string): IteratorState {
	const invalid = () => invalidArgument('Invalid ShardIterator.');
	if (!iterator.startsWith(VERSION)) throw invalid();
	let fields: unknown;
	try {
		fields = JSON.parse(Buffer.from(iterator.slice(VERSION.length), 'base64url').toString('utf8'));
	} catch {
		throw invalid();
	}

	if (
		!Array.isArray(fields) ||
		fields.length !== 5 ||
		typeof fields[0] !== 'string' ||
		!fields.slice(1).every((field) => Number.isSafeInteger(field) && field >= 0)
	) {
		throw invalid();
	}

	const [streamName, streamCreatedAt, shardIndex, position, issuedAt] = fields as [
		string,
		number,
		number,
		number,
		number,
	];
	return {streamName, streamCreatedAt, shardIndex, position, issuedAt};
}

/** "Thu Jan 22 01:22:02 UTC 2015", the way Kinesis writes times in ExpiredIteratorException. */
export function amazonUtcString(epochMs: number) {
	const [weekday, day, month, year, time] = new Date(epochMs)
		.toUTCString()
		.replace(',', '')
		.split(' ');
	return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

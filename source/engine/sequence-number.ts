/**
 * Sequence numbers. Kinesis documents them as opaque decimal strings, unique and increasing within a
 * shard; ours are also increasing across all shards of a stream's lifetime (so a child shard's records
 * always sort after its parents'), and are 56 digits long as AWS's are, so that comparing them as
 * strings compares them as numbers.
 *
 * Layout (decimal digits): `49` | stream creation time in ms (15) | stream-wide counter (27) | shard index (12).
 * The counter orders everything; the creation time ties a number to one incarnation of a stream name; the
 * shard index lets GetShardIterator reject a number used on the wrong shard, as AWS does.
 */

const COUNTER_DIGITS = 27;
const SHARD_DIGITS = 12;
const PREFIX_DIGITS = 2 + 15;
export const SEQUENCE_NUMBER_LENGTH = PREFIX_DIGITS + COUNTER_DIGITS + SHARD_DIGITS;

export type DecodedSequenceNumber = {
	streamCreatedAt: number;
	counter: number;
	shardIndex: number;
};

/** The part shared by every sequence number of one stream incarnation. */
export function sequencePrefix(streamCreatedAt: number) {
	return '49' + String(streamCreatedAt).padStart(15, '0');
}

export function shardSuffix(shardIndex: number) {
	return String(shardIndex).padStart(SHARD_DIGITS, '0');
}

/**
 * Every put formats one of these, so the digits above the last three are kept from the previous call
 * (consecutive counters share them 999 times in 1,000) and the last three come from a table.
 */
const LOW_DIGITS = 3;
const LOW_RANGE = 10 ** LOW_DIGITS;
const LOW_TEXT = Array.from({length: LOW_RANGE}, (_, low) => String(low).padStart(LOW_DIGITS, '0'));
let cachedPrefix = '';
let cachedHigh = -1;
let cachedHead = '';

export function formatSequenceNumber(prefix: string, counter: number, suffix: string) {
	const low = counter % LOW_RANGE;
	const high = (counter - low) / LOW_RANGE;
	if (high !== cachedHigh || prefix !== cachedPrefix) {
		cachedPrefix = prefix;
		cachedHigh = high;
		cachedHead = prefix + String(high).padStart(COUNTER_DIGITS - LOW_DIGITS, '0');
	}

	return cachedHead + LOW_TEXT[low] + suffix;
}

/** Decodes one of our sequence numbers; undefined for any other string. */
export function decodeSequenceNumber(sequenceNumber: string): DecodedSequenceNumber | undefined {
	if (sequenceNumber.length !== SEQUENCE_NUMBER_LENGTH || !/^49\d+$/.test(sequenceNumber)) {
		return undefined;
	}

	const counter = Number(sequenceNumber.slice(PREFIX_DIGITS, PREFIX_DIGITS + COUNTER_DIGITS));
	if (!Number.isSafeInteger(counter)) return undefined;
	return {
		streamCreatedAt: Number(sequenceNumber.slice(2, PREFIX_DIGITS)),
		counter,
		shardIndex: Number(sequenceNumber.slice(PREFIX_DIGITS + COUNTER_DIGITS)),
	};
}

/** AWS's syntactic rule for a sequence number parameter (`0|([1-9]\d{0,128})`). */
export const isWellFormedSequenceNumber = (value: string) => /^(0|[1-9]\d{0,128})$/.test(value);

/** `shardId-000000000007` ⇄ 7. */
export const shardIdOf = (index: number) => 'shardId-' + String(index).padStart(12, '0');

/** The index in a shard id; like AWS, accepts `shardId-000000000007`, `shardId-7` and `7`. */
export function shardIndexOf(shardId: string): number | undefined {
	const match = /^(?:shardId-)?(\d{1,20})$/.exec(shardId);
	return match ? Number(match[1]) : undefined;
}

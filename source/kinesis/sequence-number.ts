/**
 * Reading sequence numbers as AWS reads the ones a client sends: which layout, which shard, which
 * counter and arrival second; and AWS's syntactic rule for a sequence-number parameter. Making them is
 * the engine's job (source/engine/sequence-number.ts, where the layouts are drawn).
 *
 * AWS's numbers are read as a 186-bit number ending in a version digit (2 for the current layout); our
 * `legacy` numbers, from streams written by earlier versions of kinesis-top, are
 * `49` | stream creation in ms (15) | counter (27) | shard index (12).
 */

/** How a stream's sequence numbers are laid out: AWS's (`aws`) or our old one (`legacy`). */
export type SequenceLayout = 'aws' | 'legacy';

export const SEQUENCE_NUMBER_LENGTH = 56;

export type DecodedSequenceNumber = {
	/** AWS's version digit: 2 for ours; 0 and 1 for older AWS layouts; `legacy` for ours of old. */
	version: 0 | 1 | 2 | 'legacy';
	shardIndex: number;
	/** The shard's creation second (`aws`), or the stream's creation in ms (`legacy`). */
	createdAt: number;
	/** The record counter, where the layout has one (capped at the largest safe integer). */
	counter?: number;
	/** Arrival second, where the layout has one. */
	arrivalSeconds?: number;
	/** The number as AWS shows it in its messages (an old 128-bit layout is shown normalised). */
	shown: string;
};

/** The digits of the `legacy` layout's counter and shard index. */
export const LEGACY_COUNTER_DIGITS = 27;
export const LEGACY_SHARD_DIGITS = 12;
const LEGACY_PREFIX_DIGITS = 2 + 15;

const TWO_124 = 1n << 124n;
const TWO_128 = 1n << 128n;
const TWO_185 = 1n << 185n;
const TWO_185_AND_HALF = TWO_185 + (TWO_185 >> 1n);
/** AWS refuses a creation second from this one on (recorded by kinesalite: "Date too large"). */
const LATEST_SECOND = 16_025_175_000;

/**
 * Reads a number in one of AWS's layouts; undefined where AWS answers "is invalid". AWS reads numbers
 * below 2¹²⁴ as its oldest, 128-bit layout (version 0) with the top digit 1 added, and shows them so
 * ('0' is shown as 21267647932558653966460912964485513216); newer ones end in their version digit.
 */
export function decodeAwsSequenceNumber(value: string): DecodedSequenceNumber | undefined {
	if (!/^\d+$/.test(value)) return undefined;
	const number = BigInt(value);
	if (number < TWO_128) {
		const normalised = TWO_124 + (number % TWO_124);
		const hex = normalised.toString(16);
		const createdAt = Number.parseInt(hex.slice(1, 10), 16);
		if (createdAt >= LATEST_SECOND) return undefined;
		return {
			version: 0,
			createdAt,
			shardIndex: Number.parseInt(hex.slice(28, 32), 16),
			shown: String(normalised),
		};
	}

	if (number <= TWO_185 || number >= TWO_185_AND_HALF) return undefined;
	const hex = number.toString(16);
	const version = hex.at(-1);
	const createdAt = Number.parseInt(hex.slice(1, 10), 16);
	if (createdAt >= LATEST_SECOND) return undefined;
	if (version === '1') {
		return {
			version: 1,
			createdAt,
			arrivalSeconds: Number.parseInt(hex.slice(13, 22), 16),
			shardIndex: Number.parseInt(hex.slice(38, 46), 16),
			shown: value,
		};
	}

	if (version !== '2') return undefined;
	const counterHex = hex.slice(11, 27);
	const shardHex = hex.slice(38, 46);
	// A counter or shard index with its top bit set would be negative to AWS: it refuses them.
	if (Number.parseInt(counterHex[0], 16) > 7 || Number.parseInt(shardHex[0], 16) > 7) {
		return undefined;
	}

	const counter = Number.parseInt(counterHex, 16);
	return {
		version: 2,
		createdAt,
		counter: Math.min(counter, Number.MAX_SAFE_INTEGER),
		arrivalSeconds: Number.parseInt(hex.slice(29, 38), 16),
		shardIndex: Number.parseInt(shardHex, 16),
		shown: value,
	};
}

/** Decodes one of our `legacy` sequence numbers; undefined for any other string. */
export function decodeLegacySequenceNumber(value: string): DecodedSequenceNumber | undefined {
	if (value.length !== SEQUENCE_NUMBER_LENGTH || !/^49\d+$/.test(value)) return undefined;
	const counter = Number(
		value.slice(LEGACY_PREFIX_DIGITS, LEGACY_PREFIX_DIGITS + LEGACY_COUNTER_DIGITS),
	);
	if (!Number.isSafeInteger(counter)) return undefined;
	return {
		version: 'legacy',
		createdAt: Number(value.slice(2, LEGACY_PREFIX_DIGITS)),
		counter,
		shardIndex: Number(value.slice(LEGACY_PREFIX_DIGITS + LEGACY_COUNTER_DIGITS)),
		shown: value,
	};
}

/** Decodes a number as a stream of `layout` reads it. */
export const decodeSequenceNumber = (value: string, layout: SequenceLayout) =>
	layout === 'aws' ? decodeAwsSequenceNumber(value) : decodeLegacySequenceNumber(value);

/** AWS's syntactic rule for a sequence number parameter (`0|([1-9]\d{0,128})`). */
export const isWellFormedSequenceNumber = (value: string) => /^(0|[1-9]\d{0,128})$/.test(value);

/**
 * Sequence numbers. Kinesis documents them as opaque decimal strings, unique and increasing within a
 * shard. Ours have AWS's own structure (the one AWS has used since 2014, and that kinesalite decodes),
 * so that clients and tests that look inside them, and AWS's checks on them, find what they expect.
 * Read as a 186-bit number, in hexadecimal digits (47 of them; AWS's are 56 decimal digits, all the
 * same length, so comparing them as strings compares them as numbers):
 *
 * ```
 * 2 | shard creation, epoch s (9) | shard index, last digit (1) | counter (16) | 00 | arrival, epoch s (9) | shard index (8) | 2
 * ```
 *
 * The counter is the stream-wide one the engine numbers records with (so it increases within a shard);
 * the shard creation second is the stream's for its first shards and a later one for every child of a
 * reshard, so a child's numbers sort after its parents'. The trailing 2 is AWS's version digit.
 *
 * Streams written by earlier versions of kinesis-top keep the layout they were created with (their
 * consumers hold checkpoints in it): `49` | stream creation in ms (15) | counter (27) | shard index (12).
 */

/** How a stream's sequence numbers are laid out: `aws` (above) or `legacy`. */
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

// ─── Formatting, one per put and one per record read: no BigInt on the hot path ─────────────────

const COUNTER_SHIFT = 80n;
const ARRIVAL_SHIFT = 36n;
const COUNTER_UNIT = 1n << COUNTER_SHIFT;
/**
 * The number's low 28 decimal digits are kept as seven 4-digit limbs, so adding the counter's share is
 * a few small-integer additions and table look-ups; the high 28 digits change only when a cached base
 * (shard, arrival second, counter ÷ 1,000) does, or by a carry.
 */
const LIMBS = 7;
const LIMB = 10_000;
const LOW_RANGE = 1000;
const LIMB_TEXT = Array.from({length: LIMB}, (_, value) => String(value).padStart(4, '0'));
/** low × 2⁸⁰ for low < 1,000, as limbs: the counter's share below the cached base. */
const COUNTER_LIMBS = new Int32Array(LOW_RANGE * LIMBS);
for (let low = 0; low < LOW_RANGE; low++) {
	writeLimbs(BigInt(low) * COUNTER_UNIT, COUNTER_LIMBS, low * LIMBS);
}

function writeLimbs(value: bigint, into: Int32Array, at: number) {
	let rest = value;
	for (let i = 0; i < LIMBS; i++) {
		into[at + i] = Number(rest % BigInt(LIMB));
		rest /= BigInt(LIMB);
	}
}

/** The bits of an `aws` number that depend on the shard alone. */
function shardBits(createdSeconds: number, shardIndex: number) {
	return (
		(2n << 184n) |
		(BigInt(createdSeconds) << 148n) |
		(BigInt(shardIndex & 0xf) << 144n) |
		(BigInt(shardIndex) << 4n) |
		2n
	);
}

/** Formats the sequence numbers of one shard. */
export type SequenceFormatter = {format(counter: number, arrivalMs: number): string};

/** One shard's `aws` sequence numbers (see the top of this file). */
export class AwsSequenceFormatter implements SequenceFormatter {
	private readonly shard: bigint;
	private baseHigh = -1;
	private baseSecond = -1;
	private head = '';
	private headPlusOne = '';
	private readonly baseLimbs = new Int32Array(LIMBS);

	constructor(
		readonly createdSeconds: number,
		readonly shardIndex: number,
	) {
		this.shard = shardBits(createdSeconds, shardIndex);
	}

	format(counter: number, arrivalMs: number) {
		const second = Math.floor(arrivalMs / 1000);
		const low = counter % LOW_RANGE;
		const high = (counter - low) / LOW_RANGE;
		if (high !== this.baseHigh || second !== this.baseSecond) this.rebase(high, second);
		// Unrolled: limb 0 is the lowest; each carries into the next.
		const base = this.baseLimbs;
		const at = low * LIMBS;
		let sum = base[0] + COUNTER_LIMBS[at];
		const l0 = sum % LIMB;
		sum = base[1] + COUNTER_LIMBS[at + 1] + (sum >= LIMB ? 1 : 0);
		const l1 = sum % LIMB;
		sum = base[2] + COUNTER_LIMBS[at + 2] + (sum >= LIMB ? 1 : 0);
		const l2 = sum % LIMB;
		sum = base[3] + COUNTER_LIMBS[at + 3] + (sum >= LIMB ? 1 : 0);
		const l3 = sum % LIMB;
		sum = base[4] + COUNTER_LIMBS[at + 4] + (sum >= LIMB ? 1 : 0);
		const l4 = sum % LIMB;
		sum = base[5] + COUNTER_LIMBS[at + 5] + (sum >= LIMB ? 1 : 0);
		const l5 = sum % LIMB;
		sum = base[6] + COUNTER_LIMBS[at + 6] + (sum >= LIMB ? 1 : 0);
		const l6 = sum % LIMB;
		return (
			(sum >= LIMB ? this.carriedHead : this.head) +
			LIMB_TEXT[l6] +
			LIMB_TEXT[l5] +
			LIMB_TEXT[l4] +
			LIMB_TEXT[l3] +
			LIMB_TEXT[l2] +
			LIMB_TEXT[l1] +
			LIMB_TEXT[l0]
		);
	}

	private rebase(high: number, second: number) {
		this.baseHigh = high;
		this.baseSecond = second;
		const base =
			this.shard |
			(BigInt(second) << ARRIVAL_SHIFT) |
			((BigInt(high) * BigInt(LOW_RANGE)) << COUNTER_SHIFT);
		// One conversion to decimal, then plain string work: a shard's reader or writer rebases every
		// 1,000 counters of its stream, so this is not free either.
		const digits = String(base);
		const split = digits.length - LIMBS * 4;
		this.head = digits.slice(0, split);
		this.headPlusOne = '';
		for (let i = 0; i < LIMBS; i++) {
			const end = digits.length - i * 4;
			this.baseLimbs[i] = Number(digits.slice(end - 4, end));
		}
	}

	/** The high digits plus one, for the rare carry out of the low ones. */
	private get carriedHead() {
		this.headPlusOne ||= String(BigInt(this.head) + 1n);
		return this.headPlusOne;
	}
}

/** One shard's `legacy` sequence numbers: the digits above the counter's last three are cached. */
export class LegacySequenceFormatter implements SequenceFormatter {
	private readonly prefix: string;
	private readonly suffix: string;
	private cachedHigh = -1;
	private cachedHead = '';

	constructor(streamCreatedAt: number, shardIndex: number) {
		this.prefix = '49' + String(streamCreatedAt).padStart(15, '0');
		this.suffix = String(shardIndex).padStart(LEGACY_SHARD_DIGITS, '0');
	}

	format(counter: number) {
		const low = counter % LOW_RANGE;
		const high = (counter - low) / LOW_RANGE;
		if (high !== this.cachedHigh) {
			this.cachedHigh = high;
			this.cachedHead = this.prefix + String(high).padStart(LEGACY_COUNTER_DIGITS - 3, '0');
		}

		return this.cachedHead + LEGACY_LOW_TEXT[low] + this.suffix;
	}
}

const LEGACY_COUNTER_DIGITS = 27;
const LEGACY_SHARD_DIGITS = 12;
const LEGACY_PREFIX_DIGITS = 2 + 15;
const LEGACY_LOW_TEXT = Array.from({length: LOW_RANGE}, (_, low) => String(low).padStart(3, '0'));

// ─── Decoding, as AWS reads a number a client sends ──────────────────────────────────────────────

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

/** `shardId-000000000007` ⇄ 7. */
export const shardIdOf = (index: number) => 'shardId-' + String(index).padStart(12, '0');

/** The index in a shard id; like AWS, accepts `shardId-000000000007`, `shardId-7` and `7`. */
export function shardIndexOf(shardId: string): number | undefined {
	const match = /^(?:shardId-)?(\d{1,20})$/.exec(shardId);
	return match ? Number(match[1]) : undefined;
}

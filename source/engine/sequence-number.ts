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
 *
 * This file makes them; reading them as AWS reads a client's is source/kinesis/sequence-number.ts.
 */
import {LEGACY_COUNTER_DIGITS, LEGACY_SHARD_DIGITS} from '../kinesis/sequence-number.js';

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
export type SequenceFormatter = {
	format(counter: number, arrivalMs: number): string;
	/**
	 * The same number written as ASCII digits into `buffer` (`view` is a DataView over it) at `at`;
	 * returns the position after it. serve's PutRecords answer is written so, without a string made
	 * for each record.
	 */
	formatInto(
		counter: number,
		arrivalMs: number,
		buffer: Buffer,
		view: DataView,
		at: number,
	): number;
};

/** Each limb's four ASCII digits as one little-endian word, to store at once. */
const LIMB_DIGITS = Uint32Array.from(LIMB_TEXT, (digits) =>
	Buffer.from(digits, 'latin1').readUInt32LE(0),
);

/** One shard's `aws` sequence numbers (see the top of this file). */
export class AwsSequenceFormatter implements SequenceFormatter {
	private readonly shard: bigint;
	private baseHigh = -1;
	private baseSecond = -1;
	private head = '';
	private headPlusOne = '';
	private headPlusOneBytes: Buffer | undefined;
	private headBytes = new Uint8Array(0);
	private readonly baseLimbs = new Int32Array(LIMBS);
	/** The low limbs of the number last computed ({@link lowLimbs}), lowest first. */
	private readonly low = new Int32Array(LIMBS);

	constructor(
		readonly createdSeconds: number,
		readonly shardIndex: number,
	) {
		this.shard = shardBits(createdSeconds, shardIndex);
	}

	format(counter: number, arrivalMs: number) {
		const low = this.low;
		const head = this.lowLimbs(counter, arrivalMs) ? this.carriedHead : this.head;
		return (
			head +
			LIMB_TEXT[low[6]] +
			LIMB_TEXT[low[5]] +
			LIMB_TEXT[low[4]] +
			LIMB_TEXT[low[3]] +
			LIMB_TEXT[low[2]] +
			LIMB_TEXT[low[1]] +
			LIMB_TEXT[low[0]]
		);
	}

	formatInto(counter: number, arrivalMs: number, buffer: Buffer, view: DataView, at: number) {
		// lowLimbs' sums, in locals and without a loop (a line for each of the LIMBS, 7): a third of
		// the answer's time went to them. The digits are stored from the highest limb, so all are
		// computed first.
		const base = this.baseLimbs;
		const c = this.counterLow(counter, arrivalMs) * LIMBS;
		let sum = base[0] + COUNTER_LIMBS[c];
		const l0 = sum % LIMB;
		sum = base[1] + COUNTER_LIMBS[c + 1] + (sum - l0) / LIMB;
		const l1 = sum % LIMB;
		sum = base[2] + COUNTER_LIMBS[c + 2] + (sum - l1) / LIMB;
		const l2 = sum % LIMB;
		sum = base[3] + COUNTER_LIMBS[c + 3] + (sum - l2) / LIMB;
		const l3 = sum % LIMB;
		sum = base[4] + COUNTER_LIMBS[c + 4] + (sum - l3) / LIMB;
		const l4 = sum % LIMB;
		sum = base[5] + COUNTER_LIMBS[c + 5] + (sum - l4) / LIMB;
		const l5 = sum % LIMB;
		sum = base[6] + COUNTER_LIMBS[c + 6] + (sum - l5) / LIMB;
		// A carry out of the low digits (for about one number in twenty) adds one to the high ones.
		const carried = sum >= LIMB;
		if (carried) sum -= LIMB;
		// Native copies and 4-digit stores: a byte stored at a time cost twice the whole answer.
		const head = carried ? this.carriedHeadBytes : this.headBytes;
		buffer.set(head, at);
		at += head.length;
		view.setUint32(at, LIMB_DIGITS[sum], true);
		view.setUint32(at + 4, LIMB_DIGITS[l5], true);
		view.setUint32(at + 8, LIMB_DIGITS[l4], true);
		view.setUint32(at + 12, LIMB_DIGITS[l3], true);
		view.setUint32(at + 16, LIMB_DIGITS[l2], true);
		view.setUint32(at + 20, LIMB_DIGITS[l1], true);
		view.setUint32(at + 24, LIMB_DIGITS[l0], true);
		return at + 28;
	}

	/**
	 * The number's low limbs into {@link low}: the cached base plus the counter's share, each limb
	 * carrying into the next. Returns whether the highest carried into the high digits.
	 */
	private lowLimbs(counter: number, arrivalMs: number) {
		const base = this.baseLimbs;
		const out = this.low;
		const at = this.counterLow(counter, arrivalMs) * LIMBS;
		let carry = 0;
		for (let i = 0; i < LIMBS; i++) {
			const sum = base[i] + COUNTER_LIMBS[at + i] + carry;
			carry = sum >= LIMB ? 1 : 0;
			out[i] = sum - carry * LIMB;
		}

		return carry === 1;
	}

	/**
	 * The counter's last three digits, below the cached base: rebased first if the counter's thousand
	 * or the arrival second is not the base's.
	 */
	private counterLow(counter: number, arrivalMs: number) {
		const second = Math.floor(arrivalMs / 1000);
		const low = counter % LOW_RANGE;
		const high = (counter - low) / LOW_RANGE;
		if (high !== this.baseHigh || second !== this.baseSecond) this.rebase(high, second);
		return low;
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
		this.headBytes = Buffer.from(this.head, 'latin1');
		this.headPlusOne = '';
		this.headPlusOneBytes = undefined;
		for (let i = 0; i < LIMBS; i++) {
			const end = digits.length - i * 4;
			this.baseLimbs[i] = Number(digits.slice(end - 4, end));
		}
	}

	/** The high digits plus one, for a carry out of the low ones. */
	private get carriedHead() {
		this.headPlusOne ||= String(BigInt(this.head) + 1n);
		return this.headPlusOne;
	}

	private get carriedHeadBytes() {
		this.headPlusOneBytes ??= Buffer.from(this.carriedHead, 'latin1');
		return this.headPlusOneBytes;
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

	formatInto(counter: number, _arrivalMs: number, buffer: Buffer, _view: DataView, at: number) {
		return at + buffer.write(this.format(counter), at, 'latin1');
	}
}

const LEGACY_LOW_TEXT = Array.from({length: LOW_RANGE}, (_, low) => String(low).padStart(3, '0'));

/** `shardId-000000000007` for 7 (the parsing way is kinesis/shard-id.ts). */
export const shardIdOf = (index: number) => 'shardId-' + String(index).padStart(12, '0');

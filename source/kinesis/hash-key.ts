/**
 * Hash-key routing as Kinesis does it: a record's hash key is the MD5 digest of its partition key read as
 * an unsigned 128-bit big-endian integer (or the record's `ExplicitHashKey`), and the record goes to the
 * open shard whose `HashKeyRange` contains it.
 *
 * Keys are handled as four unsigned 32-bit words, most significant first, so routing never needs BigInt:
 * MD5 of the partition key is on the hot path of every put, and the unrolled MD5 below is several times
 * faster than `node:crypto` for the short ASCII keys that make up nearly all real traffic.
 */
import {hash} from 'node:crypto';

/** A 128-bit hash key as four unsigned 32-bit words, most significant first. */
export type HashKeyWords = ArrayLike<number>;

export const MAX_HASH_KEY = (1n << 128n) - 1n;

const words = new Int32Array(16);

const swapBytes = (x: number) =>
	(((x & 0xff) << 24) | ((x & 0xff_00) << 8) | ((x >>> 8) & 0xff_00) | (x >>> 24)) >>> 0;

/** MD5 of a partition key (its UTF-8 bytes) as an unsigned 128-bit integer. */
export function partitionKeyHash(partitionKey: string): HashKeyWords {
	const out = new Uint32Array(4);
	hashPartitionKeyInto(partitionKey, out);
	return out;
}

/**
 * {@link partitionKeyHash} into `out`, allocating nothing: the put path's version. Returns the key's
 * length in UTF-8 bytes, which the put path needs next and which the ASCII fast path knows for free.
 */
export function hashPartitionKeyInto(partitionKey: string, out: Uint32Array): number {
	if (md5ShortAscii(partitionKey, out)) return partitionKey.length;
	const digest = Buffer.from(hash('md5', partitionKey, 'hex'), 'hex');
	for (let i = 0; i < 4; i++) out[i] = digest.readUInt32BE(i * 4);
	return Buffer.byteLength(partitionKey);
}

/**
 * The MD5 of ASCII bytes `start`..`end` of `bytes` (a request's own, not made into a string first) into
 * `out`, as {@link hashPartitionKeyInto} would give for the same text; false (nothing written) for
 * anything but ASCII of at most 55 bytes.
 */
export function hashAsciiBytesInto(
	bytes: Uint8Array,
	start: number,
	end: number,
	out: Uint32Array,
): boolean {
	const n = end - start;
	if (n > 55) return false;
	let w = 0;
	let i = start;
	for (; i + 4 <= end; i += 4) {
		const c0 = bytes[i];
		const c1 = bytes[i + 1];
		const c2 = bytes[i + 2];
		const c3 = bytes[i + 3];
		if ((c0 | c1 | c2 | c3) > 127) return false;
		words[w++] = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
	}

	let last = 0x80 << ((end - i) * 8);
	for (let shift = 0; i < end; i++, shift += 8) {
		const c = bytes[i];
		if (c > 127) return false;
		last |= c << shift;
	}

	words[w++] = last;
	md5OfBlock(w, n, out);
	return true;
}

/** One-block MD5 (RFC 1321) into `out` for ASCII input of at most 55 bytes; false for anything else. */
function md5ShortAscii(key: string, out: Uint32Array): boolean {
	const n = key.length;
	if (n > 55) return false;
	// The block is read as little-endian words: build each from four characters at once (faster than
	// writing bytes and reading them back), then the 0x80 end marker, zero padding and the bit length.
	let w = 0;
	let i = 0;
	for (; i + 4 <= n; i += 4) {
		const c0 = key.charCodeAt(i);
		const c1 = key.charCodeAt(i + 1);
		const c2 = key.charCodeAt(i + 2);
		const c3 = key.charCodeAt(i + 3);
		if ((c0 | c1 | c2 | c3) > 127) return false;
		words[w++] = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
	}

	let last = 0x80 << ((n - i) * 8);
	for (let shift = 0; i < n; i++, shift += 8) {
		const c = key.charCodeAt(i);
		if (c > 127) return false;
		last |= c << shift;
	}

	words[w++] = last;
	md5OfBlock(w, n, out);
	return true;
}

/**
 * MD5's one round of 64 steps over {@link words}, whose first `filled` words hold the message (`length`
 * bytes) and its end marker: zero padding and the bit length are added here. The digest goes to `out`
 * as four big-endian words.
 */
function md5OfBlock(filled: number, length: number, out: Uint32Array) {
	let w = filled;
	while (w < 14) words[w++] = 0;
	words[14] = length * 8;
	words[15] = 0;
	const m0 = words[0];
	const m1 = words[1];
	const m2 = words[2];
	const m3 = words[3];
	const m4 = words[4];
	const m5 = words[5];
	const m6 = words[6];
	const m7 = words[7];
	const m8 = words[8];
	const m9 = words[9];
	const m10 = words[10];
	const m11 = words[11];
	const m12 = words[12];
	const m13 = words[13];
	const m14 = words[14];
	const m15 = words[15];
	let a = 0x67_45_23_01 | 0;
	let b = 0xef_cd_ab_89 | 0;
	let c = 0x98_ba_dc_fe | 0;
	let d = 0x10_32_54_76 | 0;
	let x = 0;
	// prettier-ignore
	{
		x = (a + ((b & c) | (~b & d)) + -680876936 + m0) | 0;
		a = (b + ((x << 7) | (x >>> 25))) | 0;
		x = (d + ((a & b) | (~a & c)) + -389564586 + m1) | 0;
		d = (a + ((x << 12) | (x >>> 20))) | 0;
		x = (c + ((d & a) | (~d & b)) + 606105819 + m2) | 0;
		c = (d + ((x << 17) | (x >>> 15))) | 0;
		x = (b + ((c & d) | (~c & a)) + -1044525330 + m3) | 0;
		b = (c + ((x << 22) | (x >>> 10))) | 0;
		x = (a + ((b & c) | (~b & d)) + -176418897 + m4) | 0;
		a = (b + ((x << 7) | (x >>> 25))) | 0;
		x = (d + ((a & b) | (~a & c)) + 1200080426 + m5) | 0;
		d = (a + ((x << 12) | (x >>> 20))) | 0;
		x = (c + ((d & a) | (~d & b)) + -1473231341 + m6) | 0;
		c = (d + ((x << 17) | (x >>> 15))) | 0;
		x = (b + ((c & d) | (~c & a)) + -45705983 + m7) | 0;
		b = (c + ((x << 22) | (x >>> 10))) | 0;
		x = (a + ((b & c) | (~b & d)) + 1770035416 + m8) | 0;
		a = (b + ((x << 7) | (x >>> 25))) | 0;
		x = (d + ((a & b) | (~a & c)) + -1958414417 + m9) | 0;
		d = (a + ((x << 12) | (x >>> 20))) | 0;
		x = (c + ((d & a) | (~d & b)) + -42063 + m10) | 0;
		c = (d + ((x << 17) | (x >>> 15))) | 0;
		x = (b + ((c & d) | (~c & a)) + -1990404162 + m11) | 0;
		b = (c + ((x << 22) | (x >>> 10))) | 0;
		x = (a + ((b & c) | (~b & d)) + 1804603682 + m12) | 0;
		a = (b + ((x << 7) | (x >>> 25))) | 0;
		x = (d + ((a & b) | (~a & c)) + -40341101 + m13) | 0;
		d = (a + ((x << 12) | (x >>> 20))) | 0;
		x = (c + ((d & a) | (~d & b)) + -1502002290 + m14) | 0;
		c = (d + ((x << 17) | (x >>> 15))) | 0;
		x = (b + ((c & d) | (~c & a)) + 1236535329 + m15) | 0;
		b = (c + ((x << 22) | (x >>> 10))) | 0;
		x = (a + ((d & b) | (~d & c)) + -165796510 + m1) | 0;
		a = (b + ((x << 5) | (x >>> 27))) | 0;
		x = (d + ((c & a) | (~c & b)) + -1069501632 + m6) | 0;
		d = (a + ((x << 9) | (x >>> 23))) | 0;
		x = (c + ((b & d) | (~b & a)) + 643717713 + m11) | 0;
		c = (d + ((x << 14) | (x >>> 18))) | 0;
		x = (b + ((a & c) | (~a & d)) + -373897302 + m0) | 0;
		b = (c + ((x << 20) | (x >>> 12))) | 0;
		x = (a + ((d & b) | (~d & c)) + -701558691 + m5) | 0;
		a = (b + ((x << 5) | (x >>> 27))) | 0;
		x = (d + ((c & a) | (~c & b)) + 38016083 + m10) | 0;
		d = (a + ((x << 9) | (x >>> 23))) | 0;
		x = (c + ((b & d) | (~b & a)) + -660478335 + m15) | 0;
		c = (d + ((x << 14) | (x >>> 18))) | 0;
		x = (b + ((a & c) | (~a & d)) + -405537848 + m4) | 0;
		b = (c + ((x << 20) | (x >>> 12))) | 0;
		x = (a + ((d & b) | (~d & c)) + 568446438 + m9) | 0;
		a = (b + ((x << 5) | (x >>> 27))) | 0;
		x = (d + ((c & a) | (~c & b)) + -1019803690 + m14) | 0;
		d = (a + ((x << 9) | (x >>> 23))) | 0;
		x = (c + ((b & d) | (~b & a)) + -187363961 + m3) | 0;
		c = (d + ((x << 14) | (x >>> 18))) | 0;
		x = (b + ((a & c) | (~a & d)) + 1163531501 + m8) | 0;
		b = (c + ((x << 20) | (x >>> 12))) | 0;
		x = (a + ((d & b) | (~d & c)) + -1444681467 + m13) | 0;
		a = (b + ((x << 5) | (x >>> 27))) | 0;
		x = (d + ((c & a) | (~c & b)) + -51403784 + m2) | 0;
		d = (a + ((x << 9) | (x >>> 23))) | 0;
		x = (c + ((b & d) | (~b & a)) + 1735328473 + m7) | 0;
		c = (d + ((x << 14) | (x >>> 18))) | 0;
		x = (b + ((a & c) | (~a & d)) + -1926607734 + m12) | 0;
		b = (c + ((x << 20) | (x >>> 12))) | 0;
		x = (a + (b ^ c ^ d) + -378558 + m5) | 0;
		a = (b + ((x << 4) | (x >>> 28))) | 0;
		x = (d + (a ^ b ^ c) + -2022574463 + m8) | 0;
		d = (a + ((x << 11) | (x >>> 21))) | 0;
		x = (c + (d ^ a ^ b) + 1839030562 + m11) | 0;
		c = (d + ((x << 16) | (x >>> 16))) | 0;
		x = (b + (c ^ d ^ a) + -35309556 + m14) | 0;
		b = (c + ((x << 23) | (x >>> 9))) | 0;
		x = (a + (b ^ c ^ d) + -1530992060 + m1) | 0;
		a = (b + ((x << 4) | (x >>> 28))) | 0;
		x = (d + (a ^ b ^ c) + 1272893353 + m4) | 0;
		d = (a + ((x << 11) | (x >>> 21))) | 0;
		x = (c + (d ^ a ^ b) + -155497632 + m7) | 0;
		c = (d + ((x << 16) | (x >>> 16))) | 0;
		x = (b + (c ^ d ^ a) + -1094730640 + m10) | 0;
		b = (c + ((x << 23) | (x >>> 9))) | 0;
		x = (a + (b ^ c ^ d) + 681279174 + m13) | 0;
		a = (b + ((x << 4) | (x >>> 28))) | 0;
		x = (d + (a ^ b ^ c) + -358537222 + m0) | 0;
		d = (a + ((x << 11) | (x >>> 21))) | 0;
		x = (c + (d ^ a ^ b) + -722521979 + m3) | 0;
		c = (d + ((x << 16) | (x >>> 16))) | 0;
		x = (b + (c ^ d ^ a) + 76029189 + m6) | 0;
		b = (c + ((x << 23) | (x >>> 9))) | 0;
		x = (a + (b ^ c ^ d) + -640364487 + m9) | 0;
		a = (b + ((x << 4) | (x >>> 28))) | 0;
		x = (d + (a ^ b ^ c) + -421815835 + m12) | 0;
		d = (a + ((x << 11) | (x >>> 21))) | 0;
		x = (c + (d ^ a ^ b) + 530742520 + m15) | 0;
		c = (d + ((x << 16) | (x >>> 16))) | 0;
		x = (b + (c ^ d ^ a) + -995338651 + m2) | 0;
		b = (c + ((x << 23) | (x >>> 9))) | 0;
		x = (a + (c ^ (b | ~d)) + -198630844 + m0) | 0;
		a = (b + ((x << 6) | (x >>> 26))) | 0;
		x = (d + (b ^ (a | ~c)) + 1126891415 + m7) | 0;
		d = (a + ((x << 10) | (x >>> 22))) | 0;
		x = (c + (a ^ (d | ~b)) + -1416354905 + m14) | 0;
		c = (d + ((x << 15) | (x >>> 17))) | 0;
		x = (b + (d ^ (c | ~a)) + -57434055 + m5) | 0;
		b = (c + ((x << 21) | (x >>> 11))) | 0;
		x = (a + (c ^ (b | ~d)) + 1700485571 + m12) | 0;
		a = (b + ((x << 6) | (x >>> 26))) | 0;
		x = (d + (b ^ (a | ~c)) + -1894986606 + m3) | 0;
		d = (a + ((x << 10) | (x >>> 22))) | 0;
		x = (c + (a ^ (d | ~b)) + -1051523 + m10) | 0;
		c = (d + ((x << 15) | (x >>> 17))) | 0;
		x = (b + (d ^ (c | ~a)) + -2054922799 + m1) | 0;
		b = (c + ((x << 21) | (x >>> 11))) | 0;
		x = (a + (c ^ (b | ~d)) + 1873313359 + m8) | 0;
		a = (b + ((x << 6) | (x >>> 26))) | 0;
		x = (d + (b ^ (a | ~c)) + -30611744 + m15) | 0;
		d = (a + ((x << 10) | (x >>> 22))) | 0;
		x = (c + (a ^ (d | ~b)) + -1560198380 + m6) | 0;
		c = (d + ((x << 15) | (x >>> 17))) | 0;
		x = (b + (d ^ (c | ~a)) + 1309151649 + m13) | 0;
		b = (c + ((x << 21) | (x >>> 11))) | 0;
		x = (a + (c ^ (b | ~d)) + -145523070 + m4) | 0;
		a = (b + ((x << 6) | (x >>> 26))) | 0;
		x = (d + (b ^ (a | ~c)) + -1120210379 + m11) | 0;
		d = (a + ((x << 10) | (x >>> 22))) | 0;
		x = (c + (a ^ (d | ~b)) + 718787259 + m2) | 0;
		c = (d + ((x << 15) | (x >>> 17))) | 0;
		x = (b + (d ^ (c | ~a)) + -343485551 + m9) | 0;
		b = (c + ((x << 21) | (x >>> 11))) | 0;
	}
	out[0] = swapBytes((a + 0x67_45_23_01) | 0);
	out[1] = swapBytes((b + (0xef_cd_ab_89 | 0)) | 0);
	out[2] = swapBytes((c + (0x98_ba_dc_fe | 0)) | 0);
	out[3] = swapBytes((d + 0x10_32_54_76) | 0);
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compareHashKeys(a: HashKeyWords, b: HashKeyWords): number {
	for (let i = 0; i < 4; i++) {
		if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
	}

	return 0;
}

export function hashKeyToBigInt(key: HashKeyWords): bigint {
	return (
		(BigInt(key[0]) << 96n) | (BigInt(key[1]) << 64n) | (BigInt(key[2]) << 32n) | BigInt(key[3])
	);
}

export function bigIntToHashKey(value: bigint, out = new Uint32Array(4)): Uint32Array {
	const mask = 0xff_ff_ff_ffn;
	out[0] = Number((value >> 96n) & mask);
	out[1] = Number((value >> 64n) & mask);
	out[2] = Number((value >> 32n) & mask);
	out[3] = Number(value & mask);
	return out;
}

/** A decimal hash key string (as in `ExplicitHashKey` or `HashKeyRange`), or undefined when not one. */
export function parseHashKey(decimal: string): bigint | undefined {
	if (!/^(0|[1-9]\d{0,38})$/.test(decimal)) return undefined;
	const value = BigInt(decimal);
	return value <= MAX_HASH_KEY ? value : undefined;
}

/**
 * The ranges AWS gives N new shards: the key space divided evenly, each shard `floor(2^128 / N)` keys
 * wide, the last shard running to 2^128-1.
 */
export function evenHashKeyRanges(count: number): Array<{start: bigint; end: bigint}> {
	const width = (MAX_HASH_KEY + 1n) / BigInt(count);
	return Array.from({length: count}, (_, i) => ({
		start: width * BigInt(i),
		end: i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n,
	}));
}

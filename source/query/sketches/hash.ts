/** cyrb53: a fast, well-mixed 53-bit string hash (public domain), enough bits for HyperLogLog. */
export function hash53(text: string, seed = 0): number {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let i = 0; i < text.length; i++) {
		const char = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ char, 2_654_435_761);
		h2 = Math.imul(h2 ^ char, 1_597_334_677);
	}

	h1 = Math.imul(h1 ^ (h1 >>> 16), 2_246_822_507);
	h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3_266_489_909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2_246_822_507);
	h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3_266_489_909);
	return 4_294_967_296 * (2_097_151 & h2) + (h1 >>> 0);
}

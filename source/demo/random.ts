/**
 * A tiny seeded PRNG (mulberry32) and the few draws the demo needs. Seeded so that tests see the same
 * traffic every run; not for anything that needs real randomness.
 */
export type Random = () => number;

/** mulberry32: 32-bit state, uniform floats in [0, 1). */
export function mulberry32(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** An integer in [min, max]. */
export function integer(random: Random, min: number, max: number) {
	return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
	return items[Math.floor(random() * items.length)];
}

/** Picks by relative weight: `[[value, weight], …]`. */
export function weighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
	let total = 0;
	for (const [, weight] of choices) total += weight;
	let point = random() * total;
	for (const [value, weight] of choices) {
		point -= weight;
		if (point < 0) return value;
	}

	return choices[choices.length - 1][0];
}

/** Lowercase hex digits, e.g. for request ids. */
export function hex(random: Random, length: number) {
	let text = '';
	for (let i = 0; i < length; i++) text += Math.floor(random() * 16).toString(16);
	return text;
}

/** Log-normal around `median` (σ in log space), for latencies with a long right tail. */
export function logNormal(random: Random, median: number, sigma: number) {
	// Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
	const u = 1 - random();
	const v = random();
	const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	return median * Math.exp(sigma * normal);
}

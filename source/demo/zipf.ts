/**
 * A Zipf sampler: rank k of n is drawn with probability proportional to 1 / k^s. With s ≈ 1.1 over
 * ~10,000 users the top user makes about one event in seven, which is what makes one shard of the demo
 * `clickstream` visibly hot.
 */
import type {Random} from './random.js';

export class Zipf {
	private readonly cumulative: Float64Array;

	constructor(
		readonly n: number,
		readonly s: number,
	) {
		if (!Number.isInteger(n) || n < 1) throw new RangeError(`Zipf needs n ≥ 1, got ${n}`);
		this.cumulative = new Float64Array(n);
		let sum = 0;
		for (let k = 1; k <= n; k++) {
			sum += 1 / k ** s;
			this.cumulative[k - 1] = sum;
		}

		for (let i = 0; i < n; i++) this.cumulative[i] /= sum;
	}

	/** The probability of rank `k` (1-based). */
	probability(k: number) {
		return this.cumulative[k - 1] - (k > 1 ? this.cumulative[k - 2] : 0);
	}

	/** A rank in 1…n, by binary search over the cumulative distribution. */
	sample(random: Random) {
		const point = random();
		let low = 0;
		let high = this.n - 1;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.cumulative[middle] > point) high = middle;
			else low = middle + 1;
		}

		return low + 1;
	}
}

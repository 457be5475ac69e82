/**
 * DDSketch (Masson, Rim and Lee, VLDB 2019): quantiles with a relative-error guarantee — every
 * quantile it answers is within 1% of a value actually at that rank — in logarithmic buckets, so it
 * is small, and mergeable by adding bucket counts (session windows merge). Written here rather than
 * taken from @datadog/sketches-js because the part needed is this page, not the protobuf machinery.
 */

const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values closer to zero than this count as zero. */
const MIN_INDEXABLE = 1e-9;

export class DDSketch {
	private readonly positive = new Map<number, number>();
	private readonly negative = new Map<number, number>();
	private zeros = 0;
	count = 0;
	private min = Infinity;
	private max = -Infinity;

	add(value: number) {
		this.count++;
		if (value < this.min) this.min = value;
		if (value > this.max) this.max = value;
		if (value > MIN_INDEXABLE) {
			const index = Math.ceil(Math.log(value) / LOG_GAMMA);
			this.positive.set(index, (this.positive.get(index) ?? 0) + 1);
		} else if (value < -MIN_INDEXABLE) {
			const index = Math.ceil(Math.log(-value) / LOG_GAMMA);
			this.negative.set(index, (this.negative.get(index) ?? 0) + 1);
		} else {
			this.zeros++;
		}
	}

	merge(other: DDSketch) {
		for (const [index, count] of other.positive) {
			this.positive.set(index, (this.positive.get(index) ?? 0) + count);
		}

		for (const [index, count] of other.negative) {
			this.negative.set(index, (this.negative.get(index) ?? 0) + count);
		}

		this.zeros += other.zeros;
		this.count += other.count;
		this.min = Math.min(this.min, other.min);
		this.max = Math.max(this.max, other.max);
	}

	/** The value at quantile q (0…1); null when empty. */
	quantile(q: number): number | null {
		if (this.count === 0) return null;
		if (q <= 0) return this.min;
		if (q >= 1) return this.max;
		const rank = q * (this.count - 1);
		let seen = 0;
		// Negative values from the most negative (largest index) up, then zeros, then positives.
		const negatives = [...this.negative.keys()].sort((a, b) => b - a);
		for (const index of negatives) {
			seen += this.negative.get(index)!;
			if (seen > rank) return this.clamp(-bucketValue(index));
		}

		seen += this.zeros;
		if (seen > rank) return 0;
		const positives = [...this.positive.keys()].sort((a, b) => a - b);
		for (const index of positives) {
			seen += this.positive.get(index)!;
			if (seen > rank) return this.clamp(bucketValue(index));
		}

		return this.max;
	}

	private clamp(value: number) {
		return Math.min(this.max, Math.max(this.min, value));
	}
}

/** The bucket's representative: the value with equal relative error to both its bounds. */
const bucketValue = (index: number) => (2 * GAMMA ** index) / (GAMMA + 1);

/**
 * Space-saving (Metwally, Agrawal and El Abbadi 2005): the most frequent values in a fixed number of
 * counters. When full, a new value replaces the smallest counter and inherits its count, so a count is
 * an upper bound, over by at most the replaced count (kept as `error`). Any value more frequent than
 * n/capacity is guaranteed to be present.
 */

export type TopEntry = {value: unknown; count: number};

type Counter = {value: unknown; count: number; error: number};

export class SpaceSaving {
	private readonly counters = new Map<unknown, Counter>();
	/** Whether a counter was ever replaced: from then on counts are upper bounds, not exact. */
	replaced = false;

	constructor(readonly capacity: number) {}

	add(key: unknown, value: unknown, weight = 1) {
		const counter = this.counters.get(key);
		if (counter) {
			counter.count += weight;
			return;
		}

		if (this.counters.size < this.capacity) {
			this.counters.set(key, {value, count: weight, error: 0});
			return;
		}

		let smallestKey: unknown;
		let smallest: Counter | undefined;
		for (const [candidateKey, candidate] of this.counters) {
			if (!smallest || candidate.count < smallest.count) {
				smallest = candidate;
				smallestKey = candidateKey;
			}
		}

		this.replaced = true;
		this.counters.delete(smallestKey);
		this.counters.set(key, {value, count: smallest!.count + weight, error: smallest!.count});
	}

	merge(other: SpaceSaving) {
		for (const [key, counter] of other.counters) this.add(key, counter.value, counter.count);
	}

	/** The k largest counts, largest first (ties by first seen). */
	top(k: number): TopEntry[] {
		return [...this.counters.values()]
			.sort((a, b) => b.count - a.count)
			.slice(0, k)
			.map(({value, count}) => ({value, count}));
	}
}

/**
 * The hottest partition keys of the last minute, from the records kinesis-top samples at the tip of a
 * stream: six 10-second buckets, each a space-saving sketch (a fixed number of counters; a new key
 * replaces the smallest and inherits its count), so memory stays bounded however many keys there are.
 * Within a bucket a key's count can only be over, by at most the smallest counter at the time it came
 * in: that bound is reported with the figures, as the `±` the console shows. (A key pushed out of a
 * bucket loses that bucket's count; the hot keys, which stay in, are the ones the figures are for.)
 */

export type HotKey = {
	key: string;
	/** The shard its records went to (the last one seen: a key moves only when its shard splits). */
	shardId: string;
	recordsPerSecond: number;
	bytesPerSecond: number;
	/** How far `recordsPerSecond` may be over (0: exact). */
	errorPerSecond: number;
};

type Counter = {records: number; bytes: number; error: number; shardId: string};

const BUCKET_MS = 10_000;
const BUCKETS = 6;

class Bucket {
	readonly counters = new Map<string, Counter>();

	constructor(
		readonly start: number,
		private readonly capacity: number,
	) {}

	add(key: string, bytes: number, shardId: string) {
		const counter = this.counters.get(key);
		if (counter) {
			counter.records++;
			counter.bytes += bytes;
			counter.shardId = shardId;
			return;
		}

		if (this.counters.size < this.capacity) {
			this.counters.set(key, {records: 1, bytes, error: 0, shardId});
			return;
		}

		// Full: the smallest counter makes room and its count becomes the newcomer's possible error.
		let smallestKey = '';
		let smallest: Counter | undefined;
		for (const [candidateKey, candidate] of this.counters) {
			if (!smallest || candidate.records < smallest.records) {
				smallest = candidate;
				smallestKey = candidateKey;
			}
		}

		this.counters.delete(smallestKey);
		this.counters.set(key, {
			records: smallest!.records + 1,
			bytes: smallest!.bytes + bytes,
			error: smallest!.records,
			shardId,
		});
	}
}

export class HotKeys {
	private buckets: Bucket[] = [];

	/** `capacity` counters per 10-second bucket. */
	constructor(private readonly capacity = 256) {}

	add(key: string, bytes: number, shardId: string, now: number) {
		const start = now - (now % BUCKET_MS);
		let bucket = this.buckets.at(-1);
		if (!bucket || bucket.start !== start) {
			bucket = new Bucket(start, this.capacity);
			this.buckets.push(bucket);
			this.buckets = this.buckets.filter((each) => each.start > start - BUCKETS * BUCKET_MS);
		}

		bucket.add(key, bytes, shardId);
	}

	/** The `k` keys with the most records over the last minute (or since the first record, if sooner). */
	top(k: number, now: number): HotKey[] {
		const live = this.buckets.filter((bucket) => bucket.start > now - BUCKETS * BUCKET_MS);
		if (live.length === 0) return [];
		const seconds = Math.max(1, (now - live[0].start) / 1000);
		const totals = new Map<string, Counter>();
		for (const bucket of live) {
			for (const [key, counter] of bucket.counters) {
				const total = totals.get(key);
				if (total) {
					total.records += counter.records;
					total.bytes += counter.bytes;
					total.error += counter.error;
					total.shardId = counter.shardId;
				} else {
					totals.set(key, {...counter});
				}
			}
		}

		return [...totals]
			.sort(([, a], [, b]) => b.records - a.records)
			.slice(0, k)
			.map(([key, counter]) => ({
				key,
				shardId: counter.shardId,
				recordsPerSecond: counter.records / seconds,
				bytesPerSecond: counter.bytes / seconds,
				errorPerSecond: counter.error / seconds,
			}));
	}
}

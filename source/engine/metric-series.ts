/**
 * One CloudWatch metric as the local engines keep it: its identity and one datapoint per minute with
 * samples (Sum, SampleCount, Minimum, Maximum), oldest first, in one Float64Array so that recording a
 * sample allocates nothing. The recorder (metrics.ts) owns the series; the queries (metrics-query.ts)
 * read them.
 */
import type {Dimension, StandardUnit} from '../kinesis/cloudwatch-types.js';

/** CloudWatch's standard resolution: one datapoint per minute. */
export const MINUTE_MS = 60_000;

/** Floats per minute in a series: the minute (epoch ms), Sum, SampleCount, Minimum, Maximum. */
const STRIDE = 5;

/** The statistics of one minute, or of several merged (a period). */
export type MinuteStatistics = {
	timestamp: number;
	sum: number;
	sampleCount: number;
	minimum: number;
	maximum: number;
};

/** One metric: its identity and its per-minute statistics, oldest first. */
export class Series {
	/** [minute, sum, count, min, max] per minute with samples, from `head` to `end` (in minutes). */
	private data: Float64Array | undefined;
	private head = 0;
	private end = 0;
	/** The newest minute held: a sample in it takes the fast path. */
	private lastMinute = Number.NEGATIVE_INFINITY;

	constructor(
		readonly key: string,
		readonly namespace: string,
		readonly metricName: string,
		readonly dimensions: readonly Dimension[],
		readonly unit: StandardUnit,
	) {}

	/** Minutes held (minutes with at least one sample, within retention). */
	get size() {
		return this.end - this.head;
	}

	/** The newest minute held, or undefined when the series is empty. */
	get newest(): number | undefined {
		return this.size > 0 ? this.lastMinute : undefined;
	}

	/** Adds a sample taken at `time` (epoch ms) to its minute. */
	add(time: number, value: number) {
		const minute = time - (time % MINUTE_MS);
		if (minute === this.lastMinute) {
			const data = this.data!;
			const at = (this.end - 1) * STRIDE;
			data[at + 1] += value;
			data[at + 2]++;
			if (value < data[at + 3]) data[at + 3] = value;
			if (value > data[at + 4]) data[at + 4] = value;
			return;
		}

		this.addToMinute(minute, value);
	}

	/** Drops the minutes before `cutoff` (epoch ms). */
	evictBefore(cutoff: number) {
		const data = this.data;
		if (!data) return;
		while (this.head < this.end && data[this.head * STRIDE] < cutoff) this.head++;
		if (this.head === this.end) {
			this.head = 0;
			this.end = 0;
			this.lastMinute = Number.NEGATIVE_INFINITY;
			this.data = undefined;
		}
	}

	/** The minutes in [from, to), oldest first. */
	*minutes(from: number, to: number): Generator<MinuteStatistics> {
		const data = this.data;
		if (!data) return;
		for (let index = this.firstAtOrAfter(from); index < this.end; index++) {
			const at = index * STRIDE;
			if (data[at] >= to) return;
			yield {
				timestamp: data[at],
				sum: data[at + 1],
				sampleCount: data[at + 2],
				minimum: data[at + 3],
				maximum: data[at + 4],
			};
		}
	}

	/** Whether any minute in [from, to) has samples. */
	hasDataIn(from: number, to: number) {
		const index = this.firstAtOrAfter(from);
		return index < this.end && this.data![index * STRIDE] < to;
	}

	/** The index of the first minute ≥ `time`. */
	private firstAtOrAfter(time: number) {
		const data = this.data;
		let low = this.head;
		let high = this.end;
		while (low < high) {
			const mid = (low + high) >>> 1;
			if (data![mid * STRIDE] < time) low = mid + 1;
			else high = mid;
		}

		return low;
	}

	/** A sample in a minute other than the newest: a new newest minute, or (clock set back) an older one. */
	private addToMinute(minute: number, value: number) {
		const index = this.size === 0 ? this.end : this.firstAtOrAfter(minute);
		if (index < this.end && this.data![index * STRIDE] === minute) {
			const data = this.data!;
			const at = index * STRIDE;
			data[at + 1] += value;
			data[at + 2]++;
			if (value < data[at + 3]) data[at + 3] = value;
			if (value > data[at + 4]) data[at + 4] = value;
			return;
		}

		const fromHead = index - this.head;
		this.makeRoom();
		const data = this.data!;
		const at = (this.head + fromHead) * STRIDE;
		if (at < this.end * STRIDE) data.copyWithin(at + STRIDE, at, this.end * STRIDE);
		data[at] = minute;
		data[at + 1] = value;
		data[at + 2] = 1;
		data[at + 3] = value;
		data[at + 4] = value;
		this.end++;
		if (minute > this.lastMinute) this.lastMinute = minute;
	}

	/** Ensures one more minute fits after `end`: compacts the evicted head away, or grows. */
	private makeRoom() {
		const data = this.data;
		if (!data) {
			this.data = new Float64Array(STRIDE * 4);
			this.head = 0;
			this.end = 0;
			return;
		}

		if ((this.end + 1) * STRIDE <= data.length) return;
		const size = this.size;
		if (this.head > 0 && size * 2 <= data.length / STRIDE) {
			data.copyWithin(0, this.head * STRIDE, this.end * STRIDE);
		} else {
			const grown = new Float64Array(data.length * 2);
			grown.set(data.subarray(this.head * STRIDE, this.end * STRIDE));
			this.data = grown;
		}

		this.head = 0;
		this.end = size;
	}
}

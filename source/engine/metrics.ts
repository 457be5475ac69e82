/**
 * CloudWatch metrics of the local engines: what Kinesis Data Streams (`AWS/Kinesis`) and Firehose
 * (`AWS/Firehose`) publish, kept as CloudWatch keeps them — one datapoint per minute per series
 * (namespace, metric name, dimensions), each with Sum, SampleCount, Minimum and Maximum (Average is
 * Sum / SampleCount) — and queried as CloudWatch answers GetMetricStatistics, GetMetricData and
 * ListMetrics (see metrics-query.ts).
 *
 * The engines record through their own facades (kinesis-metrics.ts, firehose/firehose-metrics.ts),
 * which cache the series they write to, so a hot call adds to a series without building a key: one
 * Float64Array slot update per metric per call, no allocation.
 *
 * Memory is bounded: a series keeps only the minutes that had samples, at most the retention back
 * (24 h, or the longest retention of the streams — the `retentionHint` of a source — capped at 15
 * days, CloudWatch's own retention of one-minute datapoints); older minutes are evicted by a sweep
 * that runs at most once a minute as the engines record, and before every query. Sources register a
 * `prune` that drops the series of resources that are gone (deleted streams, delivery streams).
 *
 * A source that throws is a defect, and it is not hidden: the sweep goes on with the other sources (so
 * the call that triggered it, a put say, is not failed for its housekeeping), evicts nothing when it
 * cannot tell how long to keep, and the next CloudWatch query answers InternalFailure with the
 * source's error — until a sweep finds every source well again.
 */
import type {Clock} from './clock.js';
import {KinesisError} from './errors.js';
import {
	getMetricData,
	getMetricStatistics,
	listMetrics,
	type GetMetricDataInput,
	type GetMetricDataOutput,
	type GetMetricStatisticsInput,
	type GetMetricStatisticsOutput,
	type ListMetricsInput,
	type ListMetricsOutput,
} from './metrics-query.js';

export type Dimension = {Name: string; Value: string};

export type StandardUnit =
	| 'Seconds'
	| 'Microseconds'
	| 'Milliseconds'
	| 'Bytes'
	| 'Kilobytes'
	| 'Megabytes'
	| 'Gigabytes'
	| 'Terabytes'
	| 'Bits'
	| 'Kilobits'
	| 'Megabits'
	| 'Gigabits'
	| 'Terabits'
	| 'Percent'
	| 'Count'
	| 'Bytes/Second'
	| 'Kilobytes/Second'
	| 'Megabytes/Second'
	| 'Gigabytes/Second'
	| 'Terabytes/Second'
	| 'Bits/Second'
	| 'Kilobits/Second'
	| 'Megabits/Second'
	| 'Gigabits/Second'
	| 'Terabits/Second'
	| 'Count/Second'
	| 'None';

export const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** The least time a minute is kept: the engine's default stream retention. */
export const DEFAULT_METRICS_RETENTION_MS = 24 * HOUR_MS;
/** CloudWatch keeps one-minute datapoints for 15 days; so, at most, do we. */
export const MAX_METRICS_RETENTION_MS = 15 * 24 * HOUR_MS;

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

/** What a metrics source (an engine's facade) tells the recorder. */
export type MetricsSource = {
	/** Drops the series of resources that no longer exist. */
	prune(): void;
	/** How long this source wants minutes kept (e.g. its longest stream retention), in ms. */
	retentionHint?(): number;
};

export type MetricsRecorderOptions = {
	clock: Clock;
	/** The least time minutes are kept. Default 24 h. */
	retentionMs?: number;
	/** The most time minutes are kept, whatever the sources hint. Default 15 days. */
	maxRetentionMs?: number;
};

/**
 * All series of the engines sharing it (a KinesisEngine and the FirehoseEngine built on it), and the
 * CloudWatch query actions over them.
 */
export class MetricsRecorder {
	readonly clock: Clock;
	private readonly byKey = new Map<string, Series>();
	private readonly sources = new Set<MetricsSource>();
	private readonly minimumRetentionMs: number;
	private readonly maximumRetentionMs: number;
	private lastSweep = Number.NEGATIVE_INFINITY;
	/** The error a source threw in the last sweep, if one did. */
	private sourceFailure: unknown;

	constructor(options: MetricsRecorderOptions) {
		this.clock = options.clock;
		this.maximumRetentionMs = options.maxRetentionMs ?? MAX_METRICS_RETENTION_MS;
		this.minimumRetentionMs = Math.min(
			options.retentionMs ?? DEFAULT_METRICS_RETENTION_MS,
			this.maximumRetentionMs,
		);
	}

	/** The series of this identity, created (empty) if new. Sources call it once and keep the series. */
	series(
		namespace: string,
		metricName: string,
		dimensions: readonly Dimension[],
		unit: StandardUnit,
	): Series {
		const key = seriesKey(namespace, metricName, dimensions);
		let series = this.byKey.get(key);
		if (!series) {
			series = new Series(
				key,
				namespace,
				metricName,
				dimensions.map((dimension) => ({...dimension})),
				unit,
			);
			this.byKey.set(key, series);
		}

		return series;
	}

	/** Forgets a series (its resource is gone). */
	drop(series: Series) {
		if (this.byKey.get(series.key) === series) this.byKey.delete(series.key);
	}

	/** Registers a source; returns the function that unregisters it. */
	register(source: MetricsSource): () => void {
		this.sources.add(source);
		return () => this.sources.delete(source);
	}

	/** How long minutes are kept now, in ms (throws what a source's hint throws). */
	get retentionMs() {
		let retention = this.minimumRetentionMs;
		for (const source of this.sources) {
			const hint = source.retentionHint?.();
			if (hint !== undefined && hint > retention) retention = hint;
		}

		return Math.min(retention, this.maximumRetentionMs);
	}

	/** Sweeps if a minute has passed since the last sweep (cheap; the engines call it once per call). */
	maybeSweep(now: number) {
		if (now - this.lastSweep >= MINUTE_MS || now < this.lastSweep) this.sweep(now);
	}

	/** Drops the series of resources that are gone and every minute older than the retention. */
	sweep(now = this.clock.now()) {
		this.lastSweep = now;
		let failure: unknown;
		for (const source of this.sources) {
			try {
				source.prune();
			} catch (error) {
				failure ??= error;
			}
		}

		let retentionMs: number | undefined;
		try {
			retentionMs = this.retentionMs;
		} catch (error) {
			// Not knowing how long a source wants its minutes, none are evicted: nothing is lost on a guess.
			failure ??= error;
		}

		this.sourceFailure = failure;
		if (retentionMs === undefined) return;
		const cutoff = now - (now % MINUTE_MS) - retentionMs;
		for (const series of this.byKey.values()) series.evictBefore(cutoff);
	}

	/** A query after a sweep in which a source failed answers with that failure (a 500, as AWS's). */
	private throwIfSourceFailed() {
		if (this.sourceFailure === undefined) return;
		const {message} =
			this.sourceFailure instanceof Error
				? this.sourceFailure
				: {message: String(this.sourceFailure)};
		throw new KinesisError('InternalFailure', `A metrics source failed: ${message}`, 500, true);
	}

	/** Every series (sweep first for an up-to-date view). */
	allSeries(): IterableIterator<Series> {
		return this.byKey.values();
	}

	/** The series of exactly this identity, if it exists. */
	find(namespace: string, metricName: string, dimensions: readonly Dimension[]) {
		return this.byKey.get(seriesKey(namespace, metricName, dimensions));
	}

	/** How many series and minutes are held (for memory accounting and tests). */
	stats() {
		let minutes = 0;
		for (const series of this.byKey.values()) minutes += series.size;
		return {series: this.byKey.size, minutes};
	}

	// ─── CloudWatch actions (metrics-query.ts) ────────────────────────────────────────────────

	/** GetMetricStatistics, as CloudWatch answers it (Statistics only: no percentiles). */
	getMetricStatistics(input: GetMetricStatisticsInput): GetMetricStatisticsOutput {
		this.sweep();
		this.throwIfSourceFailed();
		return getMetricStatistics(this, input);
	}

	/** GetMetricData: MetricStat queries and simple arithmetic expressions between them. */
	getMetricData(input: GetMetricDataInput): GetMetricDataOutput {
		this.sweep();
		this.throwIfSourceFailed();
		return getMetricData(this, input);
	}

	/** ListMetrics: the metrics with datapoints held, filtered as CloudWatch filters them. */
	listMetrics(input: ListMetricsInput = {}): ListMetricsOutput {
		this.sweep();
		this.throwIfSourceFailed();
		return listMetrics(this, input);
	}
}

/** A series' identity: CloudWatch matches dimensions as a set, so their order does not matter. */
export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[]) {
	const sorted = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
	return [namespace, metricName, ...sorted.map((each) => `${each.Name}=${each.Value}`)].join('\0');
}

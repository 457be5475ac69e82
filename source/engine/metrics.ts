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
import type {
	Dimension,
	GetMetricDataInput,
	GetMetricDataOutput,
	GetMetricStatisticsInput,
	GetMetricStatisticsOutput,
	ListMetricsInput,
	ListMetricsOutput,
	StandardUnit,
} from '../kinesis/cloudwatch-types.js';
import {KinesisError} from './errors.js';
import {MINUTE_MS, Series} from './metric-series.js';
import {getMetricData, getMetricStatistics, listMetrics} from './metrics-query.js';

const HOUR_MS = 3_600_000;
/** The least time a minute is kept: the engine's default stream retention. */
export const DEFAULT_METRICS_RETENTION_MS = 24 * HOUR_MS;
/** CloudWatch keeps one-minute datapoints for 15 days; so, at most, do we. */
export const MAX_METRICS_RETENTION_MS = 15 * 24 * HOUR_MS;

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

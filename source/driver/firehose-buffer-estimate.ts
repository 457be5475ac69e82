/**
 * A delivery stream's buffer as the AWS driver can know it. Firehose has no API for its buffers, so the
 * figures are estimated from what it publishes in CloudWatch (namespace AWS/Firehose):
 *
 * - buffered bytes and records: IncomingBytes / IncomingRecords in the minutes after the last minute
 *   with a successful delivery (DeliveryToS3.Success Sum > 0) within the last hour — everything when
 *   there was none — which CloudWatch's one-minute resolution makes an estimate, measured against
 *   SizeInMBs;
 * - the oldest record's age: the latest DeliveryToS3.DataFreshness (seconds; its Maximum: "the age of
 *   the oldest record in Firehose"), when it is from the last five minutes and something is buffered,
 *   measured against IntervalInSeconds, which gives the time left until the interval delivers;
 * - failed deliveries in the last hour: DeliveryToS3.Success SampleCount − Sum (Firehose records 1 per
 *   successful S3 put and 0 per failed attempt).
 *
 * The hints come from the destination's BufferingHints (Firehose's defaults, 5 MiB and 300 s, when it
 * has none), so they are exact even when CloudWatch cannot be read.
 */
import type {
	DeliveryStreamBuffer,
	DeliveryStreamDescription,
	MetricQuery,
	MetricSeries,
	MetricsRequest,
} from './driver.js';

const MIB = 1024 * 1024;
const MINUTE_MS = 60_000;
/** How far back to look for the last delivery: beyond the longest interval hint (900 s) with room. */
const LOOKBACK_MS = 60 * MINUTE_MS;
/** How recent a DataFreshness datapoint must be to count as the buffer's age now. */
const FRESH_MS = 5 * MINUTE_MS;

export const DEFAULT_SIZE_IN_MBS = 5;
export const DEFAULT_INTERVAL_IN_SECONDS = 300;

type Hints = {SizeInMBs?: number; IntervalInSeconds?: number};

/**
 * The buffering hints of the delivery stream's first destination: ExtendedS3 or S3, else whichever
 * other destination description (HTTP endpoint, OpenSearch, …) carries BufferingHints.
 */
export function bufferingHintsOf(description: DeliveryStreamDescription): Required<Hints> {
	const destination = description.Destinations[0] as Record<string, unknown> | undefined;
	const candidates = destination
		? [
				destination.ExtendedS3DestinationDescription,
				destination.S3DestinationDescription,
				...Object.values(destination),
			]
		: [];
	let hints: Hints | undefined;
	for (const candidate of candidates) {
		if (candidate && typeof candidate === 'object' && 'BufferingHints' in candidate) {
			hints = (candidate as {BufferingHints?: Hints}).BufferingHints;
			if (hints) break;
		}
	}

	return {
		SizeInMBs: hints?.SizeInMBs ?? DEFAULT_SIZE_IN_MBS,
		IntervalInSeconds: hints?.IntervalInSeconds ?? DEFAULT_INTERVAL_IN_SECONDS,
	};
}

/** The buffer when nothing but the hints is known (CloudWatch could not be read). */
export const hintsOnlyBuffer = (hints: Required<Hints>): DeliveryStreamBuffer => ({
	Estimate: true,
	SizeLimitBytes: hints.SizeInMBs * MIB,
	IntervalMillis: hints.IntervalInSeconds * 1000,
});

const QUERIES = [
	['IncomingBytes', 'Sum'],
	['IncomingRecords', 'Sum'],
	['DeliveryToS3.Success', 'Sum'],
	['DeliveryToS3.Success', 'SampleCount'],
	['DeliveryToS3.DataFreshness', 'Maximum'],
] as const;

/** The one GetMetricData request the estimate needs: the last hour, by minute. */
export function estimateRequest(deliveryStream: string, now: Date): MetricsRequest {
	const end = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
	return {
		start: new Date(end.getTime() - LOOKBACK_MS),
		end,
		queries: QUERIES.map(([metricName, statistic]): MetricQuery => ({
			namespace: 'AWS/Firehose',
			metricName,
			dimensions: {DeliveryStreamName: deliveryStream},
			statistic,
			periodSeconds: 60,
		})),
	};
}

const sumOf = (series: MetricSeries | undefined, after = Number.NEGATIVE_INFINITY) =>
	(series?.points ?? [])
		.filter((point) => point.timestamp.getTime() > after)
		.reduce((sum, point) => sum + point.value, 0);

/** The estimate from the answer to {@link estimateRequest} (its series in the same order). */
export function estimateBuffer(
	hints: Required<Hints>,
	series: readonly MetricSeries[],
	now: Date,
): DeliveryStreamBuffer {
	const [bytes, records, successes, attempts, freshness] = series;
	const lastDelivery = (successes?.points ?? [])
		.filter((point) => point.value > 0)
		.reduce(
			(latest, point) => Math.max(latest, point.timestamp.getTime()),
			Number.NEGATIVE_INFINITY,
		);
	const buffer = hintsOnlyBuffer(hints);
	buffer.BufferedBytes = sumOf(bytes, lastDelivery);
	buffer.BufferedRecords = sumOf(records, lastDelivery);
	buffer.FailedDeliveries = Math.max(0, sumOf(attempts) - sumOf(successes));
	const latestFreshness = freshness?.points.at(-1);
	// A DataFreshness minutes old says nothing about what is buffered now.
	const recent = latestFreshness && latestFreshness.timestamp.getTime() >= now.getTime() - FRESH_MS;
	if (buffer.BufferedBytes > 0 && latestFreshness && recent) {
		buffer.OldestRecordAgeMillis = Math.round(latestFreshness.value * 1000);
		buffer.MillisUntilIntervalFlush = Math.max(
			0,
			buffer.IntervalMillis - buffer.OldestRecordAgeMillis,
		);
	}

	return buffer;
}

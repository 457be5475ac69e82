/**
 * The Firehose delivery streams as the console shows them: one row per delivery stream (status, source,
 * destination, compression, buffering hints) from ListDeliveryStreams + DescribeDeliveryStream, the
 * buffer's gauges and the time to the next flush, and the AWS/Firehose series of one delivery stream's
 * charts. Plain functions over the Driver; the screens poll them with a Poller.
 */
import type {
	DeliveryStreamBuffer,
	DeliveryStreamDetail,
	DeliveryStreamStatus,
	Driver,
	MetricQuery,
	Statistic,
} from '../driver/driver.js';
import {byMinute, minuteWindow} from './stream-metrics.js';

export type DeliveryStreamRow = {
	name: string;
	status: DeliveryStreamStatus;
	/** "DirectPut", or the source Kinesis stream's name. */
	source: string;
	/** `s3://bucket/prefix`, or what else the destination is. */
	destination: string;
	compression: string;
	sizeLimitBytes: number;
	intervalMillis: number;
	buffer: DeliveryStreamBuffer;
};

/** `s3://bucket/prefix` from a bucket ARN (`arn:aws:s3:::bucket`) and a prefix. */
export const s3Url = (bucketArn: string, prefix = '') =>
	`s3://${bucketArn.replace(/^arn:[^:]+:s3:::/, '')}/${prefix}`;

export function deliveryStreamRow(detail: DeliveryStreamDetail): DeliveryStreamRow {
	const destination = detail.Destinations[0];
	const s3 = destination?.ExtendedS3DestinationDescription ?? destination?.S3DestinationDescription;
	const kinesis = detail.Source?.KinesisStreamSourceDescription;
	return {
		name: detail.DeliveryStreamName,
		status: detail.DeliveryStreamStatus,
		source: kinesis ? kinesis.KinesisStreamARN.split('/').at(-1)! : detail.DeliveryStreamType,
		destination: s3 ? s3Url(s3.BucketARN, s3.Prefix) : destination ? 'not S3' : 'none',
		compression: s3?.CompressionFormat ?? 'UNCOMPRESSED',
		sizeLimitBytes: detail.Buffer.SizeLimitBytes,
		intervalMillis: detail.Buffer.IntervalMillis,
		buffer: detail.Buffer,
	};
}

/** Every delivery stream, described (a few at a time), sorted by name; ones deleted meanwhile skipped. */
export async function loadDeliveryStreams(
	driver: Driver,
	signal?: AbortSignal,
	concurrency = 4,
): Promise<DeliveryStreamRow[]> {
	const names = await driver.listDeliveryStreams(signal);
	const rows: DeliveryStreamRow[] = [];
	let next = 0;
	const worker = async () => {
		while (next < names.length) {
			const name = names[next++];
			try {
				rows.push(deliveryStreamRow(await driver.describeDeliveryStream(name, signal)));
			} catch (error) {
				if ((error as {code?: string}).code === 'ResourceNotFoundException') continue;
				next = names.length;
				throw error;
			}
		}
	};

	await Promise.all(Array.from({length: Math.min(concurrency, names.length)}, worker));
	return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type BufferGauges = {
	/** Buffered bytes against SizeInMBs, 0…1; undefined when unknown. */
	size?: number;
	/** The oldest record's age against IntervalInSeconds, 0…1. */
	age?: number;
	/**
	 * Until the buffer is delivered by the interval hint (a size flush may come sooner); undefined when
	 * the buffer is empty or this is not known.
	 */
	nextFlushMillis?: number;
	estimate: boolean;
};

export function bufferGauges(buffer: DeliveryStreamBuffer): BufferGauges {
	const nextFlushMillis =
		buffer.MillisUntilIntervalFlush ??
		(buffer.OldestRecordAgeMillis === undefined
			? undefined
			: Math.max(0, buffer.IntervalMillis - buffer.OldestRecordAgeMillis));
	return {
		size:
			buffer.BufferedBytes === undefined ? undefined : buffer.BufferedBytes / buffer.SizeLimitBytes,
		age:
			buffer.OldestRecordAgeMillis === undefined
				? undefined
				: buffer.OldestRecordAgeMillis / buffer.IntervalMillis,
		nextFlushMillis,
		estimate: buffer.Estimate,
	};
}

export type FirehoseChartMetric = {
	title: string;
	metricName: string;
	statistic: Statistic;
	unit: 'seconds' | 'ratio' | 'count';
};

/** The delivery charts: how stale delivered data is, and whether deliveries succeed. */
export const FIREHOSE_CHARTS: readonly FirehoseChartMetric[] = [
	{
		title: 'Data freshness',
		metricName: 'DeliveryToS3.DataFreshness',
		statistic: 'Maximum',
		unit: 'seconds',
	},
	{
		title: 'Delivery success',
		metricName: 'DeliveryToS3.Success',
		statistic: 'Average',
		unit: 'ratio',
	},
	{title: 'Records delivered', metricName: 'DeliveryToS3.Records', statistic: 'Sum', unit: 'count'},
];

export type FirehoseCharts = {
	start: Date;
	end: Date;
	series: Array<{
		metric: FirehoseChartMetric;
		values: Array<number | undefined>;
		latest?: number;
	}>;
};

const firehoseQuery = (deliveryStream: string, metric: FirehoseChartMetric): MetricQuery => ({
	namespace: 'AWS/Firehose',
	metricName: metric.metricName,
	dimensions: {DeliveryStreamName: deliveryStream},
	statistic: metric.statistic,
	periodSeconds: 60,
});

/** The delivery charts' minutes over the last `minutes`; minutes without a delivery are unknown. */
export async function fetchFirehoseCharts(
	driver: Driver,
	deliveryStream: string,
	options: {minutes: number; now?: Date; signal?: AbortSignal},
): Promise<FirehoseCharts> {
	const {start, end, periods} = minuteWindow(options.minutes, options.now ?? new Date());
	const answer = await driver.getMetrics(
		{queries: FIREHOSE_CHARTS.map((metric) => firehoseQuery(deliveryStream, metric)), start, end},
		options.signal,
	);
	return {
		start,
		end,
		series: FIREHOSE_CHARTS.map((metric, index) => {
			const points = answer[index]?.points ?? [];
			const values = byMinute(points);
			return {
				metric,
				values: periods.map((period) => values.get(period.getTime())),
				latest: points.at(-1)?.value,
			};
		}),
	};
}

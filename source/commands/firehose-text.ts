/** The human-readable `firehose describe`: the delivery stream, its destination and its buffer. */
import type {DeliveryStreamBuffer, DeliveryStreamDetail} from '../driver/driver.js';
import {formatFields, formatTable} from './table.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** Bytes as people read them: B below 1 KiB, then KiB / MiB with one decimal. */
export function formatBytes(bytes: number) {
	if (bytes < KIB) return `${bytes} B`;
	if (bytes < MIB) return `${(bytes / KIB).toFixed(1)} KiB`;
	return `${(bytes / MIB).toFixed(1)} MiB`;
}

const seconds = (milliseconds: number) => `${Math.round(milliseconds / 1000)} s`;

/** `s3://bucket/prefix` from a bucket ARN (`arn:aws:s3:::bucket`) and a prefix. */
export const s3Url = (bucketArn: string, prefix = '') =>
	`s3://${bucketArn.replace(/^arn:[^:]+:s3:::/, '')}/${prefix}`;

function sourceText(detail: DeliveryStreamDetail) {
	const kinesis = detail.Source?.KinesisStreamSourceDescription;
	if (kinesis) {
		return `Kinesis stream ${kinesis.KinesisStreamARN.split('/').at(-1)} (${kinesis.KinesisStreamARN})`;
	}

	return detail.DeliveryStreamType === 'DirectPut'
		? 'Direct PUT (PutRecord, PutRecordBatch)'
		: detail.DeliveryStreamType;
}

/** The buffer's fill against the hints; fields the backend cannot tell are left out. */
export function bufferText(buffer: DeliveryStreamBuffer) {
	const parts: string[] = [];
	if (buffer.BufferedBytes !== undefined) {
		const share = (buffer.BufferedBytes / buffer.SizeLimitBytes) * 100;
		parts.push(
			`${formatBytes(buffer.BufferedBytes)} of ${formatBytes(buffer.SizeLimitBytes)} (${share.toFixed(1)}%)`,
		);
	}

	if (buffer.BufferedRecords !== undefined) {
		parts.push(`${buffer.BufferedRecords} record${buffer.BufferedRecords === 1 ? '' : 's'}`);
	}

	if (buffer.OldestRecordAgeMillis !== undefined) {
		parts.push(
			`oldest ${seconds(buffer.OldestRecordAgeMillis)} of ${seconds(buffer.IntervalMillis)}`,
		);
	}

	if (buffer.MillisUntilIntervalFlush !== undefined) {
		parts.push(`interval flush in ${seconds(buffer.MillisUntilIntervalFlush)}`);
	}

	if (parts.length === 0) parts.push('unknown (CloudWatch could not be read)');
	return parts.join(', ') + (buffer.Estimate ? ' (estimated from CloudWatch)' : '');
}

export function describeDeliveryStreamText(detail: DeliveryStreamDetail) {
	const destination = detail.Destinations[0];
	const s3 = destination?.ExtendedS3DestinationDescription ?? destination?.S3DestinationDescription;
	const {Buffer: buffer} = detail;
	const fields: Array<[string, string]> = [
		['Delivery stream', detail.DeliveryStreamName],
		['ARN', detail.DeliveryStreamARN],
		['Status', detail.DeliveryStreamStatus],
		['Source', sourceText(detail)],
	];
	if (s3) {
		fields.push(
			['Destination', s3Url(s3.BucketARN, s3.Prefix)],
			['Error prefix', s3.ErrorOutputPrefix ? s3Url(s3.BucketARN, s3.ErrorOutputPrefix) : '-'],
			['Compression', s3.CompressionFormat ?? 'UNCOMPRESSED'],
		);
	} else {
		fields.push(['Destination', destination ? 'not S3' : 'none']);
	}

	fields.push(
		[
			'Buffering hints',
			`${formatBytes(buffer.SizeLimitBytes)} or ${seconds(buffer.IntervalMillis)}, whichever comes first`,
		],
		['Buffer', bufferText(buffer)],
	);
	if (buffer.FailedDeliveries !== undefined) {
		fields.push(['Failed deliveries', String(buffer.FailedDeliveries)]);
	}

	fields.push(['Created', detail.CreateTimestamp.toISOString()]);
	let text = formatFields(fields);
	if (buffer.LastDeliveries === undefined) return text;
	text += '\n';
	if (buffer.LastDeliveries.length === 0) return text + 'No deliveries yet.\n';
	return (
		text +
		formatTable(
			['DELIVERED', 'RECORDS', 'BYTES', 'OBJECT KEY'],
			[...buffer.LastDeliveries]
				.reverse()
				.map((delivery) => [
					delivery.DeliveredAt.toISOString(),
					String(delivery.Records),
					String(delivery.Bytes),
					delivery.ErrorOutput ? `${delivery.ObjectKey} (error output)` : delivery.ObjectKey,
				]),
		)
	);
}

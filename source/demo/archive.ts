/**
 * The demo's Firehose delivery stream: `clickstream-archive`, reading `clickstream` as Firehose's
 * KinesisStreamAsSource does and delivering gzip objects to a local bucket. Its hints are small (1 MiB or
 * 60 s) so that at the demo's default rate the buffer gauge visibly fills and empties about every half
 * minute. Local engine only: on AWS a Kinesis-sourced delivery stream needs IAM roles and an S3 bucket,
 * which a demo must not create in someone's account.
 */
import type {LocalBackend} from '../engine/local-backend.js';

export const DEMO_ARCHIVE = {
	name: 'clickstream-archive',
	source: 'clickstream',
	bucket: 'kinesis-top-demo',
	sizeInMBs: 1,
	intervalInSeconds: 60,
} as const;

/** The role ARNs Firehose requires; the local engine checks their shape and nothing else. */
const demoRole = (account: string) => `arn:aws:iam::${account}:role/kinesis-top-demo`;

/**
 * Creates the archive unless it exists; call once its source stream is ACTIVE. Returns whether this call
 * created it.
 */
export function ensureDemoArchive(backend: LocalBackend): boolean {
	const {firehose, kinesis} = backend;
	const account = kinesis.accountId;
	const {StreamARN} = kinesis.describeStreamSummary({StreamName: DEMO_ARCHIVE.source});
	try {
		firehose.createDeliveryStream({
			DeliveryStreamName: DEMO_ARCHIVE.name,
			DeliveryStreamType: 'KinesisStreamAsSource',
			KinesisStreamSourceConfiguration: {KinesisStreamARN: StreamARN, RoleARN: demoRole(account)},
			ExtendedS3DestinationConfiguration: {
				RoleARN: demoRole(account),
				BucketARN: `arn:aws:s3:::${DEMO_ARCHIVE.bucket}`,
				Prefix: `${DEMO_ARCHIVE.source}/`,
				ErrorOutputPrefix: `errors/`,
				CompressionFormat: 'GZIP',
				BufferingHints: {
					SizeInMBs: DEMO_ARCHIVE.sizeInMBs,
					IntervalInSeconds: DEMO_ARCHIVE.intervalInSeconds,
				},
			},
		});
		return true;
	} catch (error) {
		// Already there (an earlier demo on this data directory): the archive exists, which is the point.
		if ((error as {code?: string}).code === 'ResourceInUseException') return false;
		throw error;
	}
}

/**
 * The Amazon Data Firehose API (Firehose_20150804, AWS JSON 1.1) over the Firehose engine: each
 * action's input shape and its translation to and from the engine's calls — every action of the
 * current @aws-sdk/client-firehose. The engine validates and answers with Firehose's exceptions and
 * wording; only the S3 destination family is spelled out member by member (it is the one the engine
 * delivers to), the other destinations and source types pass through for the engine to refuse.
 */
import {KinesisError} from '../engine/errors.js';
import type {FirehoseEngine} from '../engine/firehose/firehose-engine.js';
import type {CreateDeliveryStreamInput, UpdateDestinationInput} from '../kinesis/firehose-types.js';
import type {Input, ServiceAction} from './action.js';
import type {Shape} from './shapes.js';

type Action = ServiceAction<FirehoseEngine>;

const name: Record<string, Shape> = {DeliveryStreamName: 'string'};

const bufferingHints: Shape = {structure: {SizeInMBs: 'integer', IntervalInSeconds: 'integer'}};
const encryption: Shape = {
	structure: {
		NoEncryptionConfig: 'string',
		KMSEncryptionConfig: {structure: {AWSKMSKeyARN: 'string'}},
	},
};
const logging: Shape = {
	structure: {Enabled: 'boolean', LogGroupName: 'string', LogStreamName: 'string'},
};
const processing: Shape = {
	structure: {
		Enabled: 'boolean',
		Processors: {
			list: {
				structure: {
					Type: 'string',
					Parameters: {list: {structure: {ParameterName: 'string', ParameterValue: 'string'}}},
				},
			},
		},
	},
};
const s3Members: Record<string, Shape> = {
	RoleARN: 'string',
	BucketARN: 'string',
	Prefix: 'string',
	ErrorOutputPrefix: 'string',
	BufferingHints: bufferingHints,
	CompressionFormat: 'string',
	EncryptionConfiguration: encryption,
	CloudWatchLoggingOptions: logging,
};
const s3: Shape = {structure: s3Members};
const extendedS3Members: Record<string, Shape> = {
	...s3Members,
	ProcessingConfiguration: processing,
	S3BackupMode: 'string',
	DataFormatConversionConfiguration: 'any',
	DynamicPartitioningConfiguration: {
		structure: {
			Enabled: 'boolean',
			RetryOptions: {structure: {DurationInSeconds: 'integer'}},
		},
	},
	FileExtension: 'string',
	CustomTimeZone: 'string',
};
const tags: Shape = {list: {structure: {Key: 'string', Value: 'string'}}};

/** Destinations the local engine does not deliver to: passed through so that it refuses them by name. */
const OTHER_DESTINATIONS = [
	'Redshift',
	'Elasticsearch',
	'Amazonopensearchservice',
	'Splunk',
	'HttpEndpoint',
	'AmazonOpenSearchServerless',
	'Snowflake',
	'Iceberg',
];
const otherDestinations = (suffix: string): Record<string, Shape> =>
	Object.fromEntries(OTHER_DESTINATIONS.map((destination) => [destination + suffix, 'any']));

const encryptionInput: Shape = {structure: {KeyARN: 'string', KeyType: 'string'}};

/** An action whose answer is empty (`{}`). */
const done =
	(call: (engine: FirehoseEngine, input: Input) => unknown) =>
	async (engine: FirehoseEngine, input: Input) => {
		await call(engine, input);
		return {};
	};

export const firehoseActions: Record<string, Action> = {
	CreateDeliveryStream: {
		shape: {
			...name,
			DeliveryStreamType: 'string',
			DirectPutSourceConfiguration: {structure: {ThroughputHintInMBs: 'integer'}},
			KinesisStreamSourceConfiguration: {
				structure: {KinesisStreamARN: 'string', RoleARN: 'string'},
			},
			DeliveryStreamEncryptionConfigurationInput: encryptionInput,
			S3DestinationConfiguration: s3,
			ExtendedS3DestinationConfiguration: {
				structure: {...extendedS3Members, S3BackupConfiguration: s3},
			},
			...otherDestinations('DestinationConfiguration'),
			MSKSourceConfiguration: 'any',
			DatabaseSourceConfiguration: 'any',
			Tags: tags,
		},
		run(engine, input) {
			// Firehose keeps server-side encryption to Start/StopDeliveryStreamEncryption below.
			if (input.DeliveryStreamEncryptionConfigurationInput !== undefined) {
				throw encryptionNotSupported();
			}

			return engine.createDeliveryStream(input as CreateDeliveryStreamInput);
		},
	},
	DeleteDeliveryStream: {
		shape: {...name, AllowForceDelete: 'boolean'},
		run: done((engine, input) =>
			engine.deleteDeliveryStream({
				DeliveryStreamName: input.DeliveryStreamName,
				AllowForceDelete: input.AllowForceDelete,
			}),
		),
	},
	DescribeDeliveryStream: {
		shape: {...name, Limit: 'integer', ExclusiveStartDestinationId: 'string'},
		run: (engine, input) =>
			engine.describeDeliveryStream({
				DeliveryStreamName: input.DeliveryStreamName,
				Limit: input.Limit,
				ExclusiveStartDestinationId: input.ExclusiveStartDestinationId,
			}),
	},
	ListDeliveryStreams: {
		shape: {
			Limit: 'integer',
			DeliveryStreamType: 'string',
			ExclusiveStartDeliveryStreamName: 'string',
		},
		run: (engine, input) => engine.listDeliveryStreams(input),
	},
	UpdateDestination: {
		shape: {
			...name,
			CurrentDeliveryStreamVersionId: 'string',
			DestinationId: 'string',
			S3DestinationUpdate: s3,
			ExtendedS3DestinationUpdate: {structure: {...extendedS3Members, S3BackupUpdate: s3}},
			...otherDestinations('DestinationUpdate'),
		},
		run: done((engine, input) => engine.updateDestination(input as UpdateDestinationInput)),
	},
	TagDeliveryStream: {
		shape: {...name, Tags: tags},
		run: done((engine, input) =>
			engine.tagDeliveryStream({DeliveryStreamName: input.DeliveryStreamName, Tags: input.Tags}),
		),
	},
	UntagDeliveryStream: {
		shape: {...name, TagKeys: {list: 'string'}},
		run: done((engine, input) =>
			engine.untagDeliveryStream({
				DeliveryStreamName: input.DeliveryStreamName,
				TagKeys: input.TagKeys,
			}),
		),
	},
	ListTagsForDeliveryStream: {
		shape: {...name, ExclusiveStartTagKey: 'string', Limit: 'integer'},
		run: (engine, input) =>
			engine.listTagsForDeliveryStream({
				DeliveryStreamName: input.DeliveryStreamName,
				ExclusiveStartTagKey: input.ExclusiveStartTagKey,
				Limit: input.Limit,
			}),
	},
	PutRecord: {
		shape: {...name, Record: {structure: {Data: 'blob'}}},
		run: (engine, input) =>
			engine.putRecord({DeliveryStreamName: input.DeliveryStreamName, Record: input.Record}),
	},
	PutRecordBatch: {
		shape: {...name, Records: {list: {structure: {Data: 'blob'}}}},
		run: (engine, input) =>
			engine.putRecordBatch({
				DeliveryStreamName: input.DeliveryStreamName,
				Records: input.Records,
			}),
	},
	StartDeliveryStreamEncryption: {
		shape: {...name, DeliveryStreamEncryptionConfigurationInput: encryptionInput},
		run(engine, input) {
			// The delivery stream must exist (ValidationException / ResourceNotFoundException first, as AWS).
			engine.describeDeliveryStream({DeliveryStreamName: input.DeliveryStreamName});
			throw encryptionNotSupported();
		},
	},
	StopDeliveryStreamEncryption: {
		shape: name,
		// Encryption is never on locally (DeliveryStreamEncryptionConfiguration.Status is DISABLED):
		// stopping it succeeds with nothing to do, as it does on AWS for an unencrypted stream.
		run: done((engine, input) =>
			engine.describeDeliveryStream({DeliveryStreamName: input.DeliveryStreamName}),
		),
	},
};

function encryptionNotSupported() {
	return new KinesisError(
		'InvalidArgumentException',
		'Server-side encryption is not supported by the local engine: DeliveryStreamEncryptionConfiguration stays DISABLED.',
	);
}

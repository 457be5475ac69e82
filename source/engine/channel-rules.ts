/**
 * What a channel may be: the channel limits and record formats, and CreateChannel's validation, as
 * Kinesis checks it (its field names and patterns in the messages).
 */
import type {CreateChannelInput, DeadLetterQueue, DeepPartial} from '../kinesis/channel-types.js';
import {invalidArgument} from './errors.js';
import {
	NAME_PATTERN,
	NAME_PATTERN_TEXT,
	STREAM_ARN_PATTERN,
	STREAM_ARN_PATTERN_TEXT,
	validateTags,
	Validation,
} from './validation.js';

export const CHANNEL_LIMITS = {
	/** Channels per account (a local choice: AWS does not document its default). */
	perAccount: 100,
	maxListResults: 100,
	nextTokenLifetimeMs: 300_000,
	defaultDataFreshnessSeconds: 300,
	minDataFreshnessSeconds: 1,
	maxDataFreshnessSeconds: 3600,
} as const;

const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/\S+$/;
const ROLE_ARN_TEXT = 'arn:aws[a-zA-Z-]*:iam::\\d{12}:role/\\S+';
const BUCKET_ARN = /^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_ARN_TEXT = 'arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';
const TABLE_BUCKET_ARN = /^arn:aws[a-zA-Z-]*:s3tables:[a-z0-9-]+:\d{12}:bucket\/[a-z0-9-]{3,63}$/;
const TABLE_BUCKET_ARN_TEXT =
	'arn:aws[a-zA-Z-]*:s3tables:[a-z0-9-]+:\\d{12}:bucket/[a-z0-9-]{3,63}';
const ACCOUNT_ID = /^\d{12}$/;
const RECORD_FORMATS = ['BYTE_ARRAY', 'GSR_JSON', 'JSON', 'STRING'];
export const S3_FORMATS = ['BYTE_ARRAY', 'JSON', 'STRING'];
export const S3_TABLES_FORMATS = ['GSR_JSON', 'JSON'];

/** CreateChannel's checks, in AWS's order, with its wording. */
export function validateCreateChannel(input: CreateChannelInput) {
	const validation = new Validation();
	if (validation.required(input.ChannelName, 'channelName')) {
		validation
			.length(input.ChannelName, 'channelName', 1, 128)
			.pattern(input.ChannelName, 'channelName', NAME_PATTERN, NAME_PATTERN_TEXT);
	}

	if (validation.required(input.ServiceExecutionRoleARN, 'serviceExecutionRoleARN')) {
		validation
			.length(input.ServiceExecutionRoleARN, 'serviceExecutionRoleARN', 1, 2048)
			.pattern(input.ServiceExecutionRoleARN, 'serviceExecutionRoleARN', ROLE_ARN, ROLE_ARN_TEXT);
	}

	if (validation.required(input.StreamConfigurationList, 'streamConfigurationList')) {
		validation.length(input.StreamConfigurationList, 'streamConfigurationList', 1, 1);
		for (const [index, source] of input.StreamConfigurationList!.entries()) {
			const at = `streamConfigurationList.${index + 1}.member`;
			if (!validation.required(source, at)) continue;
			if (validation.required(source.StreamARN, `${at}.streamARN`)) {
				validation.pattern(
					source.StreamARN,
					`${at}.streamARN`,
					STREAM_ARN_PATTERN,
					STREAM_ARN_PATTERN_TEXT,
				);
			}

			if (validation.required(source.RecordConfiguration, `${at}.recordConfiguration`)) {
				const format = source.RecordConfiguration!.RecordFormatType;
				if (validation.required(format, `${at}.recordConfiguration.recordFormatType`)) {
					validation.oneOf(format, `${at}.recordConfiguration.recordFormatType`, RECORD_FORMATS);
				}

				validation.length(
					source.RecordConfiguration!.GSRSchemaARN,
					`${at}.recordConfiguration.gSRSchemaARN`,
					1,
					2048,
				);
			}
		}
	}

	const s3 = input.S3DestinationConfiguration;
	const tables = input.S3TablesDestinationConfiguration;
	if (s3) {
		const at = 's3DestinationConfiguration';
		validateFreshness(validation, s3.DataFreshnessInSeconds, at);
		if (s3.DeadLetterQueueS3Configuration) {
			validateDeadLetterQueue(
				validation,
				s3.DeadLetterQueueS3Configuration,
				`${at}.deadLetterQueueS3Configuration`,
			);
		}

		const storage = s3.StorageConfiguration;
		if (validation.required(storage, `${at}.storageConfiguration`)) {
			const where = `${at}.storageConfiguration`;
			if (validation.required(storage!.BucketARN, `${where}.bucketARN`)) {
				validation.pattern(storage!.BucketARN, `${where}.bucketARN`, BUCKET_ARN, BUCKET_ARN_TEXT);
			}

			if (validation.required(storage!.ExpectedBucketOwner, `${where}.expectedBucketOwner`)) {
				validation.pattern(
					storage!.ExpectedBucketOwner,
					`${where}.expectedBucketOwner`,
					ACCOUNT_ID,
					'\\d{12}',
				);
			}

			validation
				.length(storage!.OutputKeyTemplate, `${where}.outputKeyTemplate`, 1, 1024)
				.oneOf(storage!.StorageClass, `${where}.storageClass`, [
					'GLACIER_IR',
					'INTELLIGENT_TIERING',
					'STANDARD',
				]);
			if (validation.required(storage!.CompressionType, `${where}.compressionType`)) {
				validation.oneOf(storage!.CompressionType, `${where}.compressionType`, [
					'GZIP',
					'NONE',
					'ZSTD',
				]);
			}
		}
	}

	if (tables) {
		const at = 's3TablesDestinationConfiguration';
		validateFreshness(validation, tables.DataFreshnessInSeconds, at);
		if (
			validation.required(
				tables.DeadLetterQueueS3Configuration,
				`${at}.deadLetterQueueS3Configuration`,
			)
		) {
			validateDeadLetterQueue(
				validation,
				tables.DeadLetterQueueS3Configuration!,
				`${at}.deadLetterQueueS3Configuration`,
			);
		}

		if (validation.required(tables.S3TablesConfigurationList, `${at}.s3TablesConfigurationList`)) {
			validation.length(tables.S3TablesConfigurationList, `${at}.s3TablesConfigurationList`, 1, 1);
			for (const [index, table] of tables.S3TablesConfigurationList!.entries()) {
				const where = `${at}.s3TablesConfigurationList.${index + 1}.member`;
				if (!validation.required(table, where)) continue;
				if (validation.required(table?.TableBucketARN, `${where}.tableBucketARN`)) {
					validation.pattern(
						table!.TableBucketARN,
						`${where}.tableBucketARN`,
						TABLE_BUCKET_ARN,
						TABLE_BUCKET_ARN_TEXT,
					);
				}

				if (validation.required(table?.Namespace, `${where}.namespace`)) {
					validation.length(table!.Namespace, `${where}.namespace`, 1, 255);
				}

				if (validation.required(table?.TableName, `${where}.tableName`)) {
					validation.length(table!.TableName, `${where}.tableName`, 1, 255);
				}

				if (validation.required(table?.CompressionType, `${where}.compressionType`)) {
					validation.oneOf(table!.CompressionType, `${where}.compressionType`, [
						'NONE',
						'SNAPPY',
						'ZSTD',
					]);
				}

				for (const [fieldIndex, field] of (table?.PartitionSpec?.PartitionFields ?? []).entries()) {
					const fieldAt = `${where}.partitionSpec.partitionFields.${fieldIndex + 1}.member`;
					if (!validation.required(field, fieldAt)) continue;
					if (validation.required(field?.Transform, `${fieldAt}.transform`)) {
						validation.oneOf(field!.Transform, `${fieldAt}.transform`, ['TIME_HOUR']);
					}

					validation.required(field?.SourceName, `${fieldAt}.sourceName`);
				}
			}
		}
	}

	const encryption = input.EncryptionConfiguration;
	if (encryption) {
		if (validation.required(encryption.EncryptionType, 'encryptionConfiguration.encryptionType')) {
			validation.oneOf(encryption.EncryptionType, 'encryptionConfiguration.encryptionType', [
				'KMS',
			]);
		}

		if (validation.required(encryption.KeyId, 'encryptionConfiguration.keyId')) {
			validation.length(encryption.KeyId, 'encryptionConfiguration.keyId', 1, 2048);
		}
	}

	const logs = input.LoggingConfiguration;
	if (logs && validation.required(logs.CloudWatchLogs, 'loggingConfiguration.cloudWatchLogs')) {
		validation.required(
			logs.CloudWatchLogs!.Enabled,
			'loggingConfiguration.cloudWatchLogs.enabled',
		);
		validation
			.length(
				logs.CloudWatchLogs!.LogGroupName,
				'loggingConfiguration.cloudWatchLogs.logGroupName',
				1,
				512,
			)
			.length(
				logs.CloudWatchLogs!.LogStreamName,
				'loggingConfiguration.cloudWatchLogs.logStreamName',
				1,
				512,
			);
	}

	validateTags(validation, input.Tags ?? {}, 'tags');
	validation.check();
	if (Boolean(s3) === Boolean(tables)) {
		throw invalidArgument(
			'Exactly one of S3DestinationConfiguration and S3TablesDestinationConfiguration must be specified.',
		);
	}
}

function validateFreshness(validation: Validation, value: number | undefined, at: string) {
	validation.range(
		value,
		`${at}.dataFreshnessInSeconds`,
		CHANNEL_LIMITS.minDataFreshnessSeconds,
		CHANNEL_LIMITS.maxDataFreshnessSeconds,
	);
}

function validateDeadLetterQueue(
	validation: Validation,
	queue: DeepPartial<DeadLetterQueue>,
	at: string,
) {
	if (validation.required(queue.BucketARN, `${at}.bucketARN`)) {
		validation.pattern(queue.BucketARN, `${at}.bucketARN`, BUCKET_ARN, BUCKET_ARN_TEXT);
	}

	if (validation.required(queue.ExpectedBucketOwner, `${at}.expectedBucketOwner`)) {
		validation.pattern(
			queue.ExpectedBucketOwner,
			`${at}.expectedBucketOwner`,
			ACCOUNT_ID,
			'\\d{12}',
		);
	}

	validation.length(queue.ErrorOutputPrefix, `${at}.errorOutputPrefix`, 0, 1024);
}

/**
 * Request validation shared by the Firehose actions: the framework's ValidationException checks of
 * names, limits, record data and tags, with AWS's member paths and constraint wording.
 */
import type {Problems} from './errors.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import type {KinesisStreamSourceConfiguration, Tag} from '../../kinesis/firehose-types.js';

const DELIVERY_STREAM_NAME = /^[a-zA-Z0-9._-]+$/;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$/u;
const KINESIS_STREAM_ARN = /^arn:.*:kinesis:[a-zA-Z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]+$/;
/** IAM role ARNs, as Firehose's RoleARN members accept them. */
export const ROLE_ARN = /^arn:.*:iam::\d{12}:role\/[a-zA-Z_0-9+=,.@\-_/]+$/;

/** DeliveryStreamName: 1–64 characters of [a-zA-Z0-9._-]. */
export function checkName(name: unknown, problems: Problems, at = 'deliveryStreamName') {
	if (typeof name !== 'string') {
		problems.add(null, at, 'Member must not be null');
		return;
	}

	if (name.length < 1) {
		problems.add(name, at, 'Member must have length greater than or equal to 1');
	} else if (name.length > FIREHOSE_LIMITS.maxDeliveryStreamNameLength) {
		problems.add(
			name,
			at,
			`Member must have length less than or equal to ${FIREHOSE_LIMITS.maxDeliveryStreamNameLength}`,
		);
	}

	if (name.length > 0 && !DELIVERY_STREAM_NAME.test(name)) {
		problems.add(name, at, 'Member must satisfy regular expression pattern: [a-zA-Z0-9._-]+');
	}
}

/** A `Limit` member: 1 … max. */
export function checkLimit(limit: number | undefined, max: number, problems: Problems) {
	if (limit === undefined) return;
	if (!Number.isInteger(limit) || limit < 1) {
		problems.add(limit, 'limit', 'Member must have value greater than or equal to 1');
	} else if (limit > max) {
		problems.add(limit, 'limit', `Member must have value less than or equal to ${max}`);
	}
}

/** A record's `Data`: present, at most 1,000 KiB (AWS shows the blob as a Java ByteBuffer). */
export function checkData(data: unknown, at: string, problems: Problems) {
	if (!(data instanceof Uint8Array)) {
		problems.add(null, at, 'Member must not be null');
	} else if (data.length > FIREHOSE_LIMITS.maxRecordBytes) {
		problems.add(
			`java.nio.HeapByteBuffer[pos=0 lim=${data.length} cap=${data.length}]`,
			at,
			`Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordBytes}`,
		);
	}
}

/** Tags: at most 50, keys 1–128 characters not starting with aws:, values up to 256. */
export function checkTags(tags: Tag[] | undefined, problems: Problems, at: string) {
	if (tags === undefined) return;
	if (tags.length > FIREHOSE_LIMITS.maxTags) {
		problems.add(
			`[${tags.length} tags]`,
			at,
			`Member must have length less than or equal to ${FIREHOSE_LIMITS.maxTags}`,
		);
		return;
	}

	tags.forEach((tag, index) => {
		const member = `${at}.${index + 1}.member`;
		const key = tag?.Key;
		if (typeof key !== 'string') {
			problems.add(null, `${member}.key`, 'Member must not be null');
		} else if (key.length < 1 || key.length > FIREHOSE_LIMITS.maxTagKeyLength) {
			problems.add(
				key,
				`${member}.key`,
				key.length < 1
					? 'Member must have length greater than or equal to 1'
					: `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxTagKeyLength}`,
			);
		} else if (!TAG_KEY.test(key)) {
			problems.add(
				key,
				`${member}.key`,
				'Member must satisfy regular expression pattern: ^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$',
			);
		}

		const value = tag?.Value;
		if (value !== undefined) {
			if (value.length > FIREHOSE_LIMITS.maxTagValueLength) {
				problems.add(
					value,
					`${member}.value`,
					`Member must have length less than or equal to ${FIREHOSE_LIMITS.maxTagValueLength}`,
				);
			} else if (!TAG_VALUE.test(value)) {
				problems.add(
					value,
					`${member}.value`,
					'Member must satisfy regular expression pattern: ^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$',
				);
			}
		}
	});
}

/** KinesisStreamSourceConfiguration: a Kinesis stream ARN and an IAM role ARN. */
export function checkSourceConfiguration(
	source: KinesisStreamSourceConfiguration,
	problems: Problems,
) {
	if (typeof source.KinesisStreamARN !== 'string') {
		problems.add(
			null,
			'kinesisStreamSourceConfiguration.kinesisStreamARN',
			'Member must not be null',
		);
	} else if (!KINESIS_STREAM_ARN.test(source.KinesisStreamARN)) {
		problems.add(
			source.KinesisStreamARN,
			'kinesisStreamSourceConfiguration.kinesisStreamARN',
			'Member must satisfy regular expression pattern: arn:.*:kinesis:[a-zA-Z0-9\\-]+:\\d{12}:stream/[a-zA-Z0-9_.-]+',
		);
	}

	if (typeof source.RoleARN !== 'string') {
		problems.add(null, 'kinesisStreamSourceConfiguration.roleARN', 'Member must not be null');
	} else if (!ROLE_ARN.test(source.RoleARN)) {
		problems.add(
			source.RoleARN,
			'kinesisStreamSourceConfiguration.roleARN',
			'Member must satisfy regular expression pattern: arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+',
		);
	}
}

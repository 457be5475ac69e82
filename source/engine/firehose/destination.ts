/**
 * The S3 destination: validation of `S3DestinationConfiguration` / `ExtendedS3DestinationConfiguration`
 * (and their `…Update` forms) with AWS's exception names, the stored configuration with AWS's defaults
 * filled in, the two descriptions DescribeDeliveryStream shows for it, and the settings delivery runs
 * on (bucket, object-key templates, buffer limits, delimiter, compression).
 *
 * A plain S3 destination is stored as an extended one, as Firehose does (its description carries both
 * `S3DestinationDescription` and `ExtendedS3DestinationDescription`).
 *
 * Local limits, refused with InvalidArgumentException rather than silently ignored: processors other
 * than `AppendDelimiterToRecord`, data format conversion, dynamic partitioning, S3 backup, and the ZIP /
 * Snappy / HADOOP_SNAPPY compression formats.
 */
import {invalidArgument, Problems} from './errors.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import {isKnownTimeZone, prefixTemplates, type PrefixTemplate} from './object-key.js';
import {ROLE_ARN} from './validation.js';
import type {
	CompressionFormat,
	ExtendedS3DestinationConfiguration,
	ExtendedS3DestinationDescription,
	ExtendedS3DestinationUpdate,
	S3DestinationDescription,
} from '../../kinesis/firehose-types.js';

/** The stored destination: an extended S3 configuration with every default filled in. */
export type StoredDestination = ExtendedS3DestinationConfiguration & {
	BufferingHints: {SizeInMBs: number; IntervalInSeconds: number};
	CompressionFormat: CompressionFormat;
};

/** What delivery needs, derived from a {@link StoredDestination}. */
export type DeliverySettings = {
	bucket: string;
	sizeLimitBytes: number;
	intervalMs: number;
	/** Appended after every record, or undefined to concatenate records as they are. */
	delimiter: Buffer | undefined;
	gzip: boolean;
	extension: string;
	timeZone: string | undefined;
	prefix: PrefixTemplate;
	errorOutputPrefix: PrefixTemplate;
};

const COMPRESSION_FORMATS: CompressionFormat[] = [
	'UNCOMPRESSED',
	'GZIP',
	'ZIP',
	'Snappy',
	'HADOOP_SNAPPY',
];
const PROCESSOR_TYPES = [
	'RecordDeAggregation',
	'Decompression',
	'CloudWatchLogProcessing',
	'Lambda',
	'MetadataExtraction',
	'AppendDelimiterToRecord',
];
const BUCKET_ARN = /^arn:.*:s3:::([\w.-]{1,255})$/;
const FILE_EXTENSION = /^$|^\.[0-9a-z!\-_.*'()]+$/;

const lowerFirst = (name: string) => name[0].toLowerCase() + name.slice(1);

/**
 * Checks the members of a destination configuration (`update` false) or update (`update` true);
 * `member` is the request member's name (e.g. `ExtendedS3DestinationConfiguration`), used for the
 * ValidationException paths as AWS writes them (`extendedS3DestinationConfiguration.bufferingHints.sizeInMBs`).
 */
export function validateDestination(
	config: ExtendedS3DestinationUpdate,
	member: string,
	update: boolean,
) {
	const problems = new Problems();
	const at = (path: string) => `${lowerFirst(member)}.${path}`;
	const {RoleARN, BucketARN, Prefix, ErrorOutputPrefix, BufferingHints} = config;
	if (RoleARN === undefined || RoleARN === null) {
		if (!update) problems.add(null, at('roleARN'), 'Member must not be null');
	} else if (
		typeof RoleARN !== 'string' ||
		RoleARN.length < 1 ||
		RoleARN.length > 512 ||
		!ROLE_ARN.test(RoleARN)
	) {
		problems.add(
			RoleARN,
			at('roleARN'),
			'Member must satisfy regular expression pattern: arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+',
		);
	}

	if (BucketARN === undefined || BucketARN === null) {
		if (!update) problems.add(null, at('bucketARN'), 'Member must not be null');
	} else if (
		typeof BucketARN !== 'string' ||
		BucketARN.length > 2048 ||
		!BUCKET_ARN.test(BucketARN)
	) {
		problems.add(
			BucketARN,
			at('bucketARN'),
			'Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}',
		);
	}

	for (const [name, value] of [
		['prefix', Prefix],
		['errorOutputPrefix', ErrorOutputPrefix],
	] as const) {
		if (
			value !== undefined &&
			value !== null &&
			String(value).length > FIREHOSE_LIMITS.maxPrefixLength
		) {
			problems.add(
				value,
				at(name),
				`Member must have length less than or equal to ${FIREHOSE_LIMITS.maxPrefixLength}`,
			);
		}
	}

	if (BufferingHints) {
		const size = BufferingHints.SizeInMBs;
		if (size !== undefined) {
			if (!Number.isInteger(size) || size < FIREHOSE_LIMITS.minBufferSizeMiB) {
				problems.add(
					size,
					at('bufferingHints.sizeInMBs'),
					`Member must have value greater than or equal to ${FIREHOSE_LIMITS.minBufferSizeMiB}`,
				);
			} else if (size > FIREHOSE_LIMITS.maxBufferSizeMiB) {
				problems.add(
					size,
					at('bufferingHints.sizeInMBs'),
					`Member must have value less than or equal to ${FIREHOSE_LIMITS.maxBufferSizeMiB}`,
				);
			}
		}

		const interval = BufferingHints.IntervalInSeconds;
		if (interval !== undefined) {
			if (!Number.isInteger(interval) || interval < FIREHOSE_LIMITS.minBufferIntervalSeconds) {
				problems.add(
					interval,
					at('bufferingHints.intervalInSeconds'),
					`Member must have value greater than or equal to ${FIREHOSE_LIMITS.minBufferIntervalSeconds}`,
				);
			} else if (interval > FIREHOSE_LIMITS.maxBufferIntervalSeconds) {
				problems.add(
					interval,
					at('bufferingHints.intervalInSeconds'),
					`Member must have value less than or equal to ${FIREHOSE_LIMITS.maxBufferIntervalSeconds}`,
				);
			}
		}
	}

	const compression = config.CompressionFormat;
	if (compression !== undefined && !COMPRESSION_FORMATS.includes(compression)) {
		problems.add(
			compression,
			at('compressionFormat'),
			`Member must satisfy enum value set: [${COMPRESSION_FORMATS.join(', ')}]`,
		);
	}

	const extension = config.FileExtension;
	if (extension !== undefined && (extension.length > 128 || !FILE_EXTENSION.test(extension))) {
		problems.add(
			extension,
			at('fileExtension'),
			"Member must satisfy regular expression pattern: ^$|\\.[0-9a-z!\\-_.*'()]+",
		);
	}

	const zone = config.CustomTimeZone;
	if (zone !== undefined && zone.length > 50) {
		problems.add(zone, at('customTimeZone'), 'Member must have length less than or equal to 50');
	}

	const processors = config.ProcessingConfiguration?.Processors ?? [];
	processors.forEach((processor, index) => {
		if (!PROCESSOR_TYPES.includes(processor.Type)) {
			problems.add(
				processor.Type,
				at(`processingConfiguration.processors.${index + 1}.member.type`),
				`Member must satisfy enum value set: [${PROCESSOR_TYPES.join(', ')}]`,
			);
		}
	});
	problems.throwIfAny();
	checkSupported(config);
}

/** Refuses, with InvalidArgumentException, what the local engine cannot deliver as AWS would. */
function checkSupported(config: ExtendedS3DestinationUpdate) {
	const compression = config.CompressionFormat;
	if (compression !== undefined && compression !== 'UNCOMPRESSED' && compression !== 'GZIP') {
		throw invalidArgument(
			`CompressionFormat ${compression} is not supported by the local engine; use UNCOMPRESSED or GZIP.`,
		);
	}

	if (processingEnabled(config.ProcessingConfiguration)) {
		for (const processor of config.ProcessingConfiguration?.Processors ?? []) {
			if (processor.Type !== 'AppendDelimiterToRecord') {
				throw invalidArgument(
					`Processor type ${processor.Type} is not supported by the local engine; only AppendDelimiterToRecord is.`,
				);
			}
		}
	}

	if (config.DataFormatConversionConfiguration?.Enabled) {
		throw invalidArgument('Data format conversion is not supported by the local engine.');
	}

	if (config.DynamicPartitioningConfiguration?.Enabled) {
		throw invalidArgument('Dynamic partitioning is not supported by the local engine.');
	}

	if (config.S3BackupMode === 'Enabled') {
		throw invalidArgument('S3 backup is not supported by the local engine.');
	}

	if (config.CustomTimeZone && !isKnownTimeZone(config.CustomTimeZone)) {
		throw invalidArgument(`CustomTimeZone ${config.CustomTimeZone} is not a supported time zone.`);
	}

	if (config.BucketARN) {
		const bucket = bucketOf(config.BucketARN);
		if (bucket === '.' || bucket === '..') {
			throw invalidArgument(`The bucket name in BucketARN ${config.BucketARN} is not valid.`);
		}
	}

	for (const [field, value] of [
		['Prefix', config.Prefix],
		['ErrorOutputPrefix', config.ErrorOutputPrefix],
	] as const) {
		if (value && value.split('/').some((segment) => segment === '.' || segment === '..')) {
			throw invalidArgument(
				`The ${field} "${value}" has a "." or ".." path segment, which the local engine cannot map to a directory.`,
			);
		}
	}
}

/** Processing runs when enabled, or when processors are given without saying (as the console does). */
function processingEnabled(
	processing: ExtendedS3DestinationConfiguration['ProcessingConfiguration'],
) {
	if (!processing) return false;
	return processing.Enabled ?? (processing.Processors?.length ?? 0) > 0;
}

export const bucketOf = (bucketARN: string) => BUCKET_ARN.exec(bucketARN)?.[1] ?? bucketARN;

/** A new destination from a (validated) configuration, with AWS's defaults. */
export function storedDestination(config: ExtendedS3DestinationConfiguration): StoredDestination {
	const stored: StoredDestination = {
		...structuredClone(config),
		BufferingHints: {
			SizeInMBs: config.BufferingHints?.SizeInMBs ?? FIREHOSE_LIMITS.defaultBufferSizeMiB,
			IntervalInSeconds:
				config.BufferingHints?.IntervalInSeconds ?? FIREHOSE_LIMITS.defaultBufferIntervalSeconds,
		},
		CompressionFormat: config.CompressionFormat ?? 'UNCOMPRESSED',
	};
	settingsOf(stored); // validates the prefixes
	return stored;
}

/**
 * UpdateDestination on the same destination type: the given members replace the stored ones, the
 * others are kept (Firehose merges, as its API reference describes).
 */
export function mergedDestination(
	current: StoredDestination,
	update: ExtendedS3DestinationUpdate,
): StoredDestination {
	const merged: StoredDestination = {...structuredClone(current)};
	for (const [key, value] of Object.entries(structuredClone(update))) {
		if (value === undefined) continue;
		if (key === 'BufferingHints') {
			merged.BufferingHints = {...merged.BufferingHints, ...(value as object)};
		} else {
			(merged as Record<string, unknown>)[key] = value;
		}
	}

	settingsOf(merged); // validates the prefixes
	return merged;
}

/** The settings delivery runs on; throws InvalidArgumentException for prefixes the guide calls invalid. */
export function settingsOf(destination: StoredDestination): DeliverySettings {
	const templates = prefixTemplates(destination.Prefix, destination.ErrorOutputPrefix);
	let delimiter: Buffer | undefined;
	if (processingEnabled(destination.ProcessingConfiguration)) {
		const processor = destination.ProcessingConfiguration?.Processors?.find(
			(each) => each.Type === 'AppendDelimiterToRecord',
		);
		if (processor) {
			const parameter = processor.Parameters?.find((each) => each.ParameterName === 'Delimiter');
			delimiter = Buffer.from(parameter?.ParameterValue ?? '\n');
		}
	}

	const gzip = destination.CompressionFormat === 'GZIP';
	return {
		bucket: bucketOf(destination.BucketARN),
		sizeLimitBytes: destination.BufferingHints.SizeInMBs * 1024 * 1024,
		intervalMs: destination.BufferingHints.IntervalInSeconds * 1000,
		delimiter,
		gzip,
		extension: destination.FileExtension ?? (gzip ? '.gz' : ''),
		timeZone: destination.CustomTimeZone,
		prefix: templates.main,
		errorOutputPrefix: templates.errorOutput,
	};
}

const DEFAULT_ENCRYPTION = {NoEncryptionConfig: 'NoEncryption'} as const;

/** `S3DestinationDescription` of a stored destination. */
export function s3Description(destination: StoredDestination): S3DestinationDescription {
	return {
		RoleARN: destination.RoleARN,
		BucketARN: destination.BucketARN,
		...(destination.Prefix === undefined ? {} : {Prefix: destination.Prefix}),
		...(destination.ErrorOutputPrefix === undefined
			? {}
			: {ErrorOutputPrefix: destination.ErrorOutputPrefix}),
		BufferingHints: {...destination.BufferingHints},
		CompressionFormat: destination.CompressionFormat,
		EncryptionConfiguration: structuredClone(
			destination.EncryptionConfiguration ?? DEFAULT_ENCRYPTION,
		),
		CloudWatchLoggingOptions: structuredClone(
			destination.CloudWatchLoggingOptions ?? {Enabled: false},
		),
	};
}

/** `ExtendedS3DestinationDescription` of a stored destination. */
export function extendedS3Description(
	destination: StoredDestination,
): ExtendedS3DestinationDescription {
	return {
		...s3Description(destination),
		ProcessingConfiguration: structuredClone(
			destination.ProcessingConfiguration ?? {Enabled: false, Processors: []},
		),
		S3BackupMode: destination.S3BackupMode ?? 'Disabled',
		...(destination.DataFormatConversionConfiguration
			? {
					DataFormatConversionConfiguration: structuredClone(
						destination.DataFormatConversionConfiguration,
					),
				}
			: {}),
		...(destination.DynamicPartitioningConfiguration
			? {
					DynamicPartitioningConfiguration: structuredClone(
						destination.DynamicPartitioningConfiguration,
					),
				}
			: {}),
		...(destination.FileExtension === undefined ? {} : {FileExtension: destination.FileExtension}),
		...(destination.CustomTimeZone === undefined
			? {}
			: {CustomTimeZone: destination.CustomTimeZone}),
	};
}

/**
 * The delivery streams themselves: CreateDeliveryStream (DirectPut or KinesisStreamAsSource, with one S3
 * or extended S3 destination), DeleteDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams and
 * UpdateDestination — each with Firehose's validation, errors and wording, and each change saved with
 * the metadata (or undone if it cannot be).
 */
import type {Clock} from '../clock.js';
import type {KinesisEngine} from '../engine.js';
import {KinesisError} from '../errors.js';
import type {DeliveryStreamMetadata} from './delivery-stream.js';
import type {DeliveryStreams} from './delivery-streams.js';
import {
	extendedS3Description,
	mergedDestination,
	s3Description,
	storedDestination,
	validateDestination,
} from './destination.js';
import {
	concurrentModification,
	invalidArgument,
	limitExceeded,
	Problems,
	resourceInUse,
} from './errors.js';
import type {FirehoseEngineOptions} from './firehose-options.js';
import {streamNameOfArn} from './kinesis-source.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import {checkLimit, checkName, checkSourceConfiguration, checkTags} from './validation.js';
import type {
	CreateDeliveryStreamInput,
	DeliveryStreamDescription,
	DescribeDeliveryStreamInput,
	ExtendedS3DestinationConfiguration,
	ListDeliveryStreamsInput,
	UpdateDestinationInput,
} from '../../kinesis/firehose-types.js';

const STREAM_TYPES = ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'];

export type DeliveryStreamActionsParts = {
	clock: Clock;
	accountId: string;
	options: FirehoseEngineOptions;
	deliveryStreams: DeliveryStreams;
	/** The engine KinesisStreamAsSource delivery streams read from, if any. */
	kinesis: KinesisEngine | undefined;
};

export class DeliveryStreamActions {
	private readonly clock: Clock;
	private readonly accountId: string;
	private readonly options: FirehoseEngineOptions;
	private readonly deliveryStreams: DeliveryStreams;
	private readonly streams: DeliveryStreams['streams'];
	private readonly kinesis: KinesisEngine | undefined;

	constructor(parts: DeliveryStreamActionsParts) {
		this.clock = parts.clock;
		this.accountId = parts.accountId;
		this.options = parts.options;
		this.deliveryStreams = parts.deliveryStreams;
		this.streams = parts.deliveryStreams.streams;
		this.kinesis = parts.kinesis;
	}

	/**
	 * CreateDeliveryStream: DirectPut or KinesisStreamAsSource, with one S3 (or extended S3) destination.
	 * The stream shows CREATING for `createDelayMs`, then ACTIVE.
	 */
	createDeliveryStream(input: CreateDeliveryStreamInput): {DeliveryStreamARN: string} {
		const name = input.DeliveryStreamName;
		const problems = new Problems();
		checkName(name, problems);
		const type = input.DeliveryStreamType ?? 'DirectPut';
		if (!STREAM_TYPES.includes(type)) {
			problems.add(
				type,
				'deliveryStreamType',
				`Member must satisfy enum value set: [${STREAM_TYPES.join(', ')}]`,
			);
		}

		const source = input.KinesisStreamSourceConfiguration;
		if (source) checkSourceConfiguration(source, problems);
		checkTags(input.Tags, problems, 'tags');
		problems.throwIfAny();

		const given = Object.entries(input).filter(
			([key, value]) =>
				key.endsWith('DestinationConfiguration') && value !== undefined && value !== null,
		);
		if (given.length !== 1) {
			throw invalidArgument(
				'Exactly one destination configuration is supported for a Firehose delivery stream.',
			);
		}

		const [member, given0] = given[0] as [string, ExtendedS3DestinationConfiguration];
		if (
			member !== 'S3DestinationConfiguration' &&
			member !== 'ExtendedS3DestinationConfiguration'
		) {
			throw invalidArgument(
				`${member} is not supported by the local engine; use ExtendedS3DestinationConfiguration or S3DestinationConfiguration.`,
			);
		}

		// A plain S3 destination has only the S3 members (the JSON protocol ignores any others).
		const config =
			member === 'S3DestinationConfiguration'
				? (Object.fromEntries(
						Object.entries(given0).filter(([key]) => S3_MEMBERS.has(key)),
					) as ExtendedS3DestinationConfiguration)
				: given0;

		validateDestination(config, member, false);
		if (type === 'MSKAsSource' || type === 'DatabaseAsSource') {
			throw invalidArgument(`DeliveryStreamType ${type} is not supported by the local engine.`);
		}

		if (source && type !== 'KinesisStreamAsSource') {
			throw invalidArgument(
				'KinesisSourceStreamConfig is only applicable for KinesisStreamAsSource stream type.',
			);
		}

		if (!source && type === 'KinesisStreamAsSource') {
			throw invalidArgument(
				'KinesisStreamSourceConfiguration is required for KinesisStreamAsSource stream type.',
			);
		}

		const destination = storedDestination(config);
		this.deliveryStreams.settle();
		if (this.streams.has(name)) {
			throw resourceInUse(`Firehose ${name} under accountId ${this.accountId} already exists`);
		}

		if (this.streams.size >= FIREHOSE_LIMITS.deliveryStreamsPerRegion) {
			throw limitExceeded(
				`You have already consumed your firehose quota of ${FIREHOSE_LIMITS.deliveryStreamsPerRegion} hoses.`,
			);
		}

		if (source) this.checkSourceStream(source.KinesisStreamARN);
		const now = this.clock.now();
		const delay = this.options.createDelayMs ?? 0;
		const metadata: DeliveryStreamMetadata = {
			name,
			createdAt: now,
			type,
			versionId: 1,
			destination,
			...(input.DirectPutSourceConfiguration
				? {directPut: {...input.DirectPutSourceConfiguration}}
				: {}),
			tags: (input.Tags ?? []).map((tag) => ({...tag})),
			...(delay > 0 ? {transition: {status: 'CREATING' as const, until: now + delay}} : {}),
			...(source
				? {
						source: {
							streamARN: source.KinesisStreamARN,
							roleARN: source.RoleARN,
							startedAt: now,
							startingPosition: this.options.sourceStartingPosition ?? 'TRIM_HORIZON',
							checkpoints: {},
							finished: [],
						},
					}
				: {}),
		};
		const stream = this.deliveryStreams.open(metadata);
		this.streams.set(name, stream);
		this.deliveryStreams.saveOrUndo(() => {
			this.streams.delete(name);
			this.deliveryStreams.discard(stream);
		});
		return {DeliveryStreamARN: stream.arn};
	}

	/**
	 * DeleteDeliveryStream: the stream shows DELETING for `deleteDelayMs`, then is gone with its buffered
	 * data (as in AWS, records not yet delivered are not delivered). Not allowed while CREATING.
	 */
	deleteDeliveryStream(input: {DeliveryStreamName: string; AllowForceDelete?: boolean}) {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		problems.throwIfAny();
		const stream = this.deliveryStreams.streamOf(input.DeliveryStreamName);
		const now = this.clock.now();
		if (stream.status(now) === 'CREATING') {
			throw resourceInUse(
				`Firehose ${stream.name} under account ${this.accountId} is in CREATING state and cannot be deleted until it is ACTIVE.`,
			);
		}

		const delay = this.options.deleteDelayMs ?? 0;
		if (delay > 0) {
			if (stream.transition?.status !== 'DELETING') {
				stream.transition = {status: 'DELETING', until: now + delay};
				this.deliveryStreams.save();
			}
		} else {
			this.deliveryStreams.remove(stream);
		}
	}

	/** DescribeDeliveryStream: the AWS DeliveryStreamDescription, with its one S3 destination. */
	describeDeliveryStream(input: DescribeDeliveryStreamInput): {
		DeliveryStreamDescription: DeliveryStreamDescription;
	} {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		checkLimit(input.Limit, FIREHOSE_LIMITS.maxListLimit, problems);
		problems.throwIfAny();
		const stream = this.deliveryStreams.streamOf(input.DeliveryStreamName);
		const now = this.clock.now();
		const skip =
			input.ExclusiveStartDestinationId !== undefined &&
			input.ExclusiveStartDestinationId >= FIREHOSE_LIMITS.destinationId;
		const source = stream.source;
		return {
			DeliveryStreamDescription: {
				DeliveryStreamName: stream.name,
				DeliveryStreamARN: stream.arn,
				DeliveryStreamStatus: stream.status(now),
				DeliveryStreamEncryptionConfiguration: {Status: 'DISABLED'},
				DeliveryStreamType: stream.type,
				VersionId: String(stream.versionId),
				CreateTimestamp: new Date(stream.createdAt),
				...(stream.lastUpdatedAt === undefined
					? {}
					: {LastUpdateTimestamp: new Date(stream.lastUpdatedAt)}),
				...(source
					? {
							Source: {
								KinesisStreamSourceDescription: {
									KinesisStreamARN: source.metadata.streamARN,
									RoleARN: source.metadata.roleARN,
									DeliveryStartTimestamp: new Date(source.metadata.startedAt),
								},
							},
						}
					: stream.metadata.directPut
						? {Source: {DirectPutSourceDescription: {...stream.metadata.directPut}}}
						: {}),
				Destinations: skip
					? []
					: [
							{
								DestinationId: FIREHOSE_LIMITS.destinationId,
								S3DestinationDescription: s3Description(stream.destination),
								ExtendedS3DestinationDescription: extendedS3Description(stream.destination),
							},
						],
				HasMoreDestinations: false,
			},
		};
	}

	/** ListDeliveryStreams: names in alphabetical order, by type, after a name, at most Limit (10). */
	listDeliveryStreams(input: ListDeliveryStreamsInput = {}): {
		DeliveryStreamNames: string[];
		HasMoreDeliveryStreams: boolean;
	} {
		const problems = new Problems();
		checkLimit(input.Limit, FIREHOSE_LIMITS.maxListLimit, problems);
		const type = input.DeliveryStreamType;
		if (type !== undefined && !STREAM_TYPES.includes(type)) {
			problems.add(
				type,
				'deliveryStreamType',
				`Member must satisfy enum value set: [${STREAM_TYPES.join(', ')}]`,
			);
		}

		problems.throwIfAny();
		this.deliveryStreams.settle();
		const after = input.ExclusiveStartDeliveryStreamName;
		const names = [...this.streams.values()]
			.filter((stream) => type === undefined || stream.type === type)
			.map((stream) => stream.name)
			.filter((name) => after === undefined || name > after)
			.sort();
		const limit = input.Limit ?? FIREHOSE_LIMITS.defaultListLimit;
		return {
			DeliveryStreamNames: names.slice(0, limit),
			HasMoreDeliveryStreams: names.length > limit,
		};
	}

	/**
	 * UpdateDestination: merges an S3 / extended S3 update into the destination when
	 * CurrentDeliveryStreamVersionId is the current VersionId (else ConcurrentModificationException),
	 * then increments the VersionId. Buffered records are delivered with the new settings.
	 */
	updateDestination(input: UpdateDestinationInput) {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		const version = input.CurrentDeliveryStreamVersionId;
		if (version === undefined || version === null) {
			problems.add(null, 'currentDeliveryStreamVersionId', 'Member must not be null');
		} else if (!/^[0-9]+$/.test(version) || version.length > 50) {
			problems.add(
				version,
				'currentDeliveryStreamVersionId',
				'Member must satisfy regular expression pattern: [0-9]+',
			);
		}

		if (input.DestinationId === undefined || input.DestinationId === null) {
			problems.add(null, 'destinationId', 'Member must not be null');
		}

		problems.throwIfAny();
		const given = Object.entries(input).filter(
			([key, value]) => key.endsWith('DestinationUpdate') && value !== undefined && value !== null,
		);
		if (given.length !== 1) {
			throw invalidArgument(
				'Exactly one destination update is supported for a Firehose delivery stream.',
			);
		}

		const [member, update] = given[0] as [string, ExtendedS3DestinationConfiguration];
		if (member !== 'S3DestinationUpdate' && member !== 'ExtendedS3DestinationUpdate') {
			throw invalidArgument(
				`${member} is not supported by the local engine; use ExtendedS3DestinationUpdate or S3DestinationUpdate.`,
			);
		}

		validateDestination(update, member, true);
		const stream = this.deliveryStreams.streamOf(input.DeliveryStreamName);
		const status = stream.status(this.clock.now());
		if (status !== 'ACTIVE') {
			throw resourceInUse(
				`Firehose ${stream.name} under account ${this.accountId} is not ACTIVE, instead in state ${status}.`,
			);
		}

		if (String(stream.versionId) !== version) {
			throw concurrentModification(
				`Cannot update firehose: ${stream.name} since the current version id: ${stream.versionId} and specified version id: ${version} do not match`,
			);
		}

		if (input.DestinationId !== FIREHOSE_LIMITS.destinationId) {
			throw invalidArgument(`Destination Id ${input.DestinationId} not found.`);
		}

		const merged = mergedDestination(stream.destination, update);
		const previous = {
			destination: stream.destination,
			versionId: stream.versionId,
			lastUpdatedAt: stream.lastUpdatedAt,
		};
		stream.setDestination(merged);
		stream.versionId++;
		stream.lastUpdatedAt = this.clock.now();
		this.deliveryStreams.saveOrUndo(() => {
			stream.setDestination(previous.destination);
			stream.versionId = previous.versionId;
			stream.lastUpdatedAt = previous.lastUpdatedAt;
		});
	}

	private checkSourceStream(arn: string) {
		if (!this.kinesis) {
			throw invalidArgument(
				`Kinesis stream ${arn} cannot be used as a source: this Firehose engine has no Kinesis engine.`,
			);
		}

		try {
			this.kinesis.describeStreamSummary({StreamARN: arn});
		} catch (error) {
			if (error instanceof KinesisError && error.code === 'ResourceNotFoundException') {
				throw invalidArgument(
					`Stream ${streamNameOfArn(arn)} under account ${this.accountId} not found.`,
				);
			}

			throw error;
		}
	}
}

const S3_MEMBERS = new Set([
	'RoleARN',
	'BucketARN',
	'Prefix',
	'ErrorOutputPrefix',
	'BufferingHints',
	'CompressionFormat',
	'EncryptionConfiguration',
	'CloudWatchLoggingOptions',
]);

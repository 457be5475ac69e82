/**
 * The bundled local Amazon Data Firehose engine. Each public method named after a Firehose API action
 * reproduces it: validation, errors (exception name and wording), effect. Delivery streams buffer
 * records durably and deliver them to a local directory per S3 bucket when a buffering hint is reached,
 * naming objects as Firehose does; a delivery stream can also read a local Kinesis stream
 * (KinesisStreamAsSource) through a {@link KinesisEngine}.
 *
 * Time: everything time-based (buffer intervals, retries, source polling) happens in {@link tick},
 * against the engine's {@link Clock}. With the system clock the engine ticks itself every
 * `tickIntervalMs` (250 ms); with an injected clock (tests) nothing happens until `tick()` is called,
 * which makes interval and retry behaviour exact. A buffer that reaches its size hint is closed and
 * handed to delivery by the put itself.
 *
 * On disk (with a data directory):
 *
 * ```
 * DATA/firehose/owner.json, metadata.json       the lock and the delivery streams (atomically replaced)
 * DATA/firehose/delivery-streams/NAME.CREATED/  the durable buffers (see buffer-log.ts)
 * DATA/buckets/BUCKET/KEY                       delivered objects (or `bucketDirectory`)
 * ```
 *
 * Guarantee: PutRecord / PutRecordBatch resolve once the accepted records are written to the OS (see
 * buffer-log.ts for the sync policy); an accepted record is delivered at least once, also across a crash
 * or restart. Delivery is in buffer order; a buffer whose delivery fails is retried with backoff
 * (`retryBaseDelayMs` doubling up to `retryMaxDelayMs`, AWS's 5-second cadence) and, after
 * `maxDeliveryAttempts` attempts or `retryDurationMs`, written under the error output prefix instead
 * (error output type `s3-failed`, one JSON document per record in Firehose's error record format) — AWS
 * itself retries S3 for 24 hours and then drops the data; writing it under the error prefix is this
 * engine's choice so nothing is lost silently. Buffers behind a failing one wait, as in Firehose.
 */
import {randomBytes} from 'node:crypto';
import {readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {gzip} from 'node:zlib';
import {systemClock, type Clock} from '../clock.js';
import type {KinesisEngine} from '../engine.js';
import {KinesisError, saveOrUndo} from '../errors.js';
import type {KinesisRecord} from '../../kinesis/types.js';
import {DataDirectory} from '../log/data-directory.js';
import {DiskFailures} from '../log/disk-failures.js';
import {DiskWriteError, type FileSystem} from '../log/file-system.js';
import {BufferLog, type BufferedRecord} from './buffer-log.js';
import {DeliveryStream, RecordBuffer, type DeliveryStreamMetadata} from './delivery-stream.js';
import {
	extendedS3Description,
	mergedDestination,
	s3Description,
	storedDestination,
	validateDestination,
} from './destination.js';
import {
	concurrentModification,
	deliveryStreamNotFound,
	invalidArgument,
	limitExceeded,
	Problems,
	resourceInUse,
	serviceUnavailable,
} from './errors.js';
import {KinesisSource, streamNameOfArn, type SourceStartingPosition} from './kinesis-source.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import {FirehoseMetrics} from './firehose-metrics.js';
import {MetricsRecorder} from '../metrics.js';
import {
	checkData,
	checkLimit,
	checkName,
	checkSourceConfiguration,
	checkTags,
} from './validation.js';
import {evaluatePrefix, objectSuffix, timeParts} from './object-key.js';
import {
	DirectoryObjectStore,
	MemoryObjectStore,
	s3ErrorOf,
	type ObjectStore,
	type StoredObject,
} from './object-store.js';
import type {BufferState} from './types.js';
import type {
	CreateDeliveryStreamInput,
	DeliveryStreamDescription,
	DeliveryStreamType,
	ExtendedS3DestinationConfiguration,
	FirehoseRecord,
	PutRecordBatchOutput,
	PutRecordBatchResponseEntry,
	PutRecordOutput,
	Tag,
	UpdateDestinationInput,
} from '../../kinesis/firehose-types.js';

const gzipAsync = promisify(gzip);

export type FirehoseEngineOptions = {
	clock?: Clock;
	/** Default: the Kinesis engine's, else us-east-1. */
	region?: string;
	/** Default: the Kinesis engine's, else 000000000000. */
	accountId?: string;
	/** Where delivery streams and their buffers are kept (under `firehose/`); undefined: in memory. */
	dataDirectory?: string;
	/**
	 * Where buckets are: `<bucketDirectory>/<bucket>/<key>`. Default `<dataDirectory>/buckets`; without
	 * either, delivered objects are kept in memory (see {@link FirehoseEngine.listObjects}).
	 */
	bucketDirectory?: string;
	/** In memory: the most bytes of delivered objects kept, the oldest expired first (default: no bound). */
	memoryBucketBytes?: number;
	/** The engine KinesisStreamAsSource delivery streams read from. */
	kinesis?: KinesisEngine;
	/** Per-delivery-stream throughput quotas, on by default as in AWS. */
	enforceLimits?: boolean;
	/** How long a delivery stream shows CREATING / DELETING. */
	createDelayMs?: number;
	deleteDelayMs?: number;
	/** How often the engine ticks itself. Default 250 ms with the system clock, never with an injected one. */
	tickIntervalMs?: number;
	/** fdatasync each buffer append before acknowledging it (else every `syncIntervalMs`). */
	syncEveryWrite?: boolean;
	syncIntervalMs?: number;
	/** The buffer files' operations (default node:fs); tests inject disk failures through it. */
	files?: FileSystem;
	/** Failed attempts before a buffer goes to the error output prefix. Default 10. */
	maxDeliveryAttempts?: number;
	/** Default 1,000 ms, doubling per attempt up to `retryMaxDelayMs` (default 5,000 ms). */
	retryBaseDelayMs?: number;
	retryMaxDelayMs?: number;
	/** Give up (error output) this long after the first failure even with attempts left. Default 24 h. */
	retryDurationMs?: number;
	/**
	 * Where a KinesisStreamAsSource delivery stream starts reading shards: TRIM_HORIZON (default) or
	 * AT_DELIVERY_START (AT_TIMESTAMP of its creation, which is what the Firehose guide describes as
	 * reading from LATEST).
	 */
	sourceStartingPosition?: SourceStartingPosition;
};

type Metadata = {version: 1; deliveryStreams: DeliveryStreamMetadata[]};

const STREAM_TYPES = ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'];
const ERROR_OUTPUT_TYPE = 's3-failed';
const NOT_FOR_KINESIS_SOURCE =
	'This operation is not permitted on KinesisStreamAsSource delivery stream type.';

export class FirehoseEngine {
	readonly region: string;
	readonly accountId: string;
	readonly clock: Clock;
	enforceLimits: boolean;
	private readonly options: FirehoseEngineOptions;
	private readonly streams = new Map<string, DeliveryStream>();
	private readonly directory: DataDirectory | undefined;
	private readonly store: ObjectStore;
	private readonly kinesis: KinesisEngine | undefined;
	/** CloudWatch metrics: the Kinesis engine's recorder when given one, else this engine's own. */
	readonly metrics: MetricsRecorder;
	private readonly firehoseMetrics: FirehoseMetrics;
	/** Opaque RecordIds: this run's random prefix + the record's ordinal. */
	private readonly recordIdPrefix = randomBytes(12);
	private readonly timers: NodeJS.Timeout[] = [];
	private ticking: Promise<void> | undefined;
	private tickAgain = false;
	private closed = false;
	private readonly diskFailures = new DiskFailures();

	constructor(options: FirehoseEngineOptions = {}) {
		this.options = options;
		this.kinesis = options.kinesis;
		this.clock = options.clock ?? systemClock;
		this.metrics = options.kinesis?.metrics ?? new MetricsRecorder({clock: this.clock});
		this.firehoseMetrics = new FirehoseMetrics(this.metrics, () => this.streams.values());
		this.region = options.region ?? options.kinesis?.region ?? 'us-east-1';
		this.accountId = options.accountId ?? options.kinesis?.accountId ?? '000000000000';
		this.enforceLimits = options.enforceLimits ?? true;
		const bucketDirectory =
			options.bucketDirectory ??
			(options.dataDirectory ? join(options.dataDirectory, 'buckets') : undefined);
		this.store = bucketDirectory
			? new DirectoryObjectStore(bucketDirectory)
			: new MemoryObjectStore(options.memoryBucketBytes);
		if (options.dataDirectory) {
			this.directory = DataDirectory.open(join(options.dataDirectory, 'firehose'), {
				files: options.files,
			});
			try {
				this.load();
			} catch (error) {
				this.closeFiles();
				this.directory.release();
				throw error;
			}
		}

		const realClock = options.clock === undefined || options.clock === systemClock;
		const tickEvery = options.tickIntervalMs ?? (realClock ? 250 : 0);
		if (tickEvery > 0) this.every(tickEvery, () => void this.tick());
		const syncEvery = options.syncIntervalMs ?? 200;
		if (this.directory && !options.syncEveryWrite && syncEvery > 0) {
			this.every(syncEvery, () => this.syncBuffers());
		}
	}

	/**
	 * Calls `listener` when writing a buffer file or the metadata fails (disk-failures.ts says how often),
	 * for `serve` to log; the put that hit it has its records fail with InternalFailure either way.
	 */
	onDiskFailure(listener: (message: string) => void): () => void {
		return this.diskFailures.listen(listener);
	}

	/** The directory buckets are kept in, or undefined when delivered objects are kept in memory. */
	get bucketDirectory() {
		return this.store.directory;
	}

	/**
	 * Stops the timers, waits for deliveries in flight, syncs and closes the buffer files and releases
	 * the data directory. Buffered records are not delivered: they are durable and the next engine on the
	 * same directory delivers them.
	 */
	async close() {
		if (this.closed) return;
		this.closed = true;
		this.firehoseMetrics.detach();
		for (const timer of this.timers) clearInterval(timer);
		await this.ticking;
		await Promise.all([...this.streams.values()].map((stream) => stream.delivering));
		try {
			this.save();
		} finally {
			this.closeFiles();
			this.directory?.release();
		}
	}

	// ─── Delivery streams ─────────────────────────────────────────────────────────────────────

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
		this.settle();
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
		const stream = this.open(metadata);
		this.streams.set(name, stream);
		this.saveOrUndo(() => {
			this.streams.delete(name);
			this.discard(stream);
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
		const stream = this.streamOf(input.DeliveryStreamName);
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
				this.save();
			}
		} else {
			this.remove(stream);
		}
	}

	/** DescribeDeliveryStream: the AWS DeliveryStreamDescription, with its one S3 destination. */
	describeDeliveryStream(input: {
		DeliveryStreamName: string;
		Limit?: number;
		ExclusiveStartDestinationId?: string;
	}): {DeliveryStreamDescription: DeliveryStreamDescription} {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		checkLimit(input.Limit, FIREHOSE_LIMITS.maxListLimit, problems);
		problems.throwIfAny();
		const stream = this.streamOf(input.DeliveryStreamName);
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
	listDeliveryStreams(
		input: {
			Limit?: number;
			DeliveryStreamType?: DeliveryStreamType;
			ExclusiveStartDeliveryStreamName?: string;
		} = {},
	): {DeliveryStreamNames: string[]; HasMoreDeliveryStreams: boolean} {
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
		this.settle();
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
		const stream = this.streamOf(input.DeliveryStreamName);
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
		this.saveOrUndo(() => {
			stream.setDestination(previous.destination);
			stream.versionId = previous.versionId;
			stream.lastUpdatedAt = previous.lastUpdatedAt;
		});
	}

	// ─── Tags ─────────────────────────────────────────────────────────────────────────────────

	/** TagDeliveryStream: adds or replaces tags, at most 50 per delivery stream. */
	tagDeliveryStream(input: {DeliveryStreamName: string; Tags: Tag[]}) {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		if (!Array.isArray(input.Tags) || input.Tags.length < 1) {
			problems.add(
				input.Tags === undefined ? null : '[]',
				'tags',
				'Member must have length greater than or equal to 1',
			);
		} else {
			checkTags(input.Tags, problems, 'tags');
		}

		problems.throwIfAny();
		const stream = this.streamOf(input.DeliveryStreamName);
		const tags = new Map(stream.tags.map((tag) => [tag.Key, tag.Value]));
		for (const tag of input.Tags) tags.set(tag.Key, tag.Value);
		if (tags.size > FIREHOSE_LIMITS.maxTags) {
			throw limitExceeded(
				`Failed to add tags to Firehose ${stream.name} under account ${this.accountId} because a delivery stream cannot have more than ${FIREHOSE_LIMITS.maxTags} tags.`,
			);
		}

		const previous = stream.tags;
		stream.tags = [...tags].map(([Key, Value]) => (Value === undefined ? {Key} : {Key, Value}));
		this.saveOrUndo(() => (stream.tags = previous));
	}

	/** UntagDeliveryStream: removes the tags with these keys (keys it does not have are ignored). */
	untagDeliveryStream(input: {DeliveryStreamName: string; TagKeys: string[]}) {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		const keys = input.TagKeys;
		if (!Array.isArray(keys) || keys.length < 1 || keys.length > FIREHOSE_LIMITS.maxTags) {
			problems.add(
				Array.isArray(keys) ? `[${keys.join(', ')}]` : null,
				'tagKeys',
				Array.isArray(keys) && keys.length > FIREHOSE_LIMITS.maxTags
					? `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxTags}`
					: 'Member must have length greater than or equal to 1',
			);
		}

		problems.throwIfAny();
		const stream = this.streamOf(input.DeliveryStreamName);
		const previous = stream.tags;
		stream.tags = stream.tags.filter((tag) => !keys.includes(tag.Key));
		this.saveOrUndo(() => (stream.tags = previous));
	}

	/** ListTagsForDeliveryStream: tags in key order, after ExclusiveStartTagKey, at most Limit (50). */
	listTagsForDeliveryStream(input: {
		DeliveryStreamName: string;
		ExclusiveStartTagKey?: string;
		Limit?: number;
	}): {Tags: Tag[]; HasMoreTags: boolean} {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		checkLimit(input.Limit, FIREHOSE_LIMITS.maxTags, problems);
		problems.throwIfAny();
		const stream = this.streamOf(input.DeliveryStreamName);
		const after = input.ExclusiveStartTagKey;
		const tags = [...stream.tags]
			.sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0))
			.filter((tag) => after === undefined || tag.Key > after);
		const limit = input.Limit ?? FIREHOSE_LIMITS.maxTags;
		return {Tags: tags.slice(0, limit).map((tag) => ({...tag})), HasMoreTags: tags.length > limit};
	}

	// ─── Records ──────────────────────────────────────────────────────────────────────────────

	/**
	 * PutRecord: one record into the delivery stream's buffer. Throttling (over the stream's records/s,
	 * bytes/s or requests/s quota) is a ServiceUnavailableException. Resolves once the record is durable.
	 */
	async putRecord(input: {
		DeliveryStreamName: string;
		Record: FirehoseRecord;
	}): Promise<PutRecordOutput> {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		if (!input.Record) problems.add(null, 'record', 'Member must not be null');
		else checkData(input.Record.Data, 'record.data', problems);
		problems.throwIfAny();
		const output = await this.put(input.DeliveryStreamName, [input.Record], true);
		const [result] = output.RequestResponses;
		if (result.ErrorCode !== undefined) {
			throw new KinesisError(
				result.ErrorCode,
				result.ErrorMessage,
				result.ErrorCode === 'ServiceUnavailableException' ? 503 : 500,
				true,
			);
		}

		return {RecordId: result.RecordId, Encrypted: false};
	}

	/**
	 * PutRecordBatch: up to 500 records and 4 MiB. Records over the stream's throughput quota fail alone
	 * (ServiceUnavailableException, "Slow down."), as do records that could not be written
	 * (InternalFailure); `FailedPutCount` counts them. Resolves once the accepted records are durable.
	 */
	async putRecordBatch(input: {
		DeliveryStreamName: string;
		Records: FirehoseRecord[];
	}): Promise<PutRecordBatchOutput> {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		const records = input.Records;
		if (!Array.isArray(records)) {
			problems.add(null, 'records', 'Member must not be null');
		} else if (records.length < 1 || records.length > FIREHOSE_LIMITS.maxBatchRecords) {
			problems.add(
				`[${records.length} records]`,
				'records',
				records.length < 1
					? 'Member must have length greater than or equal to 1'
					: `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxBatchRecords}`,
			);
		} else {
			records.forEach((record, index) =>
				checkData(record?.Data, `records.${index + 1}.member.data`, problems),
			);
		}

		problems.throwIfAny();
		let total = 0;
		for (const record of records) total += record.Data.length;
		if (total > FIREHOSE_LIMITS.maxBatchBytes) {
			throw invalidArgument(
				`Records size exceeds ${FIREHOSE_LIMITS.maxBatchBytes / 1024 / 1024} MB limit`,
			);
		}

		return this.put(input.DeliveryStreamName, records, false);
	}

	// ─── Local introspection ──────────────────────────────────────────────────────────────────

	/** The live buffer of a delivery stream, for the console (local only; AWS has no such API). */
	bufferState(name: string): BufferState {
		const stream = this.streamOf(name);
		const now = this.clock.now();
		const open = stream.open?.records.length ? stream.open : undefined;
		const {sizeLimitBytes, intervalMs} = stream.settings;
		let pendingBytes = 0;
		let pendingRecords = 0;
		for (const buffer of stream.closed) {
			pendingBytes += buffer.bytes;
			pendingRecords += buffer.records.length;
		}

		const retrying = stream.closed.filter((buffer) => buffer.attempts > 0);
		return {
			bufferedBytes: open?.bytes ?? 0,
			bufferedRecords: open?.records.length ?? 0,
			oldestRecordAgeMs: open ? Math.max(0, now - open.oldestArrival) : undefined,
			msUntilIntervalFlush: open ? Math.max(0, open.openedAt + intervalMs - now) : undefined,
			sizeLimitBytes,
			intervalMs,
			pendingObjects: stream.closed.length,
			pendingBytes,
			pendingRecords,
			lastDeliveries: stream.lastDeliveries.map((delivery) => ({...delivery})),
			failedDeliveries: stream.failedDeliveries,
			pendingRetries: retrying.length,
			nextRetryAt: retrying.length > 0 ? retrying[0].nextAttemptAt : undefined,
			errorOutputDeliveries: stream.errorOutputDeliveries,
			lastError: stream.lastError && {...stream.lastError},
			sourceError: stream.source?.error && {...stream.source.error},
		};
	}

	/** Objects delivered to `bucket` (a bucket name, or its ARN), key order. */
	listObjects(bucket: string, prefix?: string): StoredObject[] {
		return this.store.list(bucketName(bucket), prefix);
	}

	/** An object's bytes as delivered (compressed if the destination compresses), or undefined. */
	getObject(bucket: string, key: string): Buffer | undefined {
		return this.store.get(bucketName(bucket), key);
	}

	/**
	 * Everything time-based, at the clock's current time: finishes deletions, reads source streams (once
	 * a second per shard), closes buffers whose interval (or size) hint is reached, and delivers closed
	 * buffers whose (re)try is due. Resolves when those deliveries are done. The engine calls it itself
	 * with the system clock; tests call it after moving a ManualClock.
	 */
	tick(): Promise<void> {
		if (this.closed) return Promise.resolve();
		// A tick asked for while one runs runs again after it, at the clock's time then.
		this.tickAgain = true;
		this.ticking ??= this.runTicks();
		return this.ticking;
	}

	// ─── Internals: buffering ─────────────────────────────────────────────────────────────────

	private async runTicks() {
		// Yield first, so that tick has stored this run before it can end.
		await undefined;
		try {
			while (this.tickAgain && !this.closed) {
				this.tickAgain = false;
				await this.runTick();
			}
		} finally {
			this.ticking = undefined;
		}
	}

	private async runTick() {
		this.settle();
		const now = this.clock.now();
		const streams = [...this.streams.values()];
		for (const stream of streams) {
			if (stream.status(now) !== 'ACTIVE') continue;
			if (
				stream.source &&
				stream.source.poll(this.kinesis, now, (shardId, records) =>
					this.acceptFromSource(stream, shardId, records),
				)
			) {
				this.trySave();
			}

			const open = stream.open;
			if (
				open &&
				open.records.length > 0 &&
				(open.bytes >= stream.settings.sizeLimitBytes ||
					now >= open.openedAt + stream.settings.intervalMs)
			) {
				this.closeOpenBuffer(stream);
			}

			this.firehoseMetrics.sampleBuffers(stream, [stream.open, ...stream.closed], now);
		}

		await Promise.all(streams.map((stream) => this.deliverDue(stream)));
	}

	private async put(
		name: string,
		records: FirehoseRecord[],
		single: boolean,
	): Promise<PutRecordBatchOutput> {
		const started = performance.now();
		const stream = this.streamOf(name, true);
		if (stream.type === 'KinesisStreamAsSource') throw invalidArgument(NOT_FOR_KINESIS_SOURCE);
		const now = this.clock.now();
		if (this.enforceLimits) {
			const requests = stream.requests.at(now);
			if (requests.count + 1 > FIREHOSE_LIMITS.requestsPerSecond) {
				this.firehoseMetrics.requestThrottled(stream, single, records.length, now, started);
				throw serviceUnavailable();
			}

			requests.count++;
		}

		const responses: PutRecordBatchResponseEntry[] = new Array(records.length);
		const admitted: BufferedRecord[] = [];
		const positions: number[] = [];
		const writes = stream.writes.at(now);
		for (let i = 0; i < records.length; i++) {
			const data = records[i].Data;
			if (
				this.enforceLimits &&
				(writes.count + 1 > FIREHOSE_LIMITS.recordsPerSecond ||
					writes.bytes + data.length > FIREHOSE_LIMITS.bytesPerSecond)
			) {
				responses[i] = {ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.'};
				continue;
			}

			writes.count++;
			writes.bytes += data.length;
			admitted.push({
				ordinal: stream.nextOrdinal++,
				arrivalMs: now,
				source: '',
				data: new Uint8Array(data),
			});
			positions.push(i);
		}

		const {accepted, error} = this.accept(stream, admitted, now);
		for (let j = 0; j < admitted.length; j++) {
			responses[positions[j]] =
				j < accepted
					? {RecordId: this.recordId(admitted[j].ordinal)}
					: {
							ErrorCode: 'InternalFailure',
							ErrorMessage: `The record could not be written: ${(error as Error)?.message ?? String(error)}`,
						};
		}

		const throttled = records.length - admitted.length;
		const taken = admitted.slice(0, accepted);
		this.firehoseMetrics.put(stream, single, records.length, throttled, taken, now, started);
		const failed = responses.filter((response) => response.ErrorCode !== undefined).length;
		return {FailedPutCount: failed, Encrypted: false, RequestResponses: responses};
	}

	private acceptFromSource(stream: DeliveryStream, shardId: string, records: KinesisRecord[]) {
		const now = this.clock.now();
		const buffered = records.map((record) => ({
			ordinal: stream.nextOrdinal++,
			arrivalMs: record.ApproximateArrivalTimestamp.getTime(),
			source: `${shardId}/${record.SequenceNumber}`,
			data: new Uint8Array(record.Data),
		}));
		const {accepted, error} = this.accept(stream, buffered, now);
		this.firehoseMetrics.readFromSource(stream, buffered.slice(0, accepted), now);
		if (error) {
			stream.source!.error = {
				code: 'InternalError',
				message: `Records read from the source stream could not be buffered: ${(error as Error)?.message ?? String(error)}`,
				at: now,
			};
		}

		return accepted;
	}

	/**
	 * Appends records, in order, to the open buffer (opening one as needed), closing it whenever it
	 * reaches the size hint and continuing in a new one. Each buffer's share is written to its file
	 * before it joins the buffer in memory; a write failure stops there and reports how many were taken.
	 */
	private accept(
		stream: DeliveryStream,
		records: BufferedRecord[],
		now: number,
	): {accepted: number; error?: unknown} {
		if (stream.diskFailure) return {accepted: 0, error: this.stickyError(stream.diskFailure)};
		let taken = 0;
		try {
			while (taken < records.length) {
				const limit = stream.settings.sizeLimitBytes;
				if (stream.open && stream.open.bytes >= limit) this.closeOpenBuffer(stream);
				const buffer = (stream.open ??= this.newBuffer(stream));
				let end = taken;
				let bytes = buffer.bytes;
				while (end < records.length && bytes < limit) bytes += records[end++].data.length;
				const chunk = records.slice(taken, end);
				buffer.file?.append(chunk);
				buffer.add(chunk, now);
				taken = end;
				if (buffer.bytes >= limit) this.closeOpenBuffer(stream);
			}
		} catch (error) {
			if (!(error instanceof DiskWriteError)) return {accepted: taken, error};
			this.diskFailed(stream, error);
			return {accepted: taken, error: error.sticky ? this.stickyError(error) : error};
		}

		this.diskFailures.recovered();
		return {accepted: taken};
	}

	/** Reports a failed write or sync; a failed sync leaves `stream` refusing records until a restart. */
	private diskFailed(stream: DeliveryStream | undefined, error: unknown) {
		const failure =
			error instanceof DiskWriteError
				? error
				: new DiskWriteError('could not write', error as NodeJS.ErrnoException, false);
		if (stream && failure.sticky) stream.diskFailure ??= failure;
		this.diskFailures.report(failure);
	}

	private stickyError(failure: DiskWriteError) {
		return new Error(
			`${failure.message}; the delivery stream takes no records until kinesis-top restarts`,
		);
	}

	private newBuffer(stream: DeliveryStream) {
		const number = stream.nextFileNumber++;
		return new RecordBuffer(stream.log?.create(number));
	}

	/** Closes the open buffer and hands it to delivery (the size or interval hint was reached). */
	private closeOpenBuffer(stream: DeliveryStream) {
		const buffer = stream.open;
		if (!buffer) return;
		stream.open = undefined;
		try {
			buffer.file?.close();
		} catch (error) {
			// Closing syncs: its records are written but may not be on the disk. They are still
			// delivered from memory; the stream takes no more records.
			this.diskFailed(stream, error);
		}

		stream.closed.push(buffer);
		void this.deliverDue(stream);
	}

	private recordId(ordinal: number) {
		const id = Buffer.alloc(this.recordIdPrefix.length + 8);
		this.recordIdPrefix.copy(id);
		id.writeBigUInt64BE(BigInt(ordinal), this.recordIdPrefix.length);
		return id.toString('base64');
	}

	// ─── Internals: delivery ──────────────────────────────────────────────────────────────────

	/** Runs the delivery loop of `stream` (one at a time): delivers closed buffers, in order, while due. */
	private deliverDue(stream: DeliveryStream): Promise<void> {
		stream.deliverAgain = true;
		stream.delivering ??= this.deliveryLoop(stream);
		return stream.delivering;
	}

	private async deliveryLoop(stream: DeliveryStream) {
		// Yield first, so that deliverDue has stored this loop before it can end.
		await undefined;
		try {
			while (stream.deliverAgain) {
				stream.deliverAgain = false;
				for (;;) {
					const buffer = stream.closed[0];
					if (this.closed || stream.removed || !buffer) break;
					if (buffer.nextAttemptAt > this.clock.now()) break;
					if (!(await this.attempt(stream, buffer))) break;
				}
			}
		} finally {
			stream.delivering = undefined;
		}
	}

	/** One delivery attempt of the head buffer; false when it failed and waits for a retry. */
	private async attempt(stream: DeliveryStream, buffer: RecordBuffer): Promise<boolean> {
		const settings = stream.settings;
		const errorOutput = buffer.toErrorOutput;
		let key: string;
		let bytes: number;
		try {
			const time = timeParts(buffer.oldestArrival, settings.timeZone);
			let body = errorOutput
				? this.errorRecords(buffer)
				: this.concatenated(buffer, settings.delimiter);
			if (settings.gzip) body = await gzipAsync(body);
			const prefix = errorOutput
				? evaluatePrefix(settings.errorOutputPrefix, time, ERROR_OUTPUT_TYPE)
				: evaluatePrefix(settings.prefix, time);
			key = prefix + objectSuffix(stream.name, String(stream.versionId), time, settings.extension);
			bytes = body.length;
			await this.store.put(settings.bucket, key, body, this.clock.now());
		} catch (error) {
			this.failed(stream, buffer, error);
			this.firehoseMetrics.deliveryFailed(stream, this.clock.now());
			return buffer.nextAttemptAt <= this.clock.now();
		}

		if (stream.removed) return false;
		stream.recordDelivery({
			bucket: settings.bucket,
			objectKey: key,
			bytes,
			records: buffer.records.length,
			deliveredAt: this.clock.now(),
			errorOutput,
		});
		this.firehoseMetrics.delivered(
			stream,
			{bytes, records: buffer.records.length, oldestArrival: buffer.oldestArrival, errorOutput},
			this.clock.now(),
		);
		if (errorOutput) stream.errorOutputDeliveries++;
		stream.closed.shift();
		// The source position must be saved before the buffer that proves it is deleted.
		if (stream.source) this.trySave();
		try {
			buffer.file?.remove();
		} catch (error) {
			// A leftover file is delivered again after a restart: at least once, as Firehose.
			this.diskFailed(undefined, error);
		}

		return true;
	}

	/** The object body: the records concatenated, each followed by the delimiter when one is configured. */
	private concatenated(buffer: RecordBuffer, delimiter: Buffer | undefined) {
		const parts: Uint8Array[] = [];
		for (const record of buffer.records) {
			parts.push(record.data);
			if (delimiter) parts.push(delimiter);
		}

		return Buffer.concat(parts);
	}

	/**
	 * The error output body: one JSON document per record, in the format Firehose writes failed records
	 * in (attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData).
	 */
	private errorRecords(buffer: RecordBuffer) {
		const ending = this.clock.now();
		return Buffer.from(
			buffer.records
				.map(
					(record) =>
						JSON.stringify({
							attemptsMade: buffer.attemptsBeforeErrorOutput,
							arrivalTimestamp: record.arrivalMs,
							errorCode: buffer.lastError?.code ?? 'InternalError',
							errorMessage: buffer.lastError?.message ?? '',
							attemptEndingTimestamp: ending,
							rawData: Buffer.from(record.data).toString('base64'),
						}) + '\n',
				)
				.join(''),
		);
	}

	private failed(stream: DeliveryStream, buffer: RecordBuffer, error: unknown) {
		const now = this.clock.now();
		const s3Error = s3ErrorOf(error);
		stream.failedDeliveries++;
		stream.lastError = {...s3Error, at: now};
		buffer.attempts++;
		buffer.firstFailureAt ??= now;
		if (!buffer.toErrorOutput) buffer.lastError = stream.lastError;
		const maxAttempts = this.options.maxDeliveryAttempts ?? 10;
		const duration = this.options.retryDurationMs ?? FIREHOSE_LIMITS.maxRetentionMs;
		if (
			!buffer.toErrorOutput &&
			(buffer.attempts >= maxAttempts || now - buffer.firstFailureAt >= duration)
		) {
			buffer.attemptsBeforeErrorOutput = buffer.attempts;
			buffer.nextAttemptAt = now;
			return;
		}

		// Backoff: base, 2 × base, 4 × base, … up to the ceiling (AWS retries S3 every 5 seconds).
		const base = this.options.retryBaseDelayMs ?? 1000;
		const ceiling = this.options.retryMaxDelayMs ?? 5000;
		const retry = buffer.attempts - (buffer.attemptsBeforeErrorOutput ?? 0) - 1;
		buffer.nextAttemptAt = now + Math.min(ceiling, base * 2 ** Math.min(retry, 30));
	}

	// ─── Internals: delivery streams ──────────────────────────────────────────────────────────

	/** Builds a delivery stream from its metadata, recovering its durable buffers. */
	private open(metadata: DeliveryStreamMetadata): DeliveryStream {
		const log = this.directory
			? new BufferLog(
					this.streamDirectory(metadata.name, metadata.createdAt),
					!!this.options.syncEveryWrite,
					this.options.files,
				)
			: undefined;
		const source = metadata.source ? new KinesisSource(metadata.source) : undefined;
		const stream = new DeliveryStream(metadata, this.arnOf(metadata.name), log, source);
		if (!log) return stream;
		const recovered = log.recover();
		recovered.forEach((file, index) => {
			const last = index === recovered.length - 1;
			let openedAt = Number.POSITIVE_INFINITY;
			for (const record of file.records) {
				openedAt = Math.min(openedAt, record.arrivalMs);
				stream.nextOrdinal = Math.max(stream.nextOrdinal, record.ordinal + 1);
				if (source && record.source) {
					const slash = record.source.lastIndexOf('/');
					source.advance(record.source.slice(0, slash), record.source.slice(slash + 1));
				}
			}

			// The interval counts from the oldest record again (its first put is not on disk).
			const buffer = new RecordBuffer(log.reopen(file, last));
			buffer.add(file.records, Math.min(openedAt, this.clock.now()));
			if (last) stream.open = buffer;
			else stream.closed.push(buffer);
			stream.nextFileNumber = Math.max(stream.nextFileNumber, file.number + 1);
		});
		return stream;
	}

	/** The delivery stream named `name` (validated by the caller), or ResourceNotFoundException. */
	private streamOf(name: string, forData = false): DeliveryStream {
		this.settle();
		const stream = this.streams.get(name);
		if (!stream) throw deliveryStreamNotFound(name, this.accountId);
		if (forData && stream.status(this.clock.now()) === 'CREATING') {
			throw deliveryStreamNotFound(name, this.accountId);
		}

		return stream;
	}

	/** Finishes deletions whose DELETING time has passed. */
	private settle() {
		const now = this.clock.now();
		for (const stream of this.streams.values()) {
			if (stream.transition?.status === 'DELETING' && now >= stream.transition.until) {
				this.remove(stream);
			}
		}
	}

	private remove(stream: DeliveryStream) {
		this.streams.delete(stream.name);
		this.save();
		this.discard(stream);
	}

	/** Drops a delivery stream's buffers and files. */
	private discard(stream: DeliveryStream) {
		stream.removed = true;
		for (const buffer of [stream.open, ...stream.closed]) {
			try {
				buffer?.file?.remove();
			} catch {
				// The directory is removed below anyway.
			}
		}

		stream.open = undefined;
		stream.closed.length = 0;
		if (stream.log) rmSync(stream.log.directory, {recursive: true, force: true});
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

	// ─── Internals: persistence ───────────────────────────────────────────────────────────────

	private arnOf(name: string) {
		return `arn:aws:firehose:${this.region}:${this.accountId}:deliverystream/${name}`;
	}

	private streamDirectory(name: string, createdAt: number) {
		return join(this.directory!.path, 'delivery-streams', `${name}.${createdAt}`);
	}

	private load() {
		const metadata = this.directory!.readMetadata<Metadata>();
		for (const saved of metadata?.deliveryStreams ?? []) {
			this.streams.set(saved.name, this.open(saved));
		}

		// Directories no delivery stream owns were left by a crash during a delete.
		const root = join(this.directory!.path, 'delivery-streams');
		const keep = new Set(
			[...this.streams.values()].map((stream) =>
				this.streamDirectory(stream.name, stream.createdAt),
			),
		);
		let entries: string[] = [];
		try {
			entries = readdirSync(root);
		} catch {
			// No delivery stream was ever created here.
		}

		for (const entry of entries) {
			const path = join(root, entry);
			if (!keep.has(path)) rmSync(path, {recursive: true, force: true});
		}
	}

	private save() {
		if (!this.directory) return;
		const metadata: Metadata = {
			version: 1,
			deliveryStreams: [...this.streams.values()].map((stream) => stream.toMetadata()),
		};
		this.directory.writeMetadata(metadata);
	}

	/** Saves the metadata; if that fails, undoes the in-memory change so memory and disk agree. */
	private saveOrUndo(undo: () => void) {
		saveOrUndo(() => this.save(), undo);
	}

	/**
	 * Saves source positions in the background; a failure only means re-reading after a restart (the
	 * buffers still hold the records; positions are recovered from them), but it is reported.
	 */
	private trySave() {
		try {
			this.save();
		} catch (error) {
			this.diskFailures.report(
				new DiskWriteError(
					'could not save the Firehose metadata',
					error as NodeJS.ErrnoException,
					false,
				),
			);
		}
	}

	/** The interval policy's background sync. A failure is not retried: the stream stops taking records. */
	private syncBuffers() {
		for (const stream of this.streams.values()) {
			try {
				stream.open?.file?.sync();
			} catch (error) {
				this.diskFailed(stream, error);
			}
		}
	}

	private closeFiles() {
		for (const stream of this.streams.values()) {
			try {
				stream.open?.file?.close();
			} catch (error) {
				// The records were written; whether they reached the disk is for recovery to find.
				this.diskFailed(stream, error);
			}
		}
	}

	private every(ms: number, action: () => void) {
		const timer = setInterval(action, ms);
		timer.unref();
		this.timers.push(timer);
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

const bucketName = (bucket: string) =>
	bucket.startsWith('arn:') ? bucket.slice(bucket.lastIndexOf(':') + 1) : bucket;

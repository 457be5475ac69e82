/**
 * The bundled local Kinesis Data Streams engine. Each public method reproduces the Kinesis API action of
 * the same name: its validation, its errors (exception name and wording), and its effect. Nothing here
 * knows about HTTP, the AWS SDK or the UI.
 */
import {AccountSettings, type AccountMetadata} from './account.js';
import {Channels, type ChannelMetadata} from './channels.js';
import type {CreateChannelInput, UpdateChannelInput} from '../kinesis/channel-types.js';
import {systemClock, type Clock} from './clock.js';
import {Consumers} from './consumers.js';
import type {EngineContext} from './context.js';
import {
	invalidArgument,
	KinesisError,
	limitExceeded,
	resourceInUse,
	resourceNotFound,
	streamNotFound,
	throughputExceeded,
	validationError,
	expiredIterator,
	saveOrUndo,
} from './errors.js';
import {
	bigIntToHashKey,
	hashPartitionKeyInto,
	MAX_HASH_KEY,
	parseHashKey,
} from '../kinesis/hash-key.js';
import {amazonUtcString, decodeIterator, encodeIterator} from './iterator.js';
import {LIMITS} from '../kinesis/limits.js';
import {DEFAULT_MEMORY_BUDGET_BYTES, MemoryBudget, type MemoryTrimNotice} from './memory-budget.js';
import {DataDirectory} from './log/data-directory.js';
import {DiskFailures} from './log/disk-failures.js';
import type {FileSystem} from './log/file-system.js';
import {GroupCommit} from './log/group-commit.js';
import {SegmentCache} from './log/segment-cache.js';
import {ShardLog} from './log/shard-log.js';
import {Reshard} from './reshard.js';
import {Resources} from './resources.js';
import {readShard} from './shard-reader.js';
import {
	checkSequenceNumberForOrdering,
	counterOfStartingSequenceNumber,
} from './sequence-checks.js';
import {isWellFormedSequenceNumber} from '../kinesis/sequence-number.js';
import {shardIdOf} from './sequence-number.js';
import {shardIndexOf} from '../kinesis/shard-id.js';
import {putLimits, StreamSettings} from './stream-settings.js';
import {checkTagCharacters, mergeTags} from './stream-tags.js';
import {Stream, type OpenLog, type ShardState, type StreamMetadata} from './stream.js';
import {KinesisMetrics} from './kinesis-metrics.js';
import {MetricsRecorder} from './metrics.js';
import {
	Subscriptions,
	type ShardSubscription,
	type SubscribeToShardInput,
} from './subscriptions.js';
import {checkInputsOfActions} from './input-validation.js';
import {Validation} from './validation.js';
import type {
	ConsumerRef,
	GetRecordsOutput,
	PutRecordOutput,
	PutRecordsOutput,
	PutRecordsRequestEntry,
	PutRecordsResultEntry,
	Shard,
	ShardIteratorType,
	StreamDescription,
	StreamDescriptionSummary,
	StreamMode,
	Tag,
} from '../kinesis/types.js';

export type EngineOptions = {
	clock?: Clock;
	region?: string;
	accountId?: string;
	/** Where streams are kept; undefined keeps everything in memory. */
	dataDirectory?: string;
	/** Per-shard throughput limits, on by default as in AWS. */
	enforceLimits?: boolean;
	/** How long a stream shows CREATING / DELETING / UPDATING. */
	createDelayMs?: number;
	deleteDelayMs?: number;
	updateDelayMs?: number;
	/** fdatasync before acknowledging each group commit (else every `syncIntervalMs`). */
	syncEveryWrite?: boolean;
	syncIntervalMs?: number;
	/** The write path's file operations (default node:fs); tests inject disk failures through it. */
	files?: FileSystem;
	segmentBytes?: number;
	/** On-disk mode: segment data kept cached in memory (default `memoryBudgetBytes`, else 256 MiB). */
	cacheBytes?: number;
	/**
	 * The memory budget for record data (default 512 MiB). In memory-only mode, the most record data
	 * kept: beyond it the oldest records of the largest streams are trimmed, as if retention had expired
	 * them (memory-budget.ts), so a long-running demo cannot exhaust memory. With a data directory every
	 * record stays on disk and, when given, this bounds the segment cache instead (unless `cacheBytes` is).
	 */
	memoryBudgetBytes?: number;
	/** How long a consumer shows CREATING after RegisterStreamConsumer / DELETING after deregistering. */
	consumerCreateDelayMs?: number;
	consumerDeleteDelayMs?: number;
	/** SubscribeToShard: lifetime (engine clock, default 5 min), shard poll interval, empty-event interval. */
	subscriptionLifetimeMs?: number;
	subscriptionPollMs?: number;
	subscriptionHeartbeatMs?: number;
};

export type StreamRef = {StreamName?: string; StreamARN?: string};

export type ShardFilter = {Type: string; ShardId?: string; Timestamp?: Date | number};

type Metadata = {
	version: 1;
	streams: StreamMetadata[];
	account?: AccountMetadata;
	channels?: ChannelMetadata[];
};

/** With a data directory and no budget given: the segment cache, as before the memory budget existed. */
const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
const STREAM_NAME = /^[a-zA-Z0-9_.-]+$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Where each put's hash key is computed: routing consumes it at once, so one buffer serves all. */
const hashScratch = new Uint32Array(4);

export class KinesisEngine {
	readonly region: string;
	readonly accountId: string;
	readonly clock: Clock;
	enforceLimits: boolean;
	private readonly streams = new Map<string, Stream>();
	private readonly directory: DataDirectory | undefined;
	private readonly commit: GroupCommit | undefined;
	private readonly cache: SegmentCache;
	/** Memory-only mode's budget; undefined with a data directory (the cache is bounded instead). */
	private readonly memory: MemoryBudget | undefined;
	private readonly options: EngineOptions;
	private readonly consumers: Consumers;
	private readonly subscriptions: Subscriptions;
	private readonly settings: StreamSettings;
	private readonly account: AccountSettings;
	private readonly channels: Channels;
	private readonly resources: Resources;
	/** CloudWatch metrics (metrics.ts), shared with a FirehoseEngine built on this engine. */
	readonly metrics: MetricsRecorder;
	/** The hooks that record AWS/Kinesis metrics (kinesis-metrics.ts). */
	readonly kinesisMetrics: KinesisMetrics;
	private lastTrim = 0;
	private closed = false;
	private readonly diskFailures = new DiskFailures();

	constructor(options: EngineOptions = {}) {
		this.options = options;
		this.clock = options.clock ?? systemClock;
		this.region = options.region ?? 'us-east-1';
		this.accountId = options.accountId ?? '000000000000';
		this.enforceLimits = options.enforceLimits ?? true;
		const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
		this.cache = new SegmentCache(
			options.cacheBytes ?? options.memoryBudgetBytes ?? DEFAULT_CACHE_BYTES,
		);
		this.memory = options.dataDirectory
			? undefined
			: new MemoryBudget(budget, () => this.clock.now());
		const context: EngineContext = {
			clock: this.clock,
			region: this.region,
			accountId: this.accountId,
			options,
			enforceLimits: () => this.enforceLimits,
			streamOf: (ref, forData) => this.streamOf(ref, forData),
			findStream: (name) => {
				this.settle();
				return this.streams.get(name);
			},
			streams: () => {
				this.settle();
				return [...this.streams.values()];
			},
			saveOrUndo: (undo) => this.saveOrUndo(undo),
			get metrics() {
				return metricsHooks();
			},
			getShardIterator: (input) => this.getShardIterator(input),
		};
		// The hooks are made after the feature modules (below); the context reads them when used.
		const metricsHooks = () => this.kinesisMetrics;
		this.consumers = new Consumers(context);
		this.subscriptions = new Subscriptions(context, this.consumers);
		this.channels = new Channels(context);
		this.account = new AccountSettings(context, () => this.channels.count());
		this.settings = new StreamSettings(context, this.account);
		this.resources = new Resources(context, this.consumers, this.channels);
		this.metrics = new MetricsRecorder({clock: this.clock});
		this.kinesisMetrics = new KinesisMetrics(context, this.metrics);
		if (options.dataDirectory) {
			this.directory = DataDirectory.open(options.dataDirectory, {files: options.files});
			try {
				this.commit = new GroupCommit(
					options.syncEveryWrite ?? false,
					options.syncIntervalMs ?? 200,
					this.diskFailures,
				);
				this.load();
			} catch (error) {
				this.commit?.close();
				this.directory.release();
				throw error;
			}
		}
	}

	get dataDirectory() {
		return this.directory?.path;
	}

	/**
	 * Set once memory-only mode has trimmed records before their retention to stay within its memory
	 * budget: when, and why, in words for a person. Not an AWS API: the local engine's own status.
	 */
	get memoryTrimNotice(): MemoryTrimNotice | undefined {
		return this.memory?.notice;
	}

	/**
	 * Calls `listener` when writing to the data directory fails (disk-failures.ts says which failures
	 * are told, and how often), for `serve` to log. The put that hit it gets InternalFailure either way.
	 */
	onDiskFailure(listener: (message: string) => void): () => void {
		return this.diskFailures.listen(listener);
	}

	/** Calls `listener` once, when records are first trimmed early (see {@link memoryTrimNotice}). */
	onMemoryTrim(listener: (notice: MemoryTrimNotice) => void): () => void {
		return this.memory?.onTrim(listener) ?? (() => undefined);
	}

	/** Waits for pending writes, closes every file and releases the data directory. */
	async close() {
		if (this.closed) return;
		this.closed = true;
		this.subscriptions.closeAll();
		await this.commit?.drain();
		this.commit?.close();
		for (const stream of this.streams.values()) {
			for (const shard of stream.shards) shard.log.close();
		}

		this.directory?.release();
	}

	/** Records the endpoint where this engine is served, so other processes can connect to it. */
	recordEndpoint(endpoint: string) {
		this.directory?.recordEndpoint(endpoint);
	}

	// ─── Streams ──────────────────────────────────────────────────────────────────────────────

	/** CreateStream: PROVISIONED with ShardCount shards, or ON_DEMAND (4 shards to start, as AWS). */
	createStream(input: {
		StreamName: string;
		ShardCount?: number;
		StreamModeDetails?: {StreamMode: StreamMode};
		Tags?: Record<string, string>;
		MaxRecordSizeInKiB?: number;
		WarmThroughputMiBps?: number;
		RecordDistributionStrategy?: string;
	}) {
		const name = input.StreamName;
		const mode = input.StreamModeDetails?.StreamMode ?? 'PROVISIONED';
		let count = input.ShardCount;
		if (mode === 'ON_DEMAND') {
			count ??= LIMITS.onDemandInitialShards;
		} else if (count === undefined) {
			throw invalidArgument('ShardCount is required for a PROVISIONED stream.');
		}

		this.settings.checkCreateOptions(input);
		checkTagCharacters(input.Tags ?? {}, name, this.accountId);
		const tags = mergeTags([], input.Tags ?? {}, name, this.accountId);
		this.settle();
		if (this.streams.has(name)) {
			throw resourceInUse(`Stream ${name} under account ${this.accountId} already exists.`);
		}

		this.checkShardLimit(count);
		const now = this.clock.now();
		const stream = Stream.create(
			name,
			now,
			this.arnOf(name),
			mode,
			count,
			this.logOpener(name, now),
		);
		stream.tags = tags;
		this.settings.applyCreateOptions(stream, input);
		const delay = this.options.createDelayMs ?? 0;
		if (delay > 0) stream.transition = {status: 'CREATING', until: now + delay};
		this.streams.set(name, stream);
		this.saveOrUndo(() => {
			this.streams.delete(name);
			for (const shard of stream.shards) shard.log.close(true);
		});
	}

	/** DeleteStream: the stream shows DELETING for the configured delay, then is gone with its data. */
	deleteStream(input: StreamRef & {EnforceConsumerDeletion?: boolean}) {
		const stream = this.streamOf(input);
		this.consumers.checkDeletable(stream, input.EnforceConsumerDeletion);
		this.channels.checkDeletable(stream);
		const delay = this.options.deleteDelayMs ?? 0;
		if (delay > 0) {
			stream.transition = {status: 'DELETING', until: this.clock.now() + delay};
			this.save();
		} else {
			this.remove(stream);
		}
	}

	/** ListStreams' paging members are the server's; its input is taken here to be validated. */
	listStreams(_input?: {
		Limit?: number;
		ExclusiveStartStreamName?: string;
		NextToken?: string;
	}): string[] {
		this.settle();
		return [...this.streams.keys()].sort();
	}

	describeStreamSummary(input: StreamRef): StreamDescriptionSummary {
		const stream = this.streamOf(input);
		const now = this.clock.now();
		return {
			StreamName: stream.name,
			StreamARN: stream.arn,
			StreamStatus: stream.status(now),
			StreamModeDetails: {StreamMode: stream.mode},
			RetentionPeriodHours: stream.retentionHours,
			StreamCreationTimestamp: new Date(stream.createdAt),
			EnhancedMonitoring: [{ShardLevelMetrics: [...stream.shardLevelMetrics]}],
			EncryptionType: stream.encryption.type,
			...(stream.encryption.keyId ? {KeyId: stream.encryption.keyId} : {}),
			OpenShardCount: stream.openShards.length,
			ConsumerCount: this.consumers.count(stream),
			...this.settings.summaryOf(stream),
			...(this.channels.countFor(stream) > 0 ? {ChannelCount: this.channels.countFor(stream)} : {}),
		};
	}

	/** DescribeStream with every shard, open and closed (closed ones until retention expires them). */
	describeStream(input: StreamRef): StreamDescription {
		const summary = this.describeStreamSummary(input);
		const {
			OpenShardCount: _open,
			ConsumerCount: _consumers,
			MaxRecordSizeInKiB: _size,
			WarmThroughput: _warm,
			RecordDistributionStrategy: _strategy,
			ChannelCount: _channels,
			...rest
		} = summary;
		return {...rest, Shards: this.listShards(input), HasMoreShards: false};
	}

	/**
	 * ListShards: every shard not yet expired, or those a ShardFilter selects — AT_LATEST (open now),
	 * AT_TRIM_HORIZON / FROM_TRIM_HORIZON (open at / since the oldest retained data), AT_TIMESTAMP /
	 * FROM_TIMESTAMP (open at / since a time), AFTER_SHARD_ID.
	 */
	listShards(input: StreamRef & {ShardFilter?: ShardFilter}): Shard[] {
		const stream = this.streamOf(input);
		const now = this.clock.now();
		let shards = stream.visibleShards(now);
		const filter = input.ShardFilter;
		if (filter) {
			const openedAt = (shard: ShardState) =>
				stream.shards.find((each) => each.id === shard.parentId)?.closedAt ?? stream.createdAt;
			const openAt = (time: number) => (shard: ShardState) =>
				openedAt(shard) <= time && (shard.closedAt === undefined || shard.closedAt > time);
			const openSince = (time: number) => (shard: ShardState) =>
				shard.closedAt === undefined || shard.closedAt > time;
			const horizon = now - stream.retentionHours * HOUR_MS;
			const timestamp = filter.Timestamp === undefined ? undefined : Number(filter.Timestamp);
			switch (filter.Type) {
				case 'AT_LATEST': {
					shards = shards.filter((shard) => shard.endingCounter === undefined);
					break;
				}

				case 'AT_TRIM_HORIZON': {
					shards = shards.filter(openAt(Math.max(horizon, stream.createdAt)));
					break;
				}

				case 'FROM_TRIM_HORIZON': {
					shards = shards.filter(openSince(horizon));
					break;
				}

				case 'AT_TIMESTAMP':
				case 'FROM_TIMESTAMP': {
					if (timestamp === undefined || Number.isNaN(timestamp)) {
						// The wording kinesis-mock gives (AWS's is not recorded elsewhere).
						throw invalidArgument(
							'Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP',
						);
					}

					shards = shards.filter(
						filter.Type === 'AT_TIMESTAMP' ? openAt(timestamp) : openSince(timestamp),
					);
					break;
				}

				case 'AFTER_SHARD_ID': {
					const after = filter.ShardId === undefined ? undefined : shardIndexOf(filter.ShardId);
					if (after === undefined) {
						throw invalidArgument(
							'ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID',
						);
					}

					shards = shards.filter((shard) => shard.index > after);
					break;
				}

				default: {
					throw validationError([
						{
							value: filter.Type,
							at: 'shardFilter.type',
							constraint:
								'Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]',
						},
					]);
				}
			}
		}

		return shards.map((shard) => stream.describeShard(shard));
	}

	increaseStreamRetentionPeriod(input: StreamRef & {RetentionPeriodHours: number}) {
		const stream = this.streamOf(input);
		const hours = this.checkRetention(input.RetentionPeriodHours);
		if (hours < stream.retentionHours) {
			throw invalidArgument(
				`Requested retention period (${hours} hours) for stream ${stream.name} can not be shorter than existing retention period (${stream.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
			);
		}

		this.updateRetention(stream, hours);
	}

	decreaseStreamRetentionPeriod(input: StreamRef & {RetentionPeriodHours: number}) {
		const stream = this.streamOf(input);
		const hours = this.checkRetention(input.RetentionPeriodHours);
		if (hours > stream.retentionHours) {
			throw invalidArgument(
				`Requested retention period (${hours} hours) for stream ${stream.name} can not be longer than existing retention period (${stream.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
			);
		}

		this.updateRetention(stream, hours);
	}

	addTagsToStream(input: StreamRef & {Tags: Record<string, string>}) {
		const stream = this.streamOf(input);
		checkTagCharacters(input.Tags, stream.name, this.accountId);
		const previous = stream.tags;
		stream.tags = mergeTags(stream.tags, input.Tags, stream.name, this.accountId);
		this.saveOrUndo(() => (stream.tags = previous));
	}

	removeTagsFromStream(input: StreamRef & {TagKeys: string[]}) {
		const stream = this.streamOf(input);
		const previous = stream.tags;
		stream.tags = stream.tags.filter((tag) => !input.TagKeys.includes(tag.Key));
		this.saveOrUndo(() => (stream.tags = previous));
	}

	listTagsForStream(input: StreamRef): Tag[] {
		return [...this.streamOf(input).tags].sort((a, b) => (a.Key < b.Key ? -1 : 1));
	}

	// ─── Records ──────────────────────────────────────────────────────────────────────────────

	/** PutRecord: one record; throttling is an exception here, unlike PutRecords. */
	async putRecord(
		input: StreamRef & PutRecordsRequestEntry & {SequenceNumberForOrdering?: string},
	): Promise<PutRecordOutput> {
		if (input.SequenceNumberForOrdering !== undefined) {
			// AWS checks the number after the record and the stream (sequence-checks.ts says why it needs
			// nothing more to be honoured).
			this.validatePutEntries([input], 'data', this.putLimitsOf(input));
			const stream = this.streamOf(input, true);
			checkSequenceNumberForOrdering(
				stream,
				input.SequenceNumberForOrdering,
				Math.max(this.clock.now(), stream.lastArrival),
				this.accountId,
			);
		}

		const output = await this.putRecords({...input, Records: [input]}, 'data');
		const [result] = output.Records;
		if (result.ErrorCode !== undefined) {
			const status = result.ErrorCode === 'InternalFailure' ? 500 : 400;
			throw new KinesisError(result.ErrorCode, result.ErrorMessage, status, true);
		}

		return {
			ShardId: result.ShardId,
			SequenceNumber: result.SequenceNumber,
			EncryptionType: output.EncryptionType,
		};
	}

	/**
	 * PutRecords: each entry goes to the open shard its hash key selects; entries that exceed the shard's
	 * write limit fail alone with ProvisionedThroughputExceededException. Resolves once the accepted
	 * records are durable under the engine's commit policy.
	 */
	async putRecords(
		input: StreamRef & {Records: PutRecordsRequestEntry[]},
		memberPrefix = 'records',
	): Promise<PutRecordsOutput> {
		const started = performance.now();
		const entries = input.Records;
		this.validatePutEntries(entries, memberPrefix, this.putLimitsOf(input));
		const stream = this.streamOf(input, true);
		const now = Math.max(this.clock.now(), stream.lastArrival);
		stream.lastArrival = now;
		this.trimExpired(now);
		const results: PutRecordsResultEntry[] = new Array(entries.length);
		let failed = 0;
		let lastLog: ShardLog | undefined;
		const written = this.commit && new Set<ShardLog>();
		let bytes = 0;
		let appended = 0;
		const shardMetrics = this.kinesisMetrics.shardWrites(stream);
		for (let i = 0; i < entries.length; i++) {
			const entry = entries[i];
			let keyBytes: number;
			if (entry.ExplicitHashKey === undefined) {
				keyBytes = hashPartitionKeyInto(entry.PartitionKey, hashScratch);
			} else {
				bigIntToHashKey(BigInt(entry.ExplicitHashKey), hashScratch);
				keyBytes = Buffer.byteLength(entry.PartitionKey);
			}

			const shard =
				stream.settings.recordDistribution === 'AUTO'
					? stream.routeEvenly()
					: stream.route(hashScratch);
			if (this.enforceLimits && !this.admitWrite(shard, now, entry.Data.length + keyBytes)) {
				failed++;
				shardMetrics?.throttled(shard);
				results[i] = {
					ErrorCode: 'ProvisionedThroughputExceededException',
					ErrorMessage: `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${this.accountId}.`,
				};
				continue;
			}

			if (shard.log.failure) {
				// Its disk failed to sync: nothing more is written to it until a restart.
				failed++;
				results[i] = {
					ErrorCode: 'InternalFailure',
					ErrorMessage: `Shard ${shard.id} of stream ${stream.name} takes no writes until kinesis-top restarts: ${shard.log.failure.message}`,
				};
				continue;
			}

			const counter = stream.nextCounter++;
			shard.log.append(counter, now, entry.PartitionKey, keyBytes, entry.Data);
			bytes += entry.Data.length;
			appended += keyBytes + entry.Data.length;
			shardMetrics?.put(shard, entry.Data.length);
			if (written && shard.log !== lastLog) {
				lastLog = shard.log;
				written.add(lastLog);
			}

			results[i] = {
				ShardId: shard.id,
				SequenceNumber: shard.sequence.format(counter, now),
			};
		}

		if (this.memory?.appended(appended)) this.memory.keep(this.streams.values());
		if (this.commit && written && written.size > 0) {
			try {
				await this.commit.requestAll(written);
			} catch (error) {
				throw new KinesisError(
					'InternalFailure',
					`The records could not be written: ${(error as Error).message}`,
					500,
					true,
				);
			}
		}

		this.kinesisMetrics.putRecords(
			stream,
			memberPrefix === 'data',
			entries.length,
			failed,
			bytes,
			now,
			started,
			shardMetrics,
		);
		return {FailedRecordCount: failed, Records: results, EncryptionType: stream.encryption.type};
	}

	/** GetShardIterator for the five iterator types. */
	getShardIterator(
		input: StreamRef & {
			ShardId: string;
			ShardIteratorType: ShardIteratorType;
			StartingSequenceNumber?: string;
			Timestamp?: Date | number;
		},
	): {ShardIterator: string} {
		const type = input.ShardIteratorType;
		const stream = this.streamOf(input, true);
		const shard = this.shardOf(stream, input.ShardId, 'does not exist');
		const now = this.clock.now();
		const sequence = input.StartingSequenceNumber;
		const needsSequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
		if (needsSequence !== (sequence !== undefined) && type !== 'AT_TIMESTAMP') {
			throw invalidArgument(
				'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
					`Request specified ${type} and ${sequence === undefined ? 'no' : 'also a'} StartingSequenceNumber.`,
			);
		}

		let position: number;
		switch (type) {
			case 'TRIM_HORIZON': {
				position = shard.startingCounter;
				break;
			}

			case 'LATEST': {
				position = shard.endingCounter ?? stream.nextCounter;
				break;
			}

			case 'AT_TIMESTAMP': {
				const timestamp = input.Timestamp === undefined ? undefined : Number(input.Timestamp);
				if (timestamp === undefined || Number.isNaN(timestamp)) {
					throw invalidArgument(
						'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
					);
				}

				if (timestamp > now) {
					throw invalidArgument(
						`The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${timestamp}, currentTimestampInMillis: ${now}`,
					);
				}

				position =
					shard.log.counterAtOrAfter(timestamp) ?? shard.endingCounter ?? stream.nextCounter;
				break;
			}

			default: {
				const counter = this.decodeSequenceFor(stream, shard, sequence!);
				position = counter + (type === 'AFTER_SEQUENCE_NUMBER' ? 1 : 0);
			}
		}

		return {
			ShardIterator: encodeIterator({
				streamName: stream.name,
				streamCreatedAt: stream.createdAt,
				shardIndex: shard.index,
				position,
				issuedAt: now,
			}),
		};
	}

	/**
	 * GetRecords: up to Limit records (≤ 10,000, ≤ 10 MiB) from the iterator's position, the next
	 * iterator, MillisBehindLatest, and — at the end of a closed shard — no next iterator but its children.
	 */
	getRecords(input: {ShardIterator: string; Limit?: number; StreamARN?: string}): GetRecordsOutput {
		const started = performance.now();
		const limit = input.Limit ?? LIMITS.maxGetRecordsLimit;

		const iterator = decodeIterator(input.ShardIterator);
		const now = this.clock.now();
		if (now - iterator.issuedAt > LIMITS.iteratorLifetimeMs) {
			throw expiredIterator(
				`Iterator expired. The iterator was created at time ${amazonUtcString(iterator.issuedAt)} while right now it is ${amazonUtcString(now)} which is further in the future than the tolerated delay of ${LIMITS.iteratorLifetimeMs} milliseconds.`,
			);
		}

		// GetRecords names no stream but may carry one's ARN: it must be the iterator's. (AWS's wording for
		// this refusal is not recorded; kinesis-top answers as for an iterator it cannot read.)
		if (input.StreamARN !== undefined && input.StreamARN !== this.arnOf(iterator.streamName)) {
			throw invalidArgument('Invalid ShardIterator.');
		}

		const shardId = shardIdOf(iterator.shardIndex);
		this.settle();
		const stream = this.streams.get(iterator.streamName);
		const shard = stream?.shard(iterator.shardIndex);
		if (!stream || !shard) {
			throw resourceNotFound(
				`Shard ${shardId} in stream ${iterator.streamName} under account ${this.accountId} does not exist`,
			);
		}

		// An iterator of an earlier stream of this name, whose shard exists again: AWS reads it (recorded by
		// kinesalite's tests) as a position below every record of the new shard, whose numbers carry a
		// later creation — from the shard's start.
		const position =
			stream.createdAt === iterator.streamCreatedAt ? iterator.position : shard.startingCounter;

		let maxBytes: number = LIMITS.maxGetRecordsBytes;
		if (this.enforceLimits) {
			const reads = shard.reads.at(now);
			if (
				reads.count >= LIMITS.shardReadCallsPerSecond ||
				reads.bytes >= LIMITS.shardReadBytesPerSecond
			) {
				this.kinesisMetrics.readThrottled(stream, shard, now);
				throw throughputExceeded(
					`Rate exceeded for Shard - ${this.accountId}:${stream.name}:${shard.id} in stream ${stream.name} under account ${this.accountId}.`,
				);
			}

			reads.count++;
			maxBytes = LIMITS.shardReadBytesPerSecond - reads.bytes;
		}

		const read = readShard(stream, shard, position, {limit, maxBytes, now});
		if (this.enforceLimits) shard.reads.bytes += read.bytes;
		this.kinesisMetrics.getRecords(stream, shard, read.records, now, started);
		if (read.childShards) {
			return {
				Records: read.records,
				MillisBehindLatest: read.millisBehindLatest,
				ChildShards: read.childShards,
			};
		}

		return {
			Records: read.records,
			NextShardIterator: encodeIterator({
				...iterator,
				streamCreatedAt: stream.createdAt,
				position: read.nextPosition,
				issuedAt: now,
			}),
			MillisBehindLatest: read.millisBehindLatest,
		};
	}

	// ─── Resharding ───────────────────────────────────────────────────────────────────────────

	/** SplitShard: NewStartingHashKey must be greater than the parent's start + 1 and below its end. */
	splitShard(input: StreamRef & {ShardToSplit: string; NewStartingHashKey: string}) {
		const at = parseHashKey(input.NewStartingHashKey);
		if (at === undefined) {
			throw validationError([
				{
					value: input.NewStartingHashKey,
					at: 'newStartingHashKey',
					constraint: 'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})',
				},
			]);
		}

		const stream = this.streamOf(input);
		const shard = this.shardOf(stream, input.ShardToSplit, 'not found');
		this.checkShardLimit(1);
		if (at <= shard.start + 1n || at >= shard.end) {
			throw invalidArgument(
				`NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shard.id} in stream ${stream.name} under account ${this.accountId} is not both greater than one plus the shard's StartingHashKey ${shard.start} and less than the shard's EndingHashKey ${shard.end}.`,
			);
		}

		this.reshard(stream, [shard], (change) => change.split(shard, at));
	}

	/** MergeShards: the two shards must be open and adjacent (one's end + 1 is the other's start). */
	mergeShards(input: StreamRef & {ShardToMerge: string; AdjacentShardToMerge: string}) {
		const stream = this.streamOf(input);
		const shard = this.shardOf(stream, input.ShardToMerge, 'not found');
		const adjacent = this.shardOf(stream, input.AdjacentShardToMerge, 'not found');
		const [lower, upper] = shard.start < adjacent.start ? [shard, adjacent] : [adjacent, shard];
		if (lower.end + 1n !== upper.start || shard === adjacent) {
			throw invalidArgument(
				`Shards ${shard.id} and ${adjacent.id} in stream ${stream.name} under account ${this.accountId} are not an adjacent pair of shards eligible for merging`,
			);
		}

		this.reshard(stream, [shard, adjacent], (change) => change.merge(lower, upper, shard));
	}

	/** UpdateShardCount with UNIFORM_SCALING, within AWS's limits (≤ 2×, ≥ ½, 10 per rolling day). */
	updateShardCount(
		input: StreamRef & {TargetShardCount: number; ScalingType?: 'UNIFORM_SCALING'},
	): {StreamName: string; StreamARN: string; CurrentShardCount: number; TargetShardCount: number} {
		const target = input.TargetShardCount;
		const stream = this.streamOf(input);
		const current = stream.openShards.length;
		const now = this.clock.now();
		const problem =
			target > current * 2
				? 'UpdateShardCount cannot scale up over double your current open shard count.'
				: target < current / 2
					? 'UpdateShardCount cannot scale down below half your current open shard count.'
					: target > LIMITS.accountShardLimit
						? `Target shard count or number of open shards cannot be greater than ${LIMITS.accountShardLimit}.`
						: undefined;
		if (problem) {
			throw limitExceeded(
				`${problem} Current open shard count: ${current}, Target shard count: ${target}`,
			);
		}

		const recent = stream.scalingHistory.filter((time) => time > now - DAY_MS);
		if (recent.length >= LIMITS.updateShardCountPerDay) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.accountId} has exceeded the limit of ${LIMITS.updateShardCountPerDay} UpdateShardCount calls per rolling 24 hour period.`,
			);
		}

		this.checkShardLimit(Math.max(0, target - current));
		if (target !== current) {
			this.reshard(
				stream,
				[],
				(change) => change.scaleUniformly(target),
				() => {
					stream.scalingHistory = [...recent, now];
				},
			);
		}

		return {
			StreamName: stream.name,
			StreamARN: stream.arn,
			CurrentShardCount: current,
			TargetShardCount: target,
		};
	}

	// ─── Enhanced fan-out consumers (consumers.ts, subscriptions.ts) ──────────────────────────

	/** RegisterStreamConsumer: a consumer of the stream, CREATING for `consumerCreateDelayMs`, then ACTIVE. */
	registerStreamConsumer(input: {
		StreamARN?: string;
		ConsumerName?: string;
		Tags?: Record<string, string>;
	}) {
		return this.consumers.registerStreamConsumer(input);
	}

	/** DeregisterStreamConsumer: by ConsumerARN, or StreamARN + ConsumerName. */
	deregisterStreamConsumer(input: ConsumerRef) {
		this.consumers.deregisterStreamConsumer(input);
	}

	/** DescribeStreamConsumer: by ConsumerARN, or StreamARN + ConsumerName. */
	describeStreamConsumer(input: ConsumerRef) {
		return this.consumers.describeStreamConsumer(input);
	}

	/** ListStreamConsumers: paged with NextToken (valid 300 s). */
	listStreamConsumers(input: Parameters<Consumers['listStreamConsumers']>[0]) {
		return this.consumers.listStreamConsumers(input);
	}

	/**
	 * SubscribeToShard: validates at once (throwing as AWS answers), then the returned subscription
	 * yields SubscribeToShardEvents as records arrive, for 5 minutes or to the end of a closed shard.
	 */
	subscribeToShard(
		input: SubscribeToShardInput,
		options: {signal?: AbortSignal} = {},
	): ShardSubscription {
		return this.subscriptions.subscribeToShard(input, options);
	}

	// ─── Stream settings (stream-settings.ts) ─────────────────────────────────────────────────

	startStreamEncryption(input: StreamRef & {EncryptionType?: string; KeyId?: string}) {
		this.settings.startStreamEncryption(input);
	}

	stopStreamEncryption(input: StreamRef & {EncryptionType?: string; KeyId?: string}) {
		this.settings.stopStreamEncryption(input);
	}

	enableEnhancedMonitoring(input: StreamRef & {ShardLevelMetrics?: string[]}) {
		return this.settings.enableEnhancedMonitoring(input);
	}

	disableEnhancedMonitoring(input: StreamRef & {ShardLevelMetrics?: string[]}) {
		return this.settings.disableEnhancedMonitoring(input);
	}

	updateStreamMode(input: Parameters<StreamSettings['updateStreamMode']>[0]) {
		this.settings.updateStreamMode(input);
	}

	updateMaxRecordSize(input: {StreamARN?: string; MaxRecordSizeInKiB?: number}) {
		this.settings.updateMaxRecordSize(input);
	}

	updateStreamWarmThroughput(input: StreamRef & {WarmThroughputMiBps?: number}) {
		return this.settings.updateStreamWarmThroughput(input);
	}

	updateStreamRecordDistributionStrategy(input: {
		StreamARN?: string;
		RecordDistributionStrategy?: string;
	}) {
		this.settings.updateStreamRecordDistributionStrategy(input);
	}

	// ─── Resources by ARN (resources.ts) ──────────────────────────────────────────────────────

	tagResource(input: {ResourceARN?: string; Tags?: Record<string, string>}) {
		this.resources.tagResource(input);
	}

	untagResource(input: {ResourceARN?: string; TagKeys?: string[]}) {
		this.resources.untagResource(input);
	}

	listTagsForResource(input: {ResourceARN?: string}) {
		return this.resources.listTagsForResource(input);
	}

	putResourcePolicy(input: {ResourceARN?: string; Policy?: string}) {
		this.resources.putResourcePolicy(input);
	}

	getResourcePolicy(input: {ResourceARN?: string}) {
		return this.resources.getResourcePolicy(input);
	}

	deleteResourcePolicy(input: {ResourceARN?: string}) {
		this.resources.deleteResourcePolicy(input);
	}

	// ─── Account (account.ts) and channels (channels.ts) ──────────────────────────────────────

	describeLimits() {
		return this.account.describeLimits();
	}

	describeAccountSettings() {
		return this.account.describeAccountSettings();
	}

	updateAccountSettings(input: Parameters<AccountSettings['updateAccountSettings']>[0]) {
		return this.account.updateAccountSettings(input);
	}

	createChannel(input: CreateChannelInput) {
		return this.channels.createChannel(input);
	}

	deleteChannel(input: {ChannelARN?: string}) {
		this.channels.deleteChannel(input);
	}

	describeChannel(input: {ChannelARN?: string}) {
		return this.channels.describeChannel(input);
	}

	listChannels(input: Parameters<Channels['listChannels']>[0]) {
		return this.channels.listChannels(input);
	}

	updateChannel(input: UpdateChannelInput) {
		return this.channels.updateChannel(input);
	}

	// ─── Internals ────────────────────────────────────────────────────────────────────────────

	private reshard(
		stream: Stream,
		parents: ShardState[],
		change: (reshard: Reshard) => void,
		alsoRecord?: () => void,
	) {
		const now = this.clock.now();
		const status = stream.status(now);
		if (status !== 'ACTIVE') {
			throw resourceInUse(
				`Stream ${stream.name} under account ${this.accountId} not ACTIVE, instead in state ${status}`,
			);
		}

		for (const parent of parents) {
			if (parent.endingCounter !== undefined) {
				// AWS answers InvalidArgumentException here (the stream is not what is in use).
				throw invalidArgument(
					`Shard ${parent.id} in stream ${stream.name} under account ${this.accountId} has already been merged or split, and thus is not eligible for merging or splitting.`,
				);
			}
		}

		const previous = {
			transition: stream.transition,
			scalingHistory: stream.scalingHistory,
			nextCounter: stream.nextCounter,
		};
		const reshard = new Reshard(
			stream,
			stream.nextCounter,
			now,
			this.logOpener(stream.name, stream.createdAt),
		);
		// Children start at a counter of their own, above every record their parents can hold.
		stream.nextCounter++;
		change(reshard);
		alsoRecord?.();
		const delay = this.options.updateDelayMs ?? 0;
		if (delay > 0) stream.transition = {status: 'UPDATING', until: now + delay};
		this.saveOrUndo(() => {
			reshard.undo();
			Object.assign(stream, previous);
		});
	}

	private streamOf(ref: StreamRef, forData = false): Stream {
		let name = ref.StreamName;
		if (ref.StreamARN !== undefined) {
			const match = /^arn:aws[\w-]*:kinesis:[\w-]+:\d{12}:stream\/(.+)$/.exec(ref.StreamARN);
			if (!match) {
				throw validationError([
					{
						value: ref.StreamARN,
						at: 'streamARN',
						constraint:
							'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
					},
				]);
			}

			name = match[1];
		}

		if (name === undefined) {
			throw invalidArgument('Either StreamName or StreamARN should be provided.');
		}

		this.validateStreamName(name, 'streamName');
		this.settle();
		const stream = this.streams.get(name);
		if (!stream || (ref.StreamARN !== undefined && ref.StreamARN !== stream.arn)) {
			throw streamNotFound(name, this.accountId);
		}

		if (forData && stream.status(this.clock.now()) === 'CREATING') {
			throw streamNotFound(name, this.accountId);
		}

		return stream;
	}

	private shardOf(
		stream: Stream,
		shardId: string,
		wording: 'does not exist' | 'not found',
	): ShardState {
		const index = shardIndexOf(shardId);
		const shard = index === undefined ? undefined : stream.shard(index);
		if (!shard) {
			const id = index === undefined ? shardId : shardIdOf(index);
			throw resourceNotFound(
				wording === 'does not exist'
					? `Shard ${id} in stream ${stream.name} under account ${this.accountId} does not exist`
					: `Could not find shard ${id} in stream ${stream.name} under account ${this.accountId}.`,
			);
		}

		return shard;
	}

	private decodeSequenceFor(stream: Stream, shard: ShardState, sequence: string) {
		if (!isWellFormedSequenceNumber(sequence)) {
			throw validationError([
				{
					value: sequence,
					at: 'startingSequenceNumber',
					constraint: 'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})',
				},
			]);
		}

		return counterOfStartingSequenceNumber(stream, shard, sequence, this.accountId);
	}

	private validateStreamName(name: string, at: string) {
		if (typeof name !== 'string') {
			const validation = new Validation();
			validation.required(undefined, at);
			validation.check();
		}

		const problems = [];
		if (name.length < 1) {
			problems.push({
				value: name,
				at,
				constraint: 'Member must have length greater than or equal to 1',
			});
		}

		if (name.length > LIMITS.maxStreamNameLength) {
			problems.push({
				value: name,
				at,
				constraint: `Member must have length less than or equal to ${LIMITS.maxStreamNameLength}`,
			});
		}

		if (!STREAM_NAME.test(name)) {
			problems.push({
				value: name,
				at,
				constraint: 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
			});
		}

		if (problems.length > 0) throw validationError(problems);
	}

	/** The record and request size limits of the stream a put names (the defaults if it names none). */
	private putLimitsOf(ref: StreamRef) {
		// A plain lookup: validation comes first, and streamOf reports a missing or malformed name after it.
		const arn = ref.StreamARN;
		const name = ref.StreamName ?? arn?.slice(arn.indexOf(':stream/') + ':stream/'.length);
		return putLimits(name === undefined ? undefined : this.streams.get(name));
	}

	/**
	 * What PutRecord(s) checks beyond the model's constraints (checked before, see input-validation.ts):
	 * the record size the stream allows (MaxRecordSizeInKiB, 1 MiB by default, where the model allows
	 * up to 10 MiB), an ExplicitHashKey beyond 2^128 - 1 and the request's total size.
	 */
	private validatePutEntries(
		entries: PutRecordsRequestEntry[],
		memberPrefix: string,
		limits = putLimits(undefined),
	) {
		const single = memberPrefix === 'data';
		let total = 0;
		let oversized: {index: number; length: number}[] | undefined;
		for (let i = 0; i < entries.length; i++) {
			const {PartitionKey: key, Data: data, ExplicitHashKey: explicit} = entries[i];
			if (data.length > limits.record) (oversized ??= []).push({index: i, length: data.length});
			// 39 digits (the model's pattern) reach beyond the hash key range.
			if (explicit !== undefined && explicit.length >= 39 && BigInt(explicit) > MAX_HASH_KEY) {
				throw invalidArgument(
					`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicit}`,
				);
			}

			total += data.length + key.length;
		}

		if (oversized) {
			throw validationError(
				oversized.map(({index, length}) => ({
					value: `java.nio.HeapByteBuffer[pos=0 lim=${length} cap=${length}]`,
					at: single ? 'data' : `records.${index + 1}.member.data`,
					constraint: `Member must have length less than or equal to ${limits.record}`,
				})),
			);
		}

		if (total > limits.request) {
			throw invalidArgument(`Records size exceeds ${limits.request / 1024 / 1024} MB limit`);
		}
	}

	/** Per-shard write limit: 1,000 records/s and 1 MiB/s. */
	private admitWrite(shard: ShardState, now: number, bytes: number) {
		const writes = shard.writes.at(now);
		if (
			writes.count + 1 > LIMITS.shardWriteRecordsPerSecond ||
			writes.bytes + bytes > LIMITS.shardWriteBytesPerSecond
		) {
			return false;
		}

		writes.count++;
		writes.bytes += bytes;
		return true;
	}

	private checkRetention(hours: number) {
		if (!Number.isInteger(hours) || hours < LIMITS.minRetentionHours) {
			throw invalidArgument(
				`Minimum allowed retention period is ${LIMITS.minRetentionHours} hours. Requested retention period (${hours} hours) is too short.`,
			);
		}

		if (hours > LIMITS.maxRetentionHours) {
			throw invalidArgument(
				`Maximum allowed retention period is ${LIMITS.maxRetentionHours} hours. Requested retention period (${hours} hours) is too long.`,
			);
		}

		return hours;
	}

	private updateRetention(stream: Stream, hours: number) {
		const previous = stream.retentionHours;
		stream.retentionHours = hours;
		this.saveOrUndo(() => (stream.retentionHours = previous));
	}

	private checkShardLimit(additional: number) {
		let current = 0;
		for (const stream of this.streams.values()) current += stream.openShards.length;
		if (current + additional > LIMITS.accountShardLimit) {
			throw limitExceeded(
				`This request would exceed the shard limit for the account ${this.accountId} in ${this.region}. Current shard count for the account: ${current}. Limit: ${LIMITS.accountShardLimit}. Number of additional shards that would have resulted from this request: ${additional}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
			);
		}
	}

	/** Retention: drops whole expired segments, at most once a second. */
	private trimExpired(now: number) {
		if (now - this.lastTrim < 1000) return;
		this.lastTrim = now;
		let dropped = 0;
		for (const stream of this.streams.values()) {
			const cutoff = now - stream.retentionHours * HOUR_MS;
			for (const shard of stream.shards) dropped += shard.log.trim(cutoff);
		}

		// The metadata keeps each stream's counter: once the records that carried the highest counters
		// are gone from disk, only it stops a restart from numbering records again from a lower one.
		if (dropped > 0) this.save();
		this.memory?.keep(this.streams.values());
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

	private remove(stream: Stream) {
		this.streams.delete(stream.name);
		this.save();
		for (const shard of stream.shards) shard.log.close(true);
		if (this.directory) {
			this.directory.removeOrphans(new Set(this.streamDirectories()));
		}
	}

	private arnOf(name: string) {
		return `arn:aws:kinesis:${this.region}:${this.accountId}:stream/${name}`;
	}

	private logOpener(name: string, createdAt: number): OpenLog {
		const streamDirectory = this.directory?.streamDirectory(name, createdAt);
		return (index) =>
			new ShardLog({
				directory: streamDirectory && `${streamDirectory}/${shardIdOf(index)}`,
				segmentBytes: this.segmentBytes(),
				cache: this.cache,
				files: this.options.files,
			});
	}

	/**
	 * Segments are what the memory budget trims, whole, and an open one cannot go without its newest
	 * records: in memory, a segment is at most 1/16 of the budget (down to 64 KiB), so a small budget is
	 * kept by trimming old segments rather than everything a shard holds.
	 */
	private segmentBytes() {
		const bytes = this.options.segmentBytes ?? 16 * 1024 * 1024;
		if (!this.memory) return bytes;
		return Math.min(bytes, Math.max(64 * 1024, Math.floor(this.memory.budgetBytes / 16)));
	}

	private streamDirectories() {
		return [...this.streams.values()].map((stream) =>
			this.directory!.streamDirectory(stream.name, stream.createdAt),
		);
	}

	private load() {
		const metadata = this.directory!.readMetadata<Metadata>();
		for (const saved of metadata?.streams ?? []) {
			const stream = Stream.fromMetadata(
				saved,
				this.arnOf(saved.name),
				this.logOpener(saved.name, saved.createdAt),
			);
			this.streams.set(stream.name, stream);
		}

		this.account.restore(metadata?.account);
		this.channels.restore(metadata?.channels);
		this.directory!.removeOrphans(new Set(this.streamDirectories()));
	}

	private save() {
		if (!this.directory) return;
		const metadata: Metadata = {
			version: 1,
			streams: [...this.streams.values()].map((stream) => stream.toMetadata()),
			account: this.account.toMetadata(),
			channels: this.channels.toMetadata(),
		};
		this.directory.writeMetadata(metadata);
	}

	/** Saves the metadata; if that fails, undoes the in-memory change so memory and disk agree. */
	private saveOrUndo(undo: () => void) {
		saveOrUndo(() => this.save(), undo);
	}
}

// Every action's input is checked against AWS's model before the method runs (input-validation.ts).
checkInputsOfActions(KinesisEngine.prototype);

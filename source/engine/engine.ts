/**
 * The bundled local Kinesis Data Streams engine. Each public method reproduces the Kinesis API action of
 * the same name: its validation, its errors (exception name and wording), and its effect. Nothing here
 * knows about HTTP, the AWS SDK or the UI.
 *
 * This class is the engine's face: it builds the parts and hands each action to the part that does it —
 * the streams (stream-actions.ts), the write path (write-path.ts), the read path (read-path.ts),
 * resharding (resharding.ts), consumers, stream settings, resources, the account and channels — over the
 * streams as kept and persisted (stream-store.ts) and found (stream-lookup.ts). Every action's input is
 * checked against AWS's model before its method here runs (input-validation.ts, at the end).
 */
import {AccountSettings} from './account.js';
import {Channels} from './channels.js';
import type {CreateChannelInput, UpdateChannelInput} from '../kinesis/channel-types.js';
import {systemClock, type Clock} from './clock.js';
import {Consumers} from './consumers.js';
import type {
	ConsumerRef,
	CreateStreamInput,
	GetShardIteratorInput,
	RegisterStreamConsumerInput,
	UpdateStreamRecordDistributionStrategyInput,
} from '../kinesis/types.js';
import type {EngineContext} from './context.js';
import type {EngineOptions} from './engine-options.js';
import type {MemoryTrimNotice} from './memory-budget.js';
import type {PutBatch, PutOutcome} from './put-batch.js';
import {ReadPath} from './read-path.js';
import {Resharding} from './resharding.js';
import {Resources} from './resources.js';
import {StreamActions, type ShardFilter} from './stream-actions.js';
import {StreamLookup} from './stream-lookup.js';
import {StreamSettings} from './stream-settings.js';
import {StreamStore} from './stream-store.js';
import type {Stream} from './stream.js';
import {KinesisMetrics} from './kinesis-metrics.js';
import {MetricsRecorder} from './metrics.js';
import {
	Subscriptions,
	type ShardSubscription,
	type SubscribeToShardInput,
} from './subscriptions.js';
import {checkInputsOfActions} from './input-validation.js';
import {WritePath} from './write-path.js';
import type {
	GetRecordsOutput,
	PutRecordOutput,
	PutRecordsOutput,
	PutRecordsRequestEntry,
	Shard,
	StreamDescription,
	StreamDescriptionSummary,
	StreamRef,
	Tag,
} from '../kinesis/types.js';

export type {EngineOptions} from './engine-options.js';
export type {ShardFilter} from './stream-actions.js';

export class KinesisEngine {
	readonly region: string;
	readonly accountId: string;
	readonly clock: Clock;
	enforceLimits: boolean;
	/** The streams, where they are kept, and their metadata (stream-store.ts). */
	private readonly store: StreamStore;
	/** The store's streams by name (test/engine/metrics.test.ts reads a stream's shards through it). */
	private readonly streams: Map<string, Stream>;
	private readonly lookup: StreamLookup;
	private readonly streamActions: StreamActions;
	private readonly writes: WritePath;
	private readonly reads: ReadPath;
	private readonly resharding: Resharding;
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
	private closed = false;

	constructor(options: EngineOptions = {}) {
		this.clock = options.clock ?? systemClock;
		this.region = options.region ?? 'us-east-1';
		this.accountId = options.accountId ?? '000000000000';
		this.enforceLimits = options.enforceLimits ?? true;
		const context: EngineContext = {
			clock: this.clock,
			region: this.region,
			accountId: this.accountId,
			options,
			enforceLimits: () => this.enforceLimits,
			streamOf: (ref, forData) => this.lookup.streamOf(ref, forData),
			findStream: (name) => {
				this.store.settle();
				return this.store.streams.get(name);
			},
			streams: () => {
				this.store.settle();
				return [...this.store.streams.values()];
			},
			saveOrUndo: (undo) => this.store.saveOrUndo(undo),
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
		// Opens the data directory, if any, and loads the streams, the account settings and the channels.
		this.store = new StreamStore(this, options, {account: this.account, channels: this.channels});
		this.streams = this.store.streams;
		const {clock, accountId, store, kinesisMetrics} = this;
		this.lookup = new StreamLookup(store, clock, accountId);
		const lookup = this.lookup;
		this.streamActions = new StreamActions({
			clock,
			accountId,
			options,
			store,
			lookup,
			settings: this.settings,
			consumers: this.consumers,
			channels: this.channels,
		});
		this.writes = new WritePath({
			clock,
			accountId,
			store,
			lookup,
			kinesisMetrics,
			limits: this,
			viaEngine: this,
		});
		this.reads = new ReadPath({clock, accountId, store, lookup, kinesisMetrics, limits: this});
		this.resharding = new Resharding(clock, accountId, options, store, lookup);
	}

	get dataDirectory() {
		return this.store.directory?.path;
	}

	/**
	 * Set once memory-only mode has trimmed records before their retention to stay within its memory
	 * budget: when, and why, in words for a person. Not an AWS API: the local engine's own status.
	 */
	get memoryTrimNotice(): MemoryTrimNotice | undefined {
		return this.store.memory?.notice;
	}

	/**
	 * Calls `listener` when writing to the data directory fails (disk-failures.ts says which failures
	 * are told, and how often), for `serve` to log. The put that hit it gets InternalFailure either way.
	 */
	onDiskFailure(listener: (message: string) => void): () => void {
		return this.store.diskFailures.listen(listener);
	}

	/** Calls `listener` once, when records are first trimmed early (see {@link memoryTrimNotice}). */
	onMemoryTrim(listener: (notice: MemoryTrimNotice) => void): () => void {
		return this.store.memory?.onTrim(listener) ?? (() => undefined);
	}

	/** Waits for pending writes, closes every file and releases the data directory. */
	async close() {
		if (this.closed) return;
		this.closed = true;
		this.subscriptions.closeAll();
		await this.store.close();
	}

	/** Records the endpoint where this engine is served, so other processes can connect to it. */
	recordEndpoint(endpoint: string) {
		this.store.directory?.recordEndpoint(endpoint);
	}

	// ─── Streams (stream-actions.ts) ──────────────────────────────────────────────────────────

	/** CreateStream: PROVISIONED with ShardCount shards, or ON_DEMAND (4 shards to start, as AWS). */
	createStream(input: CreateStreamInput) {
		this.streamActions.createStream(input);
	}

	/** DeleteStream: the stream shows DELETING for the configured delay, then is gone with its data. */
	deleteStream(input: StreamRef & {EnforceConsumerDeletion?: boolean}) {
		this.streamActions.deleteStream(input);
	}

	/** ListStreams' paging members are the server's; its input is taken here to be validated. */
	listStreams(input?: {
		Limit?: number;
		ExclusiveStartStreamName?: string;
		NextToken?: string;
	}): string[] {
		return this.streamActions.listStreams(input);
	}

	describeStreamSummary(input: StreamRef): StreamDescriptionSummary {
		return this.streamActions.describeStreamSummary(input);
	}

	/** DescribeStream with every shard, open and closed (closed ones until retention expires them). */
	describeStream(input: StreamRef): StreamDescription {
		// Through this engine's own actions, so that their input checks run as in a call of each.
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
		return this.streamActions.listShards(input);
	}

	increaseStreamRetentionPeriod(input: StreamRef & {RetentionPeriodHours: number}) {
		this.streamActions.increaseStreamRetentionPeriod(input);
	}

	decreaseStreamRetentionPeriod(input: StreamRef & {RetentionPeriodHours: number}) {
		this.streamActions.decreaseStreamRetentionPeriod(input);
	}

	addTagsToStream(input: StreamRef & {Tags: Record<string, string>}) {
		this.streamActions.addTagsToStream(input);
	}

	removeTagsFromStream(input: StreamRef & {TagKeys: string[]}) {
		this.streamActions.removeTagsFromStream(input);
	}

	listTagsForStream(input: StreamRef): Tag[] {
		return this.streamActions.listTagsForStream(input);
	}

	// ─── Records (write-path.ts, read-path.ts) ────────────────────────────────────────────────

	/** PutRecord: one record; throttling is an exception here, unlike PutRecords. */
	putRecord(
		input: StreamRef & PutRecordsRequestEntry & {SequenceNumberForOrdering?: string},
	): Promise<PutRecordOutput> {
		return this.writes.putRecord(input);
	}

	/**
	 * PutRecords: each entry goes to the open shard its hash key selects; entries that exceed the shard's
	 * write limit fail alone with ProvisionedThroughputExceededException. Resolves once the accepted
	 * records are durable under the engine's commit policy.
	 */
	putRecords(
		input: StreamRef & {Records: PutRecordsRequestEntry[]},
		memberPrefix = 'records',
	): Promise<PutRecordsOutput> {
		return this.writes.putRecords(input, memberPrefix);
	}

	/**
	 * PutRecords of records held in any form (put-batch.ts), told record by record: serve answers a
	 * PutRecords body it reads in place from this. The batch must meet the model's constraints already.
	 */
	putBatch(input: StreamRef, batch: PutBatch): Promise<PutOutcome> {
		return this.writes.putBatch(input, batch);
	}

	/** GetShardIterator for the five iterator types. */
	getShardIterator(input: GetShardIteratorInput): {ShardIterator: string} {
		return this.reads.getShardIterator(input);
	}

	/**
	 * GetRecords: up to Limit records (≤ 10,000, ≤ 10 MiB) from the iterator's position, the next
	 * iterator, MillisBehindLatest, and — at the end of a closed shard — no next iterator but its children.
	 */
	getRecords(input: {ShardIterator: string; Limit?: number; StreamARN?: string}): GetRecordsOutput {
		return this.reads.getRecords(input);
	}

	// ─── Resharding (resharding.ts) ───────────────────────────────────────────────────────────

	/** SplitShard: NewStartingHashKey must be greater than the parent's start + 1 and below its end. */
	splitShard(input: StreamRef & {ShardToSplit: string; NewStartingHashKey: string}) {
		this.resharding.splitShard(input);
	}

	/** MergeShards: the two shards must be open and adjacent (one's end + 1 is the other's start). */
	mergeShards(input: StreamRef & {ShardToMerge: string; AdjacentShardToMerge: string}) {
		this.resharding.mergeShards(input);
	}

	/** UpdateShardCount with UNIFORM_SCALING, within AWS's limits (≤ 2×, ≥ ½, 10 per rolling day). */
	updateShardCount(
		input: StreamRef & {TargetShardCount: number; ScalingType?: 'UNIFORM_SCALING'},
	): {StreamName: string; StreamARN: string; CurrentShardCount: number; TargetShardCount: number} {
		return this.resharding.updateShardCount(input);
	}

	// ─── Enhanced fan-out consumers (consumers.ts, subscriptions.ts) ──────────────────────────

	/** RegisterStreamConsumer: a consumer of the stream, CREATING for `consumerCreateDelayMs`, then ACTIVE. */
	registerStreamConsumer(input: RegisterStreamConsumerInput) {
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

	updateStreamRecordDistributionStrategy(input: UpdateStreamRecordDistributionStrategyInput) {
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
}

// Every action's input is checked against AWS's model before the method runs (input-validation.ts).
checkInputsOfActions(KinesisEngine.prototype);

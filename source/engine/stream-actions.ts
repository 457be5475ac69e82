/**
 * The streams themselves: CreateStream, DeleteStream, ListStreams, DescribeStreamSummary, ListShards (with
 * its shard filters), the retention period and the stream's tags — each with AWS's validation, errors and
 * wording, and each change saved with the metadata (or undone if it cannot be).
 */
import type {Channels} from './channels.js';
import type {Clock} from './clock.js';
import type {Consumers} from './consumers.js';
import type {EngineOptions} from './engine-options.js';
import {invalidArgument, resourceInUse, validationError} from './errors.js';
import {LIMITS} from '../kinesis/limits.js';
import {shardIndexOf} from '../kinesis/shard-id.js';
import type {StreamSettings} from './stream-settings.js';
import type {StreamLookup} from './stream-lookup.js';
import type {CreateStreamInput, StreamRef} from '../kinesis/types.js';
import type {StreamStore} from './stream-store.js';
import {checkTagCharacters, mergeTags} from './stream-tags.js';
import {Stream, type ShardState} from './stream.js';
import type {Shard, StreamDescriptionSummary, Tag} from '../kinesis/types.js';

export type ShardFilter = {Type: string; ShardId?: string; Timestamp?: Date | number};

export type StreamActionsParts = {
	clock: Clock;
	accountId: string;
	options: EngineOptions;
	store: StreamStore;
	lookup: StreamLookup;
	settings: StreamSettings;
	consumers: Consumers;
	channels: Channels;
};

const HOUR_MS = 3_600_000;

export class StreamActions {
	private readonly clock: Clock;
	private readonly accountId: string;
	private readonly options: EngineOptions;
	private readonly store: StreamStore;
	private readonly lookup: StreamLookup;
	private readonly settings: StreamSettings;
	private readonly consumers: Consumers;
	private readonly channels: Channels;

	constructor(parts: StreamActionsParts) {
		this.clock = parts.clock;
		this.accountId = parts.accountId;
		this.options = parts.options;
		this.store = parts.store;
		this.lookup = parts.lookup;
		this.settings = parts.settings;
		this.consumers = parts.consumers;
		this.channels = parts.channels;
	}

	/** CreateStream: PROVISIONED with ShardCount shards, or ON_DEMAND (4 shards to start, as AWS). */
	createStream(input: CreateStreamInput) {
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
		this.store.settle();
		if (this.store.streams.has(name)) {
			throw resourceInUse(`Stream ${name} under account ${this.accountId} already exists.`);
		}

		this.store.checkShardLimit(count);
		const now = this.clock.now();
		const stream = Stream.create(
			name,
			now,
			this.store.arnOf(name),
			mode,
			count,
			this.store.logOpener(name, now),
		);
		stream.tags = tags;
		this.settings.applyCreateOptions(stream, input);
		const delay = this.options.createDelayMs ?? 0;
		if (delay > 0) stream.transition = {status: 'CREATING', until: now + delay};
		this.store.streams.set(name, stream);
		this.store.saveOrUndo(() => {
			this.store.streams.delete(name);
			for (const shard of stream.shards) shard.log.close(true);
		});
	}

	/** DeleteStream: the stream shows DELETING for the configured delay, then is gone with its data. */
	deleteStream(input: StreamRef & {EnforceConsumerDeletion?: boolean}) {
		const stream = this.lookup.streamOf(input);
		this.consumers.checkDeletable(stream, input.EnforceConsumerDeletion);
		this.channels.checkDeletable(stream);
		const delay = this.options.deleteDelayMs ?? 0;
		if (delay > 0) {
			stream.transition = {status: 'DELETING', until: this.clock.now() + delay};
			this.store.save();
		} else {
			this.store.remove(stream);
		}
	}

	/** ListStreams' paging members are the server's; its input is taken here to be validated. */
	listStreams(_input?: {
		Limit?: number;
		ExclusiveStartStreamName?: string;
		NextToken?: string;
	}): string[] {
		this.store.settle();
		return [...this.store.streams.keys()].sort();
	}

	describeStreamSummary(input: StreamRef): StreamDescriptionSummary {
		const stream = this.lookup.streamOf(input);
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

	/**
	 * ListShards: every shard not yet expired, or those a ShardFilter selects — AT_LATEST (open now),
	 * AT_TRIM_HORIZON / FROM_TRIM_HORIZON (open at / since the oldest retained data), AT_TIMESTAMP /
	 * FROM_TIMESTAMP (open at / since a time), AFTER_SHARD_ID.
	 */
	listShards(input: StreamRef & {ShardFilter?: ShardFilter}): Shard[] {
		const stream = this.lookup.streamOf(input);
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
		const stream = this.lookup.streamOf(input);
		const hours = this.checkRetention(input.RetentionPeriodHours);
		if (hours < stream.retentionHours) {
			throw invalidArgument(
				`Requested retention period (${hours} hours) for stream ${stream.name} can not be shorter than existing retention period (${stream.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
			);
		}

		this.updateRetention(stream, hours);
	}

	decreaseStreamRetentionPeriod(input: StreamRef & {RetentionPeriodHours: number}) {
		const stream = this.lookup.streamOf(input);
		const hours = this.checkRetention(input.RetentionPeriodHours);
		if (hours > stream.retentionHours) {
			throw invalidArgument(
				`Requested retention period (${hours} hours) for stream ${stream.name} can not be longer than existing retention period (${stream.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
			);
		}

		this.updateRetention(stream, hours);
	}

	addTagsToStream(input: StreamRef & {Tags: Record<string, string>}) {
		const stream = this.lookup.streamOf(input);
		checkTagCharacters(input.Tags, stream.name, this.accountId);
		const previous = stream.tags;
		stream.tags = mergeTags(stream.tags, input.Tags, stream.name, this.accountId);
		this.store.saveOrUndo(() => (stream.tags = previous));
	}

	removeTagsFromStream(input: StreamRef & {TagKeys: string[]}) {
		const stream = this.lookup.streamOf(input);
		const previous = stream.tags;
		stream.tags = stream.tags.filter((tag) => !input.TagKeys.includes(tag.Key));
		this.store.saveOrUndo(() => (stream.tags = previous));
	}

	listTagsForStream(input: StreamRef): Tag[] {
		return [...this.lookup.streamOf(input).tags].sort((a, b) => (a.Key < b.Key ? -1 : 1));
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
		this.store.saveOrUndo(() => (stream.retentionHours = previous));
	}
}

/**
 * Channels: account-level resources that deliver a Kinesis data stream's records to a general purpose
 * Amazon S3 bucket or to streaming tables (Amazon S3 Tables). The engine keeps them as Kinesis does —
 * validated configuration, a unique name per account, an ARN `arn:aws:kinesis:REGION:ACCOUNT:channel/ID`
 * whose ID is a DNS label (the SDKs route on it), CREATING / UPDATING / DELETING for the engine's
 * create/update/delete delays, and the rule that a stream with channels cannot be deleted — but it
 * delivers nothing: there is no S3 here, so a channel is recorded state only.
 * What a channel may be (limits, formats, CreateChannel's validation) is channel-rules.ts.
 */
import {createHash} from 'node:crypto';
import type {
	ChannelStatus,
	CreateChannelInput,
	DeadLetterQueue,
	RecordConfiguration,
	S3Destination,
	S3TablesDestination,
	Logging,
	UpdateChannelInput,
} from '../kinesis/channel-types.js';
import {
	CHANNEL_LIMITS,
	S3_FORMATS,
	S3_TABLES_FORMATS,
	validateCreateChannel,
} from './channel-rules.js';
import type {EngineContext} from './context.js';
import {
	invalidArgument,
	KinesisError,
	limitExceeded,
	resourceInUse,
	resourceNotFound,
} from './errors.js';
import type {Stream} from './stream.js';
import type {Tag} from '../kinesis/types.js';
import {STREAM_ARN_PATTERN, STREAM_ARN_PATTERN_TEXT, tagList, Validation} from './validation.js';

/** What the metadata keeps of a channel: its configuration as AWS describes it. */
export type ChannelMetadata = {
	name: string;
	id: string;
	createdAt: number;
	transition?: {status: 'CREATING' | 'UPDATING' | 'DELETING'; until: number};
	roleArn: string;
	streams: Array<{streamArn: string; streamCreatedAt: number; record: RecordConfiguration}>;
	s3?: S3Destination;
	s3Tables?: S3TablesDestination;
	encryption?: {EncryptionType: string; KeyId: string};
	logging: Logging;
	tags: Tag[];
};

const CHANNEL_ARN = /^arn:aws.*:kinesis:.*:\d{12}:channel\/\S+$/;
const CHANNEL_ARN_TEXT = 'arn:aws.*:kinesis:.*:\\d{12}:channel/\\S+';
export class Channels {
	private channels: ChannelMetadata[] = [];

	constructor(private readonly context: EngineContext) {}

	restore(metadata: ChannelMetadata[] | undefined) {
		this.channels = metadata ?? [];
	}

	toMetadata(): ChannelMetadata[] {
		return this.live();
	}

	/** For DescribeLimits. */
	count() {
		return {count: this.live().length, limit: CHANNEL_LIMITS.perAccount};
	}

	/** The channels whose source is `stream` (this incarnation of it). */
	countFor(stream: Stream) {
		return this.live().filter((channel) =>
			channel.streams.some(
				(each) => each.streamArn === stream.arn && each.streamCreatedAt === stream.createdAt,
			),
		).length;
	}

	/** DeleteStream refuses a stream that channels read from. */
	checkDeletable(stream: Stream) {
		if (this.countFor(stream) === 0) return;
		throw resourceInUse(
			`Stream ${stream.name} under account ${this.context.accountId} has channels attached. Delete its channels before deleting the stream.`,
		);
	}

	/** CreateChannel: CREATING for `createDelayMs`, then ACTIVE. */
	createChannel(input: CreateChannelInput): {ChannelDescription: ReturnType<Channels['describe']>} {
		validateCreateChannel(input);
		const destination = input.S3DestinationConfiguration ? 'S3' : 'S3_TABLES';
		const [source] = input.StreamConfigurationList!;
		const format = source.RecordConfiguration!.RecordFormatType!;
		const allowed = destination === 'S3' ? S3_FORMATS : S3_TABLES_FORMATS;
		if (!allowed.includes(format)) {
			throw invalidArgument(
				`RecordFormatType ${format} is not supported for ${destination === 'S3' ? 'general purpose Amazon S3' : 'streaming table'} destinations. Supported: ${allowed.join(', ')}.`,
			);
		}

		if (destination === 'S3_TABLES' && source.RecordConfiguration!.GSRSchemaARN === undefined) {
			throw invalidArgument(
				'GSRSchemaARN is required when the channel destination is a streaming table.',
			);
		}

		const key = input.EncryptionConfiguration?.KeyId;
		if (key !== undefined && /(^|:)alias\/aws\/kinesis$/.test(key)) {
			throw invalidArgument(
				'The Amazon Kinesis Data Streams service key (aws/kinesis) cannot be used to encrypt channel deliveries: use a customer managed key.',
			);
		}

		const tags = tagList(input.Tags ?? {});
		if (tags.length > 50) {
			throw invalidArgument(
				`Failed to create channel ${input.ChannelName}: a channel cannot have more than 50 tags.`,
			);
		}

		const stream = this.context.streamOf({StreamARN: source.StreamARN});
		if (stream.mode !== 'ON_DEMAND') {
			throw invalidArgument(
				`Channels are only supported for ON_DEMAND streams; stream ${stream.name} under account ${this.context.accountId} is PROVISIONED.`,
			);
		}

		const now = this.context.clock.now();
		const status = stream.status(now);
		if (status !== 'ACTIVE' && status !== 'UPDATING') {
			throw resourceInUse(
				`Stream ${stream.name} under account ${this.context.accountId} not ACTIVE, instead in state ${status}`,
			);
		}

		const live = this.live();
		const name = input.ChannelName!;
		if (live.some((channel) => channel.name === name)) {
			throw resourceInUse(
				`Channel ${name} under account ${this.context.accountId} already exists.`,
			);
		}

		if (live.length >= CHANNEL_LIMITS.perAccount) {
			throw limitExceeded(
				`This request would exceed the limit of ${CHANNEL_LIMITS.perAccount} channels for the account ${this.context.accountId} in ${this.context.region}.`,
			);
		}

		const id = createHash('sha256')
			.update(`${this.context.accountId}:${this.context.region}:${name}:${now}`)
			.digest('hex')
			.slice(0, 24);
		const freshness = (value: number | undefined) =>
			value ?? CHANNEL_LIMITS.defaultDataFreshnessSeconds;
		const s3 = input.S3DestinationConfiguration;
		const tables = input.S3TablesDestinationConfiguration;
		const logs = input.LoggingConfiguration?.CloudWatchLogs;
		const channel: ChannelMetadata = {
			name,
			id,
			createdAt: now,
			roleArn: input.ServiceExecutionRoleARN!,
			streams: [
				{
					streamArn: stream.arn,
					streamCreatedAt: stream.createdAt,
					record: {
						RecordFormatType: format,
						...(source.RecordConfiguration!.GSRSchemaARN === undefined
							? {}
							: {GSRSchemaARN: source.RecordConfiguration!.GSRSchemaARN}),
					},
				},
			],
			...(s3
				? {
						s3: {
							DataFreshnessInSeconds: freshness(s3.DataFreshnessInSeconds),
							// Defaults to the destination bucket, under an error prefix.
							DeadLetterQueueS3Configuration: (s3.DeadLetterQueueS3Configuration ?? {
								BucketARN: s3.StorageConfiguration!.BucketARN,
								ExpectedBucketOwner: s3.StorageConfiguration!.ExpectedBucketOwner,
								ErrorOutputPrefix: 'errors/',
							}) as DeadLetterQueue,
							StorageConfiguration: {
								StorageClass: 'STANDARD',
								...s3.StorageConfiguration,
							} as S3Destination['StorageConfiguration'],
						},
					}
				: {}),
			...(tables
				? {
						s3Tables: {
							DataFreshnessInSeconds: freshness(tables.DataFreshnessInSeconds),
							DeadLetterQueueS3Configuration:
								tables.DeadLetterQueueS3Configuration as DeadLetterQueue,
							S3TablesConfigurationList:
								tables.S3TablesConfigurationList as S3TablesDestination['S3TablesConfigurationList'],
						},
					}
				: {}),
			...(input.EncryptionConfiguration
				? {
						encryption: {
							EncryptionType: input.EncryptionConfiguration.EncryptionType!,
							KeyId: input.EncryptionConfiguration.KeyId!,
						},
					}
				: {}),
			logging: {
				CloudWatchLogs: {
					Enabled: logs?.Enabled ?? false,
					LogGroupName: logs?.LogGroupName ?? `/aws/kinesis/${name}/${id}`,
					LogStreamName: logs?.LogStreamName ?? 'DestinationDelivery',
				},
			},
			tags,
		};
		const delay = this.context.options.createDelayMs ?? 0;
		if (delay > 0) channel.transition = {status: 'CREATING', until: now + delay};
		const previous = this.channels;
		this.channels = [...live, channel];
		this.context.saveOrUndo(() => (this.channels = previous));
		return {ChannelDescription: this.describe(channel)};
	}

	/** DeleteChannel: DELETING for `deleteDelayMs`, then gone. */
	deleteChannel(input: {ChannelARN?: string}) {
		const channel = this.channelOf(input.ChannelARN);
		const now = this.context.clock.now();
		if (this.statusOf(channel, now) === 'DELETING') return;
		const delay = this.context.options.deleteDelayMs ?? 0;
		const previous = this.channels;
		this.channels =
			delay > 0
				? this.live().map((each) =>
						each === channel
							? {...each, transition: {status: 'DELETING', until: now + delay}}
							: each,
					)
				: this.live().filter((each) => each !== channel);
		this.context.saveOrUndo(() => (this.channels = previous));
	}

	/** DescribeChannel. */
	describeChannel(input: {ChannelARN?: string}) {
		return {ChannelDescription: this.describe(this.channelOf(input.ChannelARN))};
	}

	/** ListChannels: oldest first, optionally only those reading from the given streams. */
	listChannels(input: {
		StreamFilter?: Array<{StreamARN?: string; StreamCreationTimestamp?: Date | number}>;
		MaxResults?: number;
		NextToken?: string;
	}) {
		const validation = new Validation();
		validation
			.range(input.MaxResults, 'maxResults', 1, 10_000)
			.length(input.NextToken, 'nextToken', 1, 1_048_576);
		for (const [index, filter] of (input.StreamFilter ?? []).entries()) {
			const at = `streamFilter.${index + 1}.member.streamARN`;
			if (!validation.required(filter, `streamFilter.${index + 1}.member`)) continue;
			if (validation.required(filter.StreamARN, at)) {
				validation.pattern(filter.StreamARN, at, STREAM_ARN_PATTERN, STREAM_ARN_PATTERN_TEXT);
			}
		}

		validation.check();
		const now = this.context.clock.now();
		let after: {createdAt: number; name: string} | undefined;
		if (input.NextToken !== undefined) {
			const token = decodeToken(input.NextToken);
			if (now - token.issuedAt > CHANNEL_LIMITS.nextTokenLifetimeMs) {
				throw new KinesisError(
					'ExpiredNextTokenException',
					`The NextToken has expired: tokens are valid for ${CHANNEL_LIMITS.nextTokenLifetimeMs / 1000} seconds.`,
				);
			}

			after = token.after;
		}

		const filters = input.StreamFilter ?? [];
		const matches = (channel: ChannelMetadata) =>
			filters.length === 0 ||
			filters.some((filter) =>
				channel.streams.some(
					(each) =>
						each.streamArn === filter.StreamARN &&
						(filter.StreamCreationTimestamp === undefined ||
							Math.floor(Number(filter.StreamCreationTimestamp) / 1000) ===
								Math.floor(each.streamCreatedAt / 1000)),
				),
			);
		const ordered = this.live()
			.filter(matches)
			.sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
		const from = after
			? ordered.findIndex(
					(each) =>
						each.createdAt > after.createdAt ||
						(each.createdAt === after.createdAt && each.name > after.name),
				)
			: 0;
		const start = from === -1 ? ordered.length : from;
		const limit = Math.min(
			input.MaxResults ?? CHANNEL_LIMITS.maxListResults,
			CHANNEL_LIMITS.maxListResults,
		);
		const slice = ordered.slice(start, start + limit);
		const last = slice.at(-1);
		return {
			ChannelSummaries: slice.map((channel) => {
				const {
					ChannelName,
					ChannelARN,
					ChannelId,
					ChannelStatus,
					ChannelStatusReason,
					ChannelCreationTimestamp,
				} = this.describe(channel);
				return {
					ChannelName,
					ChannelARN,
					ChannelId,
					ChannelStatus,
					ChannelStatusReason,
					ChannelCreationTimestamp,
					ChannelDestinationType: channel.s3 ? 'S3' : 'S3_TABLES',
					Streams: channel.streams.map((each) => ({
						StreamARN: each.streamArn,
						StreamCreationTimestamp: new Date(each.streamCreatedAt),
					})),
				};
			}),
			...(start + limit < ordered.length && last
				? {
						NextToken: Buffer.from(
							JSON.stringify({after: {createdAt: last.createdAt, name: last.name}, issuedAt: now}),
						).toString('base64'),
					}
				: {}),
		};
	}

	/** UpdateChannel: data freshness or logging of an ACTIVE channel; UPDATING for `updateDelayMs`. */
	updateChannel(input: UpdateChannelInput) {
		const validation = new Validation();
		for (const [member, at] of [
			['S3DestinationConfiguration', 's3DestinationConfiguration'],
			['S3TablesDestinationConfiguration', 's3TablesDestinationConfiguration'],
		] as const) {
			const update = input[member];
			if (
				update &&
				validation.required(update.DataFreshnessInSeconds, `${at}.dataFreshnessInSeconds`)
			) {
				validation.range(
					update.DataFreshnessInSeconds,
					`${at}.dataFreshnessInSeconds`,
					CHANNEL_LIMITS.minDataFreshnessSeconds,
					CHANNEL_LIMITS.maxDataFreshnessSeconds,
				);
			}
		}

		if (input.LoggingConfiguration) {
			const logs = input.LoggingConfiguration.CloudWatchLogs;
			if (validation.required(logs, 'loggingConfiguration.cloudWatchLogs')) {
				validation.required(logs!.Enabled, 'loggingConfiguration.cloudWatchLogs.enabled');
			}
		}

		validation.check();
		const channel = this.channelOf(input.ChannelARN);
		if (
			!input.S3DestinationConfiguration &&
			!input.S3TablesDestinationConfiguration &&
			!input.LoggingConfiguration
		) {
			throw invalidArgument(
				'At least one of S3DestinationConfiguration, S3TablesDestinationConfiguration and LoggingConfiguration must be specified.',
			);
		}

		if (input.S3DestinationConfiguration && !channel.s3) {
			throw invalidArgument(
				`Channel ${channel.name} delivers to streaming tables: use S3TablesDestinationConfiguration.`,
			);
		}

		if (input.S3TablesDestinationConfiguration && !channel.s3Tables) {
			throw invalidArgument(
				`Channel ${channel.name} delivers to a general purpose Amazon S3 bucket: use S3DestinationConfiguration.`,
			);
		}

		const now = this.context.clock.now();
		const status = this.statusOf(channel, now);
		if (status !== 'ACTIVE') {
			throw resourceInUse(
				`Channel ${channel.name} under account ${this.context.accountId} not ACTIVE, instead in state ${status}`,
			);
		}

		const logs = input.LoggingConfiguration?.CloudWatchLogs;
		const updated: ChannelMetadata = {
			...channel,
			...(channel.s3 && input.S3DestinationConfiguration
				? {
						s3: {
							...channel.s3,
							DataFreshnessInSeconds: input.S3DestinationConfiguration.DataFreshnessInSeconds!,
						},
					}
				: {}),
			...(channel.s3Tables && input.S3TablesDestinationConfiguration
				? {
						s3Tables: {
							...channel.s3Tables,
							DataFreshnessInSeconds:
								input.S3TablesDestinationConfiguration.DataFreshnessInSeconds!,
						},
					}
				: {}),
			...(logs
				? {
						logging: {
							CloudWatchLogs: {
								...channel.logging.CloudWatchLogs,
								Enabled: logs.Enabled!,
								...(logs.LogGroupName === undefined ? {} : {LogGroupName: logs.LogGroupName}),
								...(logs.LogStreamName === undefined ? {} : {LogStreamName: logs.LogStreamName}),
							},
						},
					}
				: {}),
		};
		const delay = this.context.options.updateDelayMs ?? 0;
		if (delay > 0) updated.transition = {status: 'UPDATING', until: now + delay};
		else delete updated.transition;
		const previous = this.channels;
		this.channels = this.live().map((each) => (each === channel ? updated : each));
		this.context.saveOrUndo(() => (this.channels = previous));
		return {ChannelDescription: this.describe(updated)};
	}

	/** The channel an ARN names, for the tag actions. */
	find(arn: string): ChannelMetadata | undefined {
		return this.live().find((channel) => this.arnOf(channel) === arn);
	}

	/** Replaces a channel's tags (TagResource / UntagResource). */
	setTags(channel: ChannelMetadata, tags: Tag[]) {
		const previous = this.channels;
		this.channels = this.live().map((each) => (each === channel ? {...each, tags} : each));
		this.context.saveOrUndo(() => (this.channels = previous));
	}

	private channelOf(arn: string | undefined): ChannelMetadata {
		const validation = new Validation();
		if (validation.required(arn, 'channelARN')) {
			validation
				.length(arn, 'channelARN', 1, 2048)
				.pattern(arn, 'channelARN', CHANNEL_ARN, CHANNEL_ARN_TEXT);
		}

		validation.check();
		const channel = this.find(arn!);
		if (!channel) {
			throw resourceNotFound(`Channel ${arn} under account ${this.context.accountId} not found.`);
		}

		return channel;
	}

	private arnOf(channel: ChannelMetadata) {
		return `arn:aws:kinesis:${this.context.region}:${this.context.accountId}:channel/${channel.id}`;
	}

	private statusOf(channel: ChannelMetadata, now: number): ChannelStatus {
		const transition = channel.transition;
		if (!transition) return 'ACTIVE';
		if (transition.status === 'DELETING') return 'DELETING';
		return now < transition.until ? transition.status : 'ACTIVE';
	}

	/** Channels whose deletion has not completed. */
	private live() {
		const now = this.context.clock.now();
		return this.channels.filter(
			(channel) => !(channel.transition?.status === 'DELETING' && now >= channel.transition.until),
		);
	}

	private describe(channel: ChannelMetadata) {
		const now = this.context.clock.now();
		return {
			ChannelName: channel.name,
			ChannelARN: this.arnOf(channel),
			ChannelId: channel.id,
			ChannelStatus: this.statusOf(channel, now),
			ChannelStatusReason: undefined as string | undefined,
			ChannelCreationTimestamp: new Date(channel.createdAt),
			ServiceExecutionRoleARN: channel.roleArn,
			StreamConfigurationList: channel.streams.map((each) => ({
				StreamARN: each.streamArn,
				StreamCreationTimestamp: new Date(each.streamCreatedAt),
				RecordConfiguration: each.record,
			})),
			...(channel.s3 ? {S3DestinationConfiguration: channel.s3} : {}),
			...(channel.s3Tables ? {S3TablesDestinationConfiguration: channel.s3Tables} : {}),
			...(channel.encryption ? {EncryptionConfiguration: channel.encryption} : {}),
			LoggingConfiguration: channel.logging,
		};
	}
}

function decodeToken(token: string): {after: {createdAt: number; name: string}; issuedAt: number} {
	try {
		const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
		if (
			Number.isSafeInteger(value?.issuedAt) &&
			typeof value.after?.name === 'string' &&
			Number.isSafeInteger(value.after.createdAt)
		) {
			return value;
		}
	} catch {
		// Falls through to the error below.
	}

	throw invalidArgument(`Invalid NextToken: ${token}.`);
}

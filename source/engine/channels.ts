/**
 * Channels: account-level resources that deliver a Kinesis data stream's records to a general purpose
 * Amazon S3 bucket or to streaming tables (Amazon S3 Tables). The engine keeps them as Kinesis does —
 * validated configuration, a unique name per account, an ARN `arn:aws:kinesis:REGION:ACCOUNT:channel/ID`
 * whose ID is a DNS label (the SDKs route on it), CREATING / UPDATING / DELETING for the engine's
 * create/update/delete delays, and the rule that a stream with channels cannot be deleted — but it
 * delivers nothing: there is no S3 here, so a channel is recorded state only.
 */
import {createHash} from 'node:crypto';
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
import {
	NAME_PATTERN,
	NAME_PATTERN_TEXT,
	STREAM_ARN_PATTERN,
	STREAM_ARN_PATTERN_TEXT,
	tagList,
	validateTags,
	Validation,
} from './validation.js';

export type ChannelStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'FAILED';

type RecordConfiguration = {RecordFormatType: string; GSRSchemaARN?: string};
type DeadLetterQueue = {BucketARN: string; ExpectedBucketOwner: string; ErrorOutputPrefix?: string};
type S3Destination = {
	DataFreshnessInSeconds: number;
	DeadLetterQueueS3Configuration: DeadLetterQueue;
	StorageConfiguration: {
		BucketARN: string;
		ExpectedBucketOwner: string;
		OutputKeyTemplate?: string;
		StorageClass?: string;
		CompressionType: string;
	};
};
type S3TablesDestination = {
	DataFreshnessInSeconds: number;
	DeadLetterQueueS3Configuration: DeadLetterQueue;
	S3TablesConfigurationList: Array<{
		TableBucketARN: string;
		Namespace: string;
		TableName: string;
		CompressionType: string;
		PartitionSpec?: {PartitionFields: Array<{Transform: string; SourceName: string}>};
	}>;
};
type Logging = {CloudWatchLogs: {Enabled: boolean; LogGroupName?: string; LogStreamName?: string}};

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

export type CreateChannelInput = {
	ChannelName?: string;
	ServiceExecutionRoleARN?: string;
	StreamConfigurationList?: Array<{
		StreamARN?: string;
		RecordConfiguration?: Partial<RecordConfiguration>;
	}>;
	S3DestinationConfiguration?: DeepPartial<S3Destination>;
	S3TablesDestinationConfiguration?: DeepPartial<S3TablesDestination>;
	EncryptionConfiguration?: {EncryptionType?: string; KeyId?: string};
	Tags?: Record<string, string>;
	LoggingConfiguration?: DeepPartial<Logging>;
};

export type UpdateChannelInput = {
	ChannelARN?: string;
	S3DestinationConfiguration?: {DataFreshnessInSeconds?: number};
	S3TablesDestinationConfiguration?: {DataFreshnessInSeconds?: number};
	LoggingConfiguration?: DeepPartial<Logging>;
};

type DeepPartial<T> = T extends object ? {[K in keyof T]?: DeepPartial<T[K]>} : T;

export const CHANNEL_LIMITS = {
	/** Channels per account (a local choice: AWS does not document its default). */
	perAccount: 100,
	maxListResults: 100,
	nextTokenLifetimeMs: 300_000,
	defaultDataFreshnessSeconds: 300,
	minDataFreshnessSeconds: 1,
	maxDataFreshnessSeconds: 3600,
} as const;

const CHANNEL_ARN = /^arn:aws.*:kinesis:.*:\d{12}:channel\/\S+$/;
const CHANNEL_ARN_TEXT = 'arn:aws.*:kinesis:.*:\\d{12}:channel/\\S+';
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/\S+$/;
const ROLE_ARN_TEXT = 'arn:aws[a-zA-Z-]*:iam::\\d{12}:role/\\S+';
const BUCKET_ARN = /^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_ARN_TEXT = 'arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';
const TABLE_BUCKET_ARN = /^arn:aws[a-zA-Z-]*:s3tables:[a-z0-9-]+:\d{12}:bucket\/[a-z0-9-]{3,63}$/;
const TABLE_BUCKET_ARN_TEXT =
	'arn:aws[a-zA-Z-]*:s3tables:[a-z0-9-]+:\\d{12}:bucket/[a-z0-9-]{3,63}';
const ACCOUNT_ID = /^\d{12}$/;
const RECORD_FORMATS = ['BYTE_ARRAY', 'GSR_JSON', 'JSON', 'STRING'];
const S3_FORMATS = ['BYTE_ARRAY', 'JSON', 'STRING'];
const S3_TABLES_FORMATS = ['GSR_JSON', 'JSON'];

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
		this.validateCreate(input);
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

	private validateCreate(input: CreateChannelInput) {
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
			this.validateFreshness(validation, s3.DataFreshnessInSeconds, at);
			if (s3.DeadLetterQueueS3Configuration) {
				this.validateDeadLetterQueue(
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
			this.validateFreshness(validation, tables.DataFreshnessInSeconds, at);
			if (
				validation.required(
					tables.DeadLetterQueueS3Configuration,
					`${at}.deadLetterQueueS3Configuration`,
				)
			) {
				this.validateDeadLetterQueue(
					validation,
					tables.DeadLetterQueueS3Configuration!,
					`${at}.deadLetterQueueS3Configuration`,
				);
			}

			if (
				validation.required(tables.S3TablesConfigurationList, `${at}.s3TablesConfigurationList`)
			) {
				validation.length(
					tables.S3TablesConfigurationList,
					`${at}.s3TablesConfigurationList`,
					1,
					1,
				);
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

					for (const [fieldIndex, field] of (
						table?.PartitionSpec?.PartitionFields ?? []
					).entries()) {
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
			if (
				validation.required(encryption.EncryptionType, 'encryptionConfiguration.encryptionType')
			) {
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

	private validateFreshness(validation: Validation, value: number | undefined, at: string) {
		validation.range(
			value,
			`${at}.dataFreshnessInSeconds`,
			CHANNEL_LIMITS.minDataFreshnessSeconds,
			CHANNEL_LIMITS.maxDataFreshnessSeconds,
		);
	}

	private validateDeadLetterQueue(
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

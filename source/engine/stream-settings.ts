/**
 * The stream settings Kinesis changes in place, each with its action's validation and errors:
 * server-side encryption (StartStreamEncryption / StopStreamEncryption), shard-level metrics
 * (Enable/DisableEnhancedMonitoring), capacity mode (UpdateStreamMode), the largest record
 * (UpdateMaxRecordSize), warm throughput (UpdateStreamWarmThroughput) and the record distribution
 * strategy (UpdateStreamRecordDistributionStrategy). The changes that AWS applies asynchronously leave the
 * stream UPDATING for the engine's `updateDelayMs`. They are recorded in the stream's metadata, and
 * they take effect: records written while encryption is on report KMS, puts follow the record size
 * limit, and AUTO distribution spreads records over the open shards whatever their keys.
 */
import type {AccountSettings} from './account.js';
import {beginUpdate, requireActive, withinDay, type EngineContext} from './context.js';
import type {StreamRef, UpdateStreamRecordDistributionStrategyInput} from '../kinesis/types.js';
import {invalidArgument, KinesisError, limitExceeded} from './errors.js';
import {LIMITS, SETTINGS_LIMITS} from '../kinesis/limits.js';
import type {Stream} from './stream.js';
import type {RecordDistributionStrategy, StreamMode} from '../kinesis/types.js';
import {STREAM_ARN_PATTERN, STREAM_ARN_PATTERN_TEXT, Validation} from './validation.js';

export type WarmThroughput = {TargetMiBps?: number; CurrentMiBps?: number};

export const METRICS = [
	'IncomingBytes',
	'IncomingRecords',
	'OutgoingBytes',
	'OutgoingRecords',
	'WriteProvisionedThroughputExceeded',
	'ReadProvisionedThroughputExceeded',
	'IteratorAgeMilliseconds',
] as const;

const STRATEGIES: RecordDistributionStrategy[] = ['AUTO', 'USER_PARTITION_KEY'];
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const MRK = 'mrk-[0-9a-fA-F]{32}';
/** A KMS key id, key ARN, alias ARN or alias name. */
const KEY_ID = new RegExp(
	`^(?:${UUID}|${MRK}|alias/[a-zA-Z0-9/_-]+|arn:aws[\\w-]*:kms:[\\w-]+:\\d{12}:(?:key/(?:${UUID}|${MRK})|alias/[a-zA-Z0-9/_-]+))$`,
);

/** The largest record the stream accepts, in bytes. */
export const maxRecordBytes = (stream: Stream) =>
	(stream.settings.maxRecordSizeKiB ?? SETTINGS_LIMITS.defaultRecordSizeKiB) * 1024;

export class StreamSettings {
	constructor(
		private readonly context: EngineContext,
		private readonly account: AccountSettings,
	) {}

	/** StartStreamEncryption: KMS with a key; records written from now on are encrypted. */
	startStreamEncryption(input: StreamRef & {EncryptionType?: string; KeyId?: string}) {
		this.validateEncryption(input);
		const stream = this.context.streamOf(input);
		requireActive(this.context, stream);
		const now = this.context.clock.now();
		const starts = withinDay(stream.settings.encryptionStarts, now);
		if (starts.length >= SETTINGS_LIMITS.encryptionChangesPerDay) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.context.accountId} has exceeded the limit of ${SETTINGS_LIMITS.encryptionChangesPerDay} StartStreamEncryption calls per rolling 24 hour period.`,
			);
		}

		this.change(stream, () => {
			stream.encryption = {type: 'KMS', keyId: input.KeyId};
			stream.settings = {
				...stream.settings,
				encryptionChanges: [
					...(stream.settings.encryptionChanges ?? []),
					{fromCounter: stream.nextCounter, type: 'KMS'},
				],
				encryptionStarts: [...starts, now],
			};
		});
	}

	/** StopStreamEncryption: records written from now on are not encrypted. */
	stopStreamEncryption(input: StreamRef & {EncryptionType?: string; KeyId?: string}) {
		this.validateEncryption(input);
		const stream = this.context.streamOf(input);
		requireActive(this.context, stream);
		const now = this.context.clock.now();
		const stops = withinDay(stream.settings.encryptionStops, now);
		if (stops.length >= SETTINGS_LIMITS.encryptionChangesPerDay) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.context.accountId} has exceeded the limit of ${SETTINGS_LIMITS.encryptionChangesPerDay} StopStreamEncryption calls per rolling 24 hour period.`,
			);
		}

		this.change(stream, () => {
			stream.encryption = {type: 'NONE'};
			stream.settings = {
				...stream.settings,
				encryptionChanges: [
					...(stream.settings.encryptionChanges ?? []),
					{fromCounter: stream.nextCounter, type: 'NONE'},
				],
				encryptionStops: [...stops, now],
			};
		});
	}

	/** EnableEnhancedMonitoring: adds shard-level metrics ("ALL" for all seven). */
	enableEnhancedMonitoring(input: StreamRef & {ShardLevelMetrics?: string[]}) {
		return this.monitoring(input, (current, requested) =>
			METRICS.filter((metric) => current.includes(metric) || requested.has(metric)),
		);
	}

	/** DisableEnhancedMonitoring: removes shard-level metrics ("ALL" for all). */
	disableEnhancedMonitoring(input: StreamRef & {ShardLevelMetrics?: string[]}) {
		return this.monitoring(input, (current, requested) =>
			current.filter((metric) => !requested.has(metric)),
		);
	}

	/**
	 * UpdateStreamMode: PROVISIONED ⇄ ON_DEMAND, at most twice per rolling 24 hours. Warm throughput can
	 * be set only when switching to ON_DEMAND, in an account with a minimum throughput billing commitment.
	 */
	updateStreamMode(input: {
		StreamARN?: string;
		StreamModeDetails?: {StreamMode?: string};
		WarmThroughputMiBps?: number;
	}) {
		// The model's constraints are checked before (input-validation.ts); its upper bound is AWS's limit.
		checkWarmThroughputLimit(input.WarmThroughputMiBps);
		const mode = input.StreamModeDetails!.StreamMode as StreamMode;
		const stream = this.context.streamOf({StreamARN: input.StreamARN});
		if (input.WarmThroughputMiBps !== undefined) {
			if (mode !== 'ON_DEMAND') {
				throw invalidArgument(
					'WarmThroughputMiBps can only be specified when updating the stream mode to ON_DEMAND.',
				);
			}

			this.requireCommitment();
		}

		requireActive(this.context, stream);
		if (mode === stream.mode && input.WarmThroughputMiBps === undefined) return;
		const now = this.context.clock.now();
		const switches = withinDay(stream.settings.modeSwitches, now);
		if (mode !== stream.mode && switches.length >= SETTINGS_LIMITS.modeSwitchesPerDay) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.context.accountId} has exceeded the limit of ${SETTINGS_LIMITS.modeSwitchesPerDay} capacity mode switches per rolling 24 hour period.`,
			);
		}

		if (mode === 'ON_DEMAND' && stream.mode !== 'ON_DEMAND') {
			const onDemand = this.context.streams().filter((each) => each.mode === 'ON_DEMAND').length;
			if (onDemand >= SETTINGS_LIMITS.onDemandStreamLimit) {
				throw limitExceeded(
					`This request would exceed the limit of ${SETTINGS_LIMITS.onDemandStreamLimit} on-demand streams for the account ${this.context.accountId} in ${this.context.region}.`,
				);
			}
		}

		this.change(stream, () => {
			const settings = {...stream.settings};
			if (mode !== stream.mode) settings.modeSwitches = [...switches, now];
			if (mode === 'PROVISIONED') {
				// Provisioned streams have neither warm throughput nor a distribution strategy.
				delete settings.warmThroughput;
				delete settings.recordDistribution;
			} else if (input.WarmThroughputMiBps !== undefined) {
				settings.warmThroughput = this.warmTowards(stream, input.WarmThroughputMiBps, now);
			}

			stream.mode = mode;
			stream.settings = settings;
		});
	}

	/** UpdateMaxRecordSize: 1,024–10,240 KiB; puts to the stream then accept records up to that size. */
	updateMaxRecordSize(input: {StreamARN?: string; MaxRecordSizeInKiB?: number}) {
		// The model checks the size (input-validation.ts); a stream is named only by ARN here.
		const validation = new Validation();
		this.requireStreamArn(validation, input.StreamARN);
		validation.check();
		const stream = this.context.streamOf({StreamARN: input.StreamARN});
		requireActive(this.context, stream);
		this.change(stream, () => {
			stream.settings = {...stream.settings, maxRecordSizeKiB: input.MaxRecordSizeInKiB};
		});
	}

	/**
	 * UpdateStreamWarmThroughput: only for ON_DEMAND streams in an account with a minimum throughput
	 * billing commitment; the stream scales towards the target while UPDATING.
	 */
	updateStreamWarmThroughput(input: StreamRef & {WarmThroughputMiBps?: number}) {
		checkWarmThroughputLimit(input.WarmThroughputMiBps);
		const stream = this.context.streamOf(input);
		if (stream.mode !== 'ON_DEMAND') {
			throw invalidArgument(
				`Warm throughput is only supported for ON_DEMAND streams; stream ${stream.name} under account ${this.context.accountId} is PROVISIONED.`,
			);
		}

		this.requireCommitment();
		requireActive(this.context, stream);
		const now = this.context.clock.now();
		const warm = this.warmTowards(stream, input.WarmThroughputMiBps!, now);
		this.change(stream, () => {
			stream.settings = {...stream.settings, warmThroughput: warm};
		});
		return {
			StreamARN: stream.arn,
			StreamName: stream.name,
			WarmThroughput: {TargetMiBps: warm.targetMiBps, CurrentMiBps: warm.fromMiBps},
		};
	}

	/**
	 * UpdateStreamRecordDistributionStrategy: AUTO (records spread over the shards, keys ignored) or
	 * USER_PARTITION_KEY (the default), for ON_DEMAND streams only; applies at once, without UPDATING.
	 */
	updateStreamRecordDistributionStrategy(input: UpdateStreamRecordDistributionStrategyInput) {
		const validation = new Validation();
		this.requireStreamArn(validation, input.StreamARN);
		if (validation.required(input.RecordDistributionStrategy, 'recordDistributionStrategy')) {
			validation.oneOf(input.RecordDistributionStrategy, 'recordDistributionStrategy', STRATEGIES);
		}

		validation.check();
		const stream = this.context.streamOf({StreamARN: input.StreamARN});
		if (stream.mode !== 'ON_DEMAND') {
			throw invalidArgument(
				`The record distribution strategy is only supported for ON_DEMAND streams; stream ${stream.name} under account ${this.context.accountId} is PROVISIONED.`,
			);
		}

		requireActive(this.context, stream);
		const previous = stream.settings;
		stream.settings = {
			...stream.settings,
			recordDistribution: input.RecordDistributionStrategy as RecordDistributionStrategy,
		};
		this.context.saveOrUndo(() => (stream.settings = previous));
	}

	/** CreateStream's newer members, checked before the stream is created. */
	checkCreateOptions(input: {
		StreamModeDetails?: {StreamMode: StreamMode};
		MaxRecordSizeInKiB?: number;
		WarmThroughputMiBps?: number;
		RecordDistributionStrategy?: string;
	}) {
		// MaxRecordSizeInKiB's range is the model's (input-validation.ts); RecordDistributionStrategy is
		// newer than the model this was generated from.
		checkWarmThroughputLimit(input.WarmThroughputMiBps);
		const validation = new Validation();
		validation.oneOf(input.RecordDistributionStrategy, 'recordDistributionStrategy', STRATEGIES);
		validation.check();
		const onDemand = input.StreamModeDetails?.StreamMode === 'ON_DEMAND';
		if (input.WarmThroughputMiBps !== undefined) {
			if (!onDemand) {
				throw invalidArgument('WarmThroughputMiBps is only supported for ON_DEMAND streams.');
			}

			this.requireCommitment();
		}

		if (input.RecordDistributionStrategy === 'AUTO' && !onDemand) {
			throw invalidArgument(
				'The AUTO record distribution strategy is only supported for ON_DEMAND streams.',
			);
		}
	}

	/** CreateStream's newer members, recorded on the new stream. */
	applyCreateOptions(
		stream: Stream,
		input: {
			MaxRecordSizeInKiB?: number;
			WarmThroughputMiBps?: number;
			RecordDistributionStrategy?: string;
		},
	) {
		const now = this.context.clock.now();
		stream.settings = {
			...(input.MaxRecordSizeInKiB === undefined
				? {}
				: {maxRecordSizeKiB: input.MaxRecordSizeInKiB}),
			...(input.RecordDistributionStrategy === undefined
				? {}
				: {recordDistribution: input.RecordDistributionStrategy as RecordDistributionStrategy}),
			...(input.WarmThroughputMiBps === undefined
				? {}
				: {
						warmThroughput: {
							targetMiBps: input.WarmThroughputMiBps,
							fromMiBps: 0,
							until: now + (this.context.options.createDelayMs ?? 0),
						},
					}),
		};
	}

	/** DescribeStreamSummary's members for these settings. */
	summaryOf(stream: Stream) {
		const now = this.context.clock.now();
		const onDemand = stream.mode === 'ON_DEMAND';
		const warm = stream.settings.warmThroughput;
		return {
			// Shown once set (CreateStream or UpdateMaxRecordSize); the default is 1,024 KiB.
			...(stream.settings.maxRecordSizeKiB === undefined
				? {}
				: {MaxRecordSizeInKiB: stream.settings.maxRecordSizeKiB}),
			...(onDemand && this.account.commitmentEnabled()
				? {
						WarmThroughput: {
							TargetMiBps: warm?.targetMiBps ?? 0,
							CurrentMiBps: warm ? (now >= warm.until ? warm.targetMiBps : warm.fromMiBps) : 0,
						} satisfies WarmThroughput,
					}
				: {}),
			...(onDemand
				? {RecordDistributionStrategy: stream.settings.recordDistribution ?? 'USER_PARTITION_KEY'}
				: {}),
		};
	}

	private monitoring(
		input: StreamRef & {ShardLevelMetrics?: string[]},
		desired: (current: string[], requested: Set<string>) => string[],
	) {
		// The metric names are the model's enum, checked before (input-validation.ts).
		const stream = this.context.streamOf(input);
		requireActive(this.context, stream);
		const requested = new Set(
			input.ShardLevelMetrics!.includes('ALL') ? METRICS : input.ShardLevelMetrics,
		);
		const current = [...stream.shardLevelMetrics];
		const next = desired(current, requested);
		const previous = stream.shardLevelMetrics;
		stream.shardLevelMetrics = next;
		this.context.saveOrUndo(() => (stream.shardLevelMetrics = previous));
		return {
			StreamName: stream.name,
			StreamARN: stream.arn,
			CurrentShardLevelMetrics: current,
			DesiredShardLevelMetrics: next,
		};
	}

	private validateEncryption(input: StreamRef & {EncryptionType?: string; KeyId?: string}) {
		// Type and key are required, the type one of the model's enum: checked before (input-validation.ts).
		if (input.EncryptionType !== 'KMS') {
			throw invalidArgument(
				`Invalid EncryptionType ${input.EncryptionType}. The only valid EncryptionType is KMS.`,
			);
		}

		// No KMS here: a key that cannot exist is not found, any well-formed one is taken on trust.
		if (!KEY_ID.test(input.KeyId!)) {
			throw new KinesisError('KMSNotFoundException', `Invalid keyId ${input.KeyId}`);
		}
	}

	private requireStreamArn(validation: Validation, arn: string | undefined) {
		if (validation.required(arn, 'streamARN')) {
			validation
				.length(arn, 'streamARN', 1, 2048)
				.pattern(arn, 'streamARN', STREAM_ARN_PATTERN, STREAM_ARN_PATTERN_TEXT);
		}
	}

	private requireCommitment() {
		if (!this.account.commitmentEnabled()) {
			throw invalidArgument(
				`Warm throughput requires a minimum throughput billing commitment; enable MinimumThroughputBillingCommitment for the account ${this.context.accountId} with UpdateAccountSettings.`,
			);
		}
	}

	private warmTowards(stream: Stream, targetMiBps: number, now: number) {
		const warm = stream.settings.warmThroughput;
		const current = warm ? (now >= warm.until ? warm.targetMiBps : warm.fromMiBps) : 0;
		return {
			targetMiBps: targetMiBps,
			fromMiBps: current,
			until: now + (this.context.options.updateDelayMs ?? 0),
		};
	}

	/** Applies an asynchronous change: UPDATING for `updateDelayMs`, saved or undone whole. */
	private change(stream: Stream, apply: () => void) {
		const previous = {
			encryption: stream.encryption,
			settings: stream.settings,
			mode: stream.mode,
			transition: stream.transition,
		};
		apply();
		beginUpdate(this.context, stream);
		this.context.saveOrUndo(() => Object.assign(stream, previous));
	}
}

/** The record size limit for PutRecord(s) validation, in bytes, and the matching request limit. */
export function putLimits(stream: Stream | undefined) {
	const record = stream ? maxRecordBytes(stream) : LIMITS.maxRecordBytes;
	return {record, request: Math.max(LIMITS.maxPutRecordsBytes, record)};
}

/** Warm throughput above AWS's limit (the model bounds it only from below). */
function checkWarmThroughputLimit(value: number | undefined) {
	const validation = new Validation();
	validation.range(value, 'warmThroughputMiBps', 0, SETTINGS_LIMITS.maxWarmThroughputMiBps);
	validation.check();
}

/**
 * Enhanced fan-out consumers, as Kinesis keeps them: registered on a stream by name (unique per stream,
 * at most 20 per stream and at most 5 CREATING at once), identified by an ARN that carries the stream,
 * the name and the creation time in epoch seconds
 * (`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME/consumer/CONSUMER:SECONDS`), CREATING → ACTIVE after
 * registration and DELETING → gone after deregistration (for the engine's `consumerCreateDelayMs` and
 * `consumerDeleteDelayMs`). They live in the stream's metadata, so they survive a restart.
 */
import {CONSUMER_LIMITS} from '../kinesis/limits.js';
import {requireActive, type EngineContext} from './context.js';
import {
	invalidArgument,
	KinesisError,
	limitExceeded,
	resourceInUse,
	resourceNotFound,
} from './errors.js';
import type {ConsumerMetadata, Stream} from './stream.js';
import type {
	Consumer,
	ConsumerDescription,
	ConsumerRef,
	ConsumerStatus,
	RegisterStreamConsumerInput,
} from '../kinesis/types.js';
import {
	NAME_PATTERN,
	NAME_PATTERN_TEXT,
	STREAM_ARN_PATTERN,
	STREAM_ARN_PATTERN_TEXT,
	tagList,
	Validation,
} from './validation.js';

/** AWS's consumer ARN pattern. */
const CONSUMER_ARN =
	/^arn:aws[^:]*:kinesis:[^:]*:(\d{12}):stream\/([a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d+)$/;
const CONSUMER_ARN_TEXT =
	'^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+';

export const consumerArnOf = (stream: Stream, consumer: ConsumerMetadata) =>
	`${stream.arn}/consumer/${consumer.name}:${Math.floor(consumer.createdAt / 1000)}`;

/** Whether `arn` is shaped like a consumer ARN (rather than a stream's). */
export const isConsumerArn = (arn: string) => CONSUMER_ARN.test(arn);

export function consumerStatus(consumer: ConsumerMetadata, now: number): ConsumerStatus {
	const transition = consumer.transition;
	if (!transition) return 'ACTIVE';
	if (transition.status === 'DELETING') return 'DELETING';
	return now < transition.until ? 'CREATING' : 'ACTIVE';
}

/** The stream's consumers, without those whose deregistration has completed. */
export const liveConsumers = (stream: Stream, now: number) =>
	stream.consumers.filter(
		(consumer) => !(consumer.transition?.status === 'DELETING' && now >= consumer.transition.until),
	);

/** AWS's wording when a consumer cannot be used yet (or any more). */
export const consumerNotActive = (
	context: EngineContext,
	stream: Stream,
	consumer: ConsumerMetadata,
) =>
	resourceInUse(
		`Consumer ${consumer.name} with creation timestamp ${Math.floor(consumer.createdAt / 1000)} under stream ${stream.name} and account ${context.accountId} is not in ACTIVE status.`,
	);

const consumerNotFound = (context: EngineContext, stream: string, consumer: string) =>
	resourceNotFound(
		`Consumer ${consumer} under stream ${stream} under account ${context.accountId} not found.`,
	);

export class Consumers {
	constructor(private readonly context: EngineContext) {}

	/** RegisterStreamConsumer: a new consumer, CREATING for `consumerCreateDelayMs`, then ACTIVE. */
	registerStreamConsumer(input: RegisterStreamConsumerInput): {Consumer: Consumer} {
		// Names, ARN and tags were checked against the model before (input-validation.ts).
		const tags = tagList(input.Tags ?? {});
		if (tags.length > 50) {
			throw invalidArgument(
				`Failed to register consumer ${input.ConsumerName}: a consumer cannot have more than 50 tags.`,
			);
		}

		const stream = this.context.streamOf({StreamARN: input.StreamARN});
		requireActive(this.context, stream);
		const now = this.context.clock.now();
		const consumers = liveConsumers(stream, now);
		const name = input.ConsumerName!;
		if (consumers.some((consumer) => consumer.name === name)) {
			throw resourceInUse(
				`Consumer ${name} under stream ${stream.name} under account ${this.context.accountId} already exists.`,
			);
		}

		if (consumers.length >= CONSUMER_LIMITS.perStream) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.context.accountId} already has ${consumers.length} registered consumers, the maximum of ${CONSUMER_LIMITS.perStream} consumers per stream.`,
			);
		}

		const creating = consumers.filter(
			(consumer) => consumerStatus(consumer, now) === 'CREATING',
		).length;
		if (creating >= CONSUMER_LIMITS.creatingAtOnce) {
			throw limitExceeded(
				`Stream ${stream.name} under account ${this.context.accountId} already has ${creating} consumers in CREATING status; at most ${CONSUMER_LIMITS.creatingAtOnce} consumers can be created at the same time.`,
			);
		}

		const consumer: ConsumerMetadata = {name, createdAt: now, tags};
		const delay = this.context.options.consumerCreateDelayMs ?? 0;
		if (delay > 0) consumer.transition = {status: 'CREATING', until: now + delay};
		const previous = stream.consumers;
		stream.consumers = [...consumers, consumer];
		this.context.saveOrUndo(() => (stream.consumers = previous));
		return {Consumer: this.describe(stream, consumer, now)};
	}

	/** DeregisterStreamConsumer: DELETING for `consumerDeleteDelayMs`, then gone. */
	deregisterStreamConsumer(input: ConsumerRef) {
		const {stream, consumer} = this.resolve(input);
		const now = this.context.clock.now();
		if (consumerStatus(consumer, now) === 'DELETING') return;
		const previous = stream.consumers;
		const delay = this.context.options.consumerDeleteDelayMs ?? 0;
		stream.consumers =
			delay > 0
				? liveConsumers(stream, now).map((each) =>
						each === consumer
							? {...each, transition: {status: 'DELETING', until: now + delay}}
							: each,
					)
				: liveConsumers(stream, now).filter((each) => each !== consumer);
		this.context.saveOrUndo(() => (stream.consumers = previous));
	}

	/** DescribeStreamConsumer. */
	describeStreamConsumer(input: ConsumerRef): {ConsumerDescription: ConsumerDescription} {
		const {stream, consumer} = this.resolve(input);
		return {
			ConsumerDescription: {
				...this.describe(stream, consumer, this.context.clock.now()),
				StreamARN: stream.arn,
			},
		};
	}

	/**
	 * ListStreamConsumers: oldest first, at most MaxResults (1–10,000; beyond 100 AWS answers 100) per
	 * page; NextToken pages on and expires after 300 seconds (ExpiredNextTokenException).
	 */
	listStreamConsumers(input: {
		StreamARN?: string;
		NextToken?: string;
		MaxResults?: number;
		StreamCreationTimestamp?: Date | number;
	}): {Consumers: Consumer[]; NextToken?: string} {
		if (input.NextToken !== undefined && input.StreamCreationTimestamp !== undefined) {
			throw invalidArgument('NextToken and StreamCreationTimestamp cannot be provided together.');
		}

		const stream = this.context.streamOf({StreamARN: input.StreamARN});
		const now = this.context.clock.now();
		if (
			input.StreamCreationTimestamp !== undefined &&
			Math.floor(Number(input.StreamCreationTimestamp) / 1000) !==
				Math.floor(stream.createdAt / 1000)
		) {
			throw resourceNotFound(
				`Stream ${stream.name} under account ${this.context.accountId} with creation timestamp ${Number(input.StreamCreationTimestamp)} not found.`,
			);
		}

		let after: {createdAt: number; name: string} | undefined;
		if (input.NextToken !== undefined) {
			const token = decodeListToken(input.NextToken);
			if (token.stream !== stream.arn || token.streamCreatedAt !== stream.createdAt) {
				throw invalidArgument(`Invalid NextToken: ${input.NextToken}.`);
			}

			if (now - token.issuedAt > CONSUMER_LIMITS.nextTokenLifetimeMs) {
				throw new KinesisError(
					'ExpiredNextTokenException',
					`The NextToken has expired: tokens are valid for ${CONSUMER_LIMITS.nextTokenLifetimeMs / 1000} seconds.`,
				);
			}

			after = token.after;
		}

		const ordered = liveConsumers(stream, now).sort(compareConsumers);
		const from = after ? ordered.findIndex((each) => compareConsumers(each, after) > 0) : 0;
		const start = from === -1 ? ordered.length : from;
		const limit = Math.min(input.MaxResults ?? CONSUMER_LIMITS.maxListResults, 100);
		const slice = ordered.slice(start, start + limit);
		const last = slice.at(-1);
		return {
			Consumers: slice.map((consumer) => this.describe(stream, consumer, now)),
			...(start + limit < ordered.length && last
				? {
						NextToken: Buffer.from(
							JSON.stringify({
								stream: stream.arn,
								streamCreatedAt: stream.createdAt,
								after: {createdAt: last.createdAt, name: last.name},
								issuedAt: now,
							}),
						).toString('base64'),
					}
				: {}),
		};
	}

	/** Registered consumers (CREATING, ACTIVE or DELETING), as DescribeStreamSummary counts them. */
	count(stream: Stream) {
		return liveConsumers(stream, this.context.clock.now()).length;
	}

	/** DeleteStream refuses a stream with consumers unless EnforceConsumerDeletion is set. */
	checkDeletable(stream: Stream, enforceConsumerDeletion: boolean | undefined) {
		if (enforceConsumerDeletion || this.count(stream) === 0) return;
		throw resourceInUse(
			`Stream ${stream.name} under account ${this.context.accountId} has registered consumers. Deregister them first, or set EnforceConsumerDeletion.`,
		);
	}

	/**
	 * The consumer a request names: by ConsumerARN, by StreamARN + ConsumerName, or by all three as long
	 * as they agree. ResourceNotFoundException when there is no such consumer (or it has been deleted).
	 */
	resolve(ref: ConsumerRef): {stream: Stream; consumer: ConsumerMetadata} {
		const validation = new Validation();
		validation
			.length(ref.ConsumerARN, 'consumerARN', 1, 2048)
			.pattern(ref.ConsumerARN, 'consumerARN', CONSUMER_ARN, CONSUMER_ARN_TEXT)
			.length(ref.StreamARN, 'streamARN', 1, 2048)
			.pattern(ref.StreamARN, 'streamARN', STREAM_ARN_PATTERN, STREAM_ARN_PATTERN_TEXT)
			.length(ref.ConsumerName, 'consumerName', 1, 128)
			.pattern(ref.ConsumerName, 'consumerName', NAME_PATTERN, NAME_PATTERN_TEXT);
		validation.check();
		const now = this.context.clock.now();
		if (ref.ConsumerARN !== undefined) {
			const [, , streamName, consumerName, seconds] = CONSUMER_ARN.exec(ref.ConsumerARN)!;
			const streamArn = ref.ConsumerARN.slice(0, ref.ConsumerARN.indexOf('/consumer/'));
			if (
				(ref.StreamARN !== undefined && ref.StreamARN !== streamArn) ||
				(ref.ConsumerName !== undefined && ref.ConsumerName !== consumerName)
			) {
				throw invalidArgument(
					`ConsumerARN ${ref.ConsumerARN} does not match the given StreamARN or ConsumerName.`,
				);
			}

			const stream = this.context.findStream(streamName);
			const consumer =
				stream?.arn === streamArn
					? liveConsumers(stream, now).find(
							(each) =>
								each.name === consumerName && Math.floor(each.createdAt / 1000) === Number(seconds),
						)
					: undefined;
			if (!stream || !consumer) throw consumerNotFound(this.context, streamName, consumerName);
			return {stream, consumer};
		}

		if (ref.StreamARN === undefined || ref.ConsumerName === undefined) {
			throw invalidArgument(
				'Either ConsumerARN, or both StreamARN and ConsumerName, must be provided.',
			);
		}

		const stream = this.context.streamOf({StreamARN: ref.StreamARN});
		const consumer = liveConsumers(stream, now).find((each) => each.name === ref.ConsumerName);
		if (!consumer) throw consumerNotFound(this.context, stream.name, ref.ConsumerName);
		return {stream, consumer};
	}

	describe(stream: Stream, consumer: ConsumerMetadata, now: number): Consumer {
		return {
			ConsumerName: consumer.name,
			ConsumerARN: consumerArnOf(stream, consumer),
			ConsumerStatus: consumerStatus(consumer, now),
			ConsumerCreationTimestamp: new Date(consumer.createdAt),
		};
	}
}

const compareConsumers = (
	a: {createdAt: number; name: string},
	b: {createdAt: number; name: string},
) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

type ListToken = {
	stream: string;
	streamCreatedAt: number;
	after: {createdAt: number; name: string};
	issuedAt: number;
};

function decodeListToken(token: string): ListToken {
	try {
		const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ListToken;
		if (
			typeof value?.stream === 'string' &&
			Number.isSafeInteger(value.streamCreatedAt) &&
			Number.isSafeInteger(value.issuedAt) &&
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

/**
 * SubscribeToShard: an enhanced fan-out consumer's push subscription to one shard. As in Kinesis:
 *
 * - the consumer must be ACTIVE; the starting position is validated as GetShardIterator validates it;
 * - events carry the records that arrived since the last one (at most 10,000 or 10 MiB each), the
 *   ContinuationSequenceNumber to resume from (AFTER_SEQUENCE_NUMBER) and MillisBehindLatest; with no
 *   new records an empty event still comes every 5 seconds (`subscriptionHeartbeatMs`);
 * - a subscription lasts 5 minutes (`subscriptionLifetimeMs`), measured on the engine clock; at the end
 *   of a closed shard a last event carries the ChildShards and no ContinuationSequenceNumber;
 * - a second subscription by the same consumer to the same shard within 5 seconds of the first fails
 *   with ResourceInUseException; after that it takes over, and the first ends with ResourceInUseException;
 * - with throughput limits on: 2 MiB/s per subscription and one SubscribeToShard call per second per
 *   consumer and shard (LimitExceededException).
 *
 * The shard log is polled every `subscriptionPollMs` (200 ms by default) while caught up; an
 * AbortSignal, `cancel()` or the engine closing ends the subscription at once.
 */
import {requireActive, type EngineContext} from './context.js';
import {
	consumerArnOf,
	consumerNotActive,
	consumerStatus,
	liveConsumers,
	type Consumers,
} from './consumers.js';
import {
	KinesisError,
	limitExceeded,
	resourceInUse,
	resourceNotFound,
	streamNotFound,
} from './errors.js';
import {decodeIterator} from './iterator.js';
import {LIMITS} from '../kinesis/limits.js';
import {PerSecondMeter} from './per-second-meter.js';
import {shardIdOf} from './sequence-number.js';
import {readShard} from './shard-reader.js';
import type {ChildShard, KinesisRecord, ShardIteratorType} from '../kinesis/types.js';

export type StartingPosition = {
	Type?: ShardIteratorType;
	SequenceNumber?: string;
	Timestamp?: Date | number;
};

export type SubscribeToShardInput = {
	ConsumerARN?: string;
	ShardId?: string;
	StartingPosition?: StartingPosition;
	DryRun?: boolean;
};

export type SubscribeToShardEvent = {
	Records: KinesisRecord[];
	/** Absent on the last event of a closed shard, which carries ChildShards instead. */
	ContinuationSequenceNumber?: string;
	MillisBehindLatest: number;
	ChildShards?: ChildShard[];
};

export const SUBSCRIPTION_DEFAULTS = {
	lifetimeMs: 5 * 60_000,
	pollMs: 200,
	heartbeatMs: 5000,
	/** A second subscription within this time of the first is refused; after it, it takes over. */
	takeoverAfterMs: 5000,
	readBytesPerSecond: 2 * 1024 * 1024,
} as const;

type Target = {
	key: string;
	streamName: string;
	streamCreatedAt: number;
	shardIndex: number;
	consumerName: string;
	consumerCreatedAt: number;
};

export class Subscriptions {
	private readonly active = new Map<string, ShardSubscription>();
	private readonly lastCall = new Map<string, number>();

	constructor(
		private readonly context: EngineContext,
		private readonly consumers: Consumers,
	) {}

	subscribeToShard(
		input: SubscribeToShardInput,
		options: {signal?: AbortSignal} = {},
	): ShardSubscription {
		// The members and the position's type were checked against the model before (input-validation.ts).
		const {stream, consumer} = this.consumers.resolve({ConsumerARN: input.ConsumerARN});
		const now = this.context.clock.now();
		if (consumerStatus(consumer, now) !== 'ACTIVE') {
			throw consumerNotActive(this.context, stream, consumer);
		}

		const position = input.StartingPosition!;
		const iterator = decodeIterator(
			this.context.getShardIterator({
				StreamName: stream.name,
				ShardId: input.ShardId!,
				ShardIteratorType: position.Type!,
				StartingSequenceNumber: position.SequenceNumber,
				Timestamp: position.Timestamp,
			}).ShardIterator,
		);
		const consumerArn = consumerArnOf(stream, consumer);
		const key = `${consumerArn} ${iterator.shardIndex}`;
		const existing = this.active.get(key);
		if (existing && now - existing.startedAt < SUBSCRIPTION_DEFAULTS.takeoverAfterMs) {
			this.context.metrics.subscribeToShard(stream, consumer.name, 'rate-exceeded', now);
			throw resourceInUse(
				`Another active subscription exists for this consumer: ${this.context.accountId}:${stream.name}:${shardIdOf(iterator.shardIndex)}:${consumer.name}`,
			);
		}

		const last = this.lastCall.get(key);
		if (this.context.enforceLimits() && last !== undefined && now - last < 1000) {
			this.context.metrics.subscribeToShard(stream, consumer.name, 'rate-exceeded', now);
			throw limitExceeded(
				`Rate exceeded for consumer ${consumerArn} and shard ${shardIdOf(iterator.shardIndex)}: at most one SubscribeToShard call per second.`,
			);
		}

		if (input.DryRun) {
			throw new KinesisError(
				'DryRunOperationException',
				'Request would have succeeded, but DryRun flag is set.',
			);
		}

		existing?.takeOver();
		const subscription = new ShardSubscription(
			this.context,
			{
				key,
				streamName: stream.name,
				streamCreatedAt: stream.createdAt,
				shardIndex: iterator.shardIndex,
				consumerName: consumer.name,
				consumerCreatedAt: consumer.createdAt,
			},
			iterator.position,
			now,
			(ended) => {
				if (this.active.get(ended.target.key) === ended) this.active.delete(ended.target.key);
			},
			options.signal,
		);
		this.active.set(key, subscription);
		this.lastCall.set(key, now);
		this.context.metrics.subscribeToShard(stream, consumer.name, 'established', now);
		return subscription;
	}

	/** Ends every subscription (the engine is closing). */
	closeAll() {
		for (const subscription of [...this.active.values()]) subscription.cancel();
		this.lastCall.clear();
	}
}

/**
 * One subscription: iterate it (once) for its events. Ends after its lifetime, at the end of a closed
 * shard, on abort or `cancel()`; throws a KinesisError when it fails (stream or consumer gone, taken over).
 */
export class ShardSubscription implements AsyncIterable<SubscribeToShardEvent> {
	private state: 'open' | 'taken-over' | 'ended' = 'open';
	private iterated = false;
	private wake: (() => void) | undefined;

	constructor(
		private readonly context: EngineContext,
		readonly target: Target,
		private position: number,
		readonly startedAt: number,
		private readonly release: (subscription: ShardSubscription) => void,
		private readonly signal?: AbortSignal,
	) {}

	/** Ends the subscription now; a pending iteration returns. */
	cancel() {
		this.state = 'ended';
		this.release(this);
		this.wake?.();
	}

	/** A newer subscription took this one over: it ends with ResourceInUseException. */
	takeOver() {
		if (this.state === 'open') this.state = 'taken-over';
		this.release(this);
		this.wake?.();
	}

	[Symbol.asyncIterator](): AsyncIterator<SubscribeToShardEvent> {
		if (this.iterated) throw new Error('a subscription can be iterated only once');
		this.iterated = true;
		return this.events();
	}

	private async *events(): AsyncGenerator<SubscribeToShardEvent> {
		const options = this.context.options;
		const deadline =
			this.startedAt + (options.subscriptionLifetimeMs ?? SUBSCRIPTION_DEFAULTS.lifetimeMs);
		const pollMs = options.subscriptionPollMs ?? SUBSCRIPTION_DEFAULTS.pollMs;
		const heartbeatMs = options.subscriptionHeartbeatMs ?? SUBSCRIPTION_DEFAULTS.heartbeatMs;
		const meter = new PerSecondMeter();
		/** Stays the same across empty events: only a record read moves it. */
		let continuation: string | undefined;
		let lastEventAt: number | undefined;
		try {
			while (true) {
				if (this.state === 'ended' || this.signal?.aborted) return;
				if (this.state === 'taken-over') {
					throw resourceInUse(
						`Another active subscription exists for this consumer: ${this.context.accountId}:${this.target.streamName}:${shardIdOf(this.target.shardIndex)}:${this.target.consumerName}`,
					);
				}

				const now = this.context.clock.now();
				if (now >= deadline) return;
				const {stream, shard} = this.locate(now);
				let maxBytes: number = LIMITS.maxGetRecordsBytes;
				if (this.context.enforceLimits()) {
					maxBytes = SUBSCRIPTION_DEFAULTS.readBytesPerSecond - meter.at(now).bytes;
					if (maxBytes <= 0) {
						await this.pause(pollMs);
						continue;
					}
				}

				const read = readShard(stream, shard, this.position, {
					limit: LIMITS.maxGetRecordsLimit,
					maxBytes,
					now,
				});
				meter.bytes += read.bytes;
				const due =
					read.records.length > 0 ||
					read.childShards !== undefined ||
					lastEventAt === undefined ||
					now - lastEventAt >= heartbeatMs;
				if (due) {
					this.position = read.nextPosition;
					continuation =
						read.records.at(-1)?.SequenceNumber ??
						continuation ??
						shard.sequence.format(Math.max(read.nextPosition - 1, 0), now);
					lastEventAt = now;
					this.context.metrics.subscribeToShardEvent(
						stream,
						shard,
						this.target.consumerName,
						{Records: read.records, MillisBehindLatest: read.millisBehindLatest},
						now,
					);
					yield read.childShards
						? {
								Records: read.records,
								MillisBehindLatest: read.millisBehindLatest,
								ChildShards: read.childShards,
							}
						: {
								Records: read.records,
								// The last position consumed, to resume AFTER it.
								ContinuationSequenceNumber: continuation,
								MillisBehindLatest: read.millisBehindLatest,
							};
					if (read.childShards) return;
					if (!read.caughtUp) continue;
				}

				await this.pause(pollMs);
			}
		} finally {
			this.state = 'ended';
			this.release(this);
		}
	}

	/** The stream, shard and consumer now, or the error that ends the subscription. */
	private locate(now: number) {
		const {streamName, streamCreatedAt, shardIndex, consumerName, consumerCreatedAt} = this.target;
		const stream = this.context.findStream(streamName);
		if (!stream || stream.createdAt !== streamCreatedAt) {
			throw streamNotFound(streamName, this.context.accountId);
		}

		const consumer = liveConsumers(stream, now).find(
			(each) => each.name === consumerName && each.createdAt === consumerCreatedAt,
		);
		if (!consumer) {
			throw resourceNotFound(
				`Consumer ${consumerName} under stream ${streamName} under account ${this.context.accountId} not found.`,
			);
		}

		if (consumerStatus(consumer, now) !== 'ACTIVE') {
			throw consumerNotActive(this.context, stream, consumer);
		}

		if (stream.status(now) === 'DELETING') requireActive(this.context, stream);
		const shard = stream.shard(shardIndex);
		if (!shard) {
			throw resourceNotFound(
				`Shard ${shardIdOf(shardIndex)} in stream ${streamName} under account ${this.context.accountId} does not exist`,
			);
		}

		return {stream, shard};
	}

	/** Waits `ms`, or less when woken (cancel, take-over) or aborted. */
	private pause(ms: number) {
		return new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.wake = undefined;
				this.signal?.removeEventListener('abort', done);
				resolve();
			};

			const timer = setTimeout(done, ms);
			this.wake = done;
			this.signal?.addEventListener('abort', done, {once: true});
		});
	}
}

/**
 * The read path: GetShardIterator (the five iterator types, as positions in a shard) and GetRecords
 * (records from an iterator's position under the shard's read limits, the next iterator, and at the end
 * of a closed shard its children).
 */
import type {Clock} from './clock.js';
import {
	expiredIterator,
	invalidArgument,
	resourceNotFound,
	throughputExceeded,
	validationError,
} from './errors.js';
import {amazonUtcString, decodeIterator, encodeIterator} from './iterator.js';
import type {KinesisMetrics} from './kinesis-metrics.js';
import {LIMITS} from '../kinesis/limits.js';
import {counterOfStartingSequenceNumber} from './sequence-checks.js';
import {isWellFormedSequenceNumber} from '../kinesis/sequence-number.js';
import {shardIdOf} from './sequence-number.js';
import {readShard} from './shard-reader.js';
import type {StreamLookup} from './stream-lookup.js';
import type {StreamStore} from './stream-store.js';
import type {ShardState, Stream} from './stream.js';
import type {GetRecordsOutput, GetShardIteratorInput} from '../kinesis/types.js';

export type ReadPathParts = {
	clock: Clock;
	accountId: string;
	store: StreamStore;
	lookup: StreamLookup;
	kinesisMetrics: KinesisMetrics;
	/** The engine: whether per-shard limits are enforced is its switch, changeable at run time. */
	limits: {readonly enforceLimits: boolean};
};

export class ReadPath {
	private readonly clock: Clock;
	private readonly accountId: string;
	private readonly store: StreamStore;
	private readonly lookup: StreamLookup;
	private readonly kinesisMetrics: KinesisMetrics;
	private readonly limits: {readonly enforceLimits: boolean};
	private readonly streams: Map<string, Stream>;

	constructor(parts: ReadPathParts) {
		this.clock = parts.clock;
		this.accountId = parts.accountId;
		this.store = parts.store;
		this.lookup = parts.lookup;
		this.kinesisMetrics = parts.kinesisMetrics;
		this.limits = parts.limits;
		this.streams = parts.store.streams;
	}

	private get enforceLimits() {
		return this.limits.enforceLimits;
	}

	/** GetShardIterator for the five iterator types. */
	getShardIterator(input: GetShardIteratorInput): {ShardIterator: string} {
		const type = input.ShardIteratorType;
		const stream = this.lookup.streamOf(input, true);
		const shard = this.lookup.shardOf(stream, input.ShardId, 'does not exist');
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
		if (
			input.StreamARN !== undefined &&
			input.StreamARN !== this.store.arnOf(iterator.streamName)
		) {
			throw invalidArgument('Invalid ShardIterator.');
		}

		const shardId = shardIdOf(iterator.shardIndex);
		this.store.settle();
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
}

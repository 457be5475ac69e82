/**
 * The write path: PutRecord and PutRecords. Each record is routed to the open shard its hash key (or the
 * stream's AUTO distribution) selects, admitted under the shard's write limit, appended to the shard's
 * log and numbered; the call resolves once the accepted records are durable under the commit policy.
 */
import type {Clock} from './clock.js';
import {KinesisError, invalidArgument, validationError} from './errors.js';
import {bigIntToHashKey, MAX_HASH_KEY} from '../kinesis/hash-key.js';
import type {KinesisMetrics} from './kinesis-metrics.js';
import {LIMITS} from '../kinesis/limits.js';
import type {GroupCommit} from './log/group-commit.js';
import type {ShardLog} from './log/shard-log.js';
import type {MemoryBudget} from './memory-budget.js';
import {checkSequenceNumberForOrdering} from './sequence-checks.js';
import {EntryBatch, type PutBatch, type PutOutcome} from './put-batch.js';
import {putLimits} from './stream-settings.js';
import type {StreamLookup} from './stream-lookup.js';
import type {StreamRef} from '../kinesis/types.js';
import type {StreamStore} from './stream-store.js';
import type {ShardState, Stream} from './stream.js';
import type {
	PutRecordOutput,
	PutRecordsOutput,
	PutRecordsRequestEntry,
	PutRecordsResultEntry,
} from '../kinesis/types.js';

/** Where each put's hash key is computed: routing consumes it at once, so one buffer serves all. */
const hashScratch = new Uint32Array(4);

export type WritePathParts = {
	clock: Clock;
	accountId: string;
	store: StreamStore;
	lookup: StreamLookup;
	kinesisMetrics: KinesisMetrics;
	/** The engine: whether per-shard limits are enforced is its switch, changeable at run time. */
	limits: {readonly enforceLimits: boolean};
	/** The engine's own PutRecords (with its input checks, input-validation.ts), which PutRecord calls. */
	viaEngine: {
		putRecords(
			input: StreamRef & {Records: PutRecordsRequestEntry[]},
			memberPrefix?: string,
		): Promise<PutRecordsOutput>;
	};
};

export class WritePath {
	private readonly clock: Clock;
	private readonly accountId: string;
	private readonly store: StreamStore;
	private readonly lookup: StreamLookup;
	private readonly kinesisMetrics: KinesisMetrics;
	private readonly limits: {readonly enforceLimits: boolean};
	private readonly viaEngine: WritePathParts['viaEngine'];
	private readonly streams: Map<string, Stream>;
	private readonly commit: GroupCommit | undefined;
	private readonly memory: MemoryBudget | undefined;

	constructor(parts: WritePathParts) {
		this.clock = parts.clock;
		this.accountId = parts.accountId;
		this.store = parts.store;
		this.lookup = parts.lookup;
		this.kinesisMetrics = parts.kinesisMetrics;
		this.limits = parts.limits;
		this.viaEngine = parts.viaEngine;
		this.streams = parts.store.streams;
		this.commit = parts.store.commit;
		this.memory = parts.store.memory;
	}

	private get enforceLimits() {
		return this.limits.enforceLimits;
	}

	/** PutRecord: one record; throttling is an exception here, unlike PutRecords. */
	async putRecord(
		input: StreamRef & PutRecordsRequestEntry & {SequenceNumberForOrdering?: string},
	): Promise<PutRecordOutput> {
		if (input.SequenceNumberForOrdering !== undefined) {
			// AWS checks the number after the record and the stream (sequence-checks.ts says why it needs
			// nothing more to be honoured).
			this.validatePutEntries(new EntryBatch([input]), 'data', this.putLimitsOf(input));
			const stream = this.lookup.streamOf(input, true);
			checkSequenceNumberForOrdering(
				stream,
				input.SequenceNumberForOrdering,
				Math.max(this.clock.now(), stream.lastArrival),
				this.accountId,
			);
		}

		// Through the engine's PutRecords, so that its input checks run as they do for a PutRecords call.
		const output = await this.viaEngine.putRecords({...input, Records: [input]}, 'data');
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
		const outcome = await this.putBatch(input, new EntryBatch(input.Records), memberPrefix);
		const results: PutRecordsResultEntry[] = new Array(outcome.count);
		for (let i = 0; i < outcome.count; i++) {
			const shard = outcome.shards[i];
			results[i] = shard
				? {
						ShardId: shard.id,
						SequenceNumber: shard.sequence.format(outcome.counters[i], outcome.arrivalMs),
					}
				: outcome.failures![i];
		}

		return {
			FailedRecordCount: outcome.failed,
			Records: results,
			EncryptionType: outcome.encryptionType,
		};
	}

	/**
	 * PutRecords of any {@link PutBatch}: what {@link putRecords} does, told as a {@link PutOutcome}. The
	 * batch's records must already meet the model's constraints (input-validation.ts checks them for
	 * {@link putRecords}; a batch read from a request's bytes is only made of bodies that meet them).
	 */
	async putBatch(input: StreamRef, batch: PutBatch, memberPrefix = 'records'): Promise<PutOutcome> {
		const started = performance.now();
		const count = batch.count;
		this.validatePutEntries(batch, memberPrefix, this.putLimitsOf(input));
		const stream = this.lookup.streamOf(input, true);
		const now = Math.max(this.clock.now(), stream.lastArrival);
		stream.lastArrival = now;
		this.store.trimExpired(now);
		// On the heap (a typed array of 500 would be an external buffer for the collector to track).
		const shards = batch.outcomeArrays?.shards ?? new Array<ShardState | undefined>(count);
		const counters = batch.outcomeArrays?.counters ?? new Array<number>(count).fill(0);
		let failures: PutRecordsResultEntry[] | undefined;
		let failed = 0;
		let lastLog: ShardLog | undefined;
		const written = this.commit && new Set<ShardLog>();
		let bytes = 0;
		let appended = 0;
		const shardMetrics = this.kinesisMetrics.shardWrites(stream);
		for (let i = 0; i < count; i++) {
			const explicit = batch.explicitHashKey(i);
			let keyBytes: number;
			if (explicit === undefined) {
				keyBytes = batch.hashKeyInto(i, hashScratch);
			} else {
				bigIntToHashKey(BigInt(explicit), hashScratch);
				keyBytes = batch.keyBytes(i);
			}

			const dataBytes = batch.dataLength(i);
			const shard =
				stream.settings.recordDistribution === 'AUTO'
					? stream.routeEvenly()
					: stream.route(hashScratch);
			if (this.enforceLimits && !this.admitWrite(shard, now, dataBytes + keyBytes)) {
				failed++;
				shardMetrics?.throttled(shard);
				(failures ??= new Array(count))[i] = {
					ErrorCode: 'ProvisionedThroughputExceededException',
					ErrorMessage: `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${this.accountId}.`,
				};
				continue;
			}

			if (shard.log.failure) {
				// Its disk failed to sync: nothing more is written to it until a restart.
				failed++;
				(failures ??= new Array(count))[i] = {
					ErrorCode: 'InternalFailure',
					ErrorMessage: `Shard ${shard.id} of stream ${stream.name} takes no writes until kinesis-top restarts: ${shard.log.failure.message}`,
				};
				continue;
			}

			const counter = stream.nextCounter++;
			batch.appendTo(shard.log, i, counter, now, keyBytes);
			bytes += dataBytes;
			appended += keyBytes + dataBytes;
			shardMetrics?.put(shard, dataBytes);
			if (written && shard.log !== lastLog) {
				lastLog = shard.log;
				written.add(lastLog);
			}

			shards[i] = shard;
			counters[i] = counter;
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
			count,
			failed,
			bytes,
			now,
			started,
			shardMetrics,
		);
		return {
			count,
			failed,
			arrivalMs: now,
			shards,
			counters,
			failures,
			encryptionType: stream.encryption.type,
		};
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
	private validatePutEntries(batch: PutBatch, memberPrefix: string, limits = putLimits(undefined)) {
		const single = memberPrefix === 'data';
		let total = 0;
		let oversized: {index: number; length: number}[] | undefined;
		for (let i = 0; i < batch.count; i++) {
			const dataLength = batch.dataLength(i);
			const explicit = batch.explicitHashKey(i);
			if (dataLength > limits.record) (oversized ??= []).push({index: i, length: dataLength});
			// 39 digits (the model's pattern) reach beyond the hash key range.
			if (explicit !== undefined && explicit.length >= 39 && BigInt(explicit) > MAX_HASH_KEY) {
				throw invalidArgument(
					`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicit}`,
				);
			}

			total += dataLength + batch.keyLength(i);
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
}

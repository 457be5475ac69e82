/**
 * The records of one put as the write path reads them, in either of two forms:
 *
 * - {@link EntryBatch}: the entries of a PutRecords or PutRecord call, as objects — what the local
 *   driver passes, and serve's generic path once a body is parsed and decoded;
 * - a PutRecords JSON body read in place (server/put-records-json.ts): keys hashed and copied from the
 *   request's bytes and data decoded straight from them, with no object, string or view per record.
 *
 * Either way the write path (write-path.ts) does the same work in the same order, and tells what became
 * of each record in a {@link PutOutcome}, from which the caller makes its answer.
 */
import {hashPartitionKeyInto} from '../kinesis/hash-key.js';
import type {PutRecordsRequestEntry, PutRecordsResultEntry} from '../kinesis/types.js';
import {type FrameSource, writeKeyAndData} from './log/frame.js';
import type {ShardLog} from './log/shard-log.js';
import type {ShardState} from './stream.js';

export interface PutBatch {
	readonly count: number;
	dataLength(index: number): number;
	/** The partition key's length in characters, which the request size limit counts. */
	keyLength(index: number): number;
	explicitHashKey(index: number): string | undefined;
	/** The partition key's length in UTF-8 bytes, which its frame holds. */
	keyBytes(index: number): number;
	/** The MD5 of the partition key into `out` (hash-key.ts); returns its length in UTF-8 bytes. */
	hashKeyInto(index: number, out: Uint32Array): number;
	/** Appends record `index` to `log` as the record numbered `counter`. */
	appendTo(
		log: ShardLog,
		index: number,
		counter: number,
		arrivalMs: number,
		keyBytes: number,
	): void;
	/**
	 * Arrays of at least `count` entries for the outcome's `shards` (every entry undefined) and
	 * `counters`, when the batch keeps its own (one reused from put to put: a put then allocates none);
	 * else the write path makes them. Valid until the batch is reused.
	 */
	readonly outcomeArrays?: Pick<PutOutcome, 'shards' | 'counters'>;
}

/** What a put did with each of its records, in order. */
export type PutOutcome = {
	count: number;
	failed: number;
	/** The arrival time every record of the put was given. */
	arrivalMs: number;
	/** The shard each written record went to; undefined for a failed one (the first `count` entries). */
	shards: Array<ShardState | undefined>;
	/** Each written record's counter (its sequence number is its shard's `sequence.format` of it). */
	counters: number[];
	/** The failed records' result entries, by index; undefined when none failed. */
	failures: PutRecordsResultEntry[] | undefined;
	encryptionType: 'NONE' | 'KMS';
};

/** The entries of a PutRecords (or PutRecord) call as a batch. */
export class EntryBatch implements PutBatch, FrameSource {
	constructor(readonly entries: PutRecordsRequestEntry[]) {}

	get count() {
		return this.entries.length;
	}

	dataLength(index: number) {
		return this.entries[index].Data.length;
	}

	keyLength(index: number) {
		return this.entries[index].PartitionKey.length;
	}

	explicitHashKey(index: number) {
		return this.entries[index].ExplicitHashKey;
	}

	keyBytes(index: number) {
		return Buffer.byteLength(this.entries[index].PartitionKey);
	}

	hashKeyInto(index: number, out: Uint32Array) {
		return hashPartitionKeyInto(this.entries[index].PartitionKey, out);
	}

	appendTo(log: ShardLog, index: number, counter: number, arrivalMs: number, keyBytes: number) {
		log.append(counter, arrivalMs, keyBytes, this.entries[index].Data.length, this, index);
	}

	writeKeyAndData(index: number, buffer: Buffer, _view: DataView, at: number, keyBytes: number) {
		const entry = this.entries[index];
		writeKeyAndData(buffer, at, entry.PartitionKey, keyBytes, entry.Data);
	}
}

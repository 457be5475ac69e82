/**
 * The copy's writer: records in source order go out in PutRecords calls (or Firehose PutRecordBatch
 * calls) one at a time, and order per partition key is kept through throttling and retries.
 *
 * PutRecords does not keep order: when a record is refused for throughput and a later record of the same
 * key in the same call is accepted, the retry lands after it. So a call never holds two records of one
 * partition key (per-key serialisation): a record whose key is already in the call being built waits for
 * the next call, and so does every later record of that key. Throttled entries are retried (with backoff)
 * until accepted before the next call is built, so nothing overtakes them. Records of many keys fill a
 * call; a single hot key is copied one record per call.
 *
 * Firehose keeps no order by key, so for a delivery stream records simply go in source order.
 */
import {DriverError, type Driver, type PutRecordsRequestEntry} from '../driver/driver.js';
import {
	MAX_FIREHOSE_BATCH_BYTES,
	MAX_FIREHOSE_BATCH_RECORDS,
	putRecordBatchReliably,
} from '../put/put-record-batch-reliably.js';
import {entrySize, MAX_BATCH_BYTES, MAX_BATCH_RECORDS, putReliably} from '../put/put-reliably.js';

export type CopyDestination = {kind: 'stream'; name: string} | {kind: 'firehose'; name: string};

/** One record to write, with whatever the caller needs back when it is acknowledged. */
export type WriteItem<T> = {entry: PutRecordsRequestEntry; origin: T};

export type OrderedWriterOptions = {
	signal?: AbortSignal;
	/** Told how many entries were throttled each time it happens. */
	onThrottled?: (count: number) => void;
	/** First wait before a retry (default 100 ms), doubling up to `maxBackoffMs` (default 2 s). */
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** How many waiting records a call is built from, at most (default 5,000). */
	lookahead?: number;
};

export type WrittenBatch<T> = {
	items: Array<WriteItem<T>>;
	/** One per item: where it went (ShardId, SequenceNumber) or, for Firehose, its RecordId. */
	results: ReadonlyArray<{ShardId?: string; SequenceNumber?: string; RecordId?: string}>;
};

/** A record refused for good (after its retries): the copy stops there. */
export class WriteFailedError extends DriverError {}

export class OrderedWriter<T> {
	/** Records not yet written, in order, from `first` on (the slots before it are spent). */
	private waiting: Array<WriteItem<T>> = [];
	private first = 0;
	private readonly lookahead: number;

	constructor(
		private readonly driver: Driver,
		private readonly destination: CopyDestination,
		private readonly options: OrderedWriterOptions = {},
	) {
		this.lookahead = options.lookahead ?? 5000;
	}

	/** Records waiting to be written. */
	get backlog() {
		return this.waiting.length - this.first;
	}

	add(item: WriteItem<T>) {
		this.waiting.push(item);
	}

	/**
	 * Builds the next call from the waiting records, sends it, retries its throttled entries until they
	 * are accepted, and resolves with what was written; undefined when nothing waits. Rejects with a
	 * {@link WriteFailedError} when an entry is refused for good, or with the call's error.
	 */
	async writeNext(maxRecords?: number): Promise<WrittenBatch<T> | undefined> {
		const items = this.takeBatch(maxRecords);
		if (items.length === 0) return undefined;
		const retry = {
			signal: this.options.signal,
			onThrottled: this.options.onThrottled,
			minBackoffMs: this.options.minBackoffMs,
			maxBackoffMs: this.options.maxBackoffMs,
		};
		if (this.destination.kind === 'firehose') {
			const results = await putRecordBatchReliably(
				this.driver,
				this.destination.name,
				items.map((item) => ({Data: item.entry.Data})),
				retry,
			);
			throwOnFailure(results);
			return {items, results};
		}

		const results = await putReliably(
			this.driver,
			this.destination.name,
			items.map((item) => item.entry),
			retry,
		);
		throwOnFailure(results);
		return {items, results};
	}

	/** The next call: records in order, within the API's limits, at most one per partition key (streams). */
	private takeBatch(limit = Number.POSITIVE_INFINITY): Array<WriteItem<T>> {
		const firehose = this.destination.kind === 'firehose';
		const maxRecords = Math.min(limit, firehose ? MAX_FIREHOSE_BATCH_RECORDS : MAX_BATCH_RECORDS);
		const maxBytes = firehose ? MAX_FIREHOSE_BATCH_BYTES : MAX_BATCH_BYTES;
		const {waiting} = this;
		const taken: Array<WriteItem<T>> = [];
		const left: Array<WriteItem<T>> = [];
		const keys = new Set<string>();
		let bytes = 0;
		let index = this.first;
		const end = Math.min(waiting.length, this.first + this.lookahead);
		for (; index < end && taken.length < maxRecords; index++) {
			const item = waiting[index];
			// A key already in this call: this record (and so every later one of its key) waits.
			if (!firehose && keys.has(item.entry.PartitionKey)) {
				left.push(item);
				continue;
			}

			const size = firehose ? item.entry.Data.length : entrySize(item.entry);
			if (bytes + size > maxBytes && taken.length > 0) break;
			taken.push(item);
			bytes += size;
			if (!firehose) keys.add(item.entry.PartitionKey);
		}

		// The records left behind go back, in their order, into the slots just before the first unread one.
		this.first = index - left.length;
		for (let i = 0; i < left.length; i++) waiting[this.first + i] = left[i];
		if (this.first === waiting.length) {
			this.waiting = [];
			this.first = 0;
		} else if (this.first > 4096 && this.first * 2 > waiting.length) {
			this.waiting = waiting.slice(this.first);
			this.first = 0;
		}

		return taken;
	}
}

function throwOnFailure(results: ReadonlyArray<{ErrorCode?: string; ErrorMessage?: string}>) {
	const failed = results.find((result) => result.ErrorCode !== undefined);
	if (failed) {
		throw new WriteFailedError(failed.ErrorCode!, failed.ErrorMessage ?? 'the record was refused');
	}
}

/**
 * From buffered records to what a tail view lists: each record decoded (once, cached with the record)
 * into its payloads — itself, or its KPL user records, or its log events — and those filtered. Filter
 * results are cached per filter too, so a view refreshing ten times a second only decodes and tests
 * the records that are new.
 */
import {decodeRecord} from '../decode/detect.js';
import type {Payload} from '../decode/payload.js';
import {decodeUtf8Lenient} from '../decode/text.js';
import type {FilterSubject, RecordFilter} from './record-filter.js';
import type {BufferedRecord} from './tail-buffer.js';

export type TailEntry = {
	/** Unique in the tail: the record's arrival position, and the payload's index within it. */
	key: string;
	buffered: BufferedRecord;
	payload: Payload;
	/** The payload's own partition key (a KPL user record's) or else the record's. */
	partitionKey: string;
	/** What filters test, made on first use. */
	subject?: FilterSubject;
	/** The last filter tested and its verdict: a view refreshing with the same filter tests only new entries. */
	verdict?: {filter: RecordFilter; passes: boolean};
};

// The caches live on the objects themselves, not in WeakMaps: a busy tail turns over thousands of
// records a second, and every WeakMap entry is extra work for each garbage collection.
export function entriesOf(buffered: BufferedRecord): TailEntry[] {
	if (!buffered.entries) {
		const payloads = decodeRecord(buffered.record.Data);
		buffered.entries = payloads.map((payload, index) => ({
			key: payloads.length === 1 ? String(buffered.seq) : `${buffered.seq}.${index}`,
			buffered,
			payload,
			partitionKey: payload.origin.partitionKey ?? buffered.record.PartitionKey,
		}));
	}

	return buffered.entries;
}

export function subjectOf(entry: TailEntry): FilterSubject {
	if (!entry.subject) {
		const {payload} = entry;
		const text = payload.text ?? decodeUtf8Lenient(payload.bytes);
		entry.subject = {
			shardId: entry.buffered.shardId,
			partitionKey: entry.partitionKey,
			sequenceNumber: entry.buffered.record.SequenceNumber,
			text,
			data: payload.json ? payload.json.value : text,
		};
	}

	return entry.subject;
}

export function passes(entry: TailEntry, filter: RecordFilter) {
	if (entry.verdict?.filter !== filter) {
		entry.verdict = {filter, passes: filter.test(subjectOf(entry))};
	}

	return entry.verdict.passes;
}

/** Every payload of the records, oldest first, that passes the filter (all without one). */
export function tailEntries(
	records: readonly BufferedRecord[],
	filter?: RecordFilter,
): TailEntry[] {
	const out: TailEntry[] = [];
	for (const buffered of records) {
		for (const entry of entriesOf(buffered)) {
			if (!filter || passes(entry, filter)) out.push(entry);
		}
	}

	return out;
}

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
};

const decoded = new WeakMap<BufferedRecord, TailEntry[]>();
const subjects = new WeakMap<TailEntry, FilterSubject>();
const verdicts = new WeakMap<RecordFilter, WeakMap<TailEntry, boolean>>();

export function entriesOf(buffered: BufferedRecord): TailEntry[] {
	let entries = decoded.get(buffered);
	if (!entries) {
		const payloads = decodeRecord(buffered.record.Data);
		entries = payloads.map((payload, index) => ({
			key: payloads.length === 1 ? String(buffered.seq) : `${buffered.seq}.${index}`,
			buffered,
			payload,
			partitionKey: payload.origin.partitionKey ?? buffered.record.PartitionKey,
		}));
		decoded.set(buffered, entries);
	}

	return entries;
}

export function subjectOf(entry: TailEntry): FilterSubject {
	let subject = subjects.get(entry);
	if (!subject) {
		const {payload} = entry;
		const text = payload.text ?? decodeUtf8Lenient(payload.bytes);
		subject = {
			shardId: entry.buffered.shardId,
			partitionKey: entry.partitionKey,
			sequenceNumber: entry.buffered.record.SequenceNumber,
			text,
			data: payload.json ? payload.json.value : text,
		};
		subjects.set(entry, subject);
	}

	return subject;
}

export function passes(entry: TailEntry, filter: RecordFilter) {
	let cache = verdicts.get(filter);
	if (!cache) {
		cache = new WeakMap();
		verdicts.set(filter, cache);
	}

	let verdict = cache.get(entry);
	if (verdict === undefined) {
		verdict = filter.test(subjectOf(entry));
		cache.set(entry, verdict);
	}

	return verdict;
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

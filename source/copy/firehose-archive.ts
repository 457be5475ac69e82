/**
 * A Firehose delivery stream's delivered objects as a copy's source (`firehose:NAME[/PREFIX]`): each
 * object, in key order (Firehose names them by time), read back into its records — un-GZIPped when it
 * is compressed (by its content, whatever the stream's setting says now), then split:
 * - at the delimiter the stream appends (AppendDelimiterToRecord; newline by default), when it has one;
 * - else, as Firehose concatenates records without a separator, at the boundaries of concatenated JSON
 *   values when the object is JSON records one after another;
 * - else into lines when every line holds something (newline-delimited by the producer);
 * - else the whole object is one record.
 * A record has no partition key (none survives Firehose); its checkpoint
 * position is its number in the object.
 */
import {gunzipSync} from 'node:zlib';
import {isGzip} from '../decode/gzip.js';
import type {CopyRecord, CopySource} from './copy-record.js';

/** Where the delivered objects are: the bundled engine's local bucket. */
export type ArchiveStore = {
	/** Keys under `prefix`, sorted. */
	list(prefix: string): string[];
	get(key: string): Uint8Array | undefined;
};

const BATCH = 500;

export async function* readFirehoseArchive(
	store: ArchiveStore,
	prefix: string,
	delimiter: Uint8Array | undefined,
	signal?: AbortSignal,
): CopySource {
	for (const key of store.list(prefix)) {
		signal?.throwIfAborted();
		const body = store.get(key);
		if (!body) continue;
		const records = splitObject(isGzip(body) ? gunzipSync(body) : body, delimiter);
		for (let start = 0; start < records.length; start += BATCH) {
			yield records.slice(start, start + BATCH).map((data, index): CopyRecord => ({
				partition: key,
				position: String(start + index + 1),
				// No partition key survives Firehose: the copy gives each record one (random, or --key-field).
				partitionKey: '',
				data,
			}));
		}
	}
}

/** An object's records (see the module's comment for how they are told apart). */
export function splitObject(body: Uint8Array, delimiter: Uint8Array | undefined): Uint8Array[] {
	if (body.length === 0) return [];
	const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (delimiter && delimiter.length > 0) return splitAt(buffer, Buffer.from(delimiter));
	const json = splitConcatenatedJson(buffer);
	if (json) return json;
	const lines = splitAt(buffer, Buffer.from('\n'));
	if (lines.length > 1 && lines.every((line) => line.length > 0)) return lines;
	return [buffer];
}

/** Pieces between delimiters; a trailing delimiter ends the last record rather than starting one. */
function splitAt(buffer: Buffer, delimiter: Buffer): Uint8Array[] {
	const pieces: Uint8Array[] = [];
	let start = 0;
	while (start < buffer.length) {
		const at = buffer.indexOf(delimiter, start);
		if (at === -1) {
			pieces.push(buffer.subarray(start));
			break;
		}

		pieces.push(buffer.subarray(start, at));
		start = at + delimiter.length;
	}

	return pieces;
}

/**
 * Concatenated JSON objects or arrays (`{…}{…}`, maybe with whitespace between): each value's bytes, or
 * undefined when the object is not that. Strings are skipped over so braces inside them do not count.
 */
function splitConcatenatedJson(buffer: Buffer): Uint8Array[] | undefined {
	const values: Uint8Array[] = [];
	let depth = 0;
	let start = -1;
	let inString = false;
	for (let index = 0; index < buffer.length; index++) {
		const byte = buffer[index];
		if (inString) {
			if (byte === 0x5c) index++;
			else if (byte === 0x22) inString = false;
			continue;
		}

		if (depth === 0) {
			if (byte === 0x7b || byte === 0x5b) {
				start = index;
				depth = 1;
			} else if (byte > 0x20) {
				return undefined;
			}

			continue;
		}

		if (byte === 0x22) inString = true;
		else if (byte === 0x7b || byte === 0x5b) depth++;
		else if (byte === 0x7d || byte === 0x5d) {
			depth--;
			if (depth === 0) values.push(buffer.subarray(start, index + 1));
		}
	}

	if (depth !== 0 || values.length === 0) return undefined;
	// Each must really be JSON (a text that happens to start with a brace is not).
	for (const value of values) {
		try {
			JSON.parse(Buffer.from(value).toString('utf8'));
		} catch {
			return undefined;
		}
	}

	return values;
}

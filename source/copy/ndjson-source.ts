/**
 * A saved file (or stdin) as a copy's source: NDJSON lines in `kinesis-top tail`'s shape —
 * `{"ShardId","SequenceNumber","ApproximateArrivalTimestamp","PartitionKey","Data"}`, Data in base64 —
 * so `tail … > saved.ndjson` can be replayed later. A line may also carry an `ExplicitHashKey`. Lines
 * without a ShardId or SequenceNumber are numbered in the file instead (for the checkpoint).
 */
import type {Readable} from 'node:stream';
import {createInterface} from 'node:readline';
import {DriverError} from '../driver/driver.js';
import type {CopyRecord, CopySource} from './copy-record.js';

const BATCH = 500;
const SEQUENCE_NUMBER = /^(0|[1-9]\d{0,128})$/;

type SavedLine = {
	ShardId?: unknown;
	SequenceNumber?: unknown;
	ApproximateArrivalTimestamp?: unknown;
	PartitionKey?: unknown;
	ExplicitHashKey?: unknown;
	Data?: unknown;
};

/** One saved line as a record; throws an InvalidArgumentException naming the line when it is not one. */
export function parseSavedLine(text: string, lineNumber: number): CopyRecord {
	const invalid = (why: string) =>
		new DriverError('InvalidArgumentException', `line ${lineNumber}: ${why}`);
	let line: SavedLine;
	try {
		line = JSON.parse(text) as SavedLine;
	} catch {
		throw invalid('not JSON (a copy reads the NDJSON lines kinesis-top tail prints)');
	}

	if (line === null || typeof line !== 'object') throw invalid('not a JSON object');
	if (typeof line.PartitionKey !== 'string') throw invalid('no PartitionKey');
	if (typeof line.Data !== 'string') throw invalid('no Data (base64)');
	const positioned =
		typeof line.ShardId === 'string' &&
		typeof line.SequenceNumber === 'string' &&
		SEQUENCE_NUMBER.test(line.SequenceNumber);
	const arrival =
		typeof line.ApproximateArrivalTimestamp === 'string'
			? new Date(line.ApproximateArrivalTimestamp)
			: undefined;
	return {
		partition: positioned ? (line.ShardId as string) : 'line',
		position: positioned ? (line.SequenceNumber as string) : String(lineNumber),
		partitionKey: line.PartitionKey,
		...(typeof line.ExplicitHashKey === 'string' ? {explicitHashKey: line.ExplicitHashKey} : {}),
		data: Buffer.from(line.Data, 'base64'),
		...(arrival && !Number.isNaN(arrival.getTime()) ? {arrival} : {}),
	};
}

export async function* readSavedLines(input: Readable, signal?: AbortSignal): CopySource {
	const lines = createInterface({input, crlfDelay: Number.POSITIVE_INFINITY});
	const stop = () => lines.close();
	signal?.addEventListener('abort', stop, {once: true});
	try {
		let batch: CopyRecord[] = [];
		let lineNumber = 0;
		for await (const line of lines) {
			lineNumber++;
			if (line.trim() === '') continue;
			const record = parseSavedLine(line, lineNumber);
			// A batch holds one partition's records (as a tail's batches do).
			if (batch.length > 0 && (batch[0].partition !== record.partition || batch.length >= BATCH)) {
				yield batch;
				batch = [];
			}

			batch.push(record);
		}

		if (batch.length > 0) yield batch;
	} finally {
		signal?.removeEventListener('abort', stop);
		lines.close();
	}
}

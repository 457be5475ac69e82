/**
 * PutRecords as a careful producer calls it: batches within the API's limits (500 records, 5 MiB with
 * the partition keys), and entries refused for throughput retried with backoff until they are accepted,
 * so a burst loses nothing. Results come back one per entry, in the order given.
 */
import {
	type Driver,
	type PutRecordsRequestEntry,
	type PutRecordsResultEntry,
} from '../driver/driver.js';
import {sendWithRetries, type BatchRetryOptions} from './batch-retries.js';

/** PutRecords: at most 500 records … */
export const MAX_BATCH_RECORDS = 500;
/** … and 5 MiB of data and partition keys per call. */
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** One record's data: at most 1 MiB. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Per-entry and per-call errors that mean "not now": retried for as long as it takes. */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'KMSThrottlingException']);

export type PutReliablyOptions = BatchRetryOptions;

/** What counts against the 5 MiB request limit: the data and the partition key. */
export const entrySize = (entry: PutRecordsRequestEntry) =>
	entry.Data.length + Buffer.byteLength(entry.PartitionKey);

/**
 * Puts one batch (within the limits above), retrying throttled entries until they are accepted and
 * other retryable failures a few times. Rejects only when a whole call fails for good (a missing stream,
 * access denied) or `signal` aborts.
 */
export function putReliably(
	driver: Driver,
	streamName: string,
	entries: readonly PutRecordsRequestEntry[],
	options: PutReliablyOptions = {},
): Promise<PutRecordsResultEntry[]> {
	return sendWithRetries(
		entries,
		(batch, signal) =>
			driver.putRecords(streamName, batch, signal).then((output) => output.records),
		THROTTLING,
		options,
	);
}

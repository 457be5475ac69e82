/**
 * Firehose's PutRecordBatch as a careful producer calls it: batches within the API's limits (500
 * records, 4 MiB of data), and records refused for throughput (ServiceUnavailableException, per record
 * or for the whole request) retried with backoff until they are accepted; InternalFailure a few times.
 * Results come back one per record, in the order given.
 */
import {
	type Driver,
	type FirehoseRecord,
	type PutRecordBatchResponseEntry,
} from '../driver/driver.js';
import {sendWithRetries, type BatchRetryOptions} from './batch-retries.js';

/** PutRecordBatch: at most 500 records … */
export const MAX_FIREHOSE_BATCH_RECORDS = 500;
/** … and 4 MiB of data per call. */
export const MAX_FIREHOSE_BATCH_BYTES = 4 * 1024 * 1024;
/** One record's data: at most 1,000 KiB. */
export const MAX_FIREHOSE_RECORD_BYTES = 1_024_000;

/** Firehose's "slow down": a per-record error, or the whole request's when it is over the request rate. */
const THROTTLING = new Set(['ServiceUnavailableException', 'ThrottlingException']);

export type PutRecordBatchReliablyOptions = BatchRetryOptions;

/**
 * Puts one batch (within the limits above), retrying throttled records until they are accepted and
 * other failures a few times. Rejects only when a whole call fails for good (a missing delivery stream,
 * access denied) or `signal` aborts.
 */
export function putRecordBatchReliably(
	driver: Driver,
	deliveryStream: string,
	records: readonly FirehoseRecord[],
	options: PutRecordBatchReliablyOptions = {},
): Promise<PutRecordBatchResponseEntry[]> {
	return sendWithRetries(
		records,
		(batch, signal) =>
			driver
				.putRecordBatch(deliveryStream, batch, signal)
				.then((output) => output.RequestResponses),
		THROTTLING,
		options,
	);
}

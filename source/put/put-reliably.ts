/**
 * PutRecords as a careful producer calls it: batches within the API's limits (500 records, 5 MiB with
 * the partition keys), and entries refused for throughput retried with backoff until they are accepted,
 * so a burst loses nothing. Results come back one per entry, in the order given.
 */
import {
	DriverError,
	type Driver,
	type PutRecordsRequestEntry,
	type PutRecordsResultEntry,
} from '../driver/driver.js';

/** PutRecords: at most 500 records … */
export const MAX_BATCH_RECORDS = 500;
/** … and 5 MiB of data and partition keys per call. */
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** One record's data: at most 1 MiB. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Per-entry and per-call errors that mean "not now": retried for as long as it takes. */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'KMSThrottlingException']);

export type PutReliablyOptions = {
	signal?: AbortSignal;
	/** First wait before a retry (default 100 ms), doubling up to `maxBackoffMs` (default 2 s). */
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Retries for other retryable failures (InternalFailure, …) before an entry is given up (default 5). */
	maxFailureRetries?: number;
	/** Told how many entries were throttled each time it happens. */
	onThrottled?: (count: number) => void;
};

/** What counts against the 5 MiB request limit: the data and the partition key. */
export const entrySize = (entry: PutRecordsRequestEntry) =>
	entry.Data.length + Buffer.byteLength(entry.PartitionKey);

/**
 * Puts one batch (within the limits above), retrying throttled entries until they are accepted and
 * other retryable failures a few times. Rejects only when a whole call fails for good (a missing stream,
 * access denied) or `signal` aborts.
 */
export async function putReliably(
	driver: Driver,
	streamName: string,
	entries: readonly PutRecordsRequestEntry[],
	options: PutReliablyOptions = {},
): Promise<PutRecordsResultEntry[]> {
	const minBackoff = options.minBackoffMs ?? 100;
	const maxBackoff = options.maxBackoffMs ?? 2000;
	const maxFailureRetries = options.maxFailureRetries ?? 5;
	const results: PutRecordsResultEntry[] = new Array(entries.length);
	let pending = entries.map((_, index) => index);
	let backoff = 0;
	let failures = 0;
	const wait = async () => {
		backoff = backoff === 0 ? minBackoff : Math.min(backoff * 2, maxBackoff);
		// Jitter, so producers throttled together do not retry together.
		await sleep(backoff * (0.5 + Math.random() / 2), options.signal);
	};

	while (pending.length > 0) {
		options.signal?.throwIfAborted();
		let output;
		try {
			output = await driver.putRecords(
				streamName,
				pending.map((index) => entries[index]),
				options.signal,
			);
		} catch (error) {
			const throttled = error instanceof DriverError && THROTTLING.has(error.code);
			const retryable = error instanceof DriverError && error.retryable;
			if (!throttled && !(retryable && failures++ < maxFailureRetries)) throw error;
			await wait();
			continue;
		}

		const retry: number[] = [];
		let throttled = 0;
		let failed = false;
		output.records.forEach((result, position) => {
			const index = pending[position];
			results[index] = result;
			if (result.ErrorCode === undefined) return;
			if (THROTTLING.has(result.ErrorCode)) {
				throttled++;
				retry.push(index);
			} else if (result.ErrorCode === 'InternalFailure' && failures < maxFailureRetries) {
				failed = true;
				retry.push(index);
			}
		});
		if (failed) failures++;
		if (throttled > 0) options.onThrottled?.(throttled);
		pending = retry;
		if (pending.length > 0) await wait();
		else backoff = 0;
	}

	return results;
}

function sleep(ms: number, signal: AbortSignal | undefined) {
	return new Promise<void>((resolve, reject) => {
		if (signal?.aborted) {
			reject(signal.reason as Error);
			return;
		}

		const onAbort = () => {
			clearTimeout(timer);
			reject(signal!.reason as Error);
		};

		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}

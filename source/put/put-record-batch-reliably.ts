/**
 * Firehose's PutRecordBatch as a careful producer calls it: batches within the API's limits (500
 * records, 4 MiB of data), and records refused for throughput (ServiceUnavailableException, per record
 * or for the whole request) retried with backoff until they are accepted; InternalFailure a few times.
 * Results come back one per record, in the order given.
 */
import {
	DriverError,
	type Driver,
	type FirehoseRecord,
	type PutRecordBatchResponseEntry,
} from '../driver/driver.js';

/** PutRecordBatch: at most 500 records … */
export const MAX_FIREHOSE_BATCH_RECORDS = 500;
/** … and 4 MiB of data per call. */
export const MAX_FIREHOSE_BATCH_BYTES = 4 * 1024 * 1024;
/** One record's data: at most 1,000 KiB. */
export const MAX_FIREHOSE_RECORD_BYTES = 1_024_000;

/** Firehose's "slow down": a per-record error, or the whole request's when it is over the request rate. */
const THROTTLING = new Set(['ServiceUnavailableException', 'ThrottlingException']);

export type PutRecordBatchReliablyOptions = {
	signal?: AbortSignal;
	/** First wait before a retry (default 100 ms), doubling up to `maxBackoffMs` (default 2 s). */
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Retries of InternalFailure and other retryable failures before a record is given up (default 5). */
	maxFailureRetries?: number;
	/** Told how many records were throttled each time it happens. */
	onThrottled?: (count: number) => void;
};

/**
 * Puts one batch (within the limits above), retrying throttled records until they are accepted and
 * other failures a few times. Rejects only when a whole call fails for good (a missing delivery stream,
 * access denied) or `signal` aborts.
 */
export async function putRecordBatchReliably(
	driver: Driver,
	deliveryStream: string,
	records: readonly FirehoseRecord[],
	options: PutRecordBatchReliablyOptions = {},
): Promise<PutRecordBatchResponseEntry[]> {
	const minBackoff = options.minBackoffMs ?? 100;
	const maxBackoff = options.maxBackoffMs ?? 2000;
	const maxFailureRetries = options.maxFailureRetries ?? 5;
	const results: PutRecordBatchResponseEntry[] = new Array(records.length);
	let pending = records.map((_, index) => index);
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
			output = await driver.putRecordBatch(
				deliveryStream,
				pending.map((index) => records[index]),
				options.signal,
			);
		} catch (error) {
			const throttled = error instanceof DriverError && THROTTLING.has(error.code);
			const retryable = error instanceof DriverError && error.retryable;
			if (!throttled && !(retryable && failures++ < maxFailureRetries)) throw error;
			if (throttled) options.onThrottled?.(pending.length);
			await wait();
			continue;
		}

		const retry: number[] = [];
		let throttled = 0;
		let failed = false;
		output.RequestResponses.forEach((result, position) => {
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

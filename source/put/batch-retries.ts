/**
 * The retry loop both careful producers share (PutRecords and Firehose's PutRecordBatch): send a batch,
 * keep each entry's result, and send again only the entries refused for throughput — until they are
 * accepted, with exponential backoff and jitter — or with InternalFailure, a few times. A whole call
 * that fails is retried the same way when it was throttled or is retryable; otherwise it rejects.
 */
import {DriverError} from '../driver/driver.js';
import {isTransient} from '../driver/transient.js';
import {sleep} from '../sleep.js';

export type BatchRetryOptions = {
	signal?: AbortSignal;
	/** First wait before a retry (default 100 ms), doubling up to `maxBackoffMs` (default 2 s). */
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Retries of InternalFailure and other retryable failures before an entry is given up (default 5). */
	maxFailureRetries?: number;
	/** Told how many entries were throttled each time it happens. */
	onThrottled?: (count: number) => void;
};

/**
 * Sends `entries` through `send` (one call per round, the entries still pending, in order) and resolves
 * with one result per entry, in the order given. `throttling` names the error codes that mean "not now".
 */
export async function sendWithRetries<Entry, Result extends {ErrorCode?: string}>(
	entries: readonly Entry[],
	send: (batch: Entry[], signal?: AbortSignal) => Promise<readonly Result[]>,
	throttling: ReadonlySet<string>,
	options: BatchRetryOptions = {},
): Promise<Result[]> {
	const minBackoff = options.minBackoffMs ?? 100;
	const maxBackoff = options.maxBackoffMs ?? 2000;
	const maxFailureRetries = options.maxFailureRetries ?? 5;
	const results: Result[] = new Array(entries.length);
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
			output = await send(
				pending.map((index) => entries[index]),
				options.signal,
			);
		} catch (error) {
			const throttled = error instanceof DriverError && throttling.has(error.code);
			if (!throttled && !(isTransient(error) && failures++ < maxFailureRetries)) throw error;
			if (throttled) options.onThrottled?.(pending.length);
			await wait();
			continue;
		}

		const retry: number[] = [];
		let throttled = 0;
		let failed = false;
		output.forEach((result, position) => {
			const index = pending[position];
			results[index] = result;
			if (result.ErrorCode === undefined) return;
			if (throttling.has(result.ErrorCode)) {
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

/**
 * Retrying through outages, in one place: wraps any Driver so that a call failing for a transient reason
 * (the endpoint refusing, resetting, not answering, answering garbage or 5xx; throttling outside the
 * calls whose callers pace themselves) is retried with backoff for up to `retryForMs`, then given up
 * with the last error made non-retryable — so no model loop above (the tail's, the producers') goes on
 * retrying it silently. Infinity retries for as long as the caller runs (a following tail); 0 never.
 *
 * An outage is reported, not each attempt: once when calls start being retried and once when the last
 * failing call is answered, however many calls (a tail's shards) fail and retry meanwhile.
 */
import {DriverError, type Driver} from './driver.js';
import {isTransient as transient} from './transient.js';
import {sleep} from '../sleep.js';

export type RetryReport =
	| {kind: 'retrying'; error: DriverError; attempt: number; nextInMs: number}
	| {kind: 'recovered'; afterMs: number};

export type RetryPolicy = {
	/** How long a failing call is retried, from its first attempt: Infinity for ever, 0 never. */
	retryForMs: number;
	/** Told when an outage starts being retried and when it is over. */
	onReport?: (report: RetryReport) => void;
	/** First wait (default 250 ms), doubling up to `maxBackoffMs` (default 5 s). */
	minBackoffMs?: number;
	maxBackoffMs?: number;
};

/** Where each method takes its AbortSignal: the wrapper passes one bounded by the retry deadline. */
const SIGNAL_AT = {
	listStreams: 0,
	describeStreamSummary: 1,
	describeStream: 1,
	createStream: 2,
	deleteStream: 1,
	putRecords: 2,
	getShardIterator: 3,
	getRecords: 2,
	splitShard: 3,
	mergeShards: 3,
	updateShardCount: 2,
	listStreamConsumers: 1,
	getMetrics: 1,
	listDeliveryStreams: 0,
	describeDeliveryStream: 1,
	putRecordBatch: 2,
	listTables: 0,
	describeTable: 1,
	scanTable: 2,
	updateTableItem: 3,
	listEventSourceMappings: 1,
} satisfies Record<
	Exclude<keyof Driver, 'target' | 'close' | 'lostPutAnswers' | 'backendNotice'>,
	number
>;

type Method = keyof typeof SIGNAL_AT;

/**
 * Calls whose callers handle throttling themselves — the tail paces its reads and counts throttled
 * calls, the producers retry refused entries for as long as it takes — so their throttling passes up:
 * the codes each caller takes for throttling (Firehose's is ServiceUnavailableException).
 */
const KINESIS_THROTTLING = new Set([
	'ProvisionedThroughputExceededException',
	'KMSThrottlingException',
	'ThrottlingException',
]);
const SELF_PACED: Partial<Record<Method, ReadonlySet<string>>> = {
	getRecords: KINESIS_THROTTLING,
	putRecords: KINESIS_THROTTLING,
	putRecordBatch: new Set(['ServiceUnavailableException', 'ThrottlingException']),
};

/**
 * A single quick failure is retried once before the outage is announced: every HTTP client silently
 * retries a request sent on a keep-alive socket the server had just closed, and a following tail would
 * otherwise report those as outages. A failure that took long (an attempt cut after its timeout) is
 * announced at once: the user has already waited.
 */
const ANNOUNCED_FROM_ATTEMPT = 2;
const QUIET_MS = 1000;

export function retrying(driver: Driver, policy: RetryPolicy): Driver {
	const outage = new Outage(policy.onReport);
	const wrapped = Object.create(driver) as Driver;
	for (const [method, signalAt] of Object.entries(SIGNAL_AT) as Array<[Method, number]>) {
		const original = driver[method] as (...args: unknown[]) => Promise<unknown>;
		const value = (...args: unknown[]) =>
			retry(
				(signal) => {
					const withSignal = [...args];
					withSignal[signalAt] = signal;
					return original.apply(driver, withSignal);
				},
				args[signalAt] as AbortSignal | undefined,
				{method, policy, outage, where: endpointOf(driver)},
			);
		Object.defineProperty(wrapped, method, {value});
	}

	return wrapped;
}

const endpointOf = (driver: Driver) =>
	driver.target.location ?? `AWS in ${driver.target.region || 'its region'}`;

type Context = {method: Method; policy: RetryPolicy; outage: Outage; where: string};

async function retry<T>(
	attempt: (signal: AbortSignal | undefined) => Promise<T>,
	signal: AbortSignal | undefined,
	{method, policy, outage, where}: Context,
): Promise<T> {
	const {retryForMs} = policy;
	const minBackoff = policy.minBackoffMs ?? 250;
	const maxBackoff = policy.maxBackoffMs ?? 5000;
	const started = Date.now();
	const deadline = started + retryForMs;
	let backoff = 0;
	let last: DriverError | undefined;
	const call = {};
	try {
		for (let attempts = 1; ; attempts++) {
			// No attempt runs past the deadline: an endpoint that never answers is cut there.
			const bounded =
				retryForMs > 0 && Number.isFinite(deadline) ? boundedSignal(signal, deadline) : undefined;
			try {
				const result = await attempt(bounded?.signal ?? signal);
				outage.answered(call);
				return result;
			} catch (caught) {
				if (signal?.aborted) throw caught;
				// An attempt cut by the deadline says less than the failure that made it a retry.
				const error = bounded?.expired()
					? (last ?? new DriverError('TimeoutError', `no answer from ${where}`, true))
					: caught;
				if (!isTransient(method, error)) {
					// The endpoint answered: whatever it said, it is reachable again.
					outage.answered(call);
					throw error;
				}

				last = error;
				const elapsed = Date.now() - started;
				// (A timer may fire a millisecond before Date.now() reaches the deadline.)
				if (bounded?.expired() || Date.now() >= deadline) {
					throw givenUp(error, attempts, elapsed, retryForMs);
				}

				backoff = backoff === 0 ? minBackoff : Math.min(backoff * 2, maxBackoff);
				const wait = Math.min(backoff, deadline - Date.now());
				outage.failed(call, error, attempts, wait, elapsed);
				await sleep(wait, signal);
			} finally {
				bounded?.dispose();
			}
		}
	} finally {
		// Given up or stopped: not a recovery, but no longer part of the outage either.
		outage.forget(call);
	}
}

/**
 * Kinesis's LimitExceededException means a rate ("too many DescribeStream calls") or a quota ("cannot
 * scale beyond double") alike, and only the caller knows which: it passes up, retryable as it came.
 */
const AMBIGUOUS = new Set(['LimitExceededException']);

function isTransient(method: Method, error: unknown): error is DriverError {
	if (!transient(error) || AMBIGUOUS.has(error.code)) return false;
	return !SELF_PACED[method]?.has(error.code);
}

/** The last error, no longer retryable: the callers above must not retry what was given up. */
function givenUp(error: DriverError, attempts: number, elapsedMs: number, retryForMs: number) {
	const how =
		retryForMs === 0
			? 'not retried: --retry-for 0'
			: `gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} in ${seconds(elapsedMs)}`;
	return new DriverError(error.code, `${error.message} (${how})`, false);
}

/**
 * An outage's cause as a person reads it: a network failure's message says it all (`ECONNREFUSED
 * 127.0.0.1:4567`); other errors (a 503, throttling) are named by their code, as in the error line.
 */
export function outageText({code, message}: {code: string; message: string}) {
	return ['NetworkingError', 'TimeoutError'].includes(code) ? message : `${code}: ${message}`;
}

/** `2 s`, `0.5 s`, `12 s`: what a person reads at a glance. */
export function seconds(ms: number) {
	const value = ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000);
	return `${value} s`;
}

/** The caller's signal, also aborted at `deadline`; `expired()` tells which of the two it was. */
function boundedSignal(signal: AbortSignal | undefined, deadline: number) {
	const controller = new AbortController();
	let expired = false;
	const abort = () => controller.abort(signal?.reason);
	signal?.addEventListener('abort', abort, {once: true});
	const timer = setTimeout(
		() => {
			expired = true;
			controller.abort();
		},
		Math.max(0, deadline - Date.now()),
	);
	return {
		signal: controller.signal,
		expired: () => expired,
		dispose() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', abort);
		},
	};
}

/**
 * One outage as the reports see it, shared by every call through the wrapper: it lasts while any call
 * is failing, and is over when the last of them is answered. (Calls answered meanwhile — another shard,
 * through another connection — do not end it: a partial outage would otherwise be reported once per
 * attempt of the calls still failing.)
 */
class Outage {
	private readonly failing = new Set<object>();
	private since: number | undefined;
	private announced = false;

	constructor(private readonly report: RetryPolicy['onReport']) {}

	failed(call: object, error: DriverError, attempt: number, nextInMs: number, elapsedMs: number) {
		this.failing.add(call);
		this.since ??= Date.now();
		if (this.announced || (attempt < ANNOUNCED_FROM_ATTEMPT && elapsedMs < QUIET_MS)) return;
		this.announced = true;
		this.report?.({kind: 'retrying', error, attempt, nextInMs});
	}

	answered(call: object) {
		if (!this.failing.delete(call) || this.failing.size > 0) return;
		if (this.announced) this.report?.({kind: 'recovered', afterMs: Date.now() - this.since!});
		this.reset();
	}

	forget(call: object) {
		if (this.failing.delete(call) && this.failing.size === 0) this.reset();
	}

	private reset() {
		this.announced = false;
		this.since = undefined;
	}
}

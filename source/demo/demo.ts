/**
 * The demo traffic generator behind `--demo`: creates the demo streams when they are absent and feeds
 * them a few hundred records per second through the Driver, as a real producer would — batched
 * PutRecords every ~100 ms, throttled entries retried on the next tick, errors counted, never thrown.
 * On the local engine it also creates the `clickstream-archive` delivery stream (see archive.ts) and,
 * with the engine's own DynamoDB, runs the `clickstream-enricher` KCL-style consumer application on
 * `clickstream` (see consumer-app.ts).
 */
import {DriverError, type Driver, type PutRecordsRequestEntry} from '../driver/driver.js';
import {LocalDriver} from '../driver/local-driver.js';
import {isTransient} from '../driver/transient.js';
import {DEMO_ARCHIVE, ensureDemoArchive} from './archive.js';
import {startConsumerApp, type ConsumerAppOptions} from './consumer-app.js';
import {appLogs, clickstream, orders, type Generator} from './generators.js';
import {mulberry32, type Random} from './random.js';

export type DemoStreamSpec = {
	name: string;
	shardCount: number;
	/** Fraction of the total rate this stream receives. */
	share: number;
	generator: (random: Random, owner: string) => Generator;
};

/** clickstream : orders : app-logs ≈ 70 : 20 : 10. */
export const DEMO_STREAMS: readonly DemoStreamSpec[] = [
	{name: 'clickstream', shardCount: 4, share: 0.7, generator: (random) => clickstream(random)},
	{name: 'orders', shardCount: 2, share: 0.2, generator: (random) => orders(random)},
	{name: 'app-logs', shardCount: 1, share: 0.1, generator: appLogs},
];

export const DEFAULT_DEMO_RATE = 300;

export type DemoOptions = {
	/** Records per second over all demo streams (default 300). */
	rate?: number;
	/** Stops the demo when aborted. */
	signal?: AbortSignal;
	/** PRNG seed: the same seed produces the same keys and payloads. */
	seed?: number;
	/** Time between PutRecords rounds (default 100 ms). */
	tickMs?: number;
	/** The consumer application's settings (its timings), or false for none. */
	consumer?: ConsumerAppOptions | false;
};

export type DemoStats = {
	/** Records the backend accepted. */
	sent: number;
	/** Entries refused with ProvisionedThroughputExceededException (each retried on a later tick). */
	throttled: number;
	/** Entries given up: a non-retryable error, or the retry queue was full. */
	dropped: number;
	/** Calls that failed as a whole (network, permissions, missing stream, …). */
	errors: number;
	lastError?: string;
	perStream: Record<string, {sent: number; phase: Phase}>;
};

export type Demo = {
	/** Stops the timer, cancels the call in flight and waits for the current round to finish. */
	stop(): Promise<void>;
	stats(): DemoStats;
};

/** checking → (creating) → active; `gone` once the stream cannot be fed (deleted, access denied). */
type Phase = 'checking' | 'active' | 'gone';

type StreamState = {
	spec: DemoStreamSpec;
	generate: Generator;
	phase: Phase;
	createdByUs: boolean;
	nextCheckAt: number;
	/** Records owed but not yet generated (fractions carry over between ticks). */
	budget: number;
	retry: PutRecordsRequestEntry[];
	sent: number;
};

const MAX_BATCH_ENTRIES = 500;
const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** Throttled entries waiting for a retry, per stream; beyond it the oldest are dropped and counted. */
const MAX_RETRY_QUEUE = 5_000;
const CHECK_INTERVAL_MS = 1_000;
const RETRYABLE_ENTRY_ERRORS = new Set([
	'ProvisionedThroughputExceededException',
	'InternalFailure',
]);

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';
const codeOf = (error: unknown) => (error instanceof DriverError ? error.code : undefined);
const messageOf = (error: unknown) =>
	error instanceof DriverError
		? `${error.code}: ${error.message}`
		: error instanceof Error
			? error.message
			: String(error);

/** Starts feeding the demo streams; returns at once (creation happens on the first tick). */
export function startDemo(driver: Driver, options: DemoOptions = {}): Demo {
	const rate = options.rate ?? DEFAULT_DEMO_RATE;
	if (!(rate >= 0) || !Number.isFinite(rate))
		throw new RangeError(`demo rate must be ≥ 0, got ${rate}`);
	const tickMs = options.tickMs ?? 100;
	const seed = options.seed ?? 0x6b746f70;
	const owner = driver.target.account ?? '123456789012';
	// One PRNG per stream: each stream's records depend on the seed alone, not on how ticks interleave.
	const streams: StreamState[] = DEMO_STREAMS.map((spec, index) => ({
		spec,
		generate: spec.generator(mulberry32(seed + index * 0x9e3779b9), owner),
		phase: 'checking',
		createdByUs: false,
		nextCheckAt: 0,
		budget: 0,
		retry: [],
		sent: 0,
	}));
	const stats = {
		sent: 0,
		throttled: 0,
		dropped: 0,
		errors: 0,
		lastError: undefined as string | undefined,
	};
	const controller = new AbortController();
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<void> | undefined;
	let lastTick: number | undefined;
	let stopped = false;

	const fail = (error: unknown) => {
		stats.errors++;
		stats.lastError = messageOf(error);
	};

	const requeue = (state: StreamState, entries: PutRecordsRequestEntry[]) => {
		state.retry.push(...entries);
		const excess = state.retry.length - MAX_RETRY_QUEUE;
		if (excess > 0) {
			state.retry.splice(0, excess);
			stats.dropped += excess;
		}
	};

	/** Finds out whether the stream exists and is writable, creating it the first time it is absent. */
	const check = async (state: StreamState, now: number) => {
		const {name, shardCount} = state.spec;
		const signal = controller.signal;
		state.nextCheckAt = now + CHECK_INTERVAL_MS;
		for (let attempt = 0; attempt < 2; attempt++) {
			try {
				const summary = await driver.describeStreamSummary(name, signal);
				if (summary.StreamStatus === 'ACTIVE' || summary.StreamStatus === 'UPDATING') {
					state.phase = 'active';
					// The archive reads its source from the start, so it may be created any time after.
					if (name === DEMO_ARCHIVE.source && driver instanceof LocalDriver) {
						ensureDemoArchive(driver.backend);
					}
				}

				return;
			} catch (error) {
				if (codeOf(error) !== 'ResourceNotFoundException') throw error;
				// Just created: AWS may not show it yet. Look again on the next check.
				if (state.createdByUs) return;
			}

			try {
				await driver.createStream(name, {mode: 'PROVISIONED', shardCount}, signal);
			} catch (error) {
				if (codeOf(error) !== 'ResourceInUseException') throw error;
			}

			// Created (or someone else just did): look again at once, a local stream is ACTIVE already.
			state.createdByUs = true;
		}
	};

	/** Sends one tick's records for a stream: the retry queue first, then fresh ones. */
	const feed = async (state: StreamState, now: number, elapsedMs: number) => {
		const perSecond = rate * state.spec.share;
		// A stalled tick does not turn into a burst: at most one second's worth is owed.
		state.budget = Math.min(state.budget + (perSecond * elapsedMs) / 1000, Math.max(perSecond, 1));
		const fresh = Math.floor(state.budget);
		state.budget -= fresh;
		const entries = state.retry.splice(0, MAX_BATCH_ENTRIES);
		for (let i = 0; i < fresh; i++) entries.push(state.generate(now));
		for (const batch of batches(entries)) {
			if (controller.signal.aborted) return;
			try {
				const result = await driver.putRecords(state.spec.name, batch, controller.signal);
				const again: PutRecordsRequestEntry[] = [];
				result.records.forEach((entry, i) => {
					if (entry.ErrorCode === undefined) {
						state.sent++;
						stats.sent++;
					} else if (RETRYABLE_ENTRY_ERRORS.has(entry.ErrorCode)) {
						if (entry.ErrorCode === 'ProvisionedThroughputExceededException') stats.throttled++;
						again.push(batch[i]);
					} else {
						stats.dropped++;
						stats.lastError = `${entry.ErrorCode}: ${entry.ErrorMessage}`;
					}
				});
				requeue(state, again);
			} catch (error) {
				if (isAbort(error)) return;
				fail(error);
				if (!isTransient(error)) {
					// Deleted under us, access denied, …: the same call will not succeed later, so stop
					// feeding this stream (rather than fight whoever deleted it); lastError says why.
					state.phase = 'gone';
					stats.dropped += batch.length + state.retry.length;
					state.retry = [];
					return;
				}

				requeue(state, batch);
			}
		}
	};

	const tick = async () => {
		const now = Date.now();
		const elapsed = lastTick === undefined ? tickMs : now - lastTick;
		lastTick = now;
		await Promise.all(
			streams.map(async (state) => {
				try {
					if (state.phase === 'checking' && now >= state.nextCheckAt) await check(state, now);
					if (state.phase === 'active') await feed(state, now, elapsed);
				} catch (error) {
					if (isAbort(error)) return;
					fail(error);
					if (!isTransient(error) && (error as DriverError).code !== 'ResourceNotFoundException') {
						state.phase = 'gone';
					}
				}
			}),
		);
	};

	const schedule = (delay: number) => {
		timer = setTimeout(() => {
			timer = undefined;
			const started = Date.now();
			running = tick().finally(() => {
				running = undefined;
				if (!stopped) schedule(Math.max(0, tickMs - (Date.now() - started)));
			});
		}, delay);
	};

	// Only on the local engine with its own DynamoDB: elsewhere a lease table would be a real one.
	const dynamodb = driver instanceof LocalDriver ? driver.localDynamoDb : undefined;
	const consumer =
		dynamodb && options.consumer !== false && !options.signal?.aborted
			? startConsumerApp(driver, dynamodb.api, options.consumer || {})
			: undefined;

	const stop = async () => {
		if (!stopped) {
			stopped = true;
			options.signal?.removeEventListener('abort', onAbort);
			if (timer) clearTimeout(timer);
			timer = undefined;
			controller.abort();
		}

		await Promise.all([running, consumer?.stop()]);
	};

	const onAbort = () => void stop();
	if (options.signal?.aborted) {
		stopped = true;
	} else {
		options.signal?.addEventListener('abort', onAbort, {once: true});
		schedule(0);
	}

	return {
		stop,
		stats: () => ({
			...stats,
			perStream: Object.fromEntries(
				streams.map((state) => [state.spec.name, {sent: state.sent, phase: state.phase}]),
			),
		}),
	};
}

/** Splits entries into PutRecords calls within the 500-entry and 5 MiB request limits. */
function* batches(entries: PutRecordsRequestEntry[]) {
	let batch: PutRecordsRequestEntry[] = [];
	let bytes = 0;
	for (const entry of entries) {
		const size = entry.Data.length + Buffer.byteLength(entry.PartitionKey);
		if (
			batch.length > 0 &&
			(batch.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)
		) {
			yield batch;
			batch = [];
			bytes = 0;
		}

		batch.push(entry);
		bytes += size;
	}

	if (batch.length > 0) yield batch;
}

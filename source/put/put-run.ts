/**
 * A bounded put from the console, to a stream or a Firehose delivery stream: one record, N records, or a
 * small load generator (N records at R records/s), with a live count and a stop. Batches of up to 500
 * go through putReliably (PutRecords) or putRecordBatchReliably, so throttled entries are retried
 * rather than lost; the state is published to listeners at most every `publishMs`
 * (not per record), for the put screen to draw.
 */
import {randomUUID} from 'node:crypto';
import type {Driver, PutRecordsRequestEntry} from '../driver/driver.js';
import {MAX_BATCH_RECORDS, putReliably} from './put-reliably.js';
import {putRecordBatchReliably} from './put-record-batch-reliably.js';

export type PutTarget = {kind: 'stream'; name: string} | {kind: 'delivery'; name: string};

export type PutSpec = {
	/** Undefined: a random key per record, which spreads records over the shards. */
	partitionKey?: string;
	explicitHashKey?: string;
	data: Uint8Array;
	/** Records to put (≥ 1). */
	count: number;
	/** Records per second; undefined: as fast as the stream accepts them. */
	ratePerSecond?: number;
};

/** Where the last record went: its shard and sequence number, or a delivery stream's RecordId. */
export type PutOutcome = {shardId: string; sequenceNumber: string} | {recordId: string};

export type PutRunState = {
	running: boolean;
	sent: number;
	failed: number;
	throttled: number;
	/** The last accepted record: where it went. */
	last?: PutOutcome;
	/** Why the run stopped early, or the last entry's error. */
	error?: string;
	stopped: boolean;
};

/** How often the pacing loop wakes when a rate is set. */
const TICK_MS = 100;

export class PutRun {
	private state: PutRunState = {running: false, sent: 0, failed: 0, throttled: 0, stopped: false};
	private readonly listeners = new Set<(state: PutRunState) => void>();
	private readonly controller = new AbortController();
	private lastPublished = 0;
	private done: Promise<void> | undefined;

	constructor(
		private readonly driver: Driver,
		private readonly target: PutTarget,
		private readonly spec: PutSpec,
		private readonly publishMs = 100,
	) {}

	getState = () => this.state;

	subscribe = (listener: (state: PutRunState) => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	/** Starts the run; the promise resolves when it has ended (all sent, failed, or stopped). */
	start(): Promise<void> {
		this.done ??= this.run();
		return this.done;
	}

	/** Stops after the call in flight; records not yet sent are not sent. */
	async stop() {
		this.controller.abort();
		this.update({stopped: true}, true);
		await this.done;
	}

	private async run() {
		const {count, ratePerSecond} = this.spec;
		const started = Date.now();
		this.update({running: true}, true);
		try {
			while (this.state.sent + this.state.failed < count && !this.controller.signal.aborted) {
				const attempted = this.state.sent + this.state.failed;
				const owed =
					ratePerSecond === undefined
						? count - attempted
						: Math.min(
								count - attempted,
								Math.floor(((Date.now() - started) / 1000) * ratePerSecond) + 1 - attempted,
							);
				if (owed <= 0) {
					await sleep(TICK_MS, this.controller.signal);
					continue;
				}

				await this.send(Math.min(owed, MAX_BATCH_RECORDS));
			}
		} catch (error) {
			if (!this.controller.signal.aborted) {
				this.update({error: error instanceof Error ? error.message : String(error)}, true);
			}
		} finally {
			this.update({running: false}, true);
		}
	}

	private async send(size: number) {
		let throttled = this.state.throttled;
		const options = {
			signal: this.controller.signal,
			onThrottled: (n: number) => {
				throttled += n;
			},
		};
		const results = await this.put(size, options);
		let {sent, failed, last, error} = this.state;
		for (const result of results) {
			if (result.ErrorCode === undefined) {
				sent++;
				last = result.outcome;
			} else {
				failed++;
				error = `${result.ErrorCode}: ${result.ErrorMessage}`;
			}
		}

		this.update({sent, failed, throttled, last, error});
	}

	/** One batch to the target, each result as an outcome or an error. */
	private async put(
		size: number,
		options: {signal: AbortSignal; onThrottled: (n: number) => void},
	): Promise<
		Array<{outcome: PutOutcome; ErrorCode?: undefined} | {ErrorCode: string; ErrorMessage: string}>
	> {
		const {data} = this.spec;
		if (this.target.kind === 'delivery') {
			const records = Array.from({length: size}, () => ({Data: data}));
			const results = await putRecordBatchReliably(this.driver, this.target.name, records, options);
			return results.map((result) =>
				result.ErrorCode === undefined ? {outcome: {recordId: result.RecordId}} : result,
			);
		}

		const entries: PutRecordsRequestEntry[] = Array.from({length: size}, () => ({
			PartitionKey: this.spec.partitionKey ?? randomUUID(),
			ExplicitHashKey: this.spec.explicitHashKey,
			Data: data,
		}));
		const results = await putReliably(this.driver, this.target.name, entries, options);
		return results.map((result) =>
			result.ErrorCode === undefined
				? {outcome: {shardId: result.ShardId, sequenceNumber: result.SequenceNumber}}
				: result,
		);
	}

	/** Publishes at most every `publishMs`, except `now` (start, end, stop), which always publishes. */
	private update(patch: Partial<PutRunState>, now = false) {
		this.state = {...this.state, ...patch};
		const time = Date.now();
		if (!now && time - this.lastPublished < this.publishMs) return;
		this.lastPublished = time;
		for (const listener of this.listeners) listener(this.state);
	}
}

function sleep(ms: number, signal: AbortSignal) {
	return new Promise<void>((resolve) => {
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
	});
}

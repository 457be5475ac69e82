/**
 * One copy, from any source to a stream or a delivery stream: the model both `kinesis-top copy` and the
 * console's re-drive run. Records are read in source order, skipped when an earlier run with the same
 * checkpoint copied them, filtered (`--where`), given their partition key and hash key, and written by the
 * {@link OrderedWriter} (order per key kept), at most `ratePerSecond`; after each acknowledged call the
 * checkpoint is saved. A dry run reads and filters the same way and writes nothing, checkpoint included.
 */
import {randomUUID} from 'node:crypto';
import {DriverError, type Driver, type PutRecordsRequestEntry} from '../driver/driver.js';
import {MAX_BATCH_RECORDS} from '../put/put-reliably.js';
import {sleep} from '../sleep.js';
import type {Checkpoint} from './checkpoint.js';
import type {CopyRecord, CopySource} from './copy-record.js';
import {OrderedWriter, type CopyDestination, type WrittenBatch} from './ordered-writer.js';

export type KeyPolicy = {kind: 'keep'} | {kind: 'random'} | {kind: 'field'; path: string[]};

export type CopyPlan = {
	source: CopySource;
	destination: CopyDestination;
	/** Default keep: the source's partition key (a random one where the source has none: Firehose). */
	key: KeyPolicy;
	/**
	 * `keep`: the hash key the source record carries, else the starting hash key of its source shard
	 * (`shardHashKeys`), so it lands in the same part of the key space; a number: that hash key for all.
	 */
	explicitHashKey?: 'keep' | string;
	shardHashKeys?: ReadonlyMap<string, string>;
	where?: (record: CopyRecord) => boolean;
	ratePerSecond?: number;
	dryRun: boolean;
	checkpoint: Checkpoint;
	/** Where the range ends in time (the `to` bound, or when the copy started), for the ETA. */
	endsAt?: number;
	/** The writer's backoff after throttling (default 100 ms doubling to 2 s). */
	backoff?: {minBackoffMs?: number; maxBackoffMs?: number};
};

export type CopyProgress = {
	/** Records read from the source this run (not counting those an earlier run copied). */
	read: number;
	/** Written and acknowledged (in a dry run: that would be written). */
	copied: number;
	/** Left out by --where. */
	filtered: number;
	/** Copied by an earlier run (the checkpoint). */
	skipped: number;
	/** Entries refused for throughput and retried. */
	throttled: number;
	elapsedMs: number;
	/** Copied records per second, over the whole run. */
	recordsPerSecond: number;
	/** An estimate of the time left, where the source lets one be made. */
	etaMs?: number;
};

export type CopyListener = {
	/** After each acknowledged call: what was written and where it went. */
	onWritten?(batch: WrittenBatch<CopyRecord>): void | Promise<void>;
	onProgress?(progress: CopyProgress): void;
};

/** Records waiting in the writer before reading pauses: a few calls' worth, for the per-key packing. */
const BACKLOG = 4 * MAX_BATCH_RECORDS;

export class CopyRun {
	private readonly started = Date.now();
	private readonly counts = {read: 0, copied: 0, filtered: 0, skipped: 0, throttled: 0};
	private readonly writer: OrderedWriter<CopyRecord>;
	private firstArrival: number | undefined;
	private lastArrival: number | undefined;

	constructor(
		private readonly driver: Driver,
		private readonly plan: CopyPlan,
		private readonly listener: CopyListener = {},
		private readonly signal?: AbortSignal,
	) {
		this.writer = new OrderedWriter(driver, plan.destination, {
			...plan.backoff,
			signal,
			onThrottled: (count) => {
				this.counts.throttled += count;
			},
		});
	}

	/** Runs the copy to its end; resolves with the final progress. */
	async run(): Promise<CopyProgress> {
		const {plan} = this;
		for await (const batch of plan.source) {
			this.signal?.throwIfAborted();
			for (const record of batch) this.take(record);
			if (this.counts.filtered > 0 && this.writer.backlog === 0) plan.checkpoint.save();
			while (this.writer.backlog >= BACKLOG) await this.writeOne();
			this.listener.onProgress?.(this.progress());
		}

		while (this.writer.backlog > 0) await this.writeOne();
		if (!plan.dryRun) plan.checkpoint.save();
		const progress = this.progress();
		this.listener.onProgress?.(progress);
		return progress;
	}

	progress(): CopyProgress {
		const elapsedMs = Date.now() - this.started;
		const recordsPerSecond = elapsedMs > 0 ? (this.counts.copied * 1000) / elapsedMs : 0;
		return {...this.counts, elapsedMs, recordsPerSecond, ...this.eta(elapsedMs)};
	}

	/** From arrival times: how much of the range's time span is read, against how long that took. */
	private eta(elapsedMs: number): {etaMs?: number} {
		const {endsAt} = this.plan;
		if (endsAt === undefined || this.firstArrival === undefined || this.lastArrival === undefined) {
			return {};
		}

		const span = endsAt - this.firstArrival;
		const done = this.lastArrival - this.firstArrival;
		if (span <= 0 || done <= 0) return {};
		const fraction = Math.min(1, done / span);
		return {etaMs: Math.max(0, (elapsedMs * (1 - fraction)) / fraction)};
	}

	private take(record: CopyRecord) {
		const {plan} = this;
		if (plan.checkpoint.isDone(record)) {
			this.counts.skipped++;
			return;
		}

		this.counts.read++;
		if (record.arrival) {
			const arrival = record.arrival.getTime();
			this.firstArrival ??= arrival;
			this.lastArrival = Math.max(this.lastArrival ?? arrival, arrival);
		}

		if (plan.where && !plan.where(record)) {
			this.counts.filtered++;
			if (!plan.dryRun) {
				plan.checkpoint.track(record);
				plan.checkpoint.finish([record]);
			}

			return;
		}

		const entry = this.entryFor(record);
		if (plan.dryRun) {
			this.counts.copied++;
			return;
		}

		plan.checkpoint.track(record);
		this.writer.add({entry, origin: record});
	}

	private entryFor(record: CopyRecord): PutRecordsRequestEntry {
		const {plan} = this;
		const entry: PutRecordsRequestEntry = {PartitionKey: this.keyFor(record), Data: record.data};
		if (plan.explicitHashKey === 'keep') {
			const hashKey = record.explicitHashKey ?? plan.shardHashKeys?.get(record.partition);
			if (hashKey !== undefined) entry.ExplicitHashKey = hashKey;
		} else if (plan.explicitHashKey !== undefined) {
			entry.ExplicitHashKey = plan.explicitHashKey;
		}

		return entry;
	}

	private keyFor(record: CopyRecord): string {
		const {key} = this.plan;
		if (key.kind === 'random') return randomUUID();
		if (key.kind === 'keep') return record.partitionKey === '' ? randomUUID() : record.partitionKey;
		const found = valueAt(record.data, key.path);
		if (found === undefined || found.length === 0 || found.length > 256) {
			throw new DriverError(
				'InvalidArgumentException',
				`record ${record.position} of ${record.partition} has no string or number of 1 to 256 characters at ${key.path.join('.')} to use as the partition key`,
			);
		}

		return found;
	}

	/** Sends one call (paced to the rate), then checkpoints what it acknowledged. */
	private async writeOne() {
		await this.pace();
		const written = await this.writer.writeNext(this.callSize());
		if (!written) return;
		this.counts.copied += written.items.length;
		this.plan.checkpoint.finish(written.items.map((item) => item.origin));
		this.plan.checkpoint.save();
		await this.listener.onWritten?.(written);
		this.listener.onProgress?.(this.progress());
	}

	/** With a rate, calls of a tenth of a second's worth, so the rate holds over short spans too. */
	private callSize() {
		const rate = this.plan.ratePerSecond;
		return rate === undefined
			? MAX_BATCH_RECORDS
			: Math.max(1, Math.min(MAX_BATCH_RECORDS, Math.ceil(rate / 10)));
	}

	/** Waits until the records copied so far are within the rate since the start. */
	private async pace() {
		const rate = this.plan.ratePerSecond;
		if (rate === undefined) return;
		const due = this.started + (this.counts.copied * 1000) / rate;
		const wait = due - Date.now();
		if (wait > 0) await sleep(wait, this.signal);
	}
}

/** The string or number at a dotted path in JSON data, as text. */
function valueAt(data: Uint8Array, path: readonly string[]): string | undefined {
	let value: unknown;
	try {
		value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
	} catch {
		return undefined;
	}

	for (const part of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[part];
	}

	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/**
 * A live tail of one stream, through any Driver: every shard is read with its own GetRecords loop,
 * parents before children, and the records come out as batches — to listeners (the console) and to an
 * async iterator with back-pressure (`kinesis-top tail`).
 *
 * What it keeps, as a Kinesis consumer must:
 * - Resharding: a child shard is read only once all its parents (that this tail reads) are drained — the
 *   end of a closed shard comes with its ChildShards (or, from a backend that omits them, DescribeStream
 *   tells) — and children are read from TRIM_HORIZON, so nothing is missed or read twice.
 * - The read budget: Kinesis allows 5 GetRecords per second per shard, shared by every consumer. A shard
 *   at the tip is polled once a second, a shard that is behind four times a second, and a throttled
 *   call backs off (doubling, up to a cap) instead of hammering.
 * - Iterators expire after five minutes: an expired one is renewed AFTER_SEQUENCE_NUMBER the last record
 *   seen (or from the original start, when nothing was seen yet).
 */
import {
	DriverError,
	type ChildShard,
	type Driver,
	type GetRecordsOutput,
	type IteratorStart,
	type KinesisRecord,
	type Shard,
} from '../driver/driver.js';
import {isTransient} from '../driver/transient.js';
import {RateMeter, type Rates} from './rate-meter.js';
import {ShardLineage} from './shard-lineage.js';
import {countWithin, type TailStop} from './tail-stop.js';

export type TailOptions = {
	/**
	 * Where reading starts (default LATEST). AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER name a position
	 * in one shard: the tail reads that shard and the shards descending from it.
	 */
	from?: IteratorStart;
	/**
	 * Where reading ends (default: never): each shard is read up to its last record within the bound, and
	 * the shards descending from one that went past it are not read.
	 */
	to?: TailStop;
	/**
	 * Per shard, a sequence number already handled (a copy's checkpoint): that shard is read from after
	 * it instead of from `from`.
	 */
	resumeAfter?: ReadonlyMap<string, string>;
	/** Read only this shard and the shards descending from it (default: every shard). */
	shardId?: string;
	/** Keep polling at the tip (default true); false ends the tail once every shard is drained. */
	follow?: boolean;
	/** End after this many records. */
	limit?: number;
	/** GetRecords Limit (default 10,000, the API's maximum). */
	pageSize?: number;
	/** Time between GetRecords calls on a shard that is at the tip (default 1000 ms). */
	idlePollMs?: number;
	/** Time between calls on a shard that is behind (default 250 ms: 4 a second, under Kinesis's 5). */
	catchUpPollMs?: number;
	/** Wait after the first throttled or failed call (default 500 ms), doubling up to `maxBackoffMs`. */
	minBackoffMs?: number;
	/** Longest wait between retries (default 10 s). */
	maxBackoffMs?: number;
	/** Records waiting in the async iterator's queue before reading pauses (default 10,000). */
	highWaterMark?: number;
	/** Where the tail reads the time, for its rates. */
	now?: () => number;
};

export type TailBatch = {shardId: string; records: KinesisRecord[]; millisBehindLatest: number};

/**
 * waiting: for its parents to be drained; reading; caught-up: at the tip and no longer polled (only
 * without follow); ended: closed and read to its end.
 */
export type ShardTailState = 'waiting' | 'reading' | 'caught-up' | 'ended';

export type ShardTailProgress = {
	shardId: string;
	parentShardIds: readonly string[];
	state: ShardTailState;
	/** From the last GetRecords: how far this shard's reading is behind its newest record. */
	millisBehindLatest?: number;
	lastSequenceNumber?: string;
	/** Records handed out from this shard. */
	records: number;
	getRecordsCalls: number;
	/** GetRecords calls in the last second, against the per-shard budget of 5 a second. */
	callsPerSecond: number;
	/** This tail's read rate from this shard over the last few seconds (records and bytes handed out). */
	recordsPerSecond: number;
	bytesPerSecond: number;
	/** Calls refused with ProvisionedThroughputExceededException. */
	throttled: number;
};

export type TailProgress = Rates & {
	/** Records and bytes handed out so far. */
	records: number;
	bytes: number;
	shards: ShardTailProgress[];
	/** Set while calls fail for a reason retrying may fix (the endpoint unreachable, say): since when, why. */
	retrying?: TailOutage;
};

/** An outage the tail is riding out: it retries, and says so, until a call is answered again. */
export type TailOutage = {code: string; message: string; since: number};

/**
 * drained: every shard was read to the tip (without follow) or to its end; limit: `limit` records were
 * handed out; stopped: stop() or the AbortSignal; error: a call failed in a way retrying cannot fix.
 */
export type TailEnd = {reason: 'drained' | 'limit' | 'stopped'} | {reason: 'error'; error: unknown};

type ShardReader = {
	shardId: string;
	state: ShardTailState;
	millisBehindLatest?: number;
	lastSequenceNumber?: string;
	records: number;
	getRecordsCalls: number;
	throttled: number;
	meter: RateMeter;
	/** It ended at a record past the `to` bound (or descends from one that did): its children are not read. */
	pastBound?: boolean;
};

type PreparedIterator = {shardId: string; iterator: string};

const THROTTLED = 'ProvisionedThroughputExceededException';
/** How far before the last empty read a LATEST iterator with nothing seen is renewed from. */
const RENEW_MARGIN_MS = 5000;
/** How far the backend's clock (which stamps arrivals) may be behind ours before a `to` time is past. */
const CLOCK_SKEW_MARGIN_MS = 5000;

const isCode = (error: unknown, code: string) =>
	error instanceof DriverError && error.code === code;

export class TailSession implements AsyncIterable<TailBatch> {
	/** Resolves (never rejects) when the tail ends, with why. */
	readonly finished: Promise<TailEnd>;
	private readonly from: IteratorStart;
	private readonly follow: boolean;
	private readonly pageSize: number;
	private readonly idlePollMs: number;
	private readonly catchUpPollMs: number;
	private readonly minBackoffMs: number;
	private readonly maxBackoffMs: number;
	private readonly highWaterMark: number;
	private readonly now: () => number;
	private readonly controller = new AbortController();
	private readonly lineage = new ShardLineage();
	private readonly readers = new Map<string, ShardReader>();
	private readonly meter: RateMeter;
	private readonly batchListeners = new Set<(batch: TailBatch) => void>();
	private readonly progressListeners = new Set<() => void>();
	private readonly detachSignal: () => void;
	/** The shards the tail is limited to (with their descendants); undefined: every shard. */
	private roots: ReadonlySet<string> | undefined;
	private outage: TailOutage | undefined;
	private resolveFinished!: (end: TailEnd) => void;
	private end: TailEnd | undefined;
	private started = false;
	/** Shard loops and start-up work in progress: the tail is drained when this falls to 0. */
	private active = 0;
	private handedOut = 0;
	private bytesHandedOut = 0;
	// The async iterator's queue.
	private iterating = false;
	private errorThrown = false;
	private readonly queue: TailBatch[] = [];
	private queuedRecords = 0;
	private wakeConsumer: (() => void) | undefined;
	private roomWaiters: Array<() => void> = [];

	constructor(
		readonly driver: Driver,
		readonly streamName: string,
		private readonly options: TailOptions = {},
		signal?: AbortSignal,
	) {
		this.from = options.from ?? {type: 'LATEST'};
		this.follow = options.follow ?? true;
		this.pageSize = options.pageSize ?? 10_000;
		this.idlePollMs = options.idlePollMs ?? 1000;
		this.catchUpPollMs = options.catchUpPollMs ?? 250;
		this.minBackoffMs = options.minBackoffMs ?? 500;
		this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
		this.highWaterMark = options.highWaterMark ?? 10_000;
		this.now = options.now ?? Date.now;
		this.meter = new RateMeter(5000, this.now);
		this.finished = new Promise((resolve) => {
			this.resolveFinished = resolve;
		});
		const onAbort = () => this.stop();
		signal?.addEventListener('abort', onAbort, {once: true});
		this.detachSignal = () => signal?.removeEventListener('abort', onAbort);
		if (signal?.aborted) this.stop();
	}

	/** Starts reading (once); resolves like {@link finished}. */
	start(): Promise<TailEnd> {
		if (!this.started) {
			this.started = true;
			if (!this.end) void this.begin();
		}

		return this.finished;
	}

	stop() {
		this.finish({reason: 'stopped'});
	}

	/** How the tail ended, once it has. */
	get ended(): TailEnd | undefined {
		return this.end;
	}

	/** Calls `listener` with every batch of records, in each shard's order; returns the unsubscribe. */
	onBatch(listener: (batch: TailBatch) => void): () => void {
		this.batchListeners.add(listener);
		return () => this.batchListeners.delete(listener);
	}

	/** Calls `listener` after every GetRecords and every change of state; read {@link progress} then. */
	onProgress(listener: () => void): () => void {
		this.progressListeners.add(listener);
		return () => this.progressListeners.delete(listener);
	}

	/** Shards whose reading waits for the iterator's queue to drain below `highWaterMark`. */
	get shardsWaitingForRoom(): number {
		return this.roomWaiters.length;
	}

	progress(): TailProgress {
		return {
			...this.meter.rates(),
			records: this.handedOut,
			bytes: this.bytesHandedOut,
			...(this.outage ? {retrying: this.outage} : {}),
			shards: [...this.readers.values()].map((reader) => {
				const {recordsPerSecond, bytesPerSecond} = reader.meter.rates();
				return {
					shardId: reader.shardId,
					parentShardIds: this.lineage.parentsOf(reader.shardId),
					state: reader.state,
					millisBehindLatest: reader.millisBehindLatest,
					lastSequenceNumber: reader.lastSequenceNumber,
					records: reader.records,
					getRecordsCalls: reader.getRecordsCalls,
					callsPerSecond: reader.meter.callsInLastSecond(),
					recordsPerSecond,
					bytesPerSecond,
					throttled: reader.throttled,
				};
			}),
		};
	}

	/**
	 * The batches, in the order they were read; starts the tail. Reading pauses while more than
	 * `highWaterMark` records wait to be taken. Ends when the tail ends; throws its error, if any.
	 */
	[Symbol.asyncIterator](): AsyncIterator<TailBatch> {
		if (this.iterating) throw new Error('a TailSession can be iterated only once');
		this.iterating = true;
		void this.start();
		return {
			next: async (): Promise<IteratorResult<TailBatch>> => {
				while (true) {
					const batch = this.queue.shift();
					if (batch) {
						this.queuedRecords -= batch.records.length;
						if (this.queuedRecords <= this.highWaterMark) this.releaseRoom();
						return {value: batch, done: false};
					}

					if (this.end) {
						if (this.end.reason === 'error' && !this.errorThrown) {
							this.errorThrown = true;
							throw this.end.error;
						}

						return {value: undefined, done: true};
					}

					await new Promise<void>((resolve) => {
						this.wakeConsumer = resolve;
					});
				}
			},
			return: async (): Promise<IteratorResult<TailBatch>> => {
				this.stop();
				this.queue.length = 0;
				this.queuedRecords = 0;
				return {value: undefined, done: true};
			},
		};
	}

	// ─── Reading ──────────────────────────────────────────────────────────────────────────────

	private get signal() {
		return this.controller.signal;
	}

	private async begin() {
		this.active++;
		try {
			const description = await this.withRetry(undefined, () =>
				this.driver.describeStream(this.streamName, this.signal),
			);
			this.lineage.learnShards(description.Shards);
			const prepared = await this.chooseRoots(description.Shards);
			this.trackNewShards();
			if (this.from.type === 'LATEST') {
				// Closed shards hold nothing newer than now; their children are already known and open (or closed).
				for (const reader of this.readers.values()) {
					if (this.lineage.isClosed(reader.shardId)) reader.state = 'ended';
					else this.startReading(reader, this.from);
				}
			} else {
				this.startReadyShards(this.from, prepared);
			}
		} catch (error) {
			this.fail(error);
		} finally {
			this.active--;
			this.checkFinished();
		}
	}

	/** Limits the tail to `shardId`'s family, or to the shard a sequence number belongs to. */
	private async chooseRoots(shards: readonly Shard[]): Promise<PreparedIterator | undefined> {
		if (this.options.shardId !== undefined) {
			this.roots = new Set([this.resolveShardId(this.options.shardId)]);
			return undefined;
		}

		if (this.from.type === 'AT_SEQUENCE_NUMBER' || this.from.type === 'AFTER_SEQUENCE_NUMBER') {
			const owner = await this.findOwner(shards, this.from);
			this.roots = new Set([owner.shardId]);
			return owner;
		}

		return undefined;
	}

	/** Accepts the exact id, or a bare shard number (`3` for shardId-000000000003). */
	private resolveShardId(shardId: string) {
		if (this.lineage.has(shardId)) return shardId;
		const padded = /^\d{1,12}$/.test(shardId) ? `shardId-${shardId.padStart(12, '0')}` : undefined;
		if (padded && this.lineage.has(padded)) return padded;
		throw new DriverError(
			'ResourceNotFoundException',
			`Shard ${shardId} in stream ${this.streamName} does not exist.`,
		);
	}

	/**
	 * The shard a sequence number belongs to: among the shards whose sequence number range holds it,
	 * the one GetShardIterator accepts it for (Kinesis refuses a number from another shard).
	 */
	private async findOwner(
		shards: readonly Shard[],
		from: Extract<IteratorStart, {sequenceNumber: string}>,
	): Promise<PreparedIterator> {
		const sequence = BigInt(from.sequenceNumber);
		const candidates = shards.filter(({SequenceNumberRange: range}) => {
			const start = /^\d+$/.test(range.StartingSequenceNumber)
				? BigInt(range.StartingSequenceNumber)
				: 0n;
			const end =
				range.EndingSequenceNumber !== undefined && /^\d+$/.test(range.EndingSequenceNumber)
					? BigInt(range.EndingSequenceNumber)
					: undefined;
			return start <= sequence && (end === undefined || sequence <= end);
		});
		for (const shard of candidates) {
			try {
				const iterator = await this.withRetry(undefined, () =>
					this.driver.getShardIterator(this.streamName, shard.ShardId, from, this.signal),
				);
				return {shardId: shard.ShardId, iterator};
			} catch (error) {
				if (!isCode(error, 'InvalidArgumentException')) throw error;
			}
		}

		throw new DriverError(
			'InvalidArgumentException',
			`Sequence number ${from.sequenceNumber} does not belong to any shard of stream ${this.streamName}.`,
		);
	}

	private inScope(shardId: string) {
		return this.roots === undefined || this.lineage.descendsFrom(shardId, this.roots);
	}

	/** Starts following every shard in scope that the lineage knows and the tail does not yet. */
	private trackNewShards() {
		for (const shardId of this.lineage.ids()) {
			if (this.readers.has(shardId) || !this.inScope(shardId)) continue;
			this.readers.set(shardId, {
				shardId,
				state: 'waiting',
				records: 0,
				getRecordsCalls: 0,
				throttled: 0,
				meter: new RateMeter(5000, this.now),
			});
		}
	}

	/** Starts every waiting shard whose parents (those this tail reads) have all ended. */
	private startReadyShards(start: IteratorStart, prepared?: PreparedIterator) {
		this.endShardsPastBound();
		for (const reader of this.readers.values()) {
			if (reader.state !== 'waiting') continue;
			const parents = this.lineage
				.parentsOf(reader.shardId)
				.map((id) => this.readers.get(id))
				.filter((parent) => parent !== undefined);
			if (parents.every((parent) => parent.state === 'ended')) {
				const iterator = prepared?.shardId === reader.shardId ? prepared.iterator : undefined;
				this.startReading(reader, start, iterator);
			}
		}

		this.notifyProgress();
	}

	/**
	 * Every record of a child comes after every record of its parents, so a shard with a parent past the
	 * `to` bound is past it too: it ends unread (and so, in turn, do its own children).
	 */
	private endShardsPastBound() {
		let changed = true;
		while (changed) {
			changed = false;
			for (const reader of this.readers.values()) {
				if (reader.state !== 'waiting') continue;
				const parents = this.lineage.parentsOf(reader.shardId);
				if (parents.some((id) => this.readers.get(id)?.pastBound)) {
					reader.state = 'ended';
					reader.pastBound = true;
					changed = true;
				}
			}
		}
	}

	/** Where a shard starts once its parents are drained: its beginning, or the same time. */
	private childStart(): IteratorStart {
		return this.from.type === 'AT_TIMESTAMP' ? this.from : {type: 'TRIM_HORIZON'};
	}

	private startReading(reader: ShardReader, start: IteratorStart, iterator?: string) {
		const resumeAfter = this.options.resumeAfter?.get(reader.shardId);
		if (resumeAfter !== undefined) {
			start = {type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: resumeAfter};
			iterator = undefined;
		}

		reader.state = 'reading';
		this.active++;
		void this.readShard(reader, start, iterator)
			.catch((error: unknown) => this.fail(error))
			.finally(() => {
				this.active--;
				this.checkFinished();
			});
	}

	private async readShard(reader: ShardReader, start: IteratorStart, prepared?: string) {
		let iterator = prepared ?? (await this.iteratorFor(reader, start));
		/** When the position was last known to be at the tip: a LATEST renewal starts from there. */
		let tipSeenAt = this.now();
		let backoff = 0;
		let nextCallAt = 0;
		while (!this.end) {
			await this.sleep(nextCallAt - this.now());
			if (this.end) return;
			const calledAt = this.now();
			const pageSize = this.nextPageSize();
			let page: GetRecordsOutput;
			try {
				page = await this.driver.getRecords(iterator, pageSize, this.signal);
			} catch (error) {
				if (this.end) return;
				reader.getRecordsCalls++;
				reader.meter.add(0, 0, 1);
				this.meter.add(0, 0, 1);
				if (isCode(error, 'ExpiredIteratorException')) {
					iterator = await this.renewIterator(reader, start, tipSeenAt);
					nextCallAt = 0;
					continue;
				}

				if (!isTransient(error)) throw error;
				if (isCode(error, THROTTLED)) reader.throttled++;
				else this.noteOutage(error);
				backoff = this.nextBackoff(backoff);
				nextCallAt = this.now() + backoff;
				this.notifyProgress();
				continue;
			}

			backoff = 0;
			this.outage = undefined;
			const {to} = this.options;
			const within = to ? countWithin(page.Records, to) : page.Records.length;
			const records = within < page.Records.length ? page.Records.slice(0, within) : page.Records;
			let bytes = 0;
			for (const record of records) bytes += record.Data.length + record.PartitionKey.length;
			reader.getRecordsCalls++;
			reader.meter.add(records.length, bytes, 1);
			this.meter.add(records.length, bytes, 1);
			reader.millisBehindLatest = page.MillisBehindLatest;
			if (records.length === 0 && page.MillisBehindLatest === 0) tipSeenAt = calledAt;
			if (records.length > 0) {
				reader.lastSequenceNumber = records.at(-1)!.SequenceNumber;
				await this.deliver(reader, records, page.MillisBehindLatest);
				if (this.end) return;
			}

			if (within < page.Records.length || this.pastTimeBound(records, page, calledAt)) {
				reader.state = 'ended';
				reader.pastBound = true;
				reader.millisBehindLatest = 0;
				this.startReadyShards(this.childStart());
				return;
			}

			if (page.NextShardIterator === undefined) {
				reader.state = 'ended';
				reader.millisBehindLatest = 0;
				await this.onShardEnded(reader, page.ChildShards);
				return;
			}

			iterator = page.NextShardIterator;
			const atTip = records.length === 0 && page.MillisBehindLatest === 0;
			if (atTip && !this.follow) {
				reader.state = 'caught-up';
				this.notifyProgress();
				return;
			}

			// Behind (a full page may say so before MillisBehindLatest does), or — without follow — not yet
			// confirmed at the tip by an empty page: read again soon.
			const catchingUp =
				page.MillisBehindLatest > 0 ||
				records.length >= pageSize ||
				(!this.follow && records.length > 0);
			nextCallAt = calledAt + (catchingUp ? this.catchUpPollMs : this.idlePollMs);
			this.notifyProgress();
		}
	}

	/**
	 * At the tip with a `to` time already past: whatever arrives from now on is past the bound, so a
	 * following tail need not wait for it.
	 */
	private pastTimeBound(
		records: readonly KinesisRecord[],
		page: GetRecordsOutput,
		calledAt: number,
	) {
		const {to} = this.options;
		return (
			to?.type === 'TIMESTAMP' &&
			records.length === 0 &&
			page.MillisBehindLatest === 0 &&
			calledAt > to.timestamp.getTime() + CLOCK_SKEW_MARGIN_MS
		);
	}

	/** With a limit, no page larger than what is still wanted. */
	private nextPageSize() {
		const {limit} = this.options;
		if (limit === undefined) return this.pageSize;
		return Math.max(1, Math.min(this.pageSize, limit - this.handedOut));
	}

	private iteratorFor(reader: ShardReader, start: IteratorStart) {
		return this.withRetry(reader, () =>
			this.driver.getShardIterator(this.streamName, reader.shardId, start, this.signal),
		);
	}

	/** A new iterator for where an expired one stood. */
	private renewIterator(reader: ShardReader, start: IteratorStart, tipSeenAt: number) {
		if (reader.lastSequenceNumber !== undefined) {
			return this.iteratorFor(reader, {
				type: 'AFTER_SEQUENCE_NUMBER',
				sequenceNumber: reader.lastSequenceNumber,
			});
		}

		// Nothing seen yet: the original start is still exact, except LATEST, which has moved on since.
		// Nothing had arrived past the position when it was last seen at the tip, so any record from a
		// little before then on is one this tail has not handed out.
		return this.iteratorFor(
			reader,
			start.type === 'LATEST'
				? {type: 'AT_TIMESTAMP', timestamp: new Date(tipSeenAt - RENEW_MARGIN_MS)}
				: start,
		);
	}

	/** A closed shard was read to its end: learn its children and start those that are ready. */
	private async onShardEnded(reader: ShardReader, children: ChildShard[] | undefined) {
		this.lineage.markClosed(reader.shardId);
		this.lineage.learnChildren(children ?? []);
		const incomplete =
			!children?.length || children.some((child) => this.lineage.hasUnknownParent(child.ShardId));
		if (incomplete) {
			// The backend did not name the children, or a child has a parent this tail has not met yet.
			const description = await this.withRetry(undefined, () =>
				this.driver.describeStream(this.streamName, this.signal),
			);
			this.lineage.learnShards(description.Shards);
		}

		this.trackNewShards();
		this.startReadyShards(this.childStart());
	}

	private async deliver(reader: ShardReader, records: KinesisRecord[], millisBehindLatest: number) {
		if (this.end) return;
		const {limit} = this.options;
		const wanted =
			limit === undefined ? records : records.slice(0, Math.max(0, limit - this.handedOut));
		if (wanted.length > 0) {
			this.handedOut += wanted.length;
			reader.records += wanted.length;
			for (const record of wanted) {
				this.bytesHandedOut += record.Data.length + record.PartitionKey.length;
			}

			const batch: TailBatch = {shardId: reader.shardId, records: wanted, millisBehindLatest};
			for (const listener of this.batchListeners) listener(batch);
			if (this.iterating) {
				this.queue.push(batch);
				this.queuedRecords += wanted.length;
				this.wake();
			}
		}

		if (limit !== undefined && this.handedOut >= limit) {
			this.finish({reason: 'limit'});
			return;
		}

		while (this.iterating && !this.end && this.queuedRecords > this.highWaterMark) {
			await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
		}
	}

	/** Retries `action` while it fails with a retryable error, backing off, until the tail ends. */
	private async withRetry<T>(reader: ShardReader | undefined, action: () => Promise<T>) {
		let backoff = 0;
		while (true) {
			try {
				const result = await action();
				this.outage = undefined;
				return result;
			} catch (error) {
				if (this.end || !isTransient(error)) throw error;
				if (isCode(error, THROTTLED)) {
					if (reader) reader.throttled++;
				} else {
					this.noteOutage(error);
					this.notifyProgress();
				}

				backoff = this.nextBackoff(backoff);
				await this.sleep(backoff);
				if (this.end) throw error;
			}
		}
	}

	/** A retryable failure other than throttling: the endpoint is not answering as it should. */
	private noteOutage(error: unknown) {
		const {code, message} = error as DriverError;
		this.outage = {code, message, since: this.outage?.since ?? this.now()};
	}

	private nextBackoff(previous: number) {
		return previous === 0 ? this.minBackoffMs : Math.min(previous * 2, this.maxBackoffMs);
	}

	/** Waits `ms`, or less if the tail ends meanwhile. */
	private sleep(ms: number) {
		if (ms <= 0 || this.end) return Promise.resolve();
		return new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.signal.removeEventListener('abort', done);
				resolve();
			};

			const timer = setTimeout(done, ms);
			this.signal.addEventListener('abort', done, {once: true});
		});
	}

	// ─── Ending ───────────────────────────────────────────────────────────────────────────────

	private checkFinished() {
		if (this.started && this.active === 0) this.finish({reason: 'drained'});
	}

	private fail(error: unknown) {
		this.finish({reason: 'error', error});
	}

	private finish(end: TailEnd) {
		if (this.end) return;
		this.end = end;
		this.controller.abort();
		this.detachSignal();
		this.releaseRoom();
		this.wake();
		this.resolveFinished(end);
		this.notifyProgress();
	}

	private wake() {
		const wake = this.wakeConsumer;
		this.wakeConsumer = undefined;
		wake?.();
	}

	private releaseRoom() {
		const waiters = this.roomWaiters;
		this.roomWaiters = [];
		for (const resolve of waiters) resolve();
	}

	private notifyProgress() {
		for (const listener of this.progressListeners) listener();
	}
}

/**
 * Lag measured at the checkpoint: for a lease checkpointed at sequence number S, one GetShardIterator
 * (AFTER_SEQUENCE_NUMBER S) and one GetRecords (Limit 1) return the first record the application has
 * not yet processed — its arrival time says how long it has waited (`lagMillis`: now − arrival; 0 when
 * there is none, the application is at the tip) — and Kinesis's own `MillisBehindLatest` for that read.
 * `TRIM_HORIZON` is read from the trim horizon; `LATEST` and `SHARD_END` need no read (nothing is
 * waiting); `AT_TIMESTAMP` keeps its timestamp outside the lease and is not measured.
 *
 * The cost is bounded: at most `maxShardsPerRefresh` shards are read per refresh, at most once each
 * (two applications at the same checkpoint of a shard share the read), the least recently measured
 * first — so 200 shards are all measured over a few refreshes, and each shard sees at most one
 * GetShardIterator and one GetRecords per refresh, far inside its 5 reads a second.
 */
import {DriverError, type Driver} from '../driver/driver.js';
import {isSentinel} from './kcl-lease.js';

export type LagSample = {
	at: number;
	/** The checkpoint the sample was taken at. */
	checkpoint: string;
	/** How long the first unprocessed record has waited (0: none waits). */
	lagMillis: number;
	/** Kinesis's MillisBehindLatest for the read at the checkpoint (absent when nothing was read). */
	millisBehindLatest?: number;
};

export type ProbeRequest = {
	/** Whose lag: an application (lease table) name. */
	application: string;
	shardId: string;
	checkpoint: string;
};

export type LagProberOptions = {
	maxShardsPerRefresh?: number;
	/** Reads in flight at once. */
	concurrency?: number;
	/** Samples kept per application and shard, for the rates. */
	keep?: number;
	now?: () => number;
};

const sampleKey = (application: string, shardId: string) => `${application}\n${shardId}`;

export class LagProber {
	/** Reads that failed in the last refresh (throttled, trimmed, …), by their code. */
	lastErrors: Record<string, number> = {};
	private readonly maxShardsPerRefresh: number;
	private readonly concurrency: number;
	private readonly keep: number;
	private readonly now: () => number;
	private readonly samples = new Map<string, LagSample[]>();

	constructor(
		private readonly reader: Pick<Driver, 'getShardIterator' | 'getRecords'>,
		options: LagProberOptions = {},
	) {
		this.maxShardsPerRefresh = options.maxShardsPerRefresh ?? 50;
		this.concurrency = options.concurrency ?? 8;
		this.keep = options.keep ?? 12;
		this.now = options.now ?? Date.now;
	}

	/** The samples of an application's shard, oldest first. */
	samplesOf(application: string, shardId: string): readonly LagSample[] {
		return this.samples.get(sampleKey(application, shardId)) ?? [];
	}

	/** Measures what the budget allows of `requests`; returns the number of calls made. */
	async probe(stream: string, requests: readonly ProbeRequest[], signal?: AbortSignal) {
		this.lastErrors = {};
		// One read per shard and checkpoint, for every application at it.
		const reads = new Map<string, ProbeRequest[]>();
		for (const request of requests) {
			const sequenceNumber = request.checkpoint;
			if (sequenceNumber === 'LATEST' || sequenceNumber === 'SHARD_END') {
				this.record(request, {at: this.now(), checkpoint: sequenceNumber, lagMillis: 0});
				continue;
			}

			if (isSentinel(sequenceNumber) && sequenceNumber !== 'TRIM_HORIZON') continue;
			const key = `${request.shardId}\n${request.checkpoint}`;
			reads.set(key, [...(reads.get(key) ?? []), request]);
		}

		// The least recently measured first; one read per shard per refresh.
		const lastMeasured = (group: ProbeRequest[]) =>
			Math.min(
				...group.map(
					(request) => this.samplesOf(request.application, request.shardId).at(-1)?.at ?? -1,
				),
			);
		const ordered = [...reads.values()].sort((a, b) => lastMeasured(a) - lastMeasured(b));
		const chosen: ProbeRequest[][] = [];
		const shards = new Set<string>();
		for (const group of ordered) {
			if (chosen.length >= this.maxShardsPerRefresh) break;
			if (shards.has(group[0].shardId)) continue;
			shards.add(group[0].shardId);
			chosen.push(group);
		}

		let calls = 0;
		let next = 0;
		const worker = async () => {
			while (next < chosen.length) {
				const group = chosen[next++];
				const {shardId, checkpoint} = group[0];
				try {
					calls++;
					const iterator = await this.reader.getShardIterator(
						stream,
						shardId,
						checkpoint === 'TRIM_HORIZON'
							? {type: 'TRIM_HORIZON'}
							: {type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint},
						signal,
					);
					calls++;
					const page = await this.reader.getRecords(iterator, 1, signal);
					const at = this.now();
					const first = page.Records[0];
					const sample: LagSample = {
						at,
						checkpoint,
						lagMillis: first
							? Math.max(0, at - new Date(first.ApproximateArrivalTimestamp).getTime())
							: (page.MillisBehindLatest ?? 0),
						millisBehindLatest: page.MillisBehindLatest,
					};
					for (const request of group) this.record(request, sample);
				} catch (error) {
					if (signal?.aborted || !(error instanceof DriverError)) throw error;
					this.lastErrors[error.code] = (this.lastErrors[error.code] ?? 0) + 1;
				}
			}
		};

		await Promise.all(Array.from({length: Math.min(this.concurrency, chosen.length)}, worker));
		return calls;
	}

	private record(request: ProbeRequest, sample: LagSample) {
		const key = sampleKey(request.application, request.shardId);
		const list = this.samples.get(key) ?? [];
		list.push(sample);
		if (list.length > this.keep) list.shift();
		this.samples.set(key, list);
	}
}

/**
 * The demo's KCL-style consumer application, `clickstream-enricher`: two workers that share the
 * `clickstream` stream's shards through a real lease table (lease-table.ts, in KCL 2.x's format, through
 * the DynamoDB API) and read the stream through the Driver — so the Consumers screen has live lag,
 * owners and diagnoses to show without AWS. Its script, in demo-sized timings (by default: slow at
 * 20 s, dead at 60 s, its leases taken over at about 80 s):
 *
 * - both workers start healthy: leases are created for the open shards, taken, balanced (the second
 *   worker steals one lease at a time from the first until each holds its share), renewed every third
 *   of the failover time and checkpointed after each batch, as KCL does;
 * - `enricher-2` slows down after `slowAfterMs`: it reads only a few records a round, so its shards'
 *   lag grows;
 * - it dies after `dieAfterMs`: it stops renewing, its leases' counters stand still, and once
 *   `failoverMs` has passed without a change (KCL's failover time) `enricher-1` takes them over and
 *   catches up.
 *
 * One round runs per `tickMs`; `round()` runs one by hand (tests, with their own clock as `now`).
 */
import {DriverError, type Driver, type IteratorStart, type Shard} from '../driver/driver.js';
import type {DynamoDbApi} from '../driver/dynamodb-api.js';
import type {KclLease} from '../consumers/kcl-lease.js';
import {LeaseTable} from './lease-table.js';

export const DEMO_CONSUMER = {application: 'clickstream-enricher', stream: 'clickstream'} as const;

export type WorkerScript = {
	id: string;
	/** From this long after the start, it reads only `slowReadLimit` records a round. */
	slowAfterMs?: number;
	/** From this long after the start, it does nothing at all (no renewals, no checkpoints). */
	dieAfterMs?: number;
};

export type ConsumerAppOptions = {
	table?: string;
	stream?: string;
	workers?: readonly WorkerScript[];
	/**
	 * KCL's failoverTimeMillis: a lease whose counter stood still this long is taken (default 20 s,
	 * longer than KCL's 10 s, so the Consumers screen shows the dead worker's leases stuck a while).
	 */
	failoverMs?: number;
	/** Time between rounds (default 1 s). */
	tickMs?: number;
	/** Records a healthy worker reads per shard and round (default 1,000). */
	readLimit?: number;
	/** Records a slow worker reads per shard and round (default 5). */
	slowReadLimit?: number;
	now?: () => number;
};

export const DEFAULT_WORKERS: readonly WorkerScript[] = [
	{id: 'enricher-1'},
	{id: 'enricher-2', slowAfterMs: 20_000, dieAfterMs: 60_000},
];

type Reader = Pick<Driver, 'describeStream' | 'getShardIterator' | 'getRecords'>;

/** A lease a worker holds: the lease as it last wrote it, and where its reading has got to. */
type Held = {lease: KclLease; iterator?: string};

const codeOf = (error: unknown) => (error instanceof DriverError ? error.code : undefined);
const finished = (lease: KclLease) => lease.checkpoint.sequenceNumber === 'SHARD_END';

/** Where reading a lease's shard starts: after its checkpoint, or at the sentinel it names. */
function startOf(lease: KclLease): IteratorStart {
	const at = lease.checkpoint.sequenceNumber;
	if (at === 'LATEST' || at === 'TRIM_HORIZON') return {type: at};
	return {type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: at};
}

class Worker {
	private readonly held = new Map<string, Held>();
	/** Each lease's counter and owner as last seen, and since when: KCL's view of expiry. */
	private readonly seen = new Map<string, {counter: number; owner?: string; since: number}>();
	private renewedAt = Number.NEGATIVE_INFINITY;

	constructor(
		readonly script: WorkerScript,
		private readonly app: {
			table: LeaseTable;
			reader: Reader;
			stream: string;
			failoverMs: number;
			readLimit: number;
			slowReadLimit: number;
		},
	) {}

	get id() {
		return this.script.id;
	}

	isDead(elapsedMs: number) {
		return this.script.dieAfterMs !== undefined && elapsedMs >= this.script.dieAfterMs;
	}

	/** One round of KCL's loop: renew what it holds, take what it should, process and checkpoint. */
	async round(leases: KclLease[], now: number, elapsedMs: number, signal?: AbortSignal) {
		this.observe(leases, now);
		await this.renew(leases, now, signal);
		await this.take(leases, now, signal);
		const slow = this.script.slowAfterMs !== undefined && elapsedMs >= this.script.slowAfterMs;
		const limit = slow ? this.app.slowReadLimit : this.app.readLimit;
		for (const [key, held] of this.held) {
			if (this.waitsForParents(held.lease, leases)) continue;
			await this.process(key, held, limit, signal);
		}
	}

	private observe(leases: KclLease[], now: number) {
		for (const lease of leases) {
			const last = this.seen.get(lease.leaseKey);
			if (!last || last.counter !== lease.counter || last.owner !== lease.owner) {
				this.seen.set(lease.leaseKey, {counter: lease.counter, owner: lease.owner, since: now});
			}
		}
	}

	private expired(lease: KclLease, now: number) {
		const last = this.seen.get(lease.leaseKey);
		return last !== undefined && now - last.since > this.app.failoverMs;
	}

	/**
	 * KCL's lease renewer, every third of the failover time (its leaseRenewalIntervalMillis): each lease
	 * it holds renewed if still its own; one another worker took is let go.
	 */
	private async renew(leases: KclLease[], now: number, signal?: AbortSignal) {
		if (now - this.renewedAt < this.app.failoverMs / 3) return;
		this.renewedAt = now;
		for (const [key, held] of this.held) {
			const current = leases.find((lease) => lease.leaseKey === key);
			// Taken by another worker (or gone) since: no longer ours.
			if (current?.owner !== this.id || current.counter !== held.lease.counter) {
				this.held.delete(key);
				continue;
			}

			if (await this.app.table.renew(held.lease, this.id, signal)) held.lease.counter++;
			else this.held.delete(key);
		}
	}

	/**
	 * KCL's lease taker: its share is the unfinished leases over the live workers (those holding an
	 * unexpired lease, and itself); it takes unowned and expired leases up to its share, and when there
	 * are none, steals one lease from the worker holding the most, if that one holds more than its share.
	 */
	private async take(leases: KclLease[], now: number, signal?: AbortSignal) {
		const open = leases.filter((lease) => !finished(lease));
		const alive = new Set([this.id]);
		for (const lease of open) {
			if (lease.owner && !this.expired(lease, now)) alive.add(lease.owner);
		}

		const share = Math.ceil(open.length / alive.size);
		let wanted = share - this.held.size;
		if (wanted <= 0) return;
		// Its own name on a lease it does not hold (a previous run's) counts as expired too, once it is.
		const available = open.filter(
			(lease) =>
				!this.held.has(lease.leaseKey) && (lease.owner === undefined || this.expired(lease, now)),
		);
		for (const lease of available) {
			if (wanted <= 0) break;
			if (await this.takeOne(lease, signal)) wanted--;
		}

		if (wanted <= 0 || available.length > 0) return;
		const counts = new Map<string, KclLease[]>();
		for (const lease of open) {
			if (lease.owner && lease.owner !== this.id) {
				counts.set(lease.owner, [...(counts.get(lease.owner) ?? []), lease]);
			}
		}

		const [busiest] = [...counts.values()].sort((a, b) => b.length - a.length);
		if (busiest && busiest.length > share) await this.takeOne(busiest[0], signal);
	}

	private async takeOne(lease: KclLease, signal?: AbortSignal) {
		if (!(await this.app.table.take(lease, this.id, signal))) return false;
		this.held.set(lease.leaseKey, {
			lease: {...lease, owner: this.id, counter: lease.counter + 1},
		});
		return true;
	}

	/** A child shard is read only once its parents are read to their end (KCL's parent-first order). */
	private waitsForParents(lease: KclLease, leases: KclLease[]) {
		return lease.parentShardIds.some((parent) => {
			const parentLease = leases.find((each) => each.leaseKey === parent);
			return parentLease !== undefined && !finished(parentLease);
		});
	}

	private async process(key: string, held: Held, limit: number, signal?: AbortSignal) {
		const {reader, table, stream} = this.app;
		try {
			held.iterator ??= await reader.getShardIterator(
				stream,
				held.lease.shardId,
				startOf(held.lease),
				signal,
			);
			const page = await reader.getRecords(held.iterator, limit, signal);
			held.iterator = page.NextShardIterator ?? undefined;
			const last = page.Records.at(-1);
			if (!held.iterator) {
				// Read to the end of a closed shard: SHARD_END, with its children, and the lease let go.
				const children = (page.ChildShards ?? []).map((child) => child.ShardId);
				await table.checkpoint(held.lease, this.id, 'SHARD_END', children, signal);
				this.held.delete(key);
				return;
			}

			if (!last) return;
			if (await table.checkpoint(held.lease, this.id, last.SequenceNumber, [], signal)) {
				held.lease.counter++;
				held.lease.checkpoint = {sequenceNumber: last.SequenceNumber, subSequenceNumber: 0};
			} else {
				this.held.delete(key);
			}
		} catch (error) {
			const code = codeOf(error);
			// An expired or unusable iterator is fetched again next round; throttling waits a round too.
			if (code === 'ExpiredIteratorException' || code === 'InvalidArgumentException') {
				held.iterator = undefined;
			} else if (code !== 'ProvisionedThroughputExceededException') {
				throw error;
			}
		}
	}
}

export class ConsumerApp {
	readonly table: LeaseTable;
	private readonly workers: Worker[];
	private readonly now: () => number;
	private readonly stream: string;
	private startedAt: number | undefined;

	constructor(
		private readonly reader: Reader,
		api: DynamoDbApi,
		options: ConsumerAppOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.stream = options.stream ?? DEMO_CONSUMER.stream;
		this.table = new LeaseTable(api, options.table ?? DEMO_CONSUMER.application);
		const shared = {
			table: this.table,
			reader,
			stream: this.stream,
			failoverMs: options.failoverMs ?? 20_000,
			readLimit: options.readLimit ?? 1000,
			slowReadLimit: options.slowReadLimit ?? 5,
		};
		this.workers = (options.workers ?? DEFAULT_WORKERS).map((script) => new Worker(script, shared));
	}

	/**
	 * One round: the table made sure of, a lease created for every open shard that has none (KCL's
	 * shard sync), then each live worker's turn. Nothing happens until the stream exists.
	 */
	async round(signal?: AbortSignal) {
		const now = this.now();
		this.startedAt ??= now;
		if (!(await this.table.ensure(signal))) return;
		let shards: Shard[];
		try {
			shards = (await this.reader.describeStream(this.stream, signal)).Shards;
		} catch (error) {
			if (codeOf(error) === 'ResourceNotFoundException') return;
			throw error;
		}

		await this.syncShards(shards, await this.table.list(signal), signal);
		const elapsed = now - this.startedAt;
		for (const worker of this.workers) {
			// Each worker reads the table itself, as KCL's workers do: it sees the others' last writes.
			if (!worker.isDead(elapsed))
				await worker.round(await this.table.list(signal), now, elapsed, signal);
		}
	}

	/** Leases for the open shards that have none. */
	private async syncShards(shards: Shard[], leases: KclLease[], signal?: AbortSignal) {
		const leased = new Set(leases.map((lease) => lease.shardId));
		for (const shard of shards) {
			if (leased.has(shard.ShardId) || shard.SequenceNumberRange.EndingSequenceNumber) continue;
			const parentShardIds = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
				(parent): parent is string => parent !== undefined,
			);
			await this.table.create(
				{
					shardId: shard.ShardId,
					// KCL's default initial position is LATEST; a child is read from its start.
					checkpoint: parentShardIds.some((parent) => leased.has(parent))
						? 'TRIM_HORIZON'
						: 'LATEST',
					parentShardIds,
					hashKeyRange: {
						startingHashKey: shard.HashKeyRange.StartingHashKey,
						endingHashKey: shard.HashKeyRange.EndingHashKey,
					},
				},
				signal,
			);
		}
	}
}

export type RunningConsumerApp = {
	/** Stops the rounds and waits for the one under way. */
	stop(): Promise<void>;
	/** The last error a round met (each round tries again), for a test or a status line. */
	lastError(): string | undefined;
};

/** Runs the application's rounds every `tickMs` until stopped; errors wait for the next round. */
export function startConsumerApp(
	reader: Reader,
	api: DynamoDbApi,
	options: ConsumerAppOptions = {},
): RunningConsumerApp {
	const app = new ConsumerApp(reader, api, options);
	const tickMs = options.tickMs ?? 1000;
	const controller = new AbortController();
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<void> | undefined;
	let lastError: string | undefined;
	let stopped = false;
	const schedule = (delay: number) => {
		timer = setTimeout(() => {
			timer = undefined;
			running = app
				.round(controller.signal)
				.then(
					() => {
						lastError = undefined;
					},
					(error: unknown) => {
						lastError = error instanceof Error ? error.message : String(error);
					},
				)
				.finally(() => {
					running = undefined;
					if (!stopped) schedule(tickMs);
				});
		}, delay);
	};

	schedule(0);
	return {
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			controller.abort();
			await running;
		},
		lastError: () => lastError,
	};
}

/**
 * Every consumer of a stream and how far behind it is, refreshed on demand — the model the Consumers
 * screen and `kinesis-top lag` share:
 * - KCL applications (found through their lease tables, see lease-tables.ts): per shard the owner, the
 *   checkpoint, the lag measured at the checkpoint (lag-prober.ts), the lease's renewals and owner
 *   changes (lease-history.ts) and the diagnoses in words (diagnoses.ts); per application the workers
 *   and a roll-up: the largest lag, its shard, its trend, and the time to catch up.
 * - Enhanced fan-out consumers: their lag as CloudWatch publishes it
 *   (SubscribeToShardEvent.MillisBehindLatest, Maximum), and SubscribeToShard.RateExceeded.
 * - Lambda event-source mappings: their settings and the function's IteratorAge (Maximum), Errors and
 *   Throttles (Sum) from AWS/Lambda.
 *
 * The time to catch up: the lag measured twice at a shard tells how much of the stream's time the
 * application got through meanwhile — its read rate, in seconds of stream per second, against the write
 * rate of one second of stream per second. lag ÷ (read rate − write rate) when positive; "falling
 * behind" when not. With the stream's IncomingRecords (CloudWatch) the two rates are also given in
 * records per second.
 *
 * What one refresh costs, at most (AWS API calls): DescribeStreamSummary + ListShards (1 per 1,000
 * shards), one Scan per lease table (per 1,000 leases), ListStreamConsumers, ListEventSourceMappings, one
 * GetMetricData (per 500 series), and 2 × `maxProbesPerRefresh` (default 50) reads for the lag; plus,
 * once per `ttlMs` of discovery (10 min), ListTables, ≤ 25 DescribeTable and a one-page Scan per lease-keyed
 * table.
 */
import {
	DriverError,
	type Consumer,
	type Driver,
	type EventSourceMapping,
	type MetricQuery,
	type MetricSeries,
	type StreamDescription,
} from '../driver/driver.js';
import {NOT_OFFERED} from '../driver/not-offered.js';
import {diagnose} from './diagnoses.js';
import type {KclLease} from './kcl-lease.js';
import {LagProber, type LagSample} from './lag-prober.js';
import {LeaseHistory} from './lease-history.js';
import {
	LeaseTableFinder,
	readLeases,
	type KclVersion,
	type LeaseTable,
	type LeaseTableFinderOptions,
	type StreamIdentity,
} from './lease-tables.js';

export type Trend = 'rising' | 'falling' | 'steady' | 'unknown';

export type ShardLag = {
	shardId: string;
	/** The lease's key in its table: the shard id, or `account:stream:creationEpoch:shardId`. */
	leaseKey: string;
	owner?: string;
	/** A sequence number, or TRIM_HORIZON, LATEST, SHARD_END, AT_TIMESTAMP. */
	checkpoint: string;
	subSequenceNumber: number;
	leaseCounter: number;
	/** How long the first record after the checkpoint has waited, as last measured. */
	lagMillis?: number;
	millisBehindLatest?: number;
	/** When the lag was measured. */
	measuredAt?: number;
	renewalsPerMinute?: number;
	notRenewedForMillis?: number;
	ownerChanges: number;
	parentShardIds: string[];
	childShardIds: string[];
	diagnoses: string[];
};

export type Worker = {owner: string; leases: number};

export type RollUp = {
	maxLagMillis?: number;
	/** The shard with the largest lag. */
	shardId?: string;
	trend: Trend;
	/** The largest lag at each refresh, oldest first (the sparkline). */
	history: number[];
	/** Records per second written into the stream (CloudWatch IncomingRecords). */
	writeRecordsPerSecond?: number;
	/** Records per second the application gets through (its progress rate × the write rate). */
	readRecordsPerSecond?: number;
	/** Seconds of stream the application gets through per second (1: it keeps pace). */
	progressRate?: number;
	timeToCatchUpMillis?: number;
	fallingBehind: boolean;
};

export type KclApplication = {
	kind: 'kcl';
	name: string;
	table: string;
	kclVersion: KclVersion;
	multiStream: boolean;
	match: LeaseTable['match'];
	shards: ShardLag[];
	workers: Worker[];
	rollUp: RollUp;
	/** Diagnoses of the application as a whole (the shards' in a count). */
	diagnoses: string[];
};

export type EfoConsumer = {
	kind: 'efo';
	name: string;
	arn: string;
	status: Consumer['ConsumerStatus'];
	/** CloudWatch's SubscribeToShardEvent.MillisBehindLatest, the last minute's Maximum. */
	lagMillis?: number;
	rateExceeded?: number;
	history: number[];
	diagnoses: string[];
};

export type LambdaConsumer = {
	kind: 'lambda';
	name: string;
	mapping: EventSourceMapping;
	/** The function's IteratorAge, the last minute's Maximum. */
	iteratorAgeMillis?: number;
	/** Sums over the window (10 minutes). */
	errors?: number;
	throttles?: number;
	history: number[];
	diagnoses: string[];
};

export type ConsumersSnapshot = {
	stream: string;
	at: number;
	applications: KclApplication[];
	efo: EfoConsumer[];
	lambdas: LambdaConsumer[];
	/** What could not be read, and why (an API the endpoint does not offer, a permission). */
	notes: string[];
};

export type ConsumerLagOptions = {
	/** Lease tables named outright (`--kcl-table`): no discovery. */
	kclTables?: readonly string[];
	maxProbesPerRefresh?: number;
	/** KCL's failover time: a lease not renewed for longer is stuck (default 10 s). */
	failoverMillis?: number;
	/** Owner changes within the history window (5 min) that mean lease stealing (default 3). */
	stealingThreshold?: number;
	finder?: LeaseTableFinderOptions;
	now?: () => number;
};

/** The metrics window: ten one-minute periods. */
const WINDOW_MS = 10 * 60_000;
const HISTORY_LENGTH = 30;

const efoQuery = (
	stream: string,
	consumer: string,
	metricName: string,
	statistic: 'Maximum' | 'Sum',
): MetricQuery => ({
	namespace: 'AWS/Kinesis',
	metricName,
	dimensions: {StreamName: stream, ConsumerName: consumer},
	statistic,
	periodSeconds: 60,
});

const lambdaQuery = (
	functionName: string,
	metricName: string,
	statistic: 'Maximum' | 'Sum',
): MetricQuery => ({
	namespace: 'AWS/Lambda',
	metricName,
	dimensions: {FunctionName: functionName},
	statistic,
	periodSeconds: 60,
});

/** `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → NAME. */
export const functionNameOf = (functionArn: string) => functionArn.split(':')[6] ?? functionArn;

/** The trend of a series: the last value against the one three refreshes before. */
/** A lag below this is an application keeping up: never "falling behind". */
const AT_THE_TIP_MILLIS = 1000;

export function trendOf(history: readonly number[]): Trend {
	if (history.length < 2) return 'unknown';
	const last = history.at(-1)!;
	const before = history[Math.max(0, history.length - 4)];
	const margin = Math.max(1000, 0.1 * Math.max(last, before));
	if (last - before > margin) return 'rising';
	if (before - last > margin) return 'falling';
	return 'steady';
}

/**
 * Seconds of stream got through per second between the first and the last sample of a shard taken at
 * advancing times: 1 − (change of lag ÷ time). Undefined with fewer than two samples, or when both say
 * 0 (at the tip: the rate is the write rate, not measurable here).
 */
export function progressRateOf(samples: readonly LagSample[]): number | undefined {
	if (samples.length < 2) return undefined;
	const first = samples[0];
	const last = samples.at(-1)!;
	const elapsed = last.at - first.at;
	if (elapsed <= 0 || (first.lagMillis === 0 && last.lagMillis === 0)) return undefined;
	return 1 - (last.lagMillis - first.lagMillis) / elapsed;
}

/** lag ÷ (read rate − write rate), rates in seconds of stream per second; undefined when not positive. */
export function timeToCatchUp(lagMillis: number, progressRate: number) {
	return progressRate > 1 ? lagMillis / (progressRate - 1) : undefined;
}

export class ConsumerLag {
	private readonly finder: LeaseTableFinder;
	private readonly prober: LagProber;
	private readonly history = new LeaseHistory();
	private readonly lagHistory = new Map<string, number[]>();
	private readonly now: () => number;

	constructor(
		private readonly driver: Driver,
		readonly stream: string,
		private readonly options: ConsumerLagOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.finder = new LeaseTableFinder(driver, {now: this.now, ...options.finder});
		this.prober = new LagProber(driver, {
			maxShardsPerRefresh: options.maxProbesPerRefresh,
			now: this.now,
		});
	}

	async refresh(signal?: AbortSignal): Promise<ConsumersSnapshot> {
		const notes: string[] = [];
		const attempt = async <T>(what: string, fallback: T, action: () => Promise<T>) => {
			try {
				return await action();
			} catch (error) {
				if (signal?.aborted || !(error instanceof DriverError)) throw error;
				notes.push(
					error.code === NOT_OFFERED
						? `${what}: not offered by this endpoint`
						: `${what}: ${error.code}: ${error.message}`,
				);
				return fallback;
			}
		};

		const description = await this.driver.describeStream(this.stream, signal);
		const identity = identityOf(description);
		const arn = description.StreamARN;
		const discovery = await attempt('KCL lease tables (DynamoDB)', undefined, () =>
			this.finder.find(identity, this.options.kclTables, signal),
		);
		if (discovery?.problems.length) notes.push(...discovery.problems);
		if (discovery?.notChecked.length) {
			notes.push(
				`${discovery.notChecked.length} DynamoDB tables not checked for leases (name one with --kcl-table)`,
			);
		}

		const tables: Array<{table: LeaseTable; leases: KclLease[]}> = [];
		for (const table of discovery?.tables ?? []) {
			const leases = await attempt(`lease table ${table.table}`, undefined, async () =>
				readLeases(this.driver, table.table, identity, signal),
			);
			if (leases) tables.push({table, leases: leases.leases});
		}

		const readAt = this.now();
		for (const {table, leases} of tables) {
			for (const lease of leases) this.history.observe(table.table, lease, readAt);
		}

		const [consumers, mappings] = await Promise.all([
			attempt('enhanced fan-out consumers', [] as Consumer[], () =>
				this.driver.listStreamConsumers(arn, signal),
			),
			attempt('Lambda event-source mappings', [] as EventSourceMapping[], () =>
				this.driver.listEventSourceMappings(arn, signal),
			),
		]);

		const queries: MetricQuery[] = [
			{
				namespace: 'AWS/Kinesis',
				metricName: 'IncomingRecords',
				dimensions: {StreamName: this.stream},
				statistic: 'Sum',
				periodSeconds: 60,
			},
			...consumers.flatMap((consumer) => [
				efoQuery(
					this.stream,
					consumer.ConsumerName,
					'SubscribeToShardEvent.MillisBehindLatest',
					'Maximum',
				),
				efoQuery(this.stream, consumer.ConsumerName, 'SubscribeToShard.RateExceeded', 'Sum'),
			]),
			...mappings.flatMap((mapping) => {
				const name = functionNameOf(mapping.FunctionArn);
				return [
					lambdaQuery(name, 'IteratorAge', 'Maximum'),
					lambdaQuery(name, 'Errors', 'Sum'),
					lambdaQuery(name, 'Throttles', 'Sum'),
				];
			}),
		];
		const end = this.now();
		const series = await attempt('CloudWatch metrics', [] as MetricSeries[], () =>
			this.driver.getMetrics(
				{queries, start: new Date(end - WINDOW_MS), end: new Date(end)},
				signal,
			),
		);
		const points = (index: number) => series[index]?.points.map((point) => point.value) ?? [];
		const incoming = points(0);
		// The last complete minute's records, per second.
		const writeRecordsPerSecond =
			incoming.length >= 2
				? incoming.at(-2)! / 60
				: incoming.length === 1
					? incoming[0] / 60
					: undefined;

		await this.prober.probe(
			this.stream,
			tables.flatMap(({table, leases}) =>
				leases.map((lease) => ({
					application: table.table,
					shardId: lease.shardId,
					checkpoint: lease.checkpoint.sequenceNumber,
				})),
			),
			signal,
		);
		const throttled = this.prober.lastErrors.ProvisionedThroughputExceededException;
		if (throttled) notes.push(`${throttled} lag reads throttled; measured next refresh`);

		const now = this.now();
		const applications = tables.map(({table, leases}) =>
			this.application(table, leases, description, writeRecordsPerSecond, now),
		);
		const efo = consumers.map((consumer, index): EfoConsumer => {
			const lag = points(1 + index * 2);
			const rateExceeded = points(2 + index * 2).reduce((sum, value) => sum + value, 0);
			const diagnoses: string[] = [];
			if (consumer.ConsumerStatus !== 'ACTIVE')
				diagnoses.push(consumer.ConsumerStatus.toLowerCase());
			if (rateExceeded > 0)
				diagnoses.push(`SubscribeToShard rate exceeded ${rateExceeded} times in 10m`);
			if (trendOf(lag) === 'rising') diagnoses.push('falling behind');
			return {
				kind: 'efo',
				name: consumer.ConsumerName,
				arn: consumer.ConsumerARN,
				status: consumer.ConsumerStatus,
				...(lag.length > 0 ? {lagMillis: lag.at(-1)} : {}),
				...(series.length > 0 ? {rateExceeded} : {}),
				history: lag,
				diagnoses,
			};
		});
		const lambdaBase = 1 + consumers.length * 2;
		const lambdas = mappings.map((mapping, index): LambdaConsumer => {
			const base = lambdaBase + index * 3;
			const age = points(base);
			const errors = points(base + 1).reduce((sum, value) => sum + value, 0);
			const throttles = points(base + 2).reduce((sum, value) => sum + value, 0);
			return {
				kind: 'lambda',
				name: functionNameOf(mapping.FunctionArn),
				mapping,
				...(age.length > 0 ? {iteratorAgeMillis: age.at(-1)} : {}),
				...(series.length > 0 ? {errors, throttles} : {}),
				history: age,
				diagnoses: lambdaDiagnoses(mapping, age, errors, throttles),
			};
		});

		return {stream: this.stream, at: now, applications, efo, lambdas, notes};
	}

	private application(
		table: LeaseTable,
		leases: KclLease[],
		description: StreamDescription,
		writeRecordsPerSecond: number | undefined,
		now: number,
	): KclApplication {
		const leasesByShard = new Map(leases.map((lease) => [lease.shardId, lease]));
		const childrenInStream = new Map<string, string[]>();
		for (const shard of description.Shards) {
			for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
				if (parent)
					childrenInStream.set(parent, [...(childrenInStream.get(parent) ?? []), shard.ShardId]);
			}
		}

		const rates: number[] = [];
		const shards = leases
			.map((lease): ShardLag => {
				const activity = this.history.activity(table.table, lease.leaseKey, now);
				const samples = this.prober.samplesOf(table.table, lease.shardId);
				const sample = samples.at(-1);
				const rate = progressRateOf(samples);
				if (rate !== undefined) rates.push(rate);
				const fallingBehind =
					rate !== undefined && rate < 1 && samples.at(-1)!.lagMillis > samples[0].lagMillis + 1000;
				return {
					shardId: lease.shardId,
					leaseKey: lease.leaseKey,
					...(lease.owner ? {owner: lease.owner} : {}),
					checkpoint: lease.checkpoint.sequenceNumber,
					subSequenceNumber: lease.checkpoint.subSequenceNumber,
					leaseCounter: lease.counter,
					...(sample
						? {
								lagMillis: sample.lagMillis,
								...(sample.millisBehindLatest === undefined
									? {}
									: {millisBehindLatest: sample.millisBehindLatest}),
								measuredAt: sample.at,
							}
						: {}),
					...(activity.renewalsPerMinute === undefined
						? {}
						: {renewalsPerMinute: activity.renewalsPerMinute}),
					...(activity.notRenewedForMillis === undefined
						? {}
						: {notRenewedForMillis: activity.notRenewedForMillis}),
					ownerChanges: activity.ownerChanges,
					parentShardIds: lease.parentShardIds,
					childShardIds: lease.childShardIds,
					diagnoses: diagnose({
						lease,
						activity,
						leasesByShard,
						streamChildren: childrenInStream.get(lease.shardId) ?? [],
						failoverMillis: this.options.failoverMillis ?? 10_000,
						fallingBehind,
						stealingThreshold: this.options.stealingThreshold ?? 3,
						windowMillis: this.history.windowMillis,
					}),
				};
			})
			.sort((a, b) => a.shardId.localeCompare(b.shardId));

		const workers = new Map<string, number>();
		for (const lease of leases) {
			if (lease.owner) workers.set(lease.owner, (workers.get(lease.owner) ?? 0) + 1);
		}

		const measured = shards.filter((shard) => shard.lagMillis !== undefined);
		const worst = measured.reduce<ShardLag | undefined>(
			(max, shard) => (max === undefined || shard.lagMillis! > max.lagMillis! ? shard : max),
			undefined,
		);
		const history = this.lagHistory.get(table.table) ?? [];
		if (worst) {
			history.push(worst.lagMillis!);
			if (history.length > HISTORY_LENGTH) history.shift();
			this.lagHistory.set(table.table, history);
		}

		// The application's pace: its slowest measured shard decides when it has caught up.
		const progressRate = rates.length > 0 ? Math.min(...rates) : undefined;
		const maxLagMillis = worst?.lagMillis;
		const catchUp =
			progressRate !== undefined && maxLagMillis !== undefined && maxLagMillis > 0
				? timeToCatchUp(maxLagMillis, progressRate)
				: undefined;
		// Under a second of lag the application is at the tip: its rate between two readings is noise
		// (a record put just after the last one it processed), not a pace slower than the stream's.
		const fallingBehind =
			progressRate !== undefined &&
			progressRate <= 1 &&
			(maxLagMillis ?? 0) >= AT_THE_TIP_MILLIS &&
			trendOf(history) !== 'falling';
		const rollUp: RollUp = {
			...(worst ? {maxLagMillis, shardId: worst.shardId} : {}),
			trend: trendOf(history),
			history: [...history],
			...(writeRecordsPerSecond === undefined ? {} : {writeRecordsPerSecond}),
			...(writeRecordsPerSecond !== undefined && progressRate !== undefined
				? {readRecordsPerSecond: Math.max(0, progressRate * writeRecordsPerSecond)}
				: {}),
			...(progressRate === undefined ? {} : {progressRate}),
			...(catchUp === undefined ? {} : {timeToCatchUpMillis: catchUp}),
			fallingBehind,
		};

		const counts = new Map<string, number>();
		for (const shard of shards) {
			for (const words of shard.diagnoses) {
				const kind = words.split(/[:,]/)[0];
				counts.set(kind, (counts.get(kind) ?? 0) + 1);
			}
		}

		const diagnoses = [...counts].map(([kind, count]) =>
			count > 1 ? `${kind}: ${count} shards` : kind,
		);
		if (fallingBehind && !counts.has('falling behind')) diagnoses.push('falling behind');
		return {
			kind: 'kcl',
			name: table.table,
			table: table.table,
			kclVersion: table.kclVersion,
			multiStream: table.multiStream,
			match: table.match,
			shards,
			workers: [...workers]
				.map(([owner, count]) => ({owner, leases: count}))
				.sort((a, b) => b.leases - a.leases || a.owner.localeCompare(b.owner)),
			rollUp,
			diagnoses,
		};
	}
}

function identityOf(description: StreamDescription): StreamIdentity {
	return {
		name: description.StreamName,
		shardIds: new Set(description.Shards.map((shard) => shard.ShardId)),
		account: description.StreamARN.split(':')[4] || undefined,
	};
}

function lambdaDiagnoses(
	mapping: EventSourceMapping,
	age: readonly number[],
	errors: number,
	throttles: number,
) {
	const words: string[] = [];
	if (mapping.State !== 'Enabled') words.push(`mapping ${mapping.State.toLowerCase()}`);
	if (mapping.LastProcessingResult?.startsWith('PROBLEM')) words.push(mapping.LastProcessingResult);
	// One failing batch retried over and over holds its shard: the iterator age grows while errors come.
	if (errors > 0 && trendOf(age) === 'rising') {
		words.push(`retrying a failing batch: ${errors} errors, iterator age rising`);
	} else if (errors > 0) {
		words.push(`${errors} errors in 10m`);
	}

	if (throttles > 0) words.push(`throttled ${throttles} times in 10m`);
	return words;
}

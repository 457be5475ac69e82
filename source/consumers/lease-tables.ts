/**
 * Finding the KCL applications of a stream through their DynamoDB lease tables, at a bounded cost, and
 * reading their leases.
 *
 * A KCL application keeps one lease per shard in a table named after the application. Discovery lists
 * the tables once (ListTables, 100 names a call), describes at most `maxDescribes` of them
 * (DescribeTable: a lease table's key is one HASH attribute `leaseKey` of type S), and reads a sample of
 * at most `sampleSize` items of each such table in one Scan call. A table is the stream's when its
 * sampled items are leases (KCL's attributes) and
 * - multi-stream (KCL 2.3+ and 3.x: `account:stream:creationEpoch:shardId` keys): one names the stream;
 * - single-stream (KCL 1.x/2.x): every sampled shard id is a shard of the stream. Such a table does not
 *   name its stream, so a table of another stream with the same shard ids matches too (`match:
 *   'shard-ids'`); `--kcl-table` names the table outright.
 * KCL 3.x is told by its `-WorkerMetricStats` / `-CoordinatorState` tables, its
 * `LeaseOwnerToLeaseKeyIndex` index, or 3.x-only attributes; 2.x by the hash-key range or child shards
 * KCL 2 writes into leases. The answer is cached for `ttlMs` (descriptions of tables for ever: a key
 * schema does not change), so the console's refreshes cost nothing more than reading the leases.
 */
import type {Driver, TableDescription} from '../driver/driver.js';
import {leaseOf, streamOfIdentifier, type KclLease} from './kcl-lease.js';

export type KclVersion = '1.x' | '2.x' | '3.x';

export type LeaseTable = {
	/** The table, which KCL names after the application. */
	table: string;
	kclVersion: KclVersion;
	multiStream: boolean;
	/** How the table was tied to the stream: named outright, by the stream's name, or by its shard ids. */
	match: 'explicit' | 'stream-name' | 'shard-ids';
};

export type Discovery = {
	tables: LeaseTable[];
	/** Tables left undescribed because of the bound: name one with `--kcl-table` to read it. */
	notChecked: string[];
	/** Why a named table could not be read as the stream's lease table. */
	problems: string[];
	/** The calls discovery made (0 when answered from the cache). */
	calls: number;
};

/** What discovery needs to know of the stream. */
export type StreamIdentity = {
	name: string;
	/** Every shard id of the stream, open and closed. */
	shardIds: ReadonlySet<string>;
	/** From the stream's ARN, where known: multi-stream keys name it. */
	account?: string;
};

export type LeaseTableFinderOptions = {
	maxDescribes?: number;
	sampleSize?: number;
	ttlMs?: number;
	now?: () => number;
};

type TableSource = Pick<Driver, 'listTables' | 'describeTable' | 'scanTable'>;

const KCL3_COMPANIONS = ['-WorkerMetricStats', '-CoordinatorState'];
const KCL3_INDEX = 'LeaseOwnerToLeaseKeyIndex';

/** A lease table's key: one HASH attribute `leaseKey` of type S. */
const isLeaseKeyed = (description: TableDescription) =>
	description.KeySchema.length === 1 &&
	description.KeySchema[0].AttributeName === 'leaseKey' &&
	description.KeySchema[0].KeyType === 'HASH' &&
	(description.KeyAttributeTypes.leaseKey ?? 'S') === 'S';

/** The version the table's own marks tell. */
function versionOf(
	description: TableDescription,
	leases: KclLease[],
	companions: boolean,
): KclVersion {
	if (
		companions ||
		description.GlobalSecondaryIndexNames.includes(KCL3_INDEX) ||
		leases.some((lease) => lease.throughputKBps !== undefined || lease.checkpointOwner)
	) {
		return '3.x';
	}

	const kcl2 = leases.some(
		(lease) => lease.hashKeyRange || lease.childShardIds.length > 0 || lease.streamIdentifier,
	);
	return kcl2 ? '2.x' : '1.x';
}

/** Whether a lease is of `stream`: a multi-stream lease names it; a single-stream one names a shard of it. */
export function leaseBelongs(lease: KclLease, stream: StreamIdentity) {
	if (lease.streamIdentifier) {
		const [account] = lease.streamIdentifier.split(':');
		return (
			streamOfIdentifier(lease.streamIdentifier) === stream.name &&
			(stream.account === undefined || account === stream.account)
		);
	}

	return stream.shardIds.has(lease.shardId);
}

export class LeaseTableFinder {
	private readonly maxDescribes: number;
	private readonly sampleSize: number;
	private readonly ttlMs: number;
	private readonly now: () => number;
	private readonly descriptions = new Map<string, TableDescription>();
	private readonly cached = new Map<string, {at: number; discovery: Discovery}>();

	constructor(
		private readonly source: TableSource,
		options: LeaseTableFinderOptions = {},
	) {
		this.maxDescribes = options.maxDescribes ?? 25;
		this.sampleSize = options.sampleSize ?? 25;
		this.ttlMs = options.ttlMs ?? 10 * 60_000;
		this.now = options.now ?? Date.now;
	}

	/** Forgets what was found, so the next {@link find} looks again (a new table, a `--kcl-table`). */
	invalidate() {
		this.cached.clear();
	}

	/**
	 * The stream's lease tables: `explicit` ones only when given (each checked), else discovered. From
	 * the cache while it is fresh.
	 */
	async find(
		stream: StreamIdentity,
		explicit: readonly string[] = [],
		signal?: AbortSignal,
	): Promise<Discovery> {
		const key = `${stream.name}\n${explicit.join('\n')}`;
		const hit = this.cached.get(key);
		if (hit && this.now() - hit.at < this.ttlMs) return {...hit.discovery, calls: 0};
		const discovery =
			explicit.length > 0
				? await this.checkExplicit(stream, explicit, signal)
				: await this.discover(stream, signal);
		this.cached.set(key, {at: this.now(), discovery});
		return discovery;
	}

	private async checkExplicit(
		stream: StreamIdentity,
		names: readonly string[],
		signal?: AbortSignal,
	): Promise<Discovery> {
		const discovery: Discovery = {tables: [], notChecked: [], problems: [], calls: 0};
		for (const name of names) {
			const description = await this.describe(name, discovery, signal);
			if (!isLeaseKeyed(description)) {
				discovery.problems.push(`${name} is not a KCL lease table (its key is not leaseKey)`);
				continue;
			}

			const recognised = await this.recognise(description, stream, false, discovery, signal);
			discovery.tables.push({
				table: name,
				kclVersion: recognised?.kclVersion ?? versionOf(description, [], false),
				multiStream: recognised?.multiStream ?? false,
				match: 'explicit',
			});
		}

		return discovery;
	}

	private async discover(stream: StreamIdentity, signal?: AbortSignal): Promise<Discovery> {
		const discovery: Discovery = {tables: [], notChecked: [], problems: [], calls: 0};
		const names = await this.source.listTables(signal);
		discovery.calls += Math.max(1, Math.ceil(names.length / 100));
		const present = new Set(names);
		const companionsOf = (name: string) =>
			KCL3_COMPANIONS.some((suffix) => present.has(name + suffix));
		const candidates = names.filter(
			(name) =>
				!KCL3_COMPANIONS.some(
					(suffix) => name.endsWith(suffix) && present.has(name.slice(0, -suffix.length)),
				),
		);
		// Most likely first, so the bound cuts the least likely: tables whose name mentions the stream, then
		// KCL 3.x tables (their companion tables say so), then the rest in name order.
		const mentions = (name: string) => name.toLowerCase().includes(stream.name.toLowerCase());
		const rank = (name: string) => (mentions(name) ? 0 : 2) + (companionsOf(name) ? 0 : 1);
		candidates.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
		const undescribed = candidates.filter((name) => !this.descriptions.has(name));
		const budget = new Set(undescribed.slice(0, this.maxDescribes));
		discovery.notChecked = undescribed.slice(this.maxDescribes);
		for (const name of candidates) {
			if (!this.descriptions.has(name) && !budget.has(name)) continue;
			let description: TableDescription;
			try {
				description = await this.describe(name, discovery, signal);
			} catch (error) {
				if (signal?.aborted) throw error;
				// A table deleted meanwhile, or one we may not describe: not ours to report.
				continue;
			}

			if (!isLeaseKeyed(description)) continue;
			const recognised = await this.recognise(
				description,
				stream,
				companionsOf(name),
				discovery,
				signal,
			);
			if (recognised?.belongs) {
				discovery.tables.push({
					table: name,
					kclVersion: recognised.kclVersion,
					multiStream: recognised.multiStream,
					match: recognised.multiStream ? 'stream-name' : 'shard-ids',
				});
			}
		}

		return discovery;
	}

	private async describe(name: string, discovery: Discovery, signal?: AbortSignal) {
		const known = this.descriptions.get(name);
		if (known) return known;
		discovery.calls++;
		const description = await this.source.describeTable(name, signal);
		this.descriptions.set(name, description);
		return description;
	}

	/** One Scan of a sample: are the items leases, of this stream, and of which KCL? */
	private async recognise(
		description: TableDescription,
		stream: StreamIdentity,
		companions: boolean,
		discovery: Discovery,
		signal?: AbortSignal,
	) {
		discovery.calls++;
		const page = await this.source.scanTable(
			description.TableName,
			{limit: this.sampleSize},
			signal,
		);
		const leases = page.Items.map((item) => leaseOf(item)).filter((lease) => lease !== undefined);
		if (leases.length === 0 || leases.length < page.Items.length) return undefined;
		const multiStream = leases.some((lease) => lease.streamIdentifier);
		const belongs = multiStream
			? leases.some((lease) => leaseBelongs(lease, stream))
			: leases.every((lease) => leaseBelongs(lease, stream));
		return {belongs, multiStream, kclVersion: versionOf(description, leases, companions)};
	}
}

/** Items a lease Scan asks for per call: a lease item is a few hundred bytes, a page at most 1 MB. */
const LEASES_PER_PAGE = 1000;
/** At most this many pages: 20,000 leases is far beyond any one stream's shards. */
const MAX_PAGES = 20;

/** Every lease of `stream` in `table`, all pages; with the number of calls it took. */
export async function readLeases(
	source: Pick<Driver, 'scanTable'>,
	table: string,
	stream: StreamIdentity,
	signal?: AbortSignal,
): Promise<{leases: KclLease[]; calls: number}> {
	const leases: KclLease[] = [];
	let calls = 0;
	let start;
	do {
		const page = await source.scanTable(
			table,
			{limit: LEASES_PER_PAGE, ...(start ? {exclusiveStartKey: start} : {})},
			signal,
		);
		calls++;
		for (const item of page.Items) {
			const lease = leaseOf(item);
			if (lease && (!lease.streamIdentifier || leaseBelongs(lease, stream))) leases.push(lease);
		}

		start = page.LastEvaluatedKey;
	} while (start && calls < MAX_PAGES);

	return {leases, calls};
}

/**
 * Guarded repairs of a KCL lease table, the two an on-call engineer otherwise makes by hand in the
 * DynamoDB console:
 * - reset one shard's checkpoint (to TRIM_HORIZON, LATEST, a sequence number or a time, see
 *   checkpoint-target.ts);
 * - release a dead worker's lease: clear its owner, so another worker takes it at once (KCL 1.x/2.x
 *   take an unowned lease without waiting for the failover time; KCL 3.x's leader assigns it).
 *
 * Each is one conditional UpdateItem in KCL's own attribute names and types (amazon-kinesis-client's
 * DynamoDBLeaseSerializer, the same for 1.x, 2.x and 3.x; a multi-stream lease only has a longer
 * `leaseKey`), made as KCL makes its own: conditioned on the `leaseCounter` read, which it raises by
 * one. A worker that renewed or took the lease since it was read has raised the counter too, so the
 * repair fails (ConditionalCheckFailedException) instead of clobbering it.
 *
 * A reset also releases the lease. A worker still holding it would otherwise keep reading from where
 * it was and checkpoint over the reset (KCL 2.x even takes a counter one above its own, with its own
 * name as owner, for a renewal of its own whose answer was lost); released, the holder loses the lease
 * at its next renewal, and the worker that takes it starts from the new checkpoint.
 *
 * Both are previewed ({@link planRepair}) before the user confirms, and written to the audit log
 * whatever the outcome ({@link executeRepair}), as resharding is.
 */
import type {AttributeValue, Driver, ItemUpdate, TableItem} from '../driver/driver.js';
import {appendAudit, describeTarget as describeBackend} from '../reshard/audit-log.js';
import {errorText} from '../reshard/execute.js';
import {describeTarget, resolveCheckpoint, type CheckpointTarget} from './checkpoint-target.js';

/** The lease as it was read: what the preview shows and the condition holds it to. */
export type LeaseSnapshot = {
	table: string;
	leaseKey: string;
	shardId: string;
	owner?: string;
	leaseCounter: number;
	checkpoint: string;
	subSequenceNumber: number;
};

export type LeaseRepair = {action: 'reset'; target: CheckpointTarget} | {action: 'release'};

/** One attribute the repair changes: before → after (undefined: absent). */
export type AttributeChange = {attribute: string; before?: string; after?: string};

export type RepairPlan = {
	stream: string;
	lease: LeaseSnapshot;
	action: LeaseRepair['action'];
	/** In words, for the screen and the audit line. */
	description: string;
	changes: AttributeChange[];
	/** How the new checkpoint was found, what happens next. */
	notes: string[];
	key: TableItem;
	update: ItemUpdate;
};

/** Attributes a release removes: the owner, and KCL 3.x's graceful-handoff owner with it. */
const OWNERS = ['leaseOwner', 'checkpointOwner'];
/** A checkpoint in two phases (KCL 2.x+) that a reset makes meaningless. */
const PENDING = [
	'pendingCheckpoint',
	'pendingCheckpointSubSequenceNumber',
	'pendingCheckpointState',
];

const number = (value: number): AttributeValue => ({N: String(value)});

/** The preview of `repair` of `lease`: a time or sequence number is resolved against the shard first. */
export async function planRepair(
	driver: Pick<Driver, 'getShardIterator' | 'getRecords'>,
	stream: string,
	lease: LeaseSnapshot,
	repair: LeaseRepair,
	signal?: AbortSignal,
): Promise<RepairPlan> {
	const counter = lease.leaseCounter;
	const key = {leaseKey: {S: lease.leaseKey}};
	const expected = {leaseCounter: number(counter)};
	const ownerChange: AttributeChange[] = lease.owner
		? [{attribute: 'leaseOwner', before: lease.owner}]
		: [];
	const counterChange = {
		attribute: 'leaseCounter',
		before: String(counter),
		after: String(counter + 1),
	};
	const where = `${lease.shardId} (lease table ${lease.table})`;
	if (repair.action === 'release') {
		return {
			stream,
			lease,
			action: 'release',
			description: `release the lease of ${where}${lease.owner ? ` held by ${lease.owner}` : ''}`,
			changes: [...ownerChange, counterChange],
			notes: ['another worker takes the lease and resumes from its checkpoint'],
			key,
			update: {set: {leaseCounter: number(counter + 1)}, remove: OWNERS, expected},
		};
	}

	const resolved = await resolveCheckpoint(driver, stream, lease.shardId, repair.target, signal);
	const typed = describeTarget(repair.target);
	const to = typed === resolved.checkpoint ? typed : `${resolved.checkpoint} (${typed})`;
	return {
		stream,
		lease,
		action: 'reset',
		description: `reset the checkpoint of ${where} from ${lease.checkpoint} to ${to}`,
		changes: [
			{attribute: 'checkpoint', before: lease.checkpoint, after: resolved.checkpoint},
			...(lease.subSequenceNumber === 0
				? []
				: [
						{
							attribute: 'checkpointSubSequenceNumber',
							before: String(lease.subSequenceNumber),
							after: '0',
						},
					]),
			...ownerChange,
			counterChange,
		],
		notes: [
			...(resolved.note ? [resolved.note] : []),
			'the lease is released: the worker that takes it starts from the new checkpoint',
		],
		key,
		update: {
			set: {
				checkpoint: {S: resolved.checkpoint},
				checkpointSubSequenceNumber: number(0),
				ownerSwitchesSinceCheckpoint: number(0),
				leaseCounter: number(counter + 1),
			},
			remove: [...OWNERS, ...PENDING],
			expected,
		},
	};
}

export type RepairOutcome =
	| {ok: true; item: TableItem; warning?: string}
	| {
			ok: false;
			/** The AWS error code, where the failure has one. */
			code?: string;
			/** `CODE: message`, or the message alone. */
			error: string;
			warning?: string;
	  };

export type RepairOptions = {
	/** Where audit.log is written; undefined: nowhere (reported as a warning). */
	auditDirectory: string | undefined;
	signal?: AbortSignal;
};

const CONDITION_FAILED = 'ConditionalCheckFailedException';

/** Makes the repair (one conditional UpdateItem) and writes its audit line, whatever the outcome. */
export async function executeRepair(
	driver: Pick<Driver, 'target' | 'updateTableItem' | 'scanTable'>,
	plan: RepairPlan,
	options: RepairOptions,
): Promise<RepairOutcome> {
	const audit = async (result: 'ok' | 'error', error?: string) =>
		options.auditDirectory === undefined
			? 'not written to an audit log (no data directory)'
			: appendAudit(options.auditDirectory, {
					time: new Date().toISOString(),
					backend: describeBackend(driver.target),
					stream: plan.stream,
					table: plan.lease.table,
					action: `${plan.description} (condition leaseCounter = ${plan.lease.leaseCounter})`,
					result,
					error,
				});
	try {
		const item = await driver.updateTableItem(
			plan.lease.table,
			plan.key,
			plan.update,
			options.signal,
		);
		return {ok: true, item, warning: await audit('ok')};
	} catch (error) {
		const {code} = error as {code?: string};
		if (code !== CONDITION_FAILED) {
			const text = errorText(error);
			return {ok: false, code, error: text, warning: await audit('error', text)};
		}

		let now: TableItem | undefined;
		let why: string;
		try {
			now = await findItem(driver, plan.lease.table, plan.lease.leaseKey, options.signal);
			// A retry of this very write whose first answer was lost finds its own write done.
			if (now && isWritten(now, plan.update)) {
				return {ok: true, item: now, warning: await audit('ok')};
			}

			why = changedSince(plan.lease, now);
		} catch (readError) {
			why = `the lease of ${plan.lease.shardId} changed since it was read (read again: ${errorText(readError)})`;
		}

		const text = `${CONDITION_FAILED}: ${why}; nothing was written`;
		return {ok: false, code, error: text, warning: await audit('error', text)};
	}
}

/** Whether `item` holds what `update` writes. */
function isWritten(item: TableItem, update: ItemUpdate) {
	const same = (a: AttributeValue | undefined, b: AttributeValue) =>
		JSON.stringify(a) === JSON.stringify(b);
	return (
		Object.entries(update.set).every(([name, value]) => same(item[name], value)) &&
		(update.remove ?? []).every((name) => item[name] === undefined)
	);
}

/** Why the condition failed, from the lease as it is now. */
function changedSince(lease: LeaseSnapshot, now: TableItem | undefined) {
	if (!now) return `the lease of ${lease.shardId} is no longer in ${lease.table}`;
	const counter = now.leaseCounter?.N ?? '?';
	const owner = now.leaseOwner?.S;
	return `the lease of ${lease.shardId} changed since it was read (leaseCounter ${lease.leaseCounter} → ${counter}, owner ${owner ?? 'none'}): a live worker renewed or took it. Stop the application (or let the lease expire) and try again`;
}

/** Leases per Scan call, and the calls at most, when one lease is looked for after a failed condition. */
const ITEMS_PER_PAGE = 1000;
const MAX_PAGES = 20;

/** The item with `leaseKey` in `table`, read again (Scan: the contract has no GetItem). */
async function findItem(
	driver: Pick<Driver, 'scanTable'>,
	table: string,
	leaseKey: string,
	signal?: AbortSignal,
) {
	let start: TableItem | undefined;
	for (let pages = 0; pages < MAX_PAGES; pages++) {
		const page = await driver.scanTable(
			table,
			{limit: ITEMS_PER_PAGE, ...(start ? {exclusiveStartKey: start} : {})},
			signal,
		);
		const item = page.Items.find((each) => each.leaseKey?.S === leaseKey);
		if (item) return item;
		start = page.LastEvaluatedKey;
		if (!start) break;
	}

	return undefined;
}

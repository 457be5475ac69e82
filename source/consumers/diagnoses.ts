/**
 * Why a shard of a KCL application is behind, in words an on-call engineer reads at a glance:
 * - `stuck: lease not renewed for 4m (owner worker-7)` — its worker stopped renewing (dead or hung);
 * - `unowned: no worker holds the lease` — nobody processes the shard;
 * - `waiting for parent shardId-…` — KCL processes a child only once its parents reach SHARD_END;
 * - `SHARD_END, children not leased` — the shard is finished but its children have no lease yet;
 * - `lease stealing: 6 owner changes in 5m` — workers keep taking the lease from each other;
 * - `falling behind` — the lag grows: the application reads slower than the stream is written.
 */
import {formatDuration} from './durations.js';
import type {KclLease} from './kcl-lease.js';
import type {LeaseActivity} from './lease-history.js';

export type DiagnosisContext = {
	lease: KclLease;
	activity: LeaseActivity;
	/** The application's leases by shard id, to see parents and children. */
	leasesByShard: ReadonlyMap<string, KclLease>;
	/** The shard's children in the stream (ListShards lineage), beside those the lease names. */
	streamChildren: readonly string[];
	/** A lease not renewed for longer than this is stuck (KCL's failover time, 10 s by default). */
	failoverMillis: number;
	/** The shard's lag grows: it is read slower than it is written. */
	fallingBehind: boolean;
	/** Owner changes in the history window that mean stealing. */
	stealingThreshold: number;
	windowMillis: number;
};

export function diagnose(context: DiagnosisContext): string[] {
	const {lease, activity} = context;
	const words: string[] = [];
	const atShardEnd = lease.checkpoint.sequenceNumber === 'SHARD_END';
	if (atShardEnd) {
		const children = [...new Set([...lease.childShardIds, ...context.streamChildren])];
		const unleased = children.filter((child) => !context.leasesByShard.has(child));
		if (unleased.length > 0) words.push('SHARD_END, children not leased');
		return words;
	}

	if (!lease.owner) {
		words.push('unowned: no worker holds the lease');
	} else if (
		activity.notRenewedForMillis !== undefined &&
		activity.watchedForMillis > 0 &&
		activity.notRenewedForMillis > context.failoverMillis
	) {
		words.push(
			`stuck: lease not renewed for ${formatDuration(activity.notRenewedForMillis)} (owner ${lease.owner})`,
		);
	}

	const waitingFor = lease.parentShardIds.filter((parent) => {
		const parentLease = context.leasesByShard.get(parent);
		return parentLease !== undefined && parentLease.checkpoint.sequenceNumber !== 'SHARD_END';
	});
	for (const parent of waitingFor) words.push(`waiting for parent ${parent}`);

	if (activity.ownerChanges >= context.stealingThreshold) {
		words.push(
			`lease stealing: ${activity.ownerChanges} owner changes in ${formatDuration(context.windowMillis)}`,
		);
	}

	if (context.fallingBehind) words.push('falling behind');
	return words;
}

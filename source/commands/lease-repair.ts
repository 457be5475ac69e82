/**
 * `kinesis-top lag STREAM --kcl-table TABLE --reset-checkpoint SHARD=TARGET --yes` and
 * `… --release-lease SHARD --yes`: the console's guarded lease repairs, headless — the same model
 * (consumers/lease-repairs.ts), the same conditional UpdateItem on the `leaseCounter` read, the same
 * audit.log line. `--yes` stands for the console's typed confirmation: without it nothing is written.
 * Prints the lease as written (`--json`: one object); a failed condition exits 1 with DynamoDB's code.
 */
import {CHECKPOINT_TARGET_HINT, parseCheckpointTarget} from '../consumers/checkpoint-target.js';
import {
	executeRepair,
	planRepair,
	type LeaseRepair,
	type LeaseSnapshot,
} from '../consumers/lease-repairs.js';
import {readLeases} from '../consumers/lease-tables.js';
import {DriverError} from '../driver/driver.js';
import {UsageError, type Action} from './command.js';
import type {Flags} from './flags.js';

/** The repair the flags ask for, undefined when they ask for none; a UsageError when they are wrong. */
export function repairRequest(flags: Flags, kclTables: readonly string[]) {
	const {resetCheckpoint, releaseLease} = flags;
	if (resetCheckpoint === undefined && releaseLease === undefined) return undefined;
	if (resetCheckpoint !== undefined && releaseLease !== undefined) {
		throw new UsageError('--reset-checkpoint and --release-lease: one repair at a time');
	}

	if (kclTables.length !== 1) {
		throw new UsageError('a lease repair needs the lease table named: --kcl-table TABLE');
	}

	if (!flags.yes) {
		throw new UsageError(
			'a lease repair writes the lease table: add --yes to confirm (nothing was written)',
		);
	}

	if (releaseLease !== undefined) {
		return {table: kclTables[0], shardId: releaseLease, repair: {action: 'release'} as const};
	}

	const [shardId, ...rest] = resetCheckpoint!.split('=');
	const target = parseCheckpointTarget(rest.join('='));
	if (!shardId || typeof target === 'string') {
		throw new UsageError(
			`--reset-checkpoint takes SHARD=TARGET, TARGET one of ${CHECKPOINT_TARGET_HINT}`,
		);
	}

	return {table: kclTables[0], shardId, repair: {action: 'reset', target} as LeaseRepair};
}

export function leaseRepairAction(
	stream: string,
	request: {table: string; shardId: string; repair: LeaseRepair},
): Action {
	return async ({driver, out, io, json, signal, auditDirectory}) => {
		const description = await driver.describeStream(stream, signal);
		const identity = {
			name: description.StreamName,
			shardIds: new Set(description.Shards.map((shard) => shard.ShardId)),
			account: description.StreamARN.split(':')[4] || undefined,
		};
		const {leases} = await readLeases(driver, request.table, identity, signal);
		const lease = leases.find((each) => each.shardId === request.shardId);
		if (!lease) {
			throw new DriverError(
				'ResourceNotFoundException',
				`no lease of ${request.shardId} of ${stream} in ${request.table}`,
			);
		}

		const snapshot: LeaseSnapshot = {
			table: request.table,
			leaseKey: lease.leaseKey,
			shardId: lease.shardId,
			...(lease.owner ? {owner: lease.owner} : {}),
			leaseCounter: lease.counter,
			checkpoint: lease.checkpoint.sequenceNumber,
			subSequenceNumber: lease.checkpoint.subSequenceNumber,
		};
		const plan = await planRepair(driver, stream, snapshot, request.repair, signal);
		const outcome = await executeRepair(driver, plan, {auditDirectory, signal});
		if (outcome.warning) io.stderr.write(`note: ${outcome.warning}\n`);
		if (!outcome.ok) {
			const prefix = outcome.code ? `${outcome.code}: ` : '';
			throw new DriverError(outcome.code ?? 'Error', outcome.error.slice(prefix.length));
		}

		const {item} = outcome;
		const written = {
			checkpoint: item.checkpoint?.S ?? null,
			owner: item.leaseOwner?.S ?? null,
			leaseCounter: item.leaseCounter?.N === undefined ? null : Number(item.leaseCounter.N),
		};
		if (json) {
			await out.line({
				action: plan.action,
				stream,
				table: request.table,
				shardId: lease.shardId,
				leaseKey: lease.leaseKey,
				description: plan.description,
				notes: plan.notes,
				lease: written,
			});
			return;
		}

		await out.write(
			`${plan.description}: done (checkpoint ${written.checkpoint}, owner ${written.owner ?? 'none'}, leaseCounter ${written.leaseCounter})\n` +
				plan.notes.map((note) => `  ${note}\n`).join(''),
		);
	};
}

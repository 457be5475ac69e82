/**
 * Runs a confirmed reshard plan: the one driver call, then waiting while the stream is UPDATING until it
 * is ACTIVE again (reporting progress), and the audit log entry whatever the outcome. While it waits, a
 * look that fails for a transient reason (throttling, 5xx, the network) is tried again; any other
 * failure (access denied, the stream gone) ends the wait at once with that error.
 */
import type {Driver} from '../driver/driver.js';
import {isTransient} from '../driver/transient.js';
import {sleep} from '../sleep.js';
import {appendAudit, describeTarget} from './audit-log.js';
import type {ReshardPlan} from './preview.js';

export type ReshardProgress =
	| {phase: 'calling'}
	| {phase: 'updating'; since: number}
	| {phase: 'done'; warning?: string}
	| {phase: 'failed'; error: string; warning?: string};

export type ExecuteOptions = {
	/** Where audit.log is written; undefined: nowhere (reported as a warning). */
	auditDirectory: string | undefined;
	onProgress: (progress: ReshardProgress) => void;
	signal?: AbortSignal;
	pollMs?: number;
	/** Give up waiting for ACTIVE after this long (the change itself is not undone). */
	timeoutMs?: number;
};

export function describePlan(plan: ReshardPlan) {
	switch (plan.action) {
		case 'split': {
			return `split ${plan.shardId} at ${plan.newStartingHashKey}`;
		}

		case 'merge': {
			return `merge ${plan.shardId} with ${plan.adjacentShardId}`;
		}

		case 'scale': {
			return `scale to ${plan.targetShardCount} shards`;
		}
	}
}

function call(driver: Driver, stream: string, plan: ReshardPlan, signal?: AbortSignal) {
	switch (plan.action) {
		case 'split': {
			return driver.splitShard(stream, plan.shardId, String(plan.newStartingHashKey), signal);
		}

		case 'merge': {
			return driver.mergeShards(stream, plan.shardId, plan.adjacentShardId, signal);
		}

		case 'scale': {
			return driver.updateShardCount(stream, plan.targetShardCount, signal);
		}
	}
}

export async function executeReshard(
	driver: Driver,
	stream: string,
	plan: ReshardPlan,
	options: ExecuteOptions,
): Promise<void> {
	const {onProgress, signal} = options;
	const directory = options.auditDirectory;
	const audit = async (result: 'ok' | 'error', error?: string) =>
		directory === undefined
			? 'not written to an audit log (no data directory)'
			: appendAudit(directory, {
					time: new Date().toISOString(),
					backend: describeTarget(driver.target),
					stream,
					action: describePlan(plan),
					result,
					error,
				});
	onProgress({phase: 'calling'});
	try {
		await call(driver, stream, plan, signal);
	} catch (error) {
		const text = errorText(error);
		onProgress({phase: 'failed', error: text, warning: await audit('error', text)});
		return;
	}

	const warning = await audit('ok');
	const since = Date.now();
	onProgress({phase: 'updating', since});
	const deadline = since + (options.timeoutMs ?? 10 * 60_000);
	while (!signal?.aborted && Date.now() < deadline) {
		try {
			const summary = await driver.describeStreamSummary(stream, signal);
			if (summary.StreamStatus === 'ACTIVE') {
				onProgress({phase: 'done', warning});
				return;
			}
		} catch (error) {
			if (signal?.aborted) break;
			// A failed look is not a failed change (that was accepted): the error says why it is unknown.
			if (!isTransient(error)) {
				onProgress({
					phase: 'failed',
					error: `the change was accepted, but the stream's status cannot be read: ${errorText(error)}`,
					warning,
				});
				return;
			}
		}

		try {
			await sleep(options.pollMs ?? 1000, signal);
		} catch {
			break; // stopped
		}
	}

	onProgress({
		phase: 'failed',
		error: 'the change was accepted, but the stream is still not ACTIVE; see the shard map',
		warning,
	});
}

export function errorText(error: unknown) {
	const message = error instanceof Error ? error.message : String(error);
	const code = (error as {code?: string}).code;
	return code ? `${code}: ${message}` : message;
}

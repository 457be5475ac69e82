/**
 * The console's re-drive (`v` marks records in the tail, `R` re-drives them): which records go, what the
 * preview says, and the run itself — the same {@link CopyRun} as `kinesis-top copy`, over records
 * already in the tail's buffer — with an `audit.log` line, as splits and merges have.
 */
import type {Driver} from '../driver/driver.js';
import {appendAudit, describeTarget} from '../reshard/audit-log.js';
import type {BufferedRecord} from '../tail/tail-buffer.js';
import {Checkpoint} from './checkpoint.js';
import type {CopyRecord, CopySource} from './copy-record.js';
import {CopyRun, type CopyProgress, type KeyPolicy} from './copy-run.js';

/**
 * The records to re-drive, in buffer order: with no mark, all of `records` (the filtered buffer); with
 * exactly two marks, every record from one to the other; otherwise the marked ones.
 */
export function selectForRedrive(
	records: readonly BufferedRecord[],
	marks: ReadonlySet<number>,
): BufferedRecord[] {
	if (marks.size === 0) return [...records];
	if (marks.size === 2) {
		const [low, high] = [...marks].sort((a, b) => a - b);
		return records.filter((each) => each.seq >= low && each.seq <= high);
	}

	return records.filter((each) => marks.has(each.seq));
}

export type RedrivePlan = {
	sourceStream: string;
	records: readonly BufferedRecord[];
	destination: string;
	key: KeyPolicy;
};

export const describeKeyPolicy = (key: KeyPolicy) =>
	key.kind === 'field' ? `keys from data.${key.path.join('.')}` : `keys ${key.kind}`;

/** What the preview shows before the typed confirmation. */
export function redrivePreview(plan: RedrivePlan) {
	const shards = new Set(plan.records.map((each) => each.shardId)).size;
	const count = plan.records.length;
	return {
		count,
		destination: plan.destination,
		sameStream: plan.destination === plan.sourceStream,
		text:
			`re-drive ${count.toLocaleString('en-US')} record${count === 1 ? '' : 's'} ` +
			`(from ${shards} shard${shards === 1 ? '' : 's'} of ${plan.sourceStream}) to ${plan.destination}, ` +
			`${describeKeyPolicy(plan.key)}, order per key kept`,
	};
}

async function* bufferedSource(records: readonly BufferedRecord[]): CopySource {
	yield records.map(({shardId, record}): CopyRecord => ({
		partition: shardId,
		position: record.SequenceNumber,
		partitionKey: record.PartitionKey,
		data: record.Data,
		arrival: record.ApproximateArrivalTimestamp,
	}));
}

export type RedriveOutcome =
	| {ok: true; progress: CopyProgress; warning?: string}
	| {ok: false; error: string; progress?: CopyProgress; warning?: string};

/** Runs the re-drive and writes its audit line (a log that cannot be written comes back as a warning). */
export async function executeRedrive(
	driver: Driver,
	plan: RedrivePlan,
	options: {
		auditDirectory?: string;
		signal?: AbortSignal;
		onProgress?: (progress: CopyProgress) => void;
	} = {},
): Promise<RedriveOutcome> {
	const run = new CopyRun(
		driver,
		{
			source: bufferedSource(plan.records),
			destination: {kind: 'stream', name: plan.destination},
			key: plan.key,
			dryRun: false,
			checkpoint: Checkpoint.open(undefined, plan.sourceStream, plan.destination),
		},
		{onProgress: options.onProgress},
		options.signal,
	);
	const audit = async (result: 'ok' | 'error', copied: number, error?: string) =>
		options.auditDirectory === undefined
			? 'not written to an audit log (no data directory)'
			: appendAudit(options.auditDirectory, {
					time: new Date().toISOString(),
					backend: describeTarget(driver.target),
					stream: plan.destination,
					action: `re-drive ${copied} of ${plan.records.length} records from ${plan.sourceStream} (${describeKeyPolicy(plan.key)})`,
					result,
					error,
				});
	try {
		const progress = await run.run();
		return {ok: true, progress, warning: await audit('ok', progress.copied)};
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const code = (error as {code?: string}).code;
		const text = code ? `${code}: ${message}` : message;
		const progress = run.progress();
		return {ok: false, error: text, progress, warning: await audit('error', progress.copied, text)};
	}
}

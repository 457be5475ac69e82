/**
 * Where a reset puts a KCL checkpoint, as a person types it, and as the lease table must hold it.
 *
 * `TRIM_HORIZON` and `LATEST` are KCL's own sentinels. A sequence number is checked against the shard
 * (GetShardIterator AT_SEQUENCE_NUMBER refuses one of another shard). A time has no sentinel of its
 * own: KCL's `AT_TIMESTAMP` checkpoint means "the application's configured initial timestamp", not a
 * time kept in the lease. So a time is resolved to the first record at or after it — GetShardIterator
 * AT_TIMESTAMP, then GetRecords until a record comes — and that record's sequence number is written.
 *
 * KCL resumes a shard with GetShardIterator AT_SEQUENCE_NUMBER its checkpoint and drops the records
 * up to and including the checkpoint (amazon-kinesis-client's KinesisDataFetcher and ProcessTask), so
 * the record at a written sequence number counts as processed: processing resumes with the one after.
 */
import type {Driver} from '../driver/driver.js';

export type CheckpointTarget =
	| {kind: 'TRIM_HORIZON'}
	| {kind: 'LATEST'}
	| {kind: 'sequence'; sequenceNumber: string}
	| {kind: 'time'; time: Date};

/** What to type: shown as the prompt's placeholder. */
export const CHECKPOINT_TARGET_HINT =
	'TRIM_HORIZON, LATEST, a sequence number, or a time (2026-12-07T09:30:00Z)';

/** The target in `text`, or why it is none. */
export function parseCheckpointTarget(text: string): CheckpointTarget | string {
	const typed = text.trim();
	const upper = typed.toUpperCase();
	if (upper === 'TRIM_HORIZON' || upper === 'LATEST') return {kind: upper};
	if (/^\d+$/.test(typed)) return {kind: 'sequence', sequenceNumber: typed};
	// A time must look like one: Date.parse also takes bare words ("May 1") that nobody means here.
	const time = /^\d{4}-\d{2}-\d{2}/.test(typed) ? Date.parse(typed) : Number.NaN;
	if (!Number.isNaN(time)) return {kind: 'time', time: new Date(time)};
	return `not a checkpoint: type ${CHECKPOINT_TARGET_HINT}`;
}

export const describeTarget = (target: CheckpointTarget) =>
	target.kind === 'sequence'
		? target.sequenceNumber
		: target.kind === 'time'
			? target.time.toISOString()
			: target.kind;

/** GetRecords calls a time's resolution makes at most: empty pages come while the iterator catches up. */
const MAX_READS = 10;

export type ResolvedCheckpoint = {
	/** What the lease's `checkpoint` becomes: a sentinel or a sequence number. */
	checkpoint: string;
	/** How it was found, in words for the preview and the audit line. */
	note?: string;
};

/** The checkpoint `target` means for `shardId`: the calls it takes are bounded (≤ 1 + MAX_READS). */
export async function resolveCheckpoint(
	driver: Pick<Driver, 'getShardIterator' | 'getRecords'>,
	stream: string,
	shardId: string,
	target: CheckpointTarget,
	signal?: AbortSignal,
): Promise<ResolvedCheckpoint> {
	if (target.kind === 'TRIM_HORIZON' || target.kind === 'LATEST') {
		return {checkpoint: target.kind};
	}

	if (target.kind === 'sequence') {
		// Refused (InvalidArgumentException) when the number is not of this shard.
		await driver.getShardIterator(
			stream,
			shardId,
			{type: 'AT_SEQUENCE_NUMBER', sequenceNumber: target.sequenceNumber},
			signal,
		);
		return {
			checkpoint: target.sequenceNumber,
			note: 'KCL resumes with the record after this sequence number',
		};
	}

	const when = target.time.toISOString();
	let iterator: string | undefined = await driver.getShardIterator(
		stream,
		shardId,
		{type: 'AT_TIMESTAMP', timestamp: target.time},
		signal,
	);
	for (let reads = 0; iterator && reads < MAX_READS; reads++) {
		const page = await driver.getRecords(iterator, 1, signal);
		const [record] = page.Records;
		if (record) {
			return {
				checkpoint: record.SequenceNumber,
				note: `the first record at or after ${when} (arrived ${record.ApproximateArrivalTimestamp.toISOString()}); KCL resumes with the record after it`,
			};
		}

		// At the tip: nothing at or after the time has arrived yet.
		if (page.MillisBehindLatest === 0) break;
		iterator = page.NextShardIterator;
	}

	throw new Error(
		`shard ${shardId} has no record at or after ${when} yet${iterator ? '' : ' (it is closed)'}: reset to LATEST, or to an earlier time`,
	);
}

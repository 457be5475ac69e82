/**
 * A stream as a copy's source: the range reader — a {@link TailSession} from `from` to `to` (one shard's
 * family with `shardId`), read to the tip and not followed, restarting each shard after its checkpoint.
 */
import type {Driver, IteratorStart} from '../driver/driver.js';
import {TailSession, type TailOptions} from '../tail/tail-session.js';
import type {TailStop} from '../tail/tail-stop.js';
import type {CopyRecord, CopySource} from './copy-record.js';

export type StreamRange = {
	stream: string;
	from: IteratorStart;
	to?: TailStop;
	shardId?: string;
};

export async function* readStreamRange(
	driver: Driver,
	range: StreamRange,
	options: {
		resumeAfter?: ReadonlyMap<string, string>;
		signal?: AbortSignal;
		/** Passed to the tail (tests use short polls). */
		tail?: Partial<TailOptions>;
	} = {},
): CopySource {
	const session = new TailSession(
		driver,
		range.stream,
		{
			...options.tail,
			from: range.from,
			to: range.to,
			shardId: range.shardId,
			resumeAfter: options.resumeAfter,
			follow: false,
		},
		options.signal,
	);
	for await (const batch of session) {
		const records: CopyRecord[] = new Array(batch.records.length);
		for (let index = 0; index < batch.records.length; index++) {
			const record = batch.records[index];
			records[index] = {
				partition: batch.shardId,
				position: record.SequenceNumber,
				partitionKey: record.PartitionKey,
				data: record.Data,
				arrival: record.ApproximateArrivalTimestamp,
			};
		}

		yield records;
	}
}

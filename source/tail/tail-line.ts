/**
 * The NDJSON line of a tailed record — the format of `kinesis-top tail` and of the console's saved
 * files: the record as GetRecords returns it, with its shard, an ISO timestamp and base64 data.
 */
import type {KinesisRecord} from '../driver/driver.js';

export function tailLine(shardId: string, record: KinesisRecord) {
	const data = record.Data;
	return JSON.stringify({
		ShardId: shardId,
		SequenceNumber: record.SequenceNumber,
		ApproximateArrivalTimestamp: record.ApproximateArrivalTimestamp.toISOString(),
		PartitionKey: record.PartitionKey,
		Data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
	});
}

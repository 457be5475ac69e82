/** Fixed records for the query tests: times, keys and JSON payloads chosen by each test. */
import type {KinesisRecord} from '../../source/driver/driver.js';

export const T0 = Date.UTC(2026, 0, 1);

let sequence = 0;

export function record(
	at: number,
	key: string,
	data: unknown = {},
	{raw = false}: {raw?: boolean} = {},
): KinesisRecord {
	sequence++;
	return {
		SequenceNumber: String(sequence).padStart(56, '0'),
		ApproximateArrivalTimestamp: new Date(at),
		PartitionKey: key,
		Data: Buffer.from(raw ? String(data) : JSON.stringify(data)),
	};
}

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What the local Firehose engine keeps of its own deliveries and buffers, beyond AWS's shapes
 * (source/kinesis/firehose-types.ts): the console shows these; AWS has no API for them.
 */

/** One object the engine wrote to a bucket (or, in memory, keeps as if it had). */
export type Delivery = {
	bucket: string;
	objectKey: string;
	/** Bytes of the object as written (after compression). */
	bytes: number;
	records: number;
	deliveredAt: number;
	/** True for an object written under the error output prefix after delivery kept failing. */
	errorOutput: boolean;
};

export type DeliveryError = {code: string; message: string; at: number};

/**
 * What the console shows about one delivery stream's buffer, exactly as the engine holds it. Local only:
 * AWS has no API for this.
 */
export type BufferState = {
	/** Record bytes (before delimiter and compression) in the open buffer. */
	bufferedBytes: number;
	bufferedRecords: number;
	/** Age of the oldest record in the open buffer (by its arrival time); undefined when empty. */
	oldestRecordAgeMs: number | undefined;
	/** Time left until the interval hint delivers the open buffer; undefined when it is empty. */
	msUntilIntervalFlush: number | undefined;
	sizeLimitBytes: number;
	intervalMs: number;
	/** Buffers already closed (by size or interval) and waiting to be delivered or retried. */
	pendingObjects: number;
	pendingBytes: number;
	pendingRecords: number;
	/** The last 20 objects written, newest last. */
	lastDeliveries: Delivery[];
	/** Delivery attempts that failed (each one is retried, then written under the error prefix). */
	failedDeliveries: number;
	/** Closed buffers whose delivery failed at least once and is scheduled again. */
	pendingRetries: number;
	/** When the next retry is due (clock time), if one is scheduled. */
	nextRetryAt: number | undefined;
	/** Objects written under the error output prefix after delivery gave up. */
	errorOutputDeliveries: number;
	lastError: DeliveryError | undefined;
	/** KinesisStreamAsSource only: the last error reading the source stream, if the last read failed. */
	sourceError: DeliveryError | undefined;
};

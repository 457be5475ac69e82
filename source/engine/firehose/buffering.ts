/**
 * The write path of delivery streams: PutRecord and PutRecordBatch (with Firehose's validation and its
 * per-stream throughput quotas), and the records a KinesisStreamAsSource stream reads. Records go, in
 * order, into the stream's open buffer, each buffer's share written to its file first; a buffer that
 * reaches the size hint is closed and handed to delivery (delivery.ts). Also the live buffer state.
 */
import {randomBytes} from 'node:crypto';
import type {Clock} from '../clock.js';
import {KinesisError} from '../errors.js';
import type {KinesisRecord} from '../../kinesis/types.js';
import {DiskWriteError} from '../log/file-system.js';
import type {BufferedRecord} from './buffer-log.js';
import {RecordBuffer, type DeliveryStream} from './delivery-stream.js';
import type {DeliveryStreams} from './delivery-streams.js';
import type {Delivery} from './delivery.js';
import {invalidArgument, Problems, serviceUnavailable} from './errors.js';
import type {FirehoseMetrics} from './firehose-metrics.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import {checkData, checkName} from './validation.js';
import type {BufferState} from './types.js';
import type {
	FirehoseRecord,
	PutRecordBatchInput,
	PutRecordBatchOutput,
	PutRecordBatchResponseEntry,
	PutRecordOutput,
} from '../../kinesis/firehose-types.js';

const NOT_FOR_KINESIS_SOURCE =
	'This operation is not permitted on KinesisStreamAsSource delivery stream type.';

export type BufferingParts = {
	clock: Clock;
	deliveryStreams: DeliveryStreams;
	delivery: Delivery;
	firehoseMetrics: FirehoseMetrics;
	/** The engine: whether the throughput quotas are enforced is its switch, changeable at run time. */
	limits: {readonly enforceLimits: boolean};
};

export class Buffering {
	private readonly clock: Clock;
	private readonly deliveryStreams: DeliveryStreams;
	private readonly delivery: Delivery;
	private readonly firehoseMetrics: FirehoseMetrics;
	private readonly limits: {readonly enforceLimits: boolean};
	/** Opaque RecordIds: this run's random prefix + the record's ordinal. */
	private readonly recordIdPrefix = randomBytes(12);

	constructor(parts: BufferingParts) {
		this.clock = parts.clock;
		this.deliveryStreams = parts.deliveryStreams;
		this.delivery = parts.delivery;
		this.firehoseMetrics = parts.firehoseMetrics;
		this.limits = parts.limits;
	}

	private get enforceLimits() {
		return this.limits.enforceLimits;
	}

	/**
	 * PutRecord: one record into the delivery stream's buffer. Throttling (over the stream's records/s,
	 * bytes/s or requests/s quota) is a ServiceUnavailableException. Resolves once the record is durable.
	 */
	async putRecord(input: {
		DeliveryStreamName: string;
		Record: FirehoseRecord;
	}): Promise<PutRecordOutput> {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		if (!input.Record) problems.add(null, 'record', 'Member must not be null');
		else checkData(input.Record.Data, 'record.data', problems);
		problems.throwIfAny();
		const output = await this.put(input.DeliveryStreamName, [input.Record], true);
		const [result] = output.RequestResponses;
		if (result.ErrorCode !== undefined) {
			throw new KinesisError(
				result.ErrorCode,
				result.ErrorMessage,
				result.ErrorCode === 'ServiceUnavailableException' ? 503 : 500,
				true,
			);
		}

		return {RecordId: result.RecordId, Encrypted: false};
	}

	/**
	 * PutRecordBatch: up to 500 records and 4 MiB. Records over the stream's throughput quota fail alone
	 * (ServiceUnavailableException, "Slow down."), as do records that could not be written
	 * (InternalFailure); `FailedPutCount` counts them. Resolves once the accepted records are durable.
	 */
	async putRecordBatch(input: PutRecordBatchInput): Promise<PutRecordBatchOutput> {
		const problems = new Problems();
		checkName(input.DeliveryStreamName, problems);
		const records = input.Records;
		if (!Array.isArray(records)) {
			problems.add(null, 'records', 'Member must not be null');
		} else if (records.length < 1 || records.length > FIREHOSE_LIMITS.maxBatchRecords) {
			problems.add(
				`[${records.length} records]`,
				'records',
				records.length < 1
					? 'Member must have length greater than or equal to 1'
					: `Member must have length less than or equal to ${FIREHOSE_LIMITS.maxBatchRecords}`,
			);
		} else {
			records.forEach((record, index) =>
				checkData(record?.Data, `records.${index + 1}.member.data`, problems),
			);
		}

		problems.throwIfAny();
		let total = 0;
		for (const record of records) total += record.Data.length;
		if (total > FIREHOSE_LIMITS.maxBatchBytes) {
			throw invalidArgument(
				`Records size exceeds ${FIREHOSE_LIMITS.maxBatchBytes / 1024 / 1024} MB limit`,
			);
		}

		return this.put(input.DeliveryStreamName, records, false);
	}

	/** The live buffer of a delivery stream, for the console (local only; AWS has no such API). */
	bufferState(name: string): BufferState {
		const stream = this.deliveryStreams.streamOf(name);
		const now = this.clock.now();
		const open = stream.open?.records.length ? stream.open : undefined;
		const {sizeLimitBytes, intervalMs} = stream.settings;
		let pendingBytes = 0;
		let pendingRecords = 0;
		for (const buffer of stream.closed) {
			pendingBytes += buffer.bytes;
			pendingRecords += buffer.records.length;
		}

		const retrying = stream.closed.filter((buffer) => buffer.attempts > 0);
		return {
			bufferedBytes: open?.bytes ?? 0,
			bufferedRecords: open?.records.length ?? 0,
			oldestRecordAgeMs: open ? Math.max(0, now - open.oldestArrival) : undefined,
			msUntilIntervalFlush: open ? Math.max(0, open.openedAt + intervalMs - now) : undefined,
			sizeLimitBytes,
			intervalMs,
			pendingObjects: stream.closed.length,
			pendingBytes,
			pendingRecords,
			lastDeliveries: stream.lastDeliveries.map((delivery) => ({...delivery})),
			failedDeliveries: stream.failedDeliveries,
			pendingRetries: retrying.length,
			nextRetryAt: retrying.length > 0 ? retrying[0].nextAttemptAt : undefined,
			errorOutputDeliveries: stream.errorOutputDeliveries,
			lastError: stream.lastError && {...stream.lastError},
			sourceError: stream.source?.error && {...stream.source.error},
		};
	}

	private async put(
		name: string,
		records: FirehoseRecord[],
		single: boolean,
	): Promise<PutRecordBatchOutput> {
		const started = performance.now();
		const stream = this.deliveryStreams.streamOf(name, true);
		if (stream.type === 'KinesisStreamAsSource') throw invalidArgument(NOT_FOR_KINESIS_SOURCE);
		const now = this.clock.now();
		if (this.enforceLimits) {
			const requests = stream.requests.at(now);
			if (requests.count + 1 > FIREHOSE_LIMITS.requestsPerSecond) {
				this.firehoseMetrics.requestThrottled(stream, single, records.length, now, started);
				throw serviceUnavailable();
			}

			requests.count++;
		}

		const responses: PutRecordBatchResponseEntry[] = new Array(records.length);
		const admitted: BufferedRecord[] = [];
		const positions: number[] = [];
		const writes = stream.writes.at(now);
		for (let i = 0; i < records.length; i++) {
			const data = records[i].Data;
			if (
				this.enforceLimits &&
				(writes.count + 1 > FIREHOSE_LIMITS.recordsPerSecond ||
					writes.bytes + data.length > FIREHOSE_LIMITS.bytesPerSecond)
			) {
				responses[i] = {ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.'};
				continue;
			}

			writes.count++;
			writes.bytes += data.length;
			admitted.push({
				ordinal: stream.nextOrdinal++,
				arrivalMs: now,
				source: '',
				data: new Uint8Array(data),
			});
			positions.push(i);
		}

		const {accepted, error} = this.accept(stream, admitted, now);
		for (let j = 0; j < admitted.length; j++) {
			responses[positions[j]] =
				j < accepted
					? {RecordId: this.recordId(admitted[j].ordinal)}
					: {
							ErrorCode: 'InternalFailure',
							ErrorMessage: `The record could not be written: ${(error as Error)?.message ?? String(error)}`,
						};
		}

		const throttled = records.length - admitted.length;
		const taken = admitted.slice(0, accepted);
		this.firehoseMetrics.put(stream, single, records.length, throttled, taken, now, started);
		const failed = responses.filter((response) => response.ErrorCode !== undefined).length;
		return {FailedPutCount: failed, Encrypted: false, RequestResponses: responses};
	}

	acceptFromSource(stream: DeliveryStream, shardId: string, records: KinesisRecord[]) {
		const now = this.clock.now();
		const buffered = records.map((record) => ({
			ordinal: stream.nextOrdinal++,
			arrivalMs: record.ApproximateArrivalTimestamp.getTime(),
			source: `${shardId}/${record.SequenceNumber}`,
			data: new Uint8Array(record.Data),
		}));
		const {accepted, error} = this.accept(stream, buffered, now);
		this.firehoseMetrics.readFromSource(stream, buffered.slice(0, accepted), now);
		if (error) {
			stream.source!.error = {
				code: 'InternalError',
				message: `Records read from the source stream could not be buffered: ${(error as Error)?.message ?? String(error)}`,
				at: now,
			};
		}

		return accepted;
	}

	/**
	 * Appends records, in order, to the open buffer (opening one as needed), closing it whenever it
	 * reaches the size hint and continuing in a new one. Each buffer's share is written to its file
	 * before it joins the buffer in memory; a write failure stops there and reports how many were taken.
	 */
	private accept(
		stream: DeliveryStream,
		records: BufferedRecord[],
		now: number,
	): {accepted: number; error?: unknown} {
		if (stream.diskFailure) return {accepted: 0, error: this.stickyError(stream.diskFailure)};
		let taken = 0;
		try {
			while (taken < records.length) {
				const limit = stream.settings.sizeLimitBytes;
				if (stream.open && stream.open.bytes >= limit) this.closeOpenBuffer(stream);
				const buffer = (stream.open ??= this.newBuffer(stream));
				let end = taken;
				let bytes = buffer.bytes;
				while (end < records.length && bytes < limit) bytes += records[end++].data.length;
				const chunk = records.slice(taken, end);
				buffer.file?.append(chunk);
				buffer.add(chunk, now);
				taken = end;
				if (buffer.bytes >= limit) this.closeOpenBuffer(stream);
			}
		} catch (error) {
			if (!(error instanceof DiskWriteError)) return {accepted: taken, error};
			this.deliveryStreams.diskFailed(stream, error);
			return {accepted: taken, error: error.sticky ? this.stickyError(error) : error};
		}

		this.deliveryStreams.diskFailures.recovered();
		return {accepted: taken};
	}

	private stickyError(failure: DiskWriteError) {
		return new Error(
			`${failure.message}; the delivery stream takes no records until kinesis-top restarts`,
		);
	}

	private newBuffer(stream: DeliveryStream) {
		const number = stream.nextFileNumber++;
		return new RecordBuffer(stream.log?.create(number));
	}

	/** Closes the open buffer and hands it to delivery (the size or interval hint was reached). */
	closeOpenBuffer(stream: DeliveryStream) {
		const buffer = stream.open;
		if (!buffer) return;
		stream.open = undefined;
		try {
			buffer.file?.close();
		} catch (error) {
			// Closing syncs: its records are written but may not be on the disk. They are still
			// delivered from memory; the stream takes no more records.
			this.deliveryStreams.diskFailed(stream, error);
		}

		stream.closed.push(buffer);
		void this.delivery.deliverDue(stream);
	}

	private recordId(ordinal: number) {
		const id = Buffer.alloc(this.recordIdPrefix.length + 8);
		this.recordIdPrefix.copy(id);
		id.writeBigUInt64BE(BigInt(ordinal), this.recordIdPrefix.length);
		return id.toString('base64');
	}
}

/**
 * Delivery: each delivery stream's closed buffers become objects in its bucket, one at a time and in
 * order, named as Firehose names them (object-key.ts), optionally GZIP-compressed. A failed attempt is
 * retried with backoff; after `maxDeliveryAttempts` or `retryDurationMs` the buffer goes under the error
 * output prefix instead, in Firehose's error record format. Buffers behind a failing one wait.
 */
import {promisify} from 'node:util';
import {gzip} from 'node:zlib';
import type {Clock} from '../clock.js';
import type {DeliveryStream, RecordBuffer} from './delivery-stream.js';
import type {DeliveryStreams} from './delivery-streams.js';
import type {FirehoseMetrics} from './firehose-metrics.js';
import type {FirehoseEngineOptions} from './firehose-options.js';
import {FIREHOSE_LIMITS} from '../../kinesis/firehose-limits.js';
import {evaluatePrefix, objectSuffix, timeParts} from './object-key.js';
import {s3ErrorOf, type ObjectStore} from './object-store.js';

const gzipAsync = promisify(gzip);
const ERROR_OUTPUT_TYPE = 's3-failed';

export type DeliveryParts = {
	clock: Clock;
	options: FirehoseEngineOptions;
	deliveryStreams: DeliveryStreams;
	/** Where objects are delivered: the buckets' directory, or memory. */
	store: ObjectStore;
	firehoseMetrics: FirehoseMetrics;
};

export class Delivery {
	private readonly clock: Clock;
	private readonly options: FirehoseEngineOptions;
	private readonly deliveryStreams: DeliveryStreams;
	private readonly store: ObjectStore;
	private readonly firehoseMetrics: FirehoseMetrics;
	private closed = false;

	constructor(parts: DeliveryParts) {
		this.clock = parts.clock;
		this.options = parts.options;
		this.deliveryStreams = parts.deliveryStreams;
		this.store = parts.store;
		this.firehoseMetrics = parts.firehoseMetrics;
	}

	/** The engine is closing: loops deliver no further buffer (those in flight finish). */
	stop() {
		this.closed = true;
	}

	/** Runs the delivery loop of `stream` (one at a time): delivers closed buffers, in order, while due. */
	deliverDue(stream: DeliveryStream): Promise<void> {
		stream.deliverAgain = true;
		stream.delivering ??= this.deliveryLoop(stream);
		return stream.delivering;
	}

	private async deliveryLoop(stream: DeliveryStream) {
		// Yield first, so that deliverDue has stored this loop before it can end.
		await undefined;
		try {
			while (stream.deliverAgain) {
				stream.deliverAgain = false;
				for (;;) {
					const buffer = stream.closed[0];
					if (this.closed || stream.removed || !buffer) break;
					if (buffer.nextAttemptAt > this.clock.now()) break;
					if (!(await this.attempt(stream, buffer))) break;
				}
			}
		} finally {
			stream.delivering = undefined;
		}
	}

	/** One delivery attempt of the head buffer; false when it failed and waits for a retry. */
	private async attempt(stream: DeliveryStream, buffer: RecordBuffer): Promise<boolean> {
		const settings = stream.settings;
		const errorOutput = buffer.toErrorOutput;
		let key: string;
		let bytes: number;
		try {
			const time = timeParts(buffer.oldestArrival, settings.timeZone);
			let body = errorOutput
				? this.errorRecords(buffer)
				: this.concatenated(buffer, settings.delimiter);
			if (settings.gzip) body = await gzipAsync(body);
			const prefix = errorOutput
				? evaluatePrefix(settings.errorOutputPrefix, time, ERROR_OUTPUT_TYPE)
				: evaluatePrefix(settings.prefix, time);
			key = prefix + objectSuffix(stream.name, String(stream.versionId), time, settings.extension);
			bytes = body.length;
			await this.store.put(settings.bucket, key, body, this.clock.now());
		} catch (error) {
			this.failed(stream, buffer, error);
			this.firehoseMetrics.deliveryFailed(stream, this.clock.now());
			return buffer.nextAttemptAt <= this.clock.now();
		}

		if (stream.removed) return false;
		stream.recordDelivery({
			bucket: settings.bucket,
			objectKey: key,
			bytes,
			records: buffer.records.length,
			deliveredAt: this.clock.now(),
			errorOutput,
		});
		this.firehoseMetrics.delivered(
			stream,
			{bytes, records: buffer.records.length, oldestArrival: buffer.oldestArrival, errorOutput},
			this.clock.now(),
		);
		if (errorOutput) stream.errorOutputDeliveries++;
		stream.closed.shift();
		// The source position must be saved before the buffer that proves it is deleted.
		if (stream.source) this.deliveryStreams.trySave();
		try {
			buffer.file?.remove();
		} catch (error) {
			// A leftover file is delivered again after a restart: at least once, as Firehose.
			this.deliveryStreams.diskFailed(undefined, error);
		}

		return true;
	}

	/** The object body: the records concatenated, each followed by the delimiter when one is configured. */
	private concatenated(buffer: RecordBuffer, delimiter: Buffer | undefined) {
		const parts: Uint8Array[] = [];
		for (const record of buffer.records) {
			parts.push(record.data);
			if (delimiter) parts.push(delimiter);
		}

		return Buffer.concat(parts);
	}

	/**
	 * The error output body: one JSON document per record, in the format Firehose writes failed records
	 * in (attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData).
	 */
	private errorRecords(buffer: RecordBuffer) {
		const ending = this.clock.now();
		return Buffer.from(
			buffer.records
				.map(
					(record) =>
						JSON.stringify({
							attemptsMade: buffer.attemptsBeforeErrorOutput,
							arrivalTimestamp: record.arrivalMs,
							errorCode: buffer.lastError?.code ?? 'InternalError',
							errorMessage: buffer.lastError?.message ?? '',
							attemptEndingTimestamp: ending,
							rawData: Buffer.from(record.data).toString('base64'),
						}) + '\n',
				)
				.join(''),
		);
	}

	private failed(stream: DeliveryStream, buffer: RecordBuffer, error: unknown) {
		const now = this.clock.now();
		const s3Error = s3ErrorOf(error);
		stream.failedDeliveries++;
		stream.lastError = {...s3Error, at: now};
		buffer.attempts++;
		buffer.firstFailureAt ??= now;
		if (!buffer.toErrorOutput) buffer.lastError = stream.lastError;
		const maxAttempts = this.options.maxDeliveryAttempts ?? 10;
		const duration = this.options.retryDurationMs ?? FIREHOSE_LIMITS.maxRetentionMs;
		if (
			!buffer.toErrorOutput &&
			(buffer.attempts >= maxAttempts || now - buffer.firstFailureAt >= duration)
		) {
			buffer.attemptsBeforeErrorOutput = buffer.attempts;
			buffer.nextAttemptAt = now;
			return;
		}

		// Backoff: base, 2 × base, 4 × base, … up to the ceiling (AWS retries S3 every 5 seconds).
		const base = this.options.retryBaseDelayMs ?? 1000;
		const ceiling = this.options.retryMaxDelayMs ?? 5000;
		const retry = buffer.attempts - (buffer.attemptsBeforeErrorOutput ?? 0) - 1;
		buffer.nextAttemptAt = now + Math.min(ceiling, base * 2 ** Math.min(retry, 30));
	}
}

/** Shared helpers for the Firehose engine tests: engines on a ManualClock, destinations, objects. */
import {gunzipSync} from 'node:zlib';
import {expect} from 'vitest';
import {ManualClock} from '../../../source/engine/clock.js';
import {
	FirehoseEngine,
	type FirehoseEngineOptions,
} from '../../../source/engine/firehose/firehose-engine.js';
import type {ExtendedS3DestinationConfiguration} from '../../../source/kinesis/firehose-types.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/firehose-delivery`;
export const BUCKET = 'landing';
export const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
export const MiB = 1024 * 1024;
/** The ManualClock's default start: 2026-01-01T00:00:00Z. */
export const START = Date.UTC(2026, 0, 1);

/** An engine on a ManualClock that only acts when the test calls tick(). */
export function firehose(options: FirehoseEngineOptions = {}) {
	const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
	const engine = new FirehoseEngine({...options, clock});
	return {engine, clock};
}

export function destination(
	extra: Partial<ExtendedS3DestinationConfiguration> = {},
): ExtendedS3DestinationConfiguration {
	return {RoleARN: ROLE, BucketARN: BUCKET_ARN, ...extra};
}

/** A DirectPut delivery stream with an extended S3 destination. */
export function createDirectPut(
	engine: FirehoseEngine,
	name: string,
	extra: Partial<ExtendedS3DestinationConfiguration> = {},
) {
	return engine.createDeliveryStream({
		DeliveryStreamName: name,
		DeliveryStreamType: 'DirectPut',
		ExtendedS3DestinationConfiguration: destination(extra),
	});
}

export const bytes = (text: string) => Buffer.from(text);

/** Puts `texts` with PutRecordBatch (≤ 500 at a time) and checks every record was accepted. */
export async function putTexts(engine: FirehoseEngine, name: string, texts: string[]) {
	for (let i = 0; i < texts.length; i += 500) {
		const output = await engine.putRecordBatch({
			DeliveryStreamName: name,
			Records: texts.slice(i, i + 500).map((text) => ({Data: bytes(text)})),
		});
		expect(output.FailedPutCount).toBe(0);
	}
}

/** The bodies of every object in `bucket` (gunzipped when the key ends in .gz), in key order. */
export function objectBodies(engine: FirehoseEngine, bucket = BUCKET, prefix?: string) {
	return engine.listObjects(bucket, prefix).map((object) => {
		const body = engine.getObject(bucket, object.key)!;
		return object.key.endsWith('.gz') ? gunzipSync(body) : body;
	});
}

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function escapeRegExp(text: string) {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The bodies of the objects a delivery stream delivered, in delivery order (the last 20). */
export function deliveredBodies(engine: FirehoseEngine, name: string) {
	return engine.bufferState(name).lastDeliveries.map((delivery) => {
		const body = engine.getObject(delivery.bucket, delivery.objectKey)!;
		expect(body, delivery.objectKey).toBeDefined();
		return delivery.objectKey.endsWith('.gz') ? gunzipSync(body) : body;
	});
}

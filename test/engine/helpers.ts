/** Shared helpers for the engine tests: temporary data directories, reading shards, catching errors. */
import {createHash} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {crc32} from 'node:zlib';
import {expect} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisError} from '../../source/engine/errors.js';
import type {ShardLog} from '../../source/engine/log/shard-log.js';
import {EntryBatch} from '../../source/engine/put-batch.js';
import type {KinesisRecord, ShardIteratorType} from '../../source/kinesis/types.js';

export const MAX_HASH_KEY = (1n << 128n) - 1n;
export const ACCOUNT = '000000000000';

const directories: string[] = [];

/** A fresh directory under the OS temp dir, removed by {@link removeTemporaryDirectories}. */
export function temporaryDirectory() {
	const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-test-'));
	directories.push(directory);
	return directory;
}

export function removeTemporaryDirectories() {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
}

/** The MD5 of a partition key as an unsigned 128-bit big-endian integer, computed with node:crypto. */
export function md5HashKey(partitionKey: string): bigint {
	return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

export const bytes = (text: string) => Buffer.from(text);
export const text = (data: Uint8Array) => Buffer.from(data).toString();

/** The error `action` throws, which must be a KinesisError (fails the test otherwise). */
export function kinesisError(action: () => unknown): KinesisError {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(KinesisError);
		return error as KinesisError;
	}

	throw new Error('expected a KinesisError, but nothing was thrown');
}

export async function asyncKinesisError(action: () => Promise<unknown>): Promise<KinesisError> {
	try {
		await action();
	} catch (error) {
		expect(error).toBeInstanceOf(KinesisError);
		return error as KinesisError;
	}

	throw new Error('expected a KinesisError, but nothing was thrown');
}

/** Asserts the code (and, when given, the exact message) of the KinesisError `action` throws. */
export function expectKinesisError(action: () => unknown, code: string, message?: string | RegExp) {
	const error = kinesisError(action);
	expect(error.code).toBe(code);
	if (typeof message === 'string') expect(error.message).toBe(message);
	else if (message) expect(error.message).toMatch(message);
	return error;
}

export function iterator(
	engine: KinesisEngine,
	stream: string,
	shardId: string,
	type: ShardIteratorType = 'TRIM_HORIZON',
	extra: {StartingSequenceNumber?: string; Timestamp?: Date | number} = {},
) {
	return engine.getShardIterator({
		StreamName: stream,
		ShardId: shardId,
		ShardIteratorType: type,
		...extra,
	}).ShardIterator;
}

/**
 * Every record readable from `start` on one shard: follows NextShardIterator until the shard is closed
 * and drained (no next iterator) or an open shard is caught up (an empty page at the tip).
 */
export function drain(engine: KinesisEngine, start: string, limit?: number) {
	const records: KinesisRecord[] = [];
	let next: string | undefined = start;
	let closed = false;
	let calls = 0;
	while (next) {
		if (++calls > 100_000) throw new Error('drain did not terminate');
		const page = engine.getRecords({ShardIterator: next, Limit: limit});
		records.push(...page.Records);
		if (!page.NextShardIterator) {
			closed = true;
			break;
		}

		if (page.Records.length === 0) break;
		next = page.NextShardIterator;
	}

	return {records, closed};
}

export function readShard(engine: KinesisEngine, stream: string, shardId: string) {
	return drain(engine, iterator(engine, stream, shardId)).records;
}

/** Every record of the stream, shard by shard (all shards, open and closed), from TRIM_HORIZON. */
export function readStream(engine: KinesisEngine, stream: string) {
	const byShard = new Map<string, KinesisRecord[]>();
	for (const shard of engine.listShards({StreamName: stream})) {
		byShard.set(shard.ShardId, readShard(engine, stream, shard.ShardId));
	}

	return byShard;
}

export const shardId = (index: number) => 'shardId-' + String(index).padStart(12, '0');

export type ParsedFrame = {offset: number; size: number; counter: number; partitionKey: string};

/**
 * The whole frames at the start of a segment file, by the documented on-disk format
 * (`u32 bodyLength | u32 crc32(body) | f64 counter | f64 arrivalMs | u16 keyBytes | key | data`), stopping
 * at the first torn or corrupt one. Independent of the engine's own reader on purpose.
 */
export function parseSegment(buffer: Buffer): ParsedFrame[] {
	const frames: ParsedFrame[] = [];
	let offset = 0;
	while (offset + 26 <= buffer.length) {
		const bodyLength = buffer.readUInt32LE(offset);
		const size = 8 + bodyLength;
		if (bodyLength < 18 || offset + size > buffer.length) break;
		const body = buffer.subarray(offset + 8, offset + size);
		if (crc32(body) !== buffer.readUInt32LE(offset + 4)) break;
		const keyBytes = body.readUInt16LE(16);
		if (18 + keyBytes > bodyLength) break;
		frames.push({
			offset,
			size,
			counter: body.readDoubleLE(0),
			partitionKey: body.toString('utf8', 18, 18 + keyBytes),
		});
		offset += size;
	}

	return frames;
}

/** A put of one record, as the write path passes it to a log or segment (put-batch.ts). */
export const oneRecord = (partitionKey: string, data: Uint8Array) =>
	new EntryBatch([{PartitionKey: partitionKey, Data: data}]);

/** Appends one record to `log`, as a put's write does. */
export function appendRecord(
	log: ShardLog,
	counter: number,
	arrivalMs: number,
	partitionKey: string,
	data: Uint8Array,
) {
	const record = oneRecord(partitionKey, data);
	log.append(counter, arrivalMs, record.keyBytes(0), data.length, record, 0);
}

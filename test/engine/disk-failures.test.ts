/**
 * Disk errors surface (issue 20 §2): with an injected file-system layer that fails chosen calls, a put
 * whose records could not be written or synced fails with InternalFailure naming the cause and is not
 * acknowledged; reads keep working; nothing already stored is damaged; writes resume once a full disk
 * has room again, while a failed sync leaves its shard refusing writes until a restart.
 */
import {rmSync} from 'node:fs';
import {afterEach, describe, expect, test} from 'vitest';
import {KinesisEngine, type EngineOptions} from '../../source/engine/engine.js';
import {KinesisError} from '../../source/engine/errors.js';
import {waitFor} from '../helpers/wait-for.js';
import {removeTemporaryDirectories, temporaryDirectory} from './helpers.js';
import {FailingFileSystem} from './log/failing-file-system.js';

const opened: KinesisEngine[] = [];
afterEach(async () => {
	// Closed even when a test failed midway: an engine left open keeps its directory's lock.
	for (const engine of opened.splice(0)) await engine.close();
	removeTemporaryDirectories();
});

const STREAM = 'disk';
/** Hash keys at the start of each of two shards' ranges: routes a record to the shard wanted. */
const SHARD_KEYS = ['0', (1n << 127n).toString()];

function open(dataDirectory: string, options: EngineOptions = {}) {
	const engine = new KinesisEngine({dataDirectory, enforceLimits: false, ...options});
	opened.push(engine);
	const told: string[] = [];
	engine.onDiskFailure((message) => told.push(message));
	return {engine, told};
}

function put(engine: KinesisEngine, text: string, shard = 0) {
	return engine.putRecord({
		StreamName: STREAM,
		PartitionKey: text,
		ExplicitHashKey: SHARD_KEYS[shard],
		Data: Buffer.from(text),
	});
}

/** Every record of every shard, as text, in sequence order per shard. */
function readAll(engine: KinesisEngine) {
	const texts: string[][] = [];
	for (const shard of engine.listShards({StreamName: STREAM})) {
		const records: string[] = [];
		let iterator: string | undefined = engine.getShardIterator({
			StreamName: STREAM,
			ShardId: shard.ShardId,
			ShardIteratorType: 'TRIM_HORIZON',
		}).ShardIterator;
		while (iterator) {
			const page = engine.getRecords({ShardIterator: iterator});
			for (const record of page.Records) records.push(Buffer.from(record.Data).toString());
			if (page.Records.length === 0) break;
			iterator = page.NextShardIterator;
		}

		texts.push(records);
	}

	return texts;
}

async function failure(promise: Promise<unknown>) {
	const error = await promise.then(
		() => undefined,
		(error: unknown) => error,
	);
	expect(error).toBeInstanceOf(KinesisError);
	return error as KinesisError;
}

describe('a failed write (a full disk, a read-only or vanished directory)', () => {
	test.each([
		['write', 'ENOSPC', /the disk is full \(ENOSPC\)/],
		['write', 'EROFS', /the file system is read-only \(EROFS\)/],
		['write', 'EIO', /EIO/],
	] as const)(
		'a failed %s (%s) fails the put with InternalFailure; reads go on; writes resume once it passes',
		async (call, code, cause) => {
			const dataDirectory = temporaryDirectory();
			const files = new FailingFileSystem();
			const {engine, told} = open(dataDirectory, {files});
			engine.createStream({StreamName: STREAM, ShardCount: 2});
			await put(engine, 'before');

			files.fail(call, code);
			for (const text of ['lost-1', 'lost-2', 'lost-3']) {
				const error = await failure(put(engine, text));
				expect(error.code).toBe('InternalFailure');
				expect(error.statusCode).toBe(500);
				expect(error.message).toMatch(cause);
			}

			// Reads keep working, and see nothing of what failed.
			expect(readAll(engine)).toEqual([['before'], []]);
			// Told once, not once per failed put.
			expect(told).toHaveLength(1);
			expect(told[0]).toMatch(cause);

			files.heal();
			await put(engine, 'after');
			await put(engine, 'other shard', 1);
			expect(readAll(engine)).toEqual([['before', 'after'], ['other shard']]);
			await engine.close();

			// What was acknowledged is stored, once, and nothing that failed is.
			const again = open(dataDirectory).engine;
			expect(readAll(again)).toEqual([['before', 'after'], ['other shard']]);
			await put(again, 'after restart');
			await again.close();
		},
	);

	test('a segment file that cannot be created (the directory has gone read-only) fails the put; the shard resumes when it can', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		// Tiny segments: every few records need a new segment file.
		const {engine} = open(dataDirectory, {files, segmentBytes: 256});
		engine.createStream({StreamName: STREAM, ShardCount: 1});
		const acknowledged: string[] = [];
		for (let i = 0; i < 5; i++) {
			await put(engine, `record-${i}-${'x'.repeat(60)}`);
			acknowledged.push(`record-${i}-${'x'.repeat(60)}`);
		}

		files.fail('openSync', 'EROFS');
		const error = await failure(put(engine, `refused-${'x'.repeat(200)}`));
		expect(error.message).toMatch(/could not create segment file .*read-only/);
		expect(readAll(engine)).toEqual([acknowledged]);

		files.heal();
		await put(engine, 'resumed');
		acknowledged.push('resumed');
		await engine.close();
		const again = open(dataDirectory).engine;
		expect(readAll(again)).toEqual([acknowledged]);
		await again.close();
	});

	test('a put appended while the failing write was under way fails too (its frames were rolled back)', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const {engine} = open(dataDirectory, {files});
		engine.createStream({StreamName: STREAM, ShardCount: 1});
		await put(engine, 'kept');
		files.fail('write', 'ENOSPC', 1);
		const release = files.holdWrites();
		const first = failure(put(engine, 'first'));
		await waitFor(() => files.held > 0, {message: 'the flush to be writing'});
		// Appended to the same log while its write is under way: rolled back with it.
		const second = put(engine, 'second').then(
			() => 'acknowledged',
			(error: unknown) => (error as KinesisError).code,
		);
		release();
		expect((await first).code).toBe('InternalFailure');
		expect(await second).toBe('InternalFailure');
		expect(readAll(engine)).toEqual([['kept']]);
		await put(engine, 'third');
		expect(readAll(engine)).toEqual([['kept', 'third']]);
		await engine.close();
	});

	test('a vanished data directory: puts fail naming it, reads of what is in memory go on', async () => {
		const dataDirectory = temporaryDirectory();
		const {engine, told} = open(dataDirectory);
		engine.createStream({StreamName: STREAM, ShardCount: 2});
		await put(engine, 'before');
		rmSync(dataDirectory, {recursive: true, force: true});
		const error = await failure(put(engine, 'into the void'));
		expect(error.code).toBe('InternalFailure');
		expect(error.message).toMatch(/the data directory has gone \(ENOENT\)/);
		// A shard whose first segment file cannot even be created says the same.
		const other = await failure(put(engine, 'no file', 1));
		expect(other.message).toMatch(/could not create segment file .*\(ENOENT\)/);
		expect(told.length).toBeGreaterThan(0);
		expect(readAll(engine)).toEqual([['before'], []]);
		await engine.close();
	});

	test('puts in flight when a write fails: the failed ones are not stored, the acknowledged ones are, once, in order', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const {engine} = open(dataDirectory, {files, segmentBytes: 512});
		engine.createStream({StreamName: STREAM, ShardCount: 2});
		const acknowledged = new Set<string>();
		const refused = new Set<string>();
		for (let round = 0; round < 20; round++) {
			// Every other round, one of the writes of this burst fails.
			if (round % 2 === 1) files.fail('write', 'ENOSPC', 1);
			const texts = Array.from({length: 20}, (_, i) => `r${round}-${i}`);
			const outcomes = await Promise.allSettled(
				texts.map(async (text, i) => put(engine, text, i % 2)),
			);
			for (const [i, outcome] of outcomes.entries()) {
				(outcome.status === 'fulfilled' ? acknowledged : refused).add(texts[i]);
			}
		}

		expect(refused.size).toBeGreaterThan(0);
		const check = (stored: string[][]) => {
			const all = stored.flat();
			expect(new Set(all).size).toBe(all.length);
			expect(all.filter((text) => refused.has(text))).toEqual([]);
			expect([...acknowledged].filter((text) => !all.includes(text))).toEqual([]);
		};

		check(readAll(engine));
		await engine.close();
		const again = open(dataDirectory).engine;
		check(readAll(again));
		await again.close();
	});
});

describe('a failed metadata save', () => {
	test.each([
		['renameSync', 'EROFS', /read-only \(EROFS\)/],
		['fsyncSync', 'EIO', /EIO/],
		['writeSync', 'ENOSPC', /ENOSPC/],
	] as const)(
		'a %s failing (%s): the change fails with InternalFailure and is undone; it works once the disk does',
		async (call, code, cause) => {
			const dataDirectory = temporaryDirectory();
			const files = new FailingFileSystem();
			const {engine} = open(dataDirectory, {files});
			engine.createStream({StreamName: 'kept', ShardCount: 1});
			files.fail(call, code);
			let error: unknown;
			try {
				engine.createStream({StreamName: STREAM, ShardCount: 1});
			} catch (caught) {
				error = caught;
			}

			expect(error).toMatchObject({code: 'InternalFailure', statusCode: 500});
			expect((error as Error).message).toMatch(cause);
			expect(engine.listStreams()).toEqual(['kept']);
			files.heal();
			engine.createStream({StreamName: STREAM, ShardCount: 1});
			await engine.close();
			const again = open(dataDirectory).engine;
			expect(again.listStreams().toSorted()).toEqual([STREAM, 'kept']);
			await again.close();
		},
	);
});

describe('a failed sync', () => {
	test('with syncEveryWrite: the put fails; its shard refuses writes until a restart, the other shard goes on', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const {engine, told} = open(dataDirectory, {files, syncEveryWrite: true});
		engine.createStream({StreamName: STREAM, ShardCount: 2});
		await put(engine, 'kept');

		files.fail('fdatasync', 'EIO', 1);
		const error = await failure(put(engine, 'not acknowledged'));
		expect(error.code).toBe('InternalFailure');
		expect(error.message).toMatch(/could not sync .*EIO/);
		expect(told).toEqual([expect.stringMatching(/EIO.*until kinesis-top restarts/)]);

		// The sync would succeed now, but the shard stays failed: a retried fsync proves nothing.
		const refused = await failure(put(engine, 'refused'));
		expect(refused.statusCode).toBe(500);
		expect(refused.message).toMatch(/takes no writes until kinesis-top restarts/);
		const batch = await engine.putRecords({
			StreamName: STREAM,
			Records: [
				{PartitionKey: 'a', ExplicitHashKey: SHARD_KEYS[0], Data: Buffer.from('refused too')},
				{PartitionKey: 'b', ExplicitHashKey: SHARD_KEYS[1], Data: Buffer.from('other shard')},
			],
		});
		expect(batch.FailedRecordCount).toBe(1);
		expect(batch.Records[0].ErrorCode).toBe('InternalFailure');
		expect(batch.Records[1].ErrorCode).toBeUndefined();
		expect(readAll(engine)).toEqual([['kept'], ['other shard']]);
		await engine.close();

		const again = open(dataDirectory, {syncEveryWrite: true}).engine;
		expect(readAll(again)).toEqual([['kept'], ['other shard']]);
		await put(again, 'after restart');
		expect(readAll(again)[0]).toEqual(['kept', 'after restart']);
		await again.close();
	});

	test('in the background (interval mode): reported, not retried, and the shard refuses writes from then on', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const {engine, told} = open(dataDirectory, {files, syncIntervalMs: 10});
		engine.createStream({StreamName: STREAM, ShardCount: 1});
		files.fail('fdatasync', 'EIO');
		await put(engine, 'acknowledged before the sync');
		await waitFor(() => told.length > 0, {message: 'the failed sync to be reported'});
		expect(told).toEqual([expect.stringMatching(/could not sync .*EIO/)]);
		const failedFile = files.synced.at(-1);
		const before = files.synced.length;
		files.heal();

		const error = await failure(put(engine, 'refused'));
		expect(error.message).toMatch(/takes no writes until kinesis-top restarts/);
		// Closing syncs every log written since its last sync, but never the failed one again: a retry
		// could report a false success.
		await engine.close();
		expect(files.synced.slice(before)).not.toContain(failedFile);
		const again = open(dataDirectory).engine;
		expect(readAll(again)).toEqual([['acknowledged before the sync']]);
		await again.close();
	});
});

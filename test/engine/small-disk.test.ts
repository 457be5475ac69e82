/**
 * A disk that fills up (issue 20 §2), on a real 1 MiB tmpfs when this process may mount one (root on
 * Linux), else on the injected file-system layer emulating a 1 MiB disk over the temporary directory —
 * the scenario and its checks are the same, so the test runs, and can fail, everywhere. The fill-up runs
 * until the disk refuses; then reads must still work, nothing stored be damaged, and writes resume once
 * space is freed.
 */
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisError} from '../../source/engine/errors.js';
import {FailingFileSystem} from './log/failing-file-system.js';

const DISK_BYTES = 1024 * 1024;
const BALLAST_BYTES = 256 * 1024;
const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A real 1 MiB tmpfs holding a ballast file that can be deleted to free space, if one can be mounted. */
function mountSmallDisk() {
	const root = mkdtempSync(join(tmpdir(), 'kinesis-top-small-disk-'));
	cleanups.push(() => rmSync(root, {recursive: true, force: true}));
	const canMount = process.platform === 'linux' && process.getuid?.() === 0;
	const mounted =
		canMount &&
		spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES}`, 'tmpfs', root]).status === 0;
	if (mounted) cleanups.push(() => spawnSync('umount', [root]));
	return {root, mounted};
}

const STREAM = 'full';

function readAll(engine: KinesisEngine) {
	const texts: string[] = [];
	const [shard] = engine.listShards({StreamName: STREAM});
	let iterator: string | undefined = engine.getShardIterator({
		StreamName: STREAM,
		ShardId: shard.ShardId,
		ShardIteratorType: 'TRIM_HORIZON',
	}).ShardIterator;
	while (iterator) {
		const page = engine.getRecords({ShardIterator: iterator});
		for (const record of page.Records) texts.push(Buffer.from(record.Data).toString());
		if (page.Records.length === 0) break;
		iterator = page.NextShardIterator;
	}

	return texts;
}

/** Ten records of ~1 KB, named by the batch and their place in it. */
const batch = (n: number) =>
	Array.from({length: 10}, (_, i) => ({
		PartitionKey: 'k',
		Data: Buffer.from(`${n}-${i}|${'d'.repeat(1000)}`),
	}));

test('a full disk: puts fail naming it, reads go on, nothing stored is damaged, writes resume once space is freed', async () => {
	const {root, mounted} = mountSmallDisk();
	const ballast = join(root, 'ballast');
	writeFileSync(ballast, Buffer.alloc(BALLAST_BYTES));
	const dataDirectory = join(root, 'data');
	mkdirSync(dataDirectory);
	// Without a real small disk, the injected layer emulates one (the ballast then only counts here).
	const files = mounted ? undefined : new FailingFileSystem(DISK_BYTES - BALLAST_BYTES);
	const engine = new KinesisEngine({
		dataDirectory,
		enforceLimits: false,
		segmentBytes: 64 * 1024,
		files,
	});
	engine.createStream({StreamName: STREAM, ShardCount: 1});

	const acknowledged: string[] = [];
	let refusal: KinesisError | undefined;
	for (let n = 0; n < 200 && !refusal; n++) {
		const records = batch(n);
		try {
			await engine.putRecords({StreamName: STREAM, Records: records});
			acknowledged.push(...records.map((record) => record.Data.toString()));
		} catch (error) {
			refusal = error as KinesisError;
		}
	}

	expect(refusal, `${mounted ? 'tmpfs' : 'emulated disk'} never filled up`).toBeInstanceOf(
		KinesisError,
	);
	expect(refusal!.code).toBe('InternalFailure');
	expect(refusal!.message).toMatch(/the disk is full \(ENOSPC\)/);
	// Full is full: the next put fails too, and reads see exactly what was acknowledged.
	await expect(engine.putRecords({StreamName: STREAM, Records: batch(1000)})).rejects.toThrow(
		/ENOSPC/,
	);
	expect(readAll(engine)).toEqual(acknowledged);

	// Space returns: writes resume.
	if (mounted) rmSync(ballast);
	else files!.heal(undefined, DISK_BYTES);
	const resumed = batch(2000);
	await engine.putRecords({StreamName: STREAM, Records: resumed});
	acknowledged.push(...resumed.map((record) => record.Data.toString()));
	expect(readAll(engine)).toEqual(acknowledged);
	await engine.close();

	// Nothing stored was damaged, and nothing refused was stored: a restart recovers exactly that.
	const again = new KinesisEngine({dataDirectory, enforceLimits: false});
	expect(readAll(again)).toEqual(acknowledged);
	await again.close();
});

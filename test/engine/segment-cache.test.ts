import {afterEach, expect, test} from 'vitest';
import {frameCounter, readFrame} from '../../source/engine/log/frame.js';
import {FreeBuffers} from '../../source/engine/log/free-buffers.js';
import {SegmentCache} from '../../source/engine/log/segment-cache.js';
import {ShardLog} from '../../source/engine/log/shard-log.js';
import {appendRecord, removeTemporaryDirectories, temporaryDirectory} from './helpers.js';

afterEach(removeTemporaryDirectories);

/** The data of the record numbered `counter`, as a read gives it (loading its segment if need be). */
function dataOf(log: ShardLog, counter: number) {
	let data: Uint8Array | undefined;
	log.read(counter, 1, 1 << 20, 0, (buffer, offset, end) => {
		expect(frameCounter(buffer, offset)).toBe(counter);
		data = readFrame(buffer, offset, end).data;
	});
	// Compared as a Buffer, without copying what the read gave.
	return Buffer.from(data!.buffer, data!.byteOffset, data!.length);
}

test('a segment evicted from the cache lets its bytes go, and is read back from disk when needed', async () => {
	// Segments of ~4 KiB, a cache of two of them: reading the others evicts the first.
	const log = new ShardLog({
		directory: temporaryDirectory(),
		segmentBytes: 4096,
		cache: new SegmentCache(8192),
	});
	for (let counter = 0; counter < 400; counter++) {
		appendRecord(log, counter, counter, 'k', Buffer.alloc(100, counter % 256));
	}

	await log.flush(true);
	expect(dataOf(log, 0)).toEqual(Buffer.alloc(100, 0));
	for (let counter = 100; counter < 400; counter += 30) dataOf(log, counter);
	// Only what the cache holds stays loaded: two segments, the open one the appends went to, and
	// the indexes (~300 bytes a segment); all twelve segments loaded would be over 48 KiB.
	expect(log.memoryBytes).toBeLessThanOrEqual(4 * 4096);
	// Read back from the file, the same records.
	expect(dataOf(log, 0)).toEqual(Buffer.alloc(100, 0));
	expect(dataOf(log, 1)).toEqual(Buffer.alloc(100, 1));
	log.close();
});

test('a record read keeps its own bytes, not a view into the segment, which is reused once dropped', async () => {
	const free = new FreeBuffers(1 << 20);
	const log = new ShardLog({
		directory: undefined,
		segmentBytes: 4096,
		cache: new SegmentCache(0),
		freeBuffers: free,
	});
	for (let counter = 0; counter < 200; counter++)
		appendRecord(log, counter, counter, 'k', Buffer.alloc(100, 1));
	const kept = dataOf(log, 0);
	// Drop every segment: their buffers go to the free list, and the next appends write over them.
	while (log.dropOldest() > 0);
	expect(free.bytes).toBeGreaterThan(0);
	for (let counter = 200; counter < 400; counter++)
		appendRecord(log, counter, counter, 'k', Buffer.alloc(100, 2));
	expect(free.bytes).toBeLessThan(4096 * 6);
	expect(kept).toEqual(Buffer.alloc(100, 1));
	expect(dataOf(log, 200)).toEqual(Buffer.alloc(100, 2));
});

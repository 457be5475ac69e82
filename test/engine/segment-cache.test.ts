import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {afterEach, expect, test} from 'vitest';
import {frameCounter} from '../../source/engine/log/frame.js';
import {SegmentCache} from '../../source/engine/log/segment-cache.js';
import {ShardLog} from '../../source/engine/log/shard-log.js';
import {removeTemporaryDirectories, temporaryDirectory} from './helpers.js';

afterEach(removeTemporaryDirectories);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The buffer a read of the record numbered `counter` sees (loading its segment if need be). */
function bufferOf(log: ShardLog, counter: number) {
	let seen: Buffer | undefined;
	log.read(counter, 1, 1 << 20, 0, (buffer, offset) => {
		expect(frameCounter(buffer, offset)).toBe(counter);
		seen = buffer;
	});
	return seen!;
}

test('a segment evicted from the cache lets its bytes go, and is read back from disk when needed', async () => {
	// Segments of ~4 KiB, a cache of two of them: reading the others evicts the first.
	const log = new ShardLog({
		directory: temporaryDirectory(),
		segmentBytes: 4096,
		cache: new SegmentCache(8192),
	});
	for (let counter = 0; counter < 400; counter++) {
		log.append(counter, counter, 'k', 1, Buffer.alloc(100, counter % 256));
	}

	await log.flush(true);
	const first = new WeakRef(bufferOf(log, 0));
	for (let counter = 100; counter < 400; counter += 30) bufferOf(log, counter);
	// WeakRefs are kept through the current job: collect after it.
	await new Promise((resolve) => {
		setImmediate(resolve);
	});
	gc();
	expect(first.deref()).toBeUndefined();
	// Read back from the file, the same records.
	expect(bufferOf(log, 0)).toBeInstanceOf(Buffer);
	expect(bufferOf(log, 1)).toBe(bufferOf(log, 0));
	log.close();
});

import {expect, test} from 'vitest';
import {frameSize} from '../../../source/engine/log/frame.js';
import {SegmentCache} from '../../../source/engine/log/segment-cache.js';
import {ShardLog} from '../../../source/engine/log/shard-log.js';
import {appendRecord} from '../helpers.js';

/**
 * A segment's buffer grows as it fills (each growth a copy of what it holds); a shard that filled one
 * segment starts the next as large as the last one grew, so a busy shard copies its records only in
 * its first segment. Memory is counted as allocated, so each
 * new buffer shows as a jump of the log's memory.
 */
const SEGMENT_BYTES = 1024 * 1024;
const DATA = Buffer.alloc(1000, 7);
const PER_SEGMENT = Math.floor(SEGMENT_BYTES / frameSize(3, DATA.length));

test('a shard starts its first segment small, and each one after it at full size', () => {
	const log = new ShardLog({
		directory: undefined,
		segmentBytes: SEGMENT_BYTES,
		cache: new SegmentCache(SEGMENT_BYTES),
	});
	// Each jump of memory: the record it came with, and its size.
	const jumps: Array<{at: number; bytes: number}> = [];
	let before = 0;
	for (let counter = 0; counter < 3.5 * PER_SEGMENT; counter++) {
		appendRecord(log, counter, 1000, 'key', DATA);
		if (log.memoryBytes > before) jumps.push({at: counter, bytes: log.memoryBytes - before});
		before = log.memoryBytes;
	}

	const first = jumps.filter((jump) => jump.at < PER_SEGMENT);
	const later = jumps.filter((jump) => jump.at >= PER_SEGMENT);
	// The first: 64 KiB, then larger buffers up to 1 MiB.
	expect(first[0].bytes).toBeLessThan(128 * 1024);
	expect(first.length).toBeGreaterThan(1);
	// The second, third and fourth: one buffer each, whole at once.
	expect(later.map((jump) => jump.at)).toEqual([PER_SEGMENT, 2 * PER_SEGMENT, 3 * PER_SEGMENT]);
	for (const jump of later) expect(jump.bytes).toBeGreaterThanOrEqual(SEGMENT_BYTES);
});

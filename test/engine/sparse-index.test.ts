import {expect, test} from 'vitest';
import {frameArrival, frameCounter} from '../../source/engine/log/frame.js';
import {SegmentCache} from '../../source/engine/log/segment-cache.js';
import {BLOCK_RECORDS, Segment} from '../../source/engine/log/segment.js';
import {ShardLog} from '../../source/engine/log/shard-log.js';
import {appendRecord, oneRecord} from './helpers.js';

/**
 * The sparse index (one entry per block of frames) must find exactly what a full index finds: the first
 * record at or after a counter, and at or after an arrival time, at every position — block starts, block
 * middles, the gaps between a shard's counters (they are stream-wide) and arrival times shared by many
 * records across block boundaries.
 */
function filledLog() {
	const log = new ShardLog({
		directory: undefined,
		// Small segments: a few hundred frames each, so lookups cross segments as well as blocks.
		segmentBytes: 16 * 1024,
		cache: new SegmentCache(1024 * 1024),
	});
	const stored: Array<{counter: number; arrival: number}> = [];
	let counter = 10;
	let arrival = 1_000_000;
	let seed = 42;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed / 2_147_483_648;
	};

	for (let i = 0; i < 3000; i++) {
		counter += 1 + Math.floor(random() * 3);
		// Runs of equal arrival times, some longer than a block.
		if (random() < 0.02) arrival += 1 + Math.floor(random() * 5);
		appendRecord(log, counter, arrival, `k${i}`, Buffer.alloc(Math.floor(random() * 40)));
		stored.push({counter, arrival});
	}

	return {log, stored};
}

const readOne = (log: ShardLog, from: number, notBefore = 0) => {
	const seen: number[] = [];
	log.read(from, 1, 1 << 20, notBefore, (buffer, offset) =>
		seen.push(frameCounter(buffer, offset)),
	);
	return seen[0];
};

test('reads by counter find the first record at or after it, anywhere in a block', () => {
	const {log, stored} = filledLog();
	const last = stored.at(-1)!.counter;
	for (let from = 0; from <= last + 2; from++) {
		const expected = stored.find((record) => record.counter >= from)?.counter;
		expect(readOne(log, from)).toBe(expected);
	}
});

test('lookups by arrival time find the first record at or after it, across runs of equal times', () => {
	const {log, stored} = filledLog();
	const times = [...new Set(stored.map((record) => record.arrival))];
	for (const time of [times[0] - 1, ...times, ...times.map((t) => t + 1)]) {
		const expected = stored.find((record) => record.arrival >= time)?.counter;
		expect(log.counterAtOrAfter(time)).toBe(expected);
		// Retention cuts at the same place: reading from the start with `time` as the horizon.
		expect(readOne(log, 0, time)).toBe(expected);
	}
});

test('a long read returns every record in order, nothing skipped at block or segment ends', () => {
	const {log, stored} = filledLog();
	const counters: number[] = [];
	const arrivals: number[] = [];
	let next = 0;
	for (;;) {
		const result = log.read(next, 97, 1 << 20, 0, (buffer, offset) => {
			counters.push(frameCounter(buffer, offset));
			arrivals.push(frameArrival(buffer, offset));
		});
		next = result.nextCounter;
		if (result.caughtUp) break;
	}

	expect(counters).toEqual(stored.map((record) => record.counter));
	expect(arrivals).toEqual(stored.map((record) => record.arrival));
	expect(log.lastVisibleCounter).toBe(stored.at(-1)!.counter);
	expect(log.lastVisibleArrival).toBe(stored.at(-1)!.arrival);
});

test('the index holds one entry per block, not per record', () => {
	const segment = new Segment(0, 1 << 24, undefined);
	const before = segment.memoryBytes;
	for (let i = 0; i < BLOCK_RECORDS * 1000; i++)
		segment.append(i, i, 1, 0, oneRecord('k', Buffer.alloc(0)), 0, false);
	segment.seal();
	const indexBytes = segment.memoryBytes - segment.buffer.length;
	// 20 bytes (counter, arrival, offset) per block of BLOCK_RECORDS frames.
	expect(indexBytes).toBe(1000 * 20);
	expect(indexBytes / segment.count).toBeLessThan(0.5);
	expect(before).toBeGreaterThan(0);
});

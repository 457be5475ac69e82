import {describe, expect, test} from 'vitest';
import type {KinesisRecord} from '../../source/driver/driver.js';
import {TailBuffer} from '../../source/tail/tail-buffer.js';

const record = (n: number): KinesisRecord => ({
	SequenceNumber: String(n),
	ApproximateArrivalTimestamp: new Date(0),
	Data: new Uint8Array([n]),
	PartitionKey: `k${n}`,
});
const records = (from: number, count: number) =>
	Array.from({length: count}, (_, i) => record(from + i));
const sequences = (buffer: TailBuffer) =>
	buffer.toArray().map((each) => each.record.SequenceNumber);

describe('TailBuffer', () => {
	test('holds records in arrival order until full', () => {
		const buffer = new TailBuffer(5);
		buffer.append('shardId-000000000000', records(0, 3));
		expect(buffer.size).toBe(3);
		expect(sequences(buffer)).toEqual(['0', '1', '2']);
		expect(buffer.toArray().map((each) => each.seq)).toEqual([0, 1, 2]);
		expect(buffer.toArray()[0].shardId).toBe('shardId-000000000000');
		expect(buffer.dropped).toBe(0);
	});

	test('once full, each new record pushes out the oldest, counted as dropped', () => {
		const buffer = new TailBuffer(5);
		buffer.append('s', records(0, 3));
		buffer.append('s', records(3, 4));
		expect(sequences(buffer)).toEqual(['2', '3', '4', '5', '6']);
		expect(buffer.dropped).toBe(2);
		expect(buffer.received).toBe(7);
		buffer.append('s', records(7, 12));
		expect(sequences(buffer)).toEqual(['14', '15', '16', '17', '18']);
		expect(buffer.size).toBe(5);
		expect(buffer.dropped).toBe(14);
	});

	test('a batch larger than the buffer keeps its newest records', () => {
		const buffer = new TailBuffer(3);
		buffer.append('s', records(0, 10));
		expect(sequences(buffer)).toEqual(['7', '8', '9']);
		expect(buffer.dropped).toBe(7);
	});

	test('toArray is a copy; clear resets', () => {
		const buffer = new TailBuffer(2);
		buffer.append('s', records(0, 2));
		const snapshot = buffer.toArray();
		buffer.append('s', records(2, 1));
		expect(snapshot.map((each) => each.record.SequenceNumber)).toEqual(['0', '1']);
		buffer.clear();
		expect([buffer.size, buffer.received, buffer.dropped]).toEqual([0, 0, 0]);
		expect(buffer.toArray()).toEqual([]);
	});

	test('also capped in bytes of data: big records push out old ones before the count is reached', () => {
		const buffer = new TailBuffer(100, 1000);
		const big = (n: number) => ({...record(n), Data: new Uint8Array(400)});
		buffer.append('s', [big(1), big(2)]);
		expect(buffer.size).toBe(2);
		buffer.append('s', [big(3)]);
		expect(buffer.toArray().map((entry) => entry.seq)).toEqual([1, 2]);
		expect(buffer.dropped).toBe(1);
		// A record larger than the cap on its own is still kept (alone): the newest is always shown.
		buffer.append('s', [{...record(4), Data: new Uint8Array(5000)}]);
		expect(buffer.toArray().map((entry) => entry.seq)).toEqual([3]);
		expect(buffer.dropped).toBe(3);
	});

	test('the capacity must be a whole number from 1', () => {
		expect(() => new TailBuffer(0)).toThrow(RangeError);
		expect(() => new TailBuffer(1.5)).toThrow(RangeError);
		expect(new TailBuffer().capacity).toBe(5000);
	});
});

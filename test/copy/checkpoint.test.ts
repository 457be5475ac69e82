import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import {Checkpoint, CheckpointMismatchError} from '../../source/copy/checkpoint.js';
import type {CopyRecord} from '../../source/copy/copy-record.js';
import {temporaryDirectory} from '../commands/helpers.js';

const record = (partition: string, position: number): CopyRecord => ({
	partition,
	position: String(position),
	partitionKey: 'k',
	data: new Uint8Array(),
});

test('the watermark moves over what is done in order; what is done past it is kept as such', () => {
	const path = join(temporaryDirectory(), 'checkpoint');
	const checkpoint = Checkpoint.open(path, 'a', 'b');
	const records = [1, 2, 3, 4, 5, 10, 11].map((n) => record('shard-1', n));
	for (const each of records) checkpoint.track(each);
	// 1, 2 and 4, 10 done; 3 still in flight.
	checkpoint.finish([records[0], records[1], records[3], records[5]]);
	checkpoint.save();
	expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
		version: 1,
		source: 'a',
		destination: 'b',
		partitions: {'shard-1': {through: '2', done: ['4', '10']}},
	});

	const reopened = Checkpoint.open(path, 'a', 'b');
	expect(reopened.resumePositions()).toEqual(new Map([['shard-1', '2']]));
	expect([1, 2, 3, 4, 5, 10, 11].map((n) => reopened.isDone(record('shard-1', n)))).toEqual([
		true,
		true,
		false,
		true,
		false,
		true,
		false,
	]);
	expect(reopened.isDone(record('shard-2', 1))).toBe(false);

	// Once 3 and 5 are done too, the watermark passes 4 and 10.
	checkpoint.finish([records[2], records[4]]);
	checkpoint.save();
	expect(JSON.parse(readFileSync(path, 'utf8')).partitions).toEqual({'shard-1': {through: '10'}});
});

test('sequence numbers compare as numbers, not as text', () => {
	const checkpoint = Checkpoint.open(join(temporaryDirectory(), 'checkpoint'), 'a', 'b');
	const copied = record('s', 99);
	checkpoint.track(copied);
	checkpoint.finish([copied]);
	expect(checkpoint.isDone(record('s', 100))).toBe(false);
	expect(checkpoint.isDone(record('s', 98))).toBe(true);
});

test('without a file nothing is kept', () => {
	const checkpoint = Checkpoint.open(undefined, 'a', 'b');
	const copied = record('s', 1);
	checkpoint.track(copied);
	checkpoint.finish([copied]);
	expect(checkpoint.isDone(copied)).toBe(false);
	expect(checkpoint.resumePositions()).toEqual(new Map());
});

test('a checkpoint of another copy is refused', () => {
	const path = join(temporaryDirectory(), 'checkpoint');
	Checkpoint.open(path, 'a', 'b').save();
	expect(() => Checkpoint.open(path, 'a', 'c')).toThrow(CheckpointMismatchError);
});

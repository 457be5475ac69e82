import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {KinesisRecord} from '../../source/driver/driver.js';
import {saveRecords, savedFileName} from '../../source/tail/save-records.js';
import {TailBuffer} from '../../source/tail/tail-buffer.js';
import {tailLine} from '../../source/tail/tail-line.js';

const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

const record = (n: number): KinesisRecord => ({
	SequenceNumber: `4959000000000000000000000000000000000000000000000000000${n}`,
	ApproximateArrivalTimestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, n)),
	Data: Buffer.from(`{"n":${n}}`),
	PartitionKey: `key-${n}`,
});

describe('saving a tail', () => {
	test('the line format is the one `kinesis-top tail` writes', () => {
		const each = record(1);
		expect(JSON.parse(tailLine('shardId-000000000001', each))).toEqual({
			ShardId: 'shardId-000000000001',
			SequenceNumber: each.SequenceNumber,
			ApproximateArrivalTimestamp: '2024-05-01T12:00:01.000Z',
			PartitionKey: 'key-1',
			Data: Buffer.from('{"n":1}').toString('base64'),
		});
	});

	test('writes one line per buffered record to a new, timestamped file', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-save-'));
		directories.push(directory);
		const buffer = new TailBuffer(10);
		buffer.append('shardId-000000000000', [record(1), record(2)]);
		buffer.append('shardId-000000000001', [record(3)]);
		const now = new Date(2024, 4, 1, 9, 8, 7);
		const path = await saveRecords(buffer.toArray(), {directory, streamName: 'orders', now});
		expect(basename(path)).toBe('kinesis-top-orders-20240501-090807.ndjson');
		const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
		expect(lines).toEqual(buffer.toArray().map((each) => tailLine(each.shardId, each.record)));

		// Never overwrites: a second save in the same second gets its own name.
		const second = await saveRecords([], {directory, streamName: 'orders', now});
		expect(basename(second)).toBe('kinesis-top-orders-20240501-090807-1.ndjson');
		expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
	});

	test('names are safe for any stream name', () => {
		expect(savedFileName('a/b c', new Date(2024, 0, 2, 3, 4, 5))).toBe(
			'kinesis-top-a_b_c-20240102-030405.ndjson',
		);
		const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-save-'));
		directories.push(directory);
		writeFileSync(join(directory, 'x'), '');
	});
});

/**
 * A data directory written before sequence numbers took AWS's layout still opens, serves its records
 * under the numbers it gave them, accepts those numbers back, and goes on numbering in the same layout
 * (consumers hold checkpoints in it).
 */
import {cpSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	bytes,
	drain,
	expectKinesisError,
	iterator,
	readStream,
	removeTemporaryDirectories,
	shardId,
	temporaryDirectory,
	text,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'legacy-data-directory');
type PutAnswer = {ShardId: string; SequenceNumber: string; Data: string};
const answers = JSON.parse(readFileSync(join(fixture, 'records.json'), 'utf8')) as PutAnswer[];

function openCopy() {
	const directory = temporaryDirectory();
	cpSync(join(fixture, 'data'), directory, {recursive: true});
	const clock = new ManualClock(1_760_000_010_000);
	const engine = new KinesisEngine({clock, dataDirectory: directory, enforceLimits: false});
	return {directory, clock, engine};
}

describe('a data directory of the legacy sequence layout', () => {
	test('serves every record under the number its put answered', async () => {
		const {engine} = openCopy();
		const served = [...readStream(engine, 'orders').entries()].flatMap(([shard, records]) =>
			records.map((record) => ({
				ShardId: shard,
				SequenceNumber: record.SequenceNumber,
				Data: text(record.Data),
			})),
		);
		expect(answers).toHaveLength(12);
		expect(served.sort((a, b) => a.Data.localeCompare(b.Data))).toEqual(
			[...answers].sort((a, b) => a.Data.localeCompare(b.Data)),
		);
		await engine.close();
	});

	test('accepts its numbers back in GetShardIterator, and refuses them on another shard', async () => {
		const {engine} = openCopy();
		const [first, second] = answers.filter((each) => each.ShardId === shardId(0));
		const after = iterator(engine, 'orders', shardId(0), 'AFTER_SEQUENCE_NUMBER', {
			StartingSequenceNumber: first.SequenceNumber,
		});
		expect(drain(engine, after).records[0].SequenceNumber).toBe(second.SequenceNumber);
		expectKinesisError(
			() =>
				iterator(engine, 'orders', shardId(1), 'AT_SEQUENCE_NUMBER', {
					StartingSequenceNumber: first.SequenceNumber,
				}),
			'InvalidArgumentException',
			`Invalid StartingSequenceNumber. It encodes ${shardId(0)}, while it was used in a call to a shard with ${shardId(1)}`,
		);
		await engine.close();
	});

	test('numbers new records in the same layout, after the old ones of their shard, across a restart', async () => {
		const {directory, clock, engine} = openCopy();
		const put = async (kinesis: KinesisEngine) =>
			(
				await kinesis.putRecords({
					StreamName: 'orders',
					Records: ['a', 'b', 'c', 'd'].map((key) => ({PartitionKey: key, Data: bytes(key)})),
				})
			).Records;
		const added = await put(engine);
		await engine.close();
		const reopened = new KinesisEngine({clock, dataDirectory: directory, enforceLimits: false});
		added.push(...(await put(reopened)));
		for (const record of added) {
			const number = record.SequenceNumber!;
			expect(number).toMatch(/^490017600000001230\d{38}$/);
			const olderOnShard = answers.filter((each) => each.ShardId === record.ShardId);
			for (const older of olderOnShard) expect(number > older.SequenceNumber).toBe(true);
		}

		expect(new Set(added.map((record) => record.SequenceNumber)).size).toBe(added.length);
		await reopened.close();
	});
});

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';

const bytes = (text: string) => Buffer.from(text);
const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

function temporaryDirectory() {
	const directory = mkdtempSync(join(tmpdir(), 'kinesis-top-test-'));
	directories.push(directory);
	return directory;
}

async function readAll(engine: KinesisEngine, stream: string, shardId: string) {
	let iterator: string | undefined = engine.getShardIterator({
		StreamName: stream,
		ShardId: shardId,
		ShardIteratorType: 'TRIM_HORIZON',
	}).ShardIterator;
	const records = [];
	while (iterator) {
		const page = engine.getRecords({ShardIterator: iterator});
		records.push(...page.Records);
		if (page.Records.length === 0 && page.MillisBehindLatest === 0 && page.NextShardIterator) break;
		iterator = page.NextShardIterator;
	}

	return records;
}

describe('engine basics', () => {
	test('puts and reads back in memory, routed by partition key hash', async () => {
		const engine = new KinesisEngine({clock: new ManualClock()});
		engine.createStream({StreamName: 's', ShardCount: 4});
		const output = await engine.putRecords({
			StreamName: 's',
			Records: Array.from({length: 100}, (_, i) => ({PartitionKey: `k${i}`, Data: bytes(`r${i}`)})),
		});
		expect(output.FailedRecordCount).toBe(0);
		const shards = engine.listShards({StreamName: 's'});
		let total = 0;
		for (const shard of shards) {
			const records = await readAll(engine, 's', shard.ShardId);
			total += records.length;
			const sequences = records.map((record) => record.SequenceNumber);
			expect([...sequences].sort()).toEqual(sequences);
		}

		expect(total).toBe(100);
	});

	test('durable: records survive a restart', async () => {
		const dataDirectory = temporaryDirectory();
		const first = new KinesisEngine({dataDirectory});
		first.createStream({StreamName: 's', ShardCount: 2});
		await first.putRecords({
			StreamName: 's',
			Records: [
				{PartitionKey: 'a', Data: bytes('one')},
				{PartitionKey: 'b', Data: bytes('two')},
			],
		});
		first.splitShard({
			StreamName: 's',
			ShardToSplit: 'shardId-000000000000',
			NewStartingHashKey: '1000',
		});
		await first.close();
		const second = new KinesisEngine({dataDirectory});
		const shards = second.listShards({StreamName: 's'});
		expect(shards).toHaveLength(4);
		let all: string[] = [];
		for (const shard of shards) {
			all = all.concat(
				(await readAll(second, 's', shard.ShardId)).map((r) => Buffer.from(r.Data).toString()),
			);
		}

		expect(all.sort()).toEqual(['one', 'two']);
		await second.close();
	});
});

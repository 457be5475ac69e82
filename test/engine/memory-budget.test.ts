import {expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';

test('memory-only mode keeps at most its budget of records, dropping the oldest first', async () => {
	const clock = new ManualClock();
	const segmentBytes = 64 * 1024;
	const budget = 256 * 1024;
	const engine = new KinesisEngine({
		clock,
		enforceLimits: false,
		segmentBytes,
		memoryBudgetBytes: budget,
	});
	engine.createStream({StreamName: 's', ShardCount: 2});
	const data = Buffer.alloc(1000, 7);
	let id = 0;
	for (let batch = 0; batch < 40; batch++) {
		clock.advance(1500);
		await engine.putRecords({
			StreamName: 's',
			Records: Array.from({length: 50}, () => ({PartitionKey: `key-${id++}`, Data: data})),
		});
	}

	let readable = 0;
	let firstKeys: string[] = [];
	for (const shard of engine.listShards({StreamName: 's'})) {
		const iterator = engine.getShardIterator({
			StreamName: 's',
			ShardId: shard.ShardId,
			ShardIteratorType: 'TRIM_HORIZON',
		}).ShardIterator;
		const page = engine.getRecords({ShardIterator: iterator});
		readable += page.Records.length;
		firstKeys = firstKeys.concat(page.Records.slice(0, 1).map((record) => record.PartitionKey));
	}

	// 2,000 records of ~1 KB were put; what stays is within the budget plus the open segment per shard.
	expect(readable * 1000).toBeLessThanOrEqual(budget + 2 * segmentBytes);
	expect(readable).toBeGreaterThan(100);
	// The oldest records went first: neither shard still starts at the first records put.
	for (const key of firstKeys) expect(Number(key.slice(4))).toBeGreaterThan(100);
	await engine.close();
});

import {describe, expect, test} from 'vitest';
import type {StreamDescription} from '../../source/driver/driver.js';
import {localCli} from './helpers.js';

const HALF = 2n ** 127n;

describe('kinesis-top describe', () => {
	test('--json prints the DescribeStream StreamDescription with every shard, open and closed', async () => {
		const {ok} = localCli();
		await ok(['create', 'orders', '--shards', '2']);
		await ok(['split', 'orders', 'shardId-000000000000']);
		const description = JSON.parse(
			await ok(['describe', 'orders', '--json']),
		) as StreamDescription & {
			StreamCreationTimestamp: string;
		};
		expect(Object.keys(description).sort()).toEqual(
			[
				'EncryptionType',
				'EnhancedMonitoring',
				'HasMoreShards',
				'RetentionPeriodHours',
				'Shards',
				'StreamARN',
				'StreamCreationTimestamp',
				'StreamModeDetails',
				'StreamName',
				'StreamStatus',
			].sort(),
		);
		expect(description).toMatchObject({
			StreamName: 'orders',
			StreamStatus: 'ACTIVE',
			HasMoreShards: false,
			StreamModeDetails: {StreamMode: 'PROVISIONED'},
		});
		const shards = description.Shards;
		expect(shards.map((shard) => shard.ShardId)).toEqual([
			'shardId-000000000000',
			'shardId-000000000001',
			'shardId-000000000002',
			'shardId-000000000003',
		]);
		expect(shards[0].SequenceNumberRange.EndingSequenceNumber).toMatch(/^\d+$/);
		expect(shards[1].SequenceNumberRange.EndingSequenceNumber).toBeUndefined();
		expect(shards[2]).toMatchObject({
			ParentShardId: 'shardId-000000000000',
			HashKeyRange: {StartingHashKey: '0', EndingHashKey: String(HALF / 2n - 1n)},
		});
		expect(shards[3]).toMatchObject({
			ParentShardId: 'shardId-000000000000',
			HashKeyRange: {StartingHashKey: String(HALF / 2n), EndingHashKey: String(HALF - 1n)},
		});
		expect(shards[3].SequenceNumberRange.StartingSequenceNumber).toMatch(/^\d+$/);
	});

	test('prints a table of shards with state, lineage and hash ranges', async () => {
		const {ok} = localCli();
		await ok(['create', 'orders', '--shards', '2']);
		await ok(['merge', 'orders', 'shardId-000000000000', 'shardId-000000000001']);
		const text = await ok(['describe', 'orders']);
		expect(text).toMatch(/^Stream\s+orders$/m);
		expect(text).toMatch(/^Status\s+ACTIVE$/m);
		expect(text).toMatch(/^Shards\s+1 open, 2 closed$/m);
		const rows = text
			.slice(text.indexOf('SHARD '))
			.trimEnd()
			.split('\n')
			.map((row) => row.split(/\s{2,}/));
		expect(rows[0]).toEqual([
			'SHARD',
			'STATE',
			'PARENT',
			'ADJACENT PARENT',
			'KEY SPACE',
			'STARTING HASH KEY',
			'ENDING HASH KEY',
		]);
		expect(rows[1]).toEqual([
			'shardId-000000000000',
			'closed',
			'-',
			'-',
			'50.00%',
			'0',
			String(HALF - 1n),
		]);
		expect(rows[3]).toEqual([
			'shardId-000000000002',
			'open',
			'shardId-000000000000',
			'shardId-000000000001',
			'100.00%',
			'0',
			String(2n ** 128n - 1n),
		]);
	});

	test('a missing stream is ResourceNotFoundException, status 1', async () => {
		const {cli} = localCli();
		const outcome = await cli(['describe', 'nope']);
		expect(outcome.status).toBe(1);
		expect(outcome.stdout).toBe('');
		expect(outcome.stderr).toBe(
			'error: ResourceNotFoundException: Stream nope under account 000000000000 not found.\n',
		);
	});
});

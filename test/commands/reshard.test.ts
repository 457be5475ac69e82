import {describe, expect, test} from 'vitest';
import type {StreamDescription} from '../../source/driver/driver.js';
import {localCli} from './helpers.js';

const describeJson = async (ok: (argv: string[]) => Promise<string>, stream: string) =>
	JSON.parse(await ok(['describe', stream, '--json'])) as StreamDescription;

describe('kinesis-top split, merge and scale', () => {
	test('split defaults to the middle of the shard: start + (end - start + 1) / 2', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		const output = await ok(['split', 's', 'shardId-000000000001']);
		const start = 2n ** 127n;
		const middle = start + (2n ** 128n - 1n - start + 1n) / 2n;
		expect(output).toBe(
			`split shardId-000000000001 of s at hash key ${middle} into shardId-000000000002 and shardId-000000000003\n`,
		);
		const shards = (await describeJson(ok, 's')).Shards;
		expect(shards[2].HashKeyRange).toEqual({
			StartingHashKey: String(start),
			EndingHashKey: String(middle - 1n),
		});
		expect(shards[3].HashKeyRange.StartingHashKey).toBe(String(middle));
	});

	test('split --at splits at the given hash key; --json prints the new description', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		const description = JSON.parse(
			await ok(['split', 's', 'shardId-000000000000', '--at', '1000', '--json']),
		) as StreamDescription;
		expect(description.Shards.map((shard) => shard.HashKeyRange.StartingHashKey)).toEqual([
			'0',
			'0',
			'1000',
		]);
		expect(description.Shards[1].HashKeyRange.EndingHashKey).toBe('999');
	});

	test('split refuses a bad --at (usage, 2) and a closed shard (status 1)', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '1']);
		expect((await cli(['split', 's', 'shardId-000000000000', '--at', '-5'])).status).toBe(2);
		expect((await cli(['split', 's', 'shardId-000000000000', '--at', 'abc'])).status).toBe(2);
		expect(
			(await cli(['split', 's', 'shardId-000000000000', '--at', String(2n ** 128n)])).status,
		).toBe(2);
		await ok(['split', 's', 'shardId-000000000000']);
		const again = await cli(['split', 's', 'shardId-000000000000']);
		expect(again.status).toBe(1);
		expect(again.stderr).toMatch(
			/^error: \w+Exception: Shard shardId-000000000000 .* has already been merged or split.*\n$/,
		);
		const missing = await cli(['split', 's', 'shardId-000000000042']);
		expect(missing.stderr).toBe(
			'error: ResourceNotFoundException: Could not find shard shardId-000000000042 in stream s.\n',
		);
	});

	test('merge joins two adjacent shards into one child with both as parents', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '3']);
		expect(await ok(['merge', 's', 'shardId-000000000001', 'shardId-000000000002'])).toBe(
			'merged shardId-000000000001 and shardId-000000000002 of s into shardId-000000000003\n',
		);
		const child = (await describeJson(ok, 's')).Shards[3];
		expect(child).toMatchObject({
			ParentShardId: 'shardId-000000000001',
			AdjacentParentShardId: 'shardId-000000000002',
		});
		const extraArgument = await cli([
			'merge',
			's',
			'shardId-000000000000',
			'shardId-000000000003',
			'x',
		]);
		expect(extraArgument.status).toBe(2);
		const wrong = await cli(['merge', 's', 'shardId-000000000001', 'shardId-000000000003']);
		expect(wrong.status).toBe(1);
		expect(wrong.stderr).toMatch(/^error: \w+Exception: .*shardId-000000000003/);
	});

	test('scale changes the number of open shards', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '2']);
		expect(await ok(['scale', 's', '--shards', '4'])).toBe('scaled s from 2 to 4 open shards\n');
		const open = (await describeJson(ok, 's')).Shards.filter(
			(shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined,
		);
		expect(open).toHaveLength(4);
		const tooMany = await cli(['scale', 's', '--shards', '9']);
		expect(tooMany.status).toBe(1);
		expect(tooMany.stderr).toMatch(
			/^error: LimitExceededException: UpdateShardCount cannot scale up/,
		);
		expect((await cli(['scale', 's'])).status).toBe(2);
	});
});

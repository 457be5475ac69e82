import {describe, expect, test} from 'vitest';
import {localCli} from './helpers.js';

describe('kinesis-top streams', () => {
	test('says so when there are no streams, and --json is an empty array', async () => {
		const {ok} = localCli();
		expect(await ok(['streams'])).toMatch(/^No streams\./);
		expect(JSON.parse(await ok(['streams', '--json']))).toEqual([]);
	});

	test('lists streams as a table, sorted by name', async () => {
		const {ok} = localCli();
		await ok(['create', 'orders', '--shards', '2']);
		await ok(['create', 'clicks', '--on-demand']);
		const rows = (await ok(['streams'])).trimEnd().split('\n');
		expect(rows[0].split(/\s{2,}/)).toEqual([
			'NAME',
			'STATUS',
			'MODE',
			'OPEN SHARDS',
			'RETENTION',
			'CREATED',
		]);
		expect(rows[1].split(/\s{2,}/).slice(0, 5)).toEqual([
			'clicks',
			'ACTIVE',
			'ON_DEMAND',
			'4',
			'24 h',
		]);
		expect(rows[2].split(/\s{2,}/).slice(0, 5)).toEqual([
			'orders',
			'ACTIVE',
			'PROVISIONED',
			'2',
			'24 h',
		]);
		expect(rows).toHaveLength(3);
	});

	test('--json prints DescribeStreamSummary StreamDescriptionSummary objects', async () => {
		const {ok} = localCli();
		await ok(['create', 'orders', '--shards', '3']);
		const summaries = JSON.parse(await ok(['streams', '--json'])) as Array<Record<string, unknown>>;
		expect(summaries).toHaveLength(1);
		const [summary] = summaries;
		expect(Object.keys(summary).sort()).toEqual(
			[
				'ConsumerCount',
				'EncryptionType',
				'EnhancedMonitoring',
				'OpenShardCount',
				'RetentionPeriodHours',
				'StreamARN',
				'StreamCreationTimestamp',
				'StreamModeDetails',
				'StreamName',
				'StreamStatus',
			].sort(),
		);
		expect(summary).toMatchObject({
			StreamName: 'orders',
			StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
			StreamStatus: 'ACTIVE',
			StreamModeDetails: {StreamMode: 'PROVISIONED'},
			RetentionPeriodHours: 24,
			OpenShardCount: 3,
			ConsumerCount: 0,
			EncryptionType: 'NONE',
			EnhancedMonitoring: [{ShardLevelMetrics: []}],
		});
		expect(new Date(summary.StreamCreationTimestamp as string).toISOString()).toBe(
			summary.StreamCreationTimestamp,
		);
	});

	test('--region reaches the ARNs of the local engine', async () => {
		const {ok} = localCli();
		await ok(['--region', 'eu-west-1', 'create', 'orders', '--shards', '1']);
		const [summary] = JSON.parse(
			await ok(['--region', 'eu-west-1', 'streams', '--json']),
		) as Array<{
			StreamARN: string;
		}>;
		expect(summary.StreamARN).toBe('arn:aws:kinesis:eu-west-1:000000000000:stream/orders');
	});
});

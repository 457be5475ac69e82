import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import type {CreateChannelInput} from '../../source/kinesis/channel-types.js';
import {KinesisEngine, type EngineOptions} from '../../source/engine/engine.js';
import {
	ACCOUNT,
	expectKinesisError,
	removeTemporaryDirectories,
	temporaryDirectory,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const START = Date.UTC(2026, 0, 1);
const ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;
const ROLE = 'arn:aws:iam::123456789012:role/delivery';

function setup(options: EngineOptions = {}) {
	const clock = new ManualClock(START);
	const kinesis = new KinesisEngine({clock, ...options});
	kinesis.createStream({StreamName: 's', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
	return {clock, kinesis};
}

const s3Channel = (name = 'to-s3'): CreateChannelInput => ({
	ChannelName: name,
	ServiceExecutionRoleARN: ROLE,
	StreamConfigurationList: [{StreamARN: ARN, RecordConfiguration: {RecordFormatType: 'JSON'}}],
	S3DestinationConfiguration: {
		StorageConfiguration: {
			BucketARN: 'arn:aws:s3:::my-bucket',
			ExpectedBucketOwner: '123456789012',
			CompressionType: 'GZIP',
		},
	},
});

describe('CreateChannel / DescribeChannel', () => {
	test('a channel from an ON_DEMAND stream to S3, with AWS defaults filled in', () => {
		const {kinesis} = setup();
		const {ChannelDescription: created} = kinesis.createChannel({
			...s3Channel(),
			Tags: {team: 'data'},
		});
		expect(created.ChannelARN).toMatch(
			new RegExp(`^arn:aws:kinesis:us-east-1:${ACCOUNT}:channel/[a-z0-9]{24}$`),
		);
		expect(created.ChannelARN.endsWith(`/${created.ChannelId}`)).toBe(true);
		expect(created).toMatchObject({
			ChannelName: 'to-s3',
			ChannelStatus: 'ACTIVE',
			ChannelCreationTimestamp: new Date(START),
			ServiceExecutionRoleARN: ROLE,
			StreamConfigurationList: [
				{
					StreamARN: ARN,
					StreamCreationTimestamp: new Date(START),
					RecordConfiguration: {RecordFormatType: 'JSON'},
				},
			],
			S3DestinationConfiguration: {
				DataFreshnessInSeconds: 300,
				DeadLetterQueueS3Configuration: {
					BucketARN: 'arn:aws:s3:::my-bucket',
					ExpectedBucketOwner: '123456789012',
				},
				StorageConfiguration: {
					BucketARN: 'arn:aws:s3:::my-bucket',
					ExpectedBucketOwner: '123456789012',
					CompressionType: 'GZIP',
					StorageClass: 'STANDARD',
				},
			},
			LoggingConfiguration: {
				CloudWatchLogs: {
					Enabled: false,
					LogGroupName: `/aws/kinesis/to-s3/${created.ChannelId}`,
					LogStreamName: 'DestinationDelivery',
				},
			},
		});
		expect(kinesis.describeChannel({ChannelARN: created.ChannelARN}).ChannelDescription).toEqual(
			created,
		);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).ChannelCount).toBe(1);
		expect(kinesis.describeLimits().ChannelCount).toBe(1);
		expect(kinesis.listTagsForResource({ResourceARN: created.ChannelARN}).Tags).toEqual([
			{Key: 'team', Value: 'data'},
		]);
	});

	test('CREATING for createDelayMs; a duplicate name is ResourceInUseException', () => {
		const {clock, kinesis} = setup();
		const delayed = new KinesisEngine({clock, createDelayMs: 1000});
		delayed.createStream({StreamName: 's', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		clock.advance(1000);
		const {ChannelDescription} = delayed.createChannel(s3Channel());
		expect(ChannelDescription.ChannelStatus).toBe('CREATING');
		clock.advance(1000);
		expect(
			delayed.describeChannel({ChannelARN: ChannelDescription.ChannelARN}).ChannelDescription
				.ChannelStatus,
		).toBe('ACTIVE');
		kinesis.createChannel(s3Channel());
		expectKinesisError(
			() => kinesis.createChannel(s3Channel()),
			'ResourceInUseException',
			`Channel to-s3 under account ${ACCOUNT} already exists.`,
		);
	});

	test('validation: one destination, formats it supports, ON_DEMAND sources, well-formed ARNs', () => {
		const {kinesis} = setup();
		expectKinesisError(
			() => kinesis.createChannel({...s3Channel(), ServiceExecutionRoleARN: 'role'}),
			'ValidationException',
			/at 'serviceExecutionRoleARN' failed to satisfy constraint: Member must satisfy regular expression pattern/,
		);
		expectKinesisError(
			() => kinesis.createChannel({...s3Channel(), S3DestinationConfiguration: undefined}),
			'InvalidArgumentException',
			/Exactly one of/,
		);
		expectKinesisError(
			() =>
				kinesis.createChannel({
					...s3Channel(),
					StreamConfigurationList: [
						{StreamARN: ARN, RecordConfiguration: {RecordFormatType: 'GSR_JSON'}},
					],
				}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() =>
				kinesis.createChannel({
					...s3Channel(),
					S3DestinationConfiguration: {
						StorageConfiguration: {BucketARN: 'arn:aws:s3:::my-bucket', CompressionType: 'GZIP'},
					},
				}),
			'ValidationException',
			"1 validation error detected: Value null at 's3DestinationConfiguration.storageConfiguration.expectedBucketOwner' failed to satisfy constraint: Member must not be null",
		);
		expectKinesisError(
			() => kinesis.createChannel({...s3Channel(), StreamConfigurationList: []}),
			'ValidationException',
			/Member must have length greater than or equal to 1/,
		);
		kinesis.createStream({StreamName: 'p', ShardCount: 1});
		expectKinesisError(
			() =>
				kinesis.createChannel({
					...s3Channel(),
					StreamConfigurationList: [
						{
							StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/p`,
							RecordConfiguration: {RecordFormatType: 'JSON'},
						},
					],
				}),
			'InvalidArgumentException',
			/ON_DEMAND/,
		);
		expectKinesisError(
			() =>
				kinesis.createChannel({
					...s3Channel(),
					EncryptionConfiguration: {EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis'},
				}),
			'InvalidArgumentException',
		);
	});

	test('streaming-table channels need a schema and a dead-letter queue', () => {
		const {kinesis} = setup();
		const tables: CreateChannelInput = {
			ChannelName: 'to-tables',
			ServiceExecutionRoleARN: ROLE,
			StreamConfigurationList: [
				{
					StreamARN: ARN,
					RecordConfiguration: {
						RecordFormatType: 'GSR_JSON',
						GSRSchemaARN: 'arn:aws:glue:us-east-1:123456789012:schema/registry/events',
					},
				},
			],
			S3TablesDestinationConfiguration: {
				DeadLetterQueueS3Configuration: {
					BucketARN: 'arn:aws:s3:::dlq-bucket',
					ExpectedBucketOwner: '123456789012',
				},
				S3TablesConfigurationList: [
					{
						TableBucketARN: 'arn:aws:s3tables:us-east-1:123456789012:bucket/tables',
						Namespace: 'analytics',
						TableName: 'events',
						CompressionType: 'ZSTD',
						PartitionSpec: {PartitionFields: [{Transform: 'TIME_HOUR', SourceName: 'ts'}]},
					},
				],
			},
		};
		const created = kinesis.createChannel(tables).ChannelDescription;
		expect(created.S3TablesDestinationConfiguration?.DataFreshnessInSeconds).toBe(300);
		expect(kinesis.listChannels({}).ChannelSummaries[0].ChannelDestinationType).toBe('S3_TABLES');
		expectKinesisError(
			() =>
				kinesis.createChannel({
					...tables,
					ChannelName: 'no-schema',
					StreamConfigurationList: [
						{StreamARN: ARN, RecordConfiguration: {RecordFormatType: 'JSON'}},
					],
				}),
			'InvalidArgumentException',
			/GSRSchemaARN/,
		);
	});
});

describe('ListChannels / UpdateChannel / DeleteChannel', () => {
	test('lists oldest first, filters by stream, pages with NextToken', () => {
		const {clock, kinesis} = setup();
		kinesis.createStream({StreamName: 'other', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		const other = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/other`;
		for (const name of ['c', 'a', 'b']) {
			clock.advance(1000);
			kinesis.createChannel(s3Channel(name));
		}

		clock.advance(1000);
		kinesis.createChannel({
			...s3Channel('x'),
			StreamConfigurationList: [
				{StreamARN: other, RecordConfiguration: {RecordFormatType: 'JSON'}},
			],
		});
		const names: string[] = [];
		let page = kinesis.listChannels({MaxResults: 3});
		names.push(...page.ChannelSummaries.map((channel) => channel.ChannelName));
		expect(page.NextToken).toBeDefined();
		page = kinesis.listChannels({MaxResults: 3, NextToken: page.NextToken});
		names.push(...page.ChannelSummaries.map((channel) => channel.ChannelName));
		expect(page.NextToken).toBeUndefined();
		expect(names).toEqual(['c', 'a', 'b', 'x']);
		const filtered = kinesis.listChannels({StreamFilter: [{StreamARN: other}]}).ChannelSummaries;
		expect(filtered.map((channel) => channel.ChannelName)).toEqual(['x']);
		expect(filtered[0]).toMatchObject({
			ChannelDestinationType: 'S3',
			ChannelStatus: 'ACTIVE',
			Streams: [{StreamARN: other, StreamCreationTimestamp: new Date(START + 1000 * 0)}],
		});
	});

	test('UpdateChannel changes freshness or logging of an ACTIVE channel, UPDATING meanwhile', () => {
		const {clock, kinesis} = setup({updateDelayMs: 2000});
		const arn = kinesis.createChannel(s3Channel()).ChannelDescription.ChannelARN;
		const updated = kinesis.updateChannel({
			ChannelARN: arn,
			S3DestinationConfiguration: {DataFreshnessInSeconds: 60},
			LoggingConfiguration: {CloudWatchLogs: {Enabled: true}},
		}).ChannelDescription;
		expect(updated.ChannelStatus).toBe('UPDATING');
		expect(updated.S3DestinationConfiguration?.DataFreshnessInSeconds).toBe(60);
		expect(updated.LoggingConfiguration.CloudWatchLogs.Enabled).toBe(true);
		expectKinesisError(
			() =>
				kinesis.updateChannel({
					ChannelARN: arn,
					LoggingConfiguration: {CloudWatchLogs: {Enabled: false}},
				}),
			'ResourceInUseException',
		);
		clock.advance(2000);
		expect(kinesis.describeChannel({ChannelARN: arn}).ChannelDescription.ChannelStatus).toBe(
			'ACTIVE',
		);
		expectKinesisError(
			() =>
				kinesis.updateChannel({
					ChannelARN: arn,
					S3TablesDestinationConfiguration: {DataFreshnessInSeconds: 60},
				}),
			'InvalidArgumentException',
		);
		expectKinesisError(() => kinesis.updateChannel({ChannelARN: arn}), 'InvalidArgumentException');
	});

	test('a stream with channels cannot be deleted; DeleteChannel frees it', () => {
		const {clock, kinesis} = setup({deleteDelayMs: 1000});
		const arn = kinesis.createChannel(s3Channel()).ChannelDescription.ChannelARN;
		expectKinesisError(() => kinesis.deleteStream({StreamName: 's'}), 'ResourceInUseException');
		kinesis.deleteChannel({ChannelARN: arn});
		expect(kinesis.describeChannel({ChannelARN: arn}).ChannelDescription.ChannelStatus).toBe(
			'DELETING',
		);
		clock.advance(1000);
		expectKinesisError(
			() => kinesis.describeChannel({ChannelARN: arn}),
			'ResourceNotFoundException',
		);
		kinesis.deleteStream({StreamName: 's'});
		expectKinesisError(
			() => kinesis.deleteChannel({ChannelARN: 'not-a-channel'}),
			'ValidationException',
			/at 'channelARN' failed to satisfy constraint/,
		);
	});

	test('channels survive a restart', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock(START);
		let kinesis = new KinesisEngine({clock, dataDirectory});
		kinesis.createStream({StreamName: 's', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		const created = kinesis.createChannel(s3Channel()).ChannelDescription;
		await kinesis.close();
		kinesis = new KinesisEngine({clock, dataDirectory});
		expect(kinesis.describeChannel({ChannelARN: created.ChannelARN}).ChannelDescription).toEqual(
			created,
		);
		await kinesis.close();
	});
});

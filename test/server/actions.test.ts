/**
 * Every action of the current Kinesis Data Streams API through the real AWS SDK v3 client against an
 * in-test `kinesis-top serve`: consumers and SubscribeToShard (an event stream, over HTTP/2 — the SDK's
 * default — and over HTTP/1.1), stream settings, tags and policies by ARN, account settings, channels.
 */
import {readdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import * as sdk from '@aws-sdk/client-kinesis';
import {
	CreateChannelCommand,
	CreateStreamCommand,
	DeleteChannelCommand,
	DeleteResourcePolicyCommand,
	DeleteStreamCommand,
	DeregisterStreamConsumerCommand,
	DescribeAccountSettingsCommand,
	DescribeChannelCommand,
	DescribeLimitsCommand,
	DescribeStreamConsumerCommand,
	DescribeStreamSummaryCommand,
	DisableEnhancedMonitoringCommand,
	EnableEnhancedMonitoringCommand,
	GetRecordsCommand,
	GetResourcePolicyCommand,
	GetShardIteratorCommand,
	KinesisClient,
	ListChannelsCommand,
	ListStreamConsumersCommand,
	ListTagsForResourceCommand,
	PutRecordCommand,
	PutRecordsCommand,
	PutResourcePolicyCommand,
	RegisterStreamConsumerCommand,
	SplitShardCommand,
	StartStreamEncryptionCommand,
	StopStreamEncryptionCommand,
	SubscribeToShardCommand,
	TagResourceCommand,
	UntagResourceCommand,
	UpdateAccountSettingsCommand,
	UpdateChannelCommand,
	UpdateMaxRecordSizeCommand,
	UpdateStreamModeCommand,
	UpdateStreamRecordDistributionStrategyCommand,
	UpdateStreamWarmThroughputCommand,
	type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';

const ACCOUNT = '000000000000';
const credentials = {accessKeyId: 'x', secretAccessKey: 'y'};
/** The engine's clock: SubscribeToShard's 5-second take-over window is crossed by advancing it. */
const clock = new ManualClock(Date.now());
let engine: KinesisEngine;
let server: KinesisServer;
let endpoint: string;
/** The SDK's default transport (HTTP/2) and HTTP/1.1. */
const clients: Record<'http2' | 'http1', KinesisClient> = {} as never;

beforeAll(async () => {
	engine = new KinesisEngine({clock, enforceLimits: false, subscriptionPollMs: 20});
	server = new KinesisServer({engine, port: 0});
	endpoint = await server.start();
	clients.http2 = new KinesisClient({endpoint, region: 'us-east-1', credentials});
	clients.http1 = new KinesisClient({
		endpoint,
		region: 'us-east-1',
		credentials,
		requestHandler: new NodeHttpHandler(),
	});
});

afterAll(async () => {
	clients.http2?.destroy();
	clients.http1?.destroy();
	await server.stop(100);
	await engine.close();
});

const kinesis = () => clients.http2;
const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

/** The iterator's next result, failing if none comes within the deadline. */
async function next<T>(
	iterator: AsyncIterator<T>,
	deadlineMs = 10_000,
): Promise<IteratorResult<T>> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`no event within ${deadlineMs} ms`)), deadlineMs);
	});
	try {
		return await Promise.race([iterator.next(), late]);
	} finally {
		clearTimeout(timer);
	}
}

async function nextEvent(
	iterator: AsyncIterator<SubscribeToShardEventStream>,
): Promise<sdk.SubscribeToShardEvent> {
	const result = await next(iterator);
	expect(result.done).toBe(false);
	const event = result.value.SubscribeToShardEvent;
	expect(event).toBeDefined();
	return event!;
}

async function caught(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (error) {
		return error as Error & {$metadata?: {httpStatusCode?: number}};
	}

	throw new Error('expected the call to fail');
}

async function streamWithConsumer(name: string, shards = 1) {
	await kinesis().send(new CreateStreamCommand({StreamName: name, ShardCount: shards}));
	const {Consumer} = await kinesis().send(
		new RegisterStreamConsumerCommand({StreamARN: streamArn(name), ConsumerName: 'app'}),
	);
	return Consumer!.ConsumerARN!;
}

describe('every action of the SDK answers', () => {
	const require = createRequire(import.meta.url);
	const commandsDirectory = join(
		dirname(require.resolve('@aws-sdk/client-kinesis/package.json')),
		'dist-types',
		'commands',
	);
	const names = readdirSync(commandsDirectory)
		.filter((file) => file.endsWith('Command.d.ts'))
		.map((file) => file.slice(0, -'Command.d.ts'.length));

	test('the SDK lists the current API (45 actions at the time of writing)', () => {
		expect(names.length).toBeGreaterThanOrEqual(45);
		expect(names).toContain('SubscribeToShard');
		expect(names).toContain('CreateChannel');
	});

	test.each(names)('%s is not UnknownOperationException', async (name) => {
		const Command = (
			sdk as unknown as Record<string, new (input: object) => sdk.ListStreamsCommand>
		)[`${name}Command`];
		expect(Command).toBeDefined();
		let answer: unknown;
		try {
			answer = await kinesis().send(new Command({}));
		} catch (error) {
			answer = error;
		}

		const errorName = (answer as Error | undefined)?.name;
		expect(errorName, `${name} answered ${String(answer)}`).not.toBe('UnknownOperationException');
		// An empty request is either answered or refused the way AWS refuses one: a modelled 4xx error.
		if (answer instanceof Error) {
			expect((answer as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode).toBe(
				400,
			);
		}
	});
});

describe('enhanced fan-out consumers', () => {
	test('register, describe, list with paging, count, deregister', async () => {
		await kinesis().send(new CreateStreamCommand({StreamName: 'fan', ShardCount: 1}));
		const registered = [];
		for (const name of ['one', 'two', 'three']) {
			clock.advance(1000);
			const {Consumer} = await kinesis().send(
				new RegisterStreamConsumerCommand({StreamARN: streamArn('fan'), ConsumerName: name}),
			);
			registered.push(Consumer!);
		}

		expect(registered[0].ConsumerARN).toMatch(
			new RegExp(`^${streamArn('fan')}/consumer/one:\\d+$`),
		);
		expect(registered[0].ConsumerStatus).toBe('ACTIVE');
		expect(registered[0].ConsumerCreationTimestamp).toBeInstanceOf(Date);
		const {ConsumerDescription} = await kinesis().send(
			new DescribeStreamConsumerCommand({StreamARN: streamArn('fan'), ConsumerName: 'two'}),
		);
		expect(ConsumerDescription).toEqual({...registered[1], StreamARN: streamArn('fan')});
		const listed: string[] = [];
		let NextToken: string | undefined;
		do {
			const page = await kinesis().send(
				new ListStreamConsumersCommand({StreamARN: streamArn('fan'), MaxResults: 2, NextToken}),
			);
			listed.push(...page.Consumers!.map((consumer) => consumer.ConsumerName!));
			NextToken = page.NextToken;
		} while (NextToken);

		expect(listed).toEqual(['one', 'two', 'three']);
		expect(
			(await kinesis().send(new DescribeStreamSummaryCommand({StreamName: 'fan'})))
				.StreamDescriptionSummary?.ConsumerCount,
		).toBe(3);
		await kinesis().send(
			new DeregisterStreamConsumerCommand({ConsumerARN: registered[0].ConsumerARN}),
		);
		const gone = await caught(
			kinesis().send(new DescribeStreamConsumerCommand({ConsumerARN: registered[0].ConsumerARN})),
		);
		expect(gone.name).toBe('ResourceNotFoundException');
		const duplicate = await caught(
			kinesis().send(
				new RegisterStreamConsumerCommand({StreamARN: streamArn('fan'), ConsumerName: 'two'}),
			),
		);
		expect(duplicate.name).toBe('ResourceInUseException');
		const refused = await caught(kinesis().send(new DeleteStreamCommand({StreamName: 'fan'})));
		expect(refused.name).toBe('ResourceInUseException');
		await kinesis().send(
			new DeleteStreamCommand({StreamName: 'fan', EnforceConsumerDeletion: true}),
		);
	});
});

describe.each(['http2', 'http1'] as const)('SubscribeToShard over %s', (transport) => {
	const client = () => clients[transport];
	const stream = `sub-${transport}`;

	test('delivers the records put after subscribing, resumes after the continuation, ends at a split with ChildShards', async () => {
		const consumer = await streamWithConsumer(stream);
		const subscribe = (StartingPosition: sdk.StartingPosition) =>
			client().send(
				new SubscribeToShardCommand({
					ConsumerARN: consumer,
					ShardId: 'shardId-000000000000',
					StartingPosition,
				}),
			);
		const first = await subscribe({Type: 'LATEST'});
		const events = first.EventStream![Symbol.asyncIterator]();
		const opening = await nextEvent(events);
		expect(opening.Records).toEqual([]);
		expect(opening.ContinuationSequenceNumber).toMatch(/^\d+$/);
		const put = await client().send(
			new PutRecordsCommand({
				StreamName: stream,
				Records: ['a', 'b', 'c'].map((data) => ({PartitionKey: data, Data: Buffer.from(data)})),
			}),
		);
		const received: sdk._Record[] = [];
		let continuation = opening.ContinuationSequenceNumber;
		while (received.length < 3) {
			const event = await nextEvent(events);
			received.push(...event.Records!);
			continuation = event.ContinuationSequenceNumber;
		}

		expect(received.map((record) => Buffer.from(record.Data!).toString())).toEqual(['a', 'b', 'c']);
		expect(received.map((record) => record.SequenceNumber)).toEqual(
			put.Records!.map((record) => record.SequenceNumber),
		);
		expect(received[0].ApproximateArrivalTimestamp).toBeInstanceOf(Date);
		expect(received[0].PartitionKey).toBe('a');
		expect(continuation).toBe(put.Records![2].SequenceNumber);

		// A second subscription within 5 seconds is refused; after that it takes over, resuming after
		// the continuation, and the first ends with a ResourceInUseException event.
		await client().send(
			new PutRecordCommand({StreamName: stream, PartitionKey: 'd', Data: Buffer.from('d')}),
		);
		const resume = () => subscribe({Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: continuation});
		expect((await caught(resume())).name).toBe('ResourceInUseException');
		clock.advance(5000);
		const resumed = (await resume()).EventStream![Symbol.asyncIterator]();
		let event: sdk.SubscribeToShardEvent = await nextEvent(resumed);
		expect(event.Records!.map((record) => Buffer.from(record.Data!).toString())).toEqual(['d']);
		const takenOver = await caught(
			(async () => {
				while (!(await next(events)).done) {
					// Events still in flight, then the exception event.
				}
			})(),
		);
		expect(takenOver.name).toBe('ResourceInUseException');

		// The shard is split: the subscription ends with a last event that names the children.
		await client().send(
			new SplitShardCommand({
				StreamName: stream,
				ShardToSplit: 'shardId-000000000000',
				NewStartingHashKey: String(2n ** 127n),
			}),
		);
		let result = await next(resumed);
		while (!result.done && !result.value.SubscribeToShardEvent?.ChildShards) {
			result = await next(resumed);
		}

		expect(result.done).toBe(false);
		event = result.value.SubscribeToShardEvent!;
		expect(event.ContinuationSequenceNumber).toBeUndefined();
		expect(event.ChildShards!.map((child) => child.ShardId)).toEqual([
			'shardId-000000000001',
			'shardId-000000000002',
		]);
		expect(event.ChildShards![0].ParentShards).toEqual(['shardId-000000000000']);
		expect((await next(resumed)).done).toBe(true);
	});

	test('refusals before the stream starts are ordinary AWS errors; failures after it are exception events', async () => {
		const consumer = await streamWithConsumer(`${stream}-errors`);
		const missing = await caught(
			client().send(
				new SubscribeToShardCommand({
					ConsumerARN: consumer,
					ShardId: 'shardId-000000000009',
					StartingPosition: {Type: 'LATEST'},
				}),
			),
		);
		expect(missing.name).toBe('ResourceNotFoundException');
		expect(missing.$metadata?.httpStatusCode).toBe(400);
		const {EventStream} = await client().send(
			new SubscribeToShardCommand({
				ConsumerARN: consumer,
				ShardId: 'shardId-000000000000',
				StartingPosition: {Type: 'TRIM_HORIZON'},
			}),
		);
		const events = EventStream![Symbol.asyncIterator]();
		await nextEvent(events);
		const again = await caught(
			client().send(
				new SubscribeToShardCommand({
					ConsumerARN: consumer,
					ShardId: 'shardId-000000000000',
					StartingPosition: {Type: 'LATEST'},
				}),
			),
		);
		expect(again.name).toBe('ResourceInUseException');
		expect(again.message).toBe(
			`Another active subscription exists for this consumer: ${ACCOUNT}:${stream}-errors:shardId-000000000000:app`,
		);
		await client().send(new DeregisterStreamConsumerCommand({ConsumerARN: consumer}));
		const failure = await caught(
			(async () => {
				while (!(await next(events)).done) {
					// Until the exception event.
				}
			})(),
		);
		expect(failure.name).toBe('ResourceNotFoundException');
		expect(failure.message).toContain('Consumer app under stream');
	});
});

describe('stream settings', () => {
	const KEY = 'arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012';

	test('encryption: puts and records report KMS while it is on', async () => {
		await kinesis().send(new CreateStreamCommand({StreamName: 'enc', ShardCount: 1}));
		await kinesis().send(
			new StartStreamEncryptionCommand({StreamName: 'enc', EncryptionType: 'KMS', KeyId: KEY}),
		);
		const summary = (await kinesis().send(new DescribeStreamSummaryCommand({StreamName: 'enc'})))
			.StreamDescriptionSummary!;
		expect(summary.EncryptionType).toBe('KMS');
		expect(summary.KeyId).toBe(KEY);
		const put = await kinesis().send(
			new PutRecordCommand({StreamName: 'enc', PartitionKey: 'k', Data: Buffer.from('x')}),
		);
		expect(put.EncryptionType).toBe('KMS');
		const {ShardIterator} = await kinesis().send(
			new GetShardIteratorCommand({
				StreamName: 'enc',
				ShardId: 'shardId-000000000000',
				ShardIteratorType: 'TRIM_HORIZON',
			}),
		);
		const {Records} = await kinesis().send(new GetRecordsCommand({ShardIterator}));
		expect(Records![0].EncryptionType).toBe('KMS');
		await kinesis().send(
			new StopStreamEncryptionCommand({
				StreamARN: streamArn('enc'),
				EncryptionType: 'KMS',
				KeyId: KEY,
			}),
		);
		expect(
			(
				await kinesis().send(
					new PutRecordCommand({StreamName: 'enc', PartitionKey: 'k', Data: Buffer.from('y')}),
				)
			).EncryptionType,
		).toBe('NONE');
		const badKey = await caught(
			kinesis().send(
				new StartStreamEncryptionCommand({StreamName: 'enc', EncryptionType: 'KMS', KeyId: 'nope'}),
			),
		);
		expect(badKey.name).toBe('KMSNotFoundException');
	});

	test('enhanced monitoring, stream mode, record size, warm throughput, distribution strategy', async () => {
		await kinesis().send(new CreateStreamCommand({StreamName: 'knobs', ShardCount: 2}));
		const arn = streamArn('knobs');
		expect(
			await kinesis().send(
				new EnableEnhancedMonitoringCommand({
					StreamName: 'knobs',
					ShardLevelMetrics: ['IncomingBytes'],
				}),
			),
		).toMatchObject({
			StreamName: 'knobs',
			StreamARN: arn,
			CurrentShardLevelMetrics: [],
			DesiredShardLevelMetrics: ['IncomingBytes'],
		});
		expect(
			(
				await kinesis().send(
					new DisableEnhancedMonitoringCommand({StreamARN: arn, ShardLevelMetrics: ['ALL']}),
				)
			).DesiredShardLevelMetrics,
		).toEqual([]);

		await kinesis().send(
			new UpdateMaxRecordSizeCommand({StreamARN: arn, MaxRecordSizeInKiB: 2048}),
		);
		const big = await kinesis().send(
			new PutRecordCommand({
				StreamName: 'knobs',
				PartitionKey: 'k',
				Data: new Uint8Array(1536 * 1024),
			}),
		);
		expect(big.SequenceNumber).toMatch(/^\d+$/);
		const tooSmall = await caught(
			kinesis().send(new UpdateMaxRecordSizeCommand({StreamARN: arn, MaxRecordSizeInKiB: 10})),
		);
		expect(tooSmall.name).toBe('ValidationException');

		const warmRefused = await caught(
			kinesis().send(
				new UpdateStreamWarmThroughputCommand({StreamARN: arn, WarmThroughputMiBps: 10}),
			),
		);
		expect(warmRefused.name).toBe('InvalidArgumentException');
		await kinesis().send(
			new UpdateStreamModeCommand({StreamARN: arn, StreamModeDetails: {StreamMode: 'ON_DEMAND'}}),
		);
		await kinesis().send(
			new UpdateStreamRecordDistributionStrategyCommand({
				StreamARN: arn,
				RecordDistributionStrategy: 'AUTO',
			}),
		);
		await kinesis().send(
			new UpdateAccountSettingsCommand({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}}),
		);
		const warm = await kinesis().send(
			new UpdateStreamWarmThroughputCommand({StreamName: 'knobs', WarmThroughputMiBps: 20}),
		);
		expect(warm).toMatchObject({
			StreamARN: arn,
			StreamName: 'knobs',
			WarmThroughput: {TargetMiBps: 20},
		});
		const summary = (await kinesis().send(new DescribeStreamSummaryCommand({StreamARN: arn})))
			.StreamDescriptionSummary!;
		expect(summary).toMatchObject({
			StreamModeDetails: {StreamMode: 'ON_DEMAND'},
			MaxRecordSizeInKiB: 2048,
			RecordDistributionStrategy: 'AUTO',
			WarmThroughput: {TargetMiBps: 20, CurrentMiBps: 20},
		});
		const account = await kinesis().send(new DescribeAccountSettingsCommand({}));
		expect(account.MinimumThroughputBillingCommitment?.Status).toBe('ENABLED');
		expect(account.MinimumThroughputBillingCommitment?.EarliestAllowedEndAt).toBeInstanceOf(Date);
		const limits = await kinesis().send(new DescribeLimitsCommand({}));
		expect(limits).toMatchObject({ShardLimit: 500, OnDemandStreamCountLimit: 50});
		expect(limits.OnDemandStreamCount).toBeGreaterThanOrEqual(1);
		expect(limits.OpenShardCount).toBeGreaterThanOrEqual(2);
	});
});

describe('tags and policies by ARN', () => {
	test('TagResource, UntagResource, ListTagsForResource; Put/Get/DeleteResourcePolicy', async () => {
		const consumer = await streamWithConsumer('tagged');
		const arn = streamArn('tagged');
		await kinesis().send(
			new TagResourceCommand({ResourceARN: arn, Tags: {env: 'test', tier: '1'}}),
		);
		await kinesis().send(new TagResourceCommand({ResourceARN: consumer, Tags: {owner: 'me'}}));
		await kinesis().send(new UntagResourceCommand({ResourceARN: arn, TagKeys: ['tier']}));
		expect((await kinesis().send(new ListTagsForResourceCommand({ResourceARN: arn}))).Tags).toEqual(
			[{Key: 'env', Value: 'test'}],
		);
		expect(
			(await kinesis().send(new ListTagsForResourceCommand({ResourceARN: consumer}))).Tags,
		).toEqual([{Key: 'owner', Value: 'me'}]);
		const policy = JSON.stringify({Version: '2012-10-17', Statement: []});
		await kinesis().send(new PutResourcePolicyCommand({ResourceARN: consumer, Policy: policy}));
		expect(
			(await kinesis().send(new GetResourcePolicyCommand({ResourceARN: consumer}))).Policy,
		).toBe(policy);
		await kinesis().send(new DeleteResourcePolicyCommand({ResourceARN: consumer}));
		expect(
			(await kinesis().send(new GetResourcePolicyCommand({ResourceARN: consumer}))).Policy,
		).toBe('{}');
		const missing = await caught(
			kinesis().send(new ListTagsForResourceCommand({ResourceARN: streamArn('absent')})),
		);
		expect(missing.name).toBe('ResourceNotFoundException');
	});
});

describe('channels', () => {
	test('CreateChannel, DescribeChannel, ListChannels, UpdateChannel, DeleteChannel', async () => {
		await kinesis().send(
			new CreateStreamCommand({StreamName: 'source', StreamModeDetails: {StreamMode: 'ON_DEMAND'}}),
		);
		const {ChannelDescription} = await kinesis().send(
			new CreateChannelCommand({
				ChannelName: 'deliver',
				ServiceExecutionRoleARN: 'arn:aws:iam::123456789012:role/delivery',
				StreamConfigurationList: [
					{StreamARN: streamArn('source'), RecordConfiguration: {RecordFormatType: 'JSON'}},
				],
				S3DestinationConfiguration: {
					StorageConfiguration: {
						BucketARN: 'arn:aws:s3:::bucket-name',
						ExpectedBucketOwner: '123456789012',
						CompressionType: 'NONE',
					},
				},
			}),
		);
		const channelArn = ChannelDescription!.ChannelARN!;
		expect(channelArn).toMatch(/^arn:aws:kinesis:us-east-1:000000000000:channel\/[a-z0-9]+$/);
		expect(ChannelDescription!.ChannelCreationTimestamp).toBeInstanceOf(Date);
		expect(
			(await kinesis().send(new DescribeChannelCommand({ChannelARN: channelArn})))
				.ChannelDescription,
		).toEqual(ChannelDescription);
		const listed = await kinesis().send(
			new ListChannelsCommand({StreamFilter: [{StreamARN: streamArn('source')}]}),
		);
		expect(listed.ChannelSummaries!.map((channel) => channel.ChannelName)).toEqual(['deliver']);
		expect(listed.ChannelSummaries![0].Streams![0].StreamCreationTimestamp).toBeInstanceOf(Date);
		const updated = await kinesis().send(
			new UpdateChannelCommand({
				ChannelARN: channelArn,
				S3DestinationConfiguration: {DataFreshnessInSeconds: 120},
			}),
		);
		expect(updated.ChannelDescription!.S3DestinationConfiguration!.DataFreshnessInSeconds).toBe(
			120,
		);
		const blocked = await caught(kinesis().send(new DeleteStreamCommand({StreamName: 'source'})));
		expect(blocked.name).toBe('ResourceInUseException');
		await kinesis().send(new DeleteChannelCommand({ChannelARN: channelArn}));
		const gone = await caught(kinesis().send(new DescribeChannelCommand({ChannelARN: channelArn})));
		expect(gone.name).toBe('ResourceNotFoundException');
		await kinesis().send(new DeleteStreamCommand({StreamName: 'source'}));
	});
});

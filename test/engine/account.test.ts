import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	ACCOUNT,
	expectKinesisError,
	removeTemporaryDirectories,
	temporaryDirectory,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;

function setup(options: ConstructorParameters<typeof KinesisEngine>[0] = {}) {
	const clock = new ManualClock(START);
	return {clock, kinesis: new KinesisEngine({clock, ...options})};
}

describe('DescribeLimits', () => {
	test('counts open shards and on-demand streams against the account limits', () => {
		const {kinesis} = setup();
		kinesis.createStream({StreamName: 'a', ShardCount: 3});
		kinesis.createStream({StreamName: 'b', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		kinesis.splitShard({
			StreamName: 'a',
			ShardToSplit: 'shardId-000000000000',
			NewStartingHashKey: '1000',
		});
		expect(kinesis.describeLimits()).toEqual({
			ShardLimit: 500,
			OpenShardCount: 3 + 1 + 4,
			OnDemandStreamCount: 1,
			OnDemandStreamCountLimit: 50,
			ChannelCount: 0,
			ChannelCountLimit: 100,
		});
	});
});

describe('DescribeAccountSettings / UpdateAccountSettings', () => {
	test('a minimum throughput billing commitment lasts at least 24 hours', () => {
		const {clock, kinesis} = setup();
		expect(kinesis.describeAccountSettings()).toEqual({
			MinimumThroughputBillingCommitment: {Status: 'DISABLED'},
		});
		const enabled = {
			Status: 'ENABLED',
			StartedAt: new Date(START),
			EarliestAllowedEndAt: new Date(START + 24 * HOUR),
		};
		expect(
			kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}}),
		).toEqual({MinimumThroughputBillingCommitment: enabled});
		clock.advance(HOUR);
		// Disabling early schedules the end at the earliest allowed time…
		expect(
			kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'DISABLED'}})
				.MinimumThroughputBillingCommitment,
		).toEqual({...enabled, Status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END'});
		// …enabling again cancels that…
		expect(
			kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}})
				.MinimumThroughputBillingCommitment,
		).toEqual(enabled);
		kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'DISABLED'}});
		// …and at that time it ends.
		clock.advance(23 * HOUR);
		expect(kinesis.describeAccountSettings()).toEqual({
			MinimumThroughputBillingCommitment: {
				Status: 'DISABLED',
				EndedAt: new Date(START + 24 * HOUR),
			},
		});
	});

	test('after 24 hours disabling is immediate; the status is validated', () => {
		const {clock, kinesis} = setup();
		kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}});
		clock.advance(25 * HOUR);
		expect(
			kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'DISABLED'}}),
		).toEqual({
			MinimumThroughputBillingCommitment: {
				Status: 'DISABLED',
				EndedAt: new Date(START + 25 * HOUR),
			},
		});
		expectKinesisError(
			() => kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'MAYBE'}}),
			'ValidationException',
			/Member must satisfy enum value set: \[ENABLED, DISABLED\]/,
		);
		expectKinesisError(
			() => kinesis.updateAccountSettings({}),
			'ValidationException',
			"1 validation error detected: Value null at 'minimumThroughputBillingCommitment' failed to satisfy constraint: Member must not be null",
		);
	});

	test('account settings survive a restart', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock(START);
		let kinesis = new KinesisEngine({clock, dataDirectory});
		kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}});
		await kinesis.close();
		kinesis = new KinesisEngine({clock, dataDirectory});
		expect(kinesis.describeAccountSettings().MinimumThroughputBillingCommitment.Status).toBe(
			'ENABLED',
		);
		await kinesis.close();
	});
});

describe('TagResource / UntagResource / ListTagsForResource', () => {
	test('tag streams (the same tags as AddTagsToStream) and consumers by ARN', () => {
		const {kinesis} = setup();
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		kinesis.addTagsToStream({StreamName: 's', Tags: {old: '1'}});
		kinesis.tagResource({ResourceARN: ARN, Tags: {env: 'prod', old: '2'}});
		expect(kinesis.listTagsForResource({ResourceARN: ARN}).Tags).toEqual([
			{Key: 'env', Value: 'prod'},
			{Key: 'old', Value: '2'},
		]);
		expect(kinesis.listTagsForStream({StreamName: 's'})).toEqual([
			{Key: 'env', Value: 'prod'},
			{Key: 'old', Value: '2'},
		]);
		kinesis.untagResource({ResourceARN: ARN, TagKeys: ['old', 'absent']});
		expect(kinesis.listTagsForResource({ResourceARN: ARN}).Tags).toEqual([
			{Key: 'env', Value: 'prod'},
		]);
		const consumer = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}).Consumer
			.ConsumerARN;
		kinesis.tagResource({ResourceARN: consumer, Tags: {owner: 'me'}});
		expect(kinesis.listTagsForResource({ResourceARN: consumer}).Tags).toEqual([
			{Key: 'owner', Value: 'me'},
		]);
		expect(kinesis.listTagsForResource({ResourceARN: ARN}).Tags).toHaveLength(1);
	});

	test('at most 50 tags; aws: keys are reserved; the resource must exist', () => {
		const {kinesis} = setup();
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		const tags = Object.fromEntries(Array.from({length: 50}, (_, i) => [`k${i}`, 'v']));
		kinesis.tagResource({ResourceARN: ARN, Tags: tags});
		expectKinesisError(
			() => kinesis.tagResource({ResourceARN: ARN, Tags: {extra: 'v'}}),
			'InvalidArgumentException',
			/cannot have more than 50 tags/,
		);
		expectKinesisError(
			() => kinesis.tagResource({ResourceARN: ARN, Tags: {'aws:x': 'v'}}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() =>
				kinesis.listTagsForResource({
					ResourceARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/missing`,
				}),
			'ResourceNotFoundException',
		);
		expectKinesisError(
			() => kinesis.listTagsForResource({ResourceARN: 'not-an-arn'}),
			'ValidationException',
		);
	});
});

describe('Put/Get/DeleteResourcePolicy', () => {
	const policy = JSON.stringify({
		Version: '2012-10-17',
		Statement: [
			{Effect: 'Allow', Principal: {AWS: '*'}, Action: 'kinesis:GetRecords', Resource: ARN},
		],
	});

	test('attach, read and remove a policy on a stream and on a consumer', () => {
		const {kinesis} = setup();
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		expect(kinesis.getResourcePolicy({ResourceARN: ARN})).toEqual({Policy: '{}'});
		kinesis.putResourcePolicy({ResourceARN: ARN, Policy: policy});
		expect(kinesis.getResourcePolicy({ResourceARN: ARN})).toEqual({Policy: policy});
		kinesis.deleteResourcePolicy({ResourceARN: ARN});
		expect(kinesis.getResourcePolicy({ResourceARN: ARN})).toEqual({Policy: '{}'});
		const consumer = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}).Consumer
			.ConsumerARN;
		kinesis.putResourcePolicy({ResourceARN: consumer, Policy: policy});
		expect(kinesis.getResourcePolicy({ResourceARN: consumer}).Policy).toBe(policy);
		expect(kinesis.getResourcePolicy({ResourceARN: ARN}).Policy).toBe('{}');
		expectKinesisError(
			() => kinesis.putResourcePolicy({ResourceARN: ARN, Policy: 'not json'}),
			'InvalidArgumentException',
		);
	});

	test('a consumer must be ACTIVE to get a policy', () => {
		const {kinesis} = setup({consumerCreateDelayMs: 1000});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		const consumer = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}).Consumer
			.ConsumerARN;
		expectKinesisError(
			() => kinesis.putResourcePolicy({ResourceARN: consumer, Policy: '{}'}),
			'ResourceInUseException',
			`Consumer app with creation timestamp ${Math.floor(START / 1000)} under stream s and account ${ACCOUNT} is not in ACTIVE status.`,
		);
	});
});

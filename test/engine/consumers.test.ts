import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
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

function setup(options: EngineOptions = {}) {
	const clock = new ManualClock(START);
	const kinesis = new KinesisEngine({clock, ...options});
	kinesis.createStream({StreamName: 's', ShardCount: 1});
	return {clock, kinesis};
}

describe('RegisterStreamConsumer', () => {
	test('answers the consumer with an ARN carrying the stream, the name and the creation second', () => {
		const {clock, kinesis} = setup();
		clock.advance(1500);
		const {Consumer} = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		expect(Consumer).toEqual({
			ConsumerName: 'app',
			ConsumerARN: `${ARN}/consumer/app:${Math.floor((START + 1500) / 1000)}`,
			ConsumerStatus: 'ACTIVE',
			ConsumerCreationTimestamp: new Date(START + 1500),
		});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).ConsumerCount).toBe(1);
	});

	test('a consumer is CREATING for consumerCreateDelayMs, then ACTIVE', () => {
		const {clock, kinesis} = setup({consumerCreateDelayMs: 4000});
		const {Consumer} = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		expect(Consumer.ConsumerStatus).toBe('CREATING');
		clock.advance(3999);
		const describe = () =>
			kinesis.describeStreamConsumer({ConsumerARN: Consumer.ConsumerARN}).ConsumerDescription;
		expect(describe().ConsumerStatus).toBe('CREATING');
		clock.advance(1);
		expect(describe()).toEqual({...Consumer, ConsumerStatus: 'ACTIVE', StreamARN: ARN});
	});

	test('a name already registered on the stream is ResourceInUseException', () => {
		const {kinesis} = setup();
		kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		expectKinesisError(
			() => kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}),
			'ResourceInUseException',
			`Consumer app under stream s under account ${ACCOUNT} already exists.`,
		);
	});

	test('at most 20 consumers per stream (LimitExceededException)', () => {
		const {kinesis} = setup();
		for (let i = 0; i < 20; i++) {
			kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: `c${i}`});
		}

		const error = expectKinesisError(
			() => kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'one-too-many'}),
			'LimitExceededException',
		);
		expect(error.message).toContain('20');
		expect(kinesis.describeStreamSummary({StreamName: 's'}).ConsumerCount).toBe(20);
	});

	test('at most 5 consumers CREATING at once (LimitExceededException)', () => {
		const {clock, kinesis} = setup({consumerCreateDelayMs: 10_000});
		for (let i = 0; i < 5; i++) {
			kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: `c${i}`});
		}

		expectKinesisError(
			() => kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'c5'}),
			'LimitExceededException',
			/CREATING/,
		);
		clock.advance(10_000);
		expect(
			kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'c5'}).Consumer.ConsumerName,
		).toBe('c5');
	});

	test('validates the name and the stream ARN as AWS does', () => {
		const {kinesis} = setup();
		expectKinesisError(
			() => kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'bad name'}),
			'ValidationException',
			"1 validation error detected: Value 'bad name' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
		);
		expectKinesisError(
			() => kinesis.registerStreamConsumer({ConsumerName: 'app'}),
			'ValidationException',
			"1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
		);
		expectKinesisError(
			() =>
				kinesis.registerStreamConsumer({
					StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/missing`,
					ConsumerName: 'app',
				}),
			'ResourceNotFoundException',
			`Stream missing under account ${ACCOUNT} not found.`,
		);
	});
});

describe('DescribeStreamConsumer and DeregisterStreamConsumer', () => {
	test('find a consumer by ARN, by StreamARN + ConsumerName, or by all three when they agree', () => {
		const {kinesis} = setup();
		const {Consumer} = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		const expected = {...Consumer, StreamARN: ARN};
		expect(
			kinesis.describeStreamConsumer({ConsumerARN: Consumer.ConsumerARN}).ConsumerDescription,
		).toEqual(expected);
		expect(
			kinesis.describeStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}).ConsumerDescription,
		).toEqual(expected);
		expect(
			kinesis.describeStreamConsumer({
				StreamARN: ARN,
				ConsumerName: 'app',
				ConsumerARN: Consumer.ConsumerARN,
			}).ConsumerDescription,
		).toEqual(expected);
		expectKinesisError(
			() =>
				kinesis.describeStreamConsumer({ConsumerName: 'other', ConsumerARN: Consumer.ConsumerARN}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() => kinesis.describeStreamConsumer({ConsumerName: 'app'}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() => kinesis.describeStreamConsumer({StreamARN: ARN, ConsumerName: 'nobody'}),
			'ResourceNotFoundException',
			`Consumer nobody under stream s under account ${ACCOUNT} not found.`,
		);
		expectKinesisError(
			() => kinesis.describeStreamConsumer({ConsumerARN: `${ARN}/consumer/app:1`}),
			'ResourceNotFoundException',
		);
		expectKinesisError(
			() => kinesis.describeStreamConsumer({ConsumerARN: 'arn:aws:kinesis:nope'}),
			'ValidationException',
			/at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern/,
		);
	});

	test('deregistering removes the consumer at once without a delay', () => {
		const {kinesis} = setup();
		const {Consumer} = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		kinesis.deregisterStreamConsumer({ConsumerARN: Consumer.ConsumerARN});
		expectKinesisError(
			() => kinesis.describeStreamConsumer({ConsumerARN: Consumer.ConsumerARN}),
			'ResourceNotFoundException',
		);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).ConsumerCount).toBe(0);
	});

	test('with consumerDeleteDelayMs it is DELETING first; the name is free once it is gone, with a new ARN', () => {
		const {clock, kinesis} = setup({consumerDeleteDelayMs: 3000});
		const {Consumer} = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		kinesis.deregisterStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		expect(
			kinesis.describeStreamConsumer({ConsumerARN: Consumer.ConsumerARN}).ConsumerDescription
				.ConsumerStatus,
		).toBe('DELETING');
		expectKinesisError(
			() => kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}),
			'ResourceInUseException',
		);
		clock.advance(3000);
		expect(kinesis.listStreamConsumers({StreamARN: ARN}).Consumers).toEqual([]);
		const again = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}).Consumer;
		expect(again.ConsumerARN).not.toBe(Consumer.ConsumerARN);
		expectKinesisError(
			() => kinesis.describeStreamConsumer({ConsumerARN: Consumer.ConsumerARN}),
			'ResourceNotFoundException',
		);
	});
});

describe('ListStreamConsumers', () => {
	test('lists oldest first, pages with NextToken, and the token expires after 300 seconds', () => {
		const {clock, kinesis} = setup();
		const names = ['zeta', 'alpha', 'mid', 'beta', 'omega'];
		for (const name of names) {
			clock.advance(1000);
			kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: name});
		}

		const seen: string[] = [];
		let page = kinesis.listStreamConsumers({StreamARN: ARN, MaxResults: 2});
		seen.push(...page.Consumers.map((consumer) => consumer.ConsumerName));
		while (page.NextToken) {
			page = kinesis.listStreamConsumers({
				StreamARN: ARN,
				NextToken: page.NextToken,
				MaxResults: 2,
			});
			seen.push(...page.Consumers.map((consumer) => consumer.ConsumerName));
		}

		expect(seen).toEqual(names);
		const first = kinesis.listStreamConsumers({StreamARN: ARN, MaxResults: 1});
		clock.advance(300_001);
		expectKinesisError(
			() => kinesis.listStreamConsumers({StreamARN: ARN, NextToken: first.NextToken}),
			'ExpiredNextTokenException',
		);
		expectKinesisError(
			() => kinesis.listStreamConsumers({StreamARN: ARN, NextToken: 'garbage'}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() => kinesis.listStreamConsumers({StreamARN: ARN, MaxResults: 0}),
			'ValidationException',
		);
	});

	test('StreamCreationTimestamp must match the stream', () => {
		const {kinesis} = setup();
		kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		expect(
			kinesis.listStreamConsumers({StreamARN: ARN, StreamCreationTimestamp: new Date(START)})
				.Consumers,
		).toHaveLength(1);
		expectKinesisError(
			() =>
				kinesis.listStreamConsumers({
					StreamARN: ARN,
					StreamCreationTimestamp: new Date(START - 5000),
				}),
			'ResourceNotFoundException',
		);
	});
});

describe('consumers and the stream', () => {
	test('DeleteStream refuses a stream with consumers unless EnforceConsumerDeletion', () => {
		const {kinesis} = setup();
		kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'});
		expectKinesisError(() => kinesis.deleteStream({StreamName: 's'}), 'ResourceInUseException');
		kinesis.deleteStream({StreamName: 's', EnforceConsumerDeletion: true});
		expect(kinesis.listStreams()).toEqual([]);
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		expect(kinesis.listStreamConsumers({StreamARN: ARN}).Consumers).toEqual([]);
	});

	test('consumers are kept in the metadata and survive a restart', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock(START);
		let kinesis = new KinesisEngine({clock, dataDirectory, consumerCreateDelayMs: 2000});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		const {Consumer} = kinesis.registerStreamConsumer({
			StreamARN: ARN,
			ConsumerName: 'app',
			Tags: {team: 'data'},
		});
		await kinesis.close();
		kinesis = new KinesisEngine({clock, dataDirectory});
		expect(
			kinesis.describeStreamConsumer({ConsumerARN: Consumer.ConsumerARN}).ConsumerDescription,
		).toEqual({
			...Consumer,
			StreamARN: ARN,
		});
		clock.advance(2000);
		expect(kinesis.listStreamConsumers({StreamARN: ARN}).Consumers[0].ConsumerStatus).toBe(
			'ACTIVE',
		);
		expect(kinesis.listTagsForResource({ResourceARN: Consumer.ConsumerARN}).Tags).toEqual([
			{Key: 'team', Value: 'data'},
		]);
		await kinesis.close();
	});
});

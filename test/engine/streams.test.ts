import {readdirSync} from 'node:fs';
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	ACCOUNT,
	bytes,
	expectKinesisError,
	MAX_HASH_KEY,
	removeTemporaryDirectories,
	shardId,
	temporaryDirectory,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const HOUR = 3_600_000;

function engine(options: ConstructorParameters<typeof KinesisEngine>[0] = {}) {
	return new KinesisEngine({clock: new ManualClock(), ...options});
}

describe('CreateStream', () => {
	test.each([1, 2, 3, 5, 7, 10, 64])(
		'PROVISIONED with %i shards splits the hash-key space as AWS does',
		(count) => {
			const kinesis = engine();
			kinesis.createStream({StreamName: 's', ShardCount: count});
			const shards = kinesis.listShards({StreamName: 's'});
			expect(shards).toHaveLength(count);
			const width = (MAX_HASH_KEY + 1n) / BigInt(count);
			shards.forEach((shard, i) => {
				expect(shard.ShardId).toBe(shardId(i));
				expect(shard.ParentShardId).toBeUndefined();
				expect(shard.AdjacentParentShardId).toBeUndefined();
				expect(shard.HashKeyRange.StartingHashKey).toBe(String(BigInt(i) * width));
				expect(shard.HashKeyRange.EndingHashKey).toBe(
					i === count - 1 ? String(MAX_HASH_KEY) : String(BigInt(i + 1) * width - 1n),
				);
				expect(shard.SequenceNumberRange.StartingSequenceNumber).toMatch(/^\d{56}$/);
				expect(shard.SequenceNumberRange.EndingSequenceNumber).toBeUndefined();
			});
			const summary = kinesis.describeStreamSummary({StreamName: 's'});
			expect(summary.OpenShardCount).toBe(count);
			expect(summary.StreamModeDetails).toEqual({StreamMode: 'PROVISIONED'});
		},
	);

	test('the last shard ends at 2^128-1 even when 2^128 does not divide evenly', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 's', ShardCount: 3});
		const shards = kinesis.listShards({StreamName: 's'});
		expect(shards[2].HashKeyRange).toEqual({
			StartingHashKey: '226854911280625642308916404954512140970',
			EndingHashKey: '340282366920938463463374607431768211455',
		});
		expect(shards[0].HashKeyRange).toEqual({
			StartingHashKey: '0',
			EndingHashKey: '113427455640312821154458202477256070484',
		});
	});

	test('ON_DEMAND starts with 4 shards', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 'od', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		const description = kinesis.describeStream({StreamName: 'od'});
		expect(description.Shards).toHaveLength(4);
		expect(description.StreamModeDetails).toEqual({StreamMode: 'ON_DEMAND'});
		expect(description.Shards[1].HashKeyRange.StartingHashKey).toBe(String(1n << 126n));
	});

	test('PROVISIONED without ShardCount, or with ShardCount < 1, is refused', () => {
		const kinesis = engine();
		expectKinesisError(
			() => kinesis.createStream({StreamName: 's'}),
			'InvalidArgumentException',
			/ShardCount/,
		);
		expectKinesisError(
			() => kinesis.createStream({StreamName: 's', ShardCount: 0}),
			'ValidationException',
			"1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
		);
		expect(kinesis.listStreams()).toEqual([]);
	});

	test('stream names: 1–128 characters of [a-zA-Z0-9_.-]', () => {
		const kinesis = engine();
		for (const name of ['a', 'A-b_c.9', 'x'.repeat(128), '...', '-_-']) {
			kinesis.createStream({StreamName: name, ShardCount: 1});
		}

		expect(kinesis.listStreams()).toHaveLength(5);
		expectKinesisError(
			() => kinesis.createStream({StreamName: 'x'.repeat(129), ShardCount: 1}),
			'ValidationException',
			`1 validation error detected: Value '${'x'.repeat(129)}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
		);
		expectKinesisError(
			() => kinesis.createStream({StreamName: 'has space', ShardCount: 1}),
			'ValidationException',
			"1 validation error detected: Value 'has space' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
		);
		expectKinesisError(
			() => kinesis.createStream({StreamName: '', ShardCount: 1}),
			'ValidationException',
			// AWS checks the pattern before the length (kinesalite's recording).
			"2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
		);
		for (const name of ['a/b', 'é', 'a:b', 'a*']) {
			expectKinesisError(
				() => kinesis.createStream({StreamName: name, ShardCount: 1}),
				'ValidationException',
			);
		}

		expect(kinesis.listStreams()).toHaveLength(5);
	});

	test('a duplicate name is ResourceInUseException', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 'dup', ShardCount: 1});
		expectKinesisError(
			() => kinesis.createStream({StreamName: 'dup', ShardCount: 2}),
			'ResourceInUseException',
			`Stream dup under account ${ACCOUNT} already exists.`,
		);
		expect(kinesis.listShards({StreamName: 'dup'})).toHaveLength(1);
	});

	test('ARN, creation timestamp and defaults', () => {
		const clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6, 7));
		const kinesis = new KinesisEngine({clock, region: 'eu-west-3', accountId: '123456789012'});
		kinesis.createStream({StreamName: 'orders', ShardCount: 2, Tags: {team: 'a'}});
		const summary = kinesis.describeStreamSummary({StreamName: 'orders'});
		expect(summary.StreamARN).toBe('arn:aws:kinesis:eu-west-3:123456789012:stream/orders');
		expect(summary.StreamCreationTimestamp).toEqual(new Date(clock.now()));
		expect(summary.RetentionPeriodHours).toBe(24);
		expect(summary.StreamStatus).toBe('ACTIVE');
		expect(summary.EncryptionType).toBe('NONE');
		// The ARN addresses the stream as well as its name does.
		expect(
			kinesis.describeStream({
				StreamARN: 'arn:aws:kinesis:eu-west-3:123456789012:stream/orders',
			}).StreamName,
		).toBe('orders');
		expectKinesisError(
			() =>
				kinesis.describeStream({StreamARN: 'arn:aws:kinesis:eu-west-3:123456789012:stream/nope'}),
			'ResourceNotFoundException',
			'Stream nope under account 123456789012 not found.',
		);
		expectKinesisError(() => kinesis.describeStream({}), 'InvalidArgumentException');
	});
});

describe('DescribeStream / ListStreams / DeleteStream', () => {
	test('unknown streams are ResourceNotFoundException with AWS wording', () => {
		const kinesis = engine();
		const message = `Stream ghost under account ${ACCOUNT} not found.`;
		expectKinesisError(
			() => kinesis.describeStream({StreamName: 'ghost'}),
			'ResourceNotFoundException',
			message,
		);
		expectKinesisError(
			() => kinesis.describeStreamSummary({StreamName: 'ghost'}),
			'ResourceNotFoundException',
			message,
		);
		expectKinesisError(
			() => kinesis.deleteStream({StreamName: 'ghost'}),
			'ResourceNotFoundException',
			message,
		);
		expectKinesisError(
			() => kinesis.listShards({StreamName: 'ghost'}),
			'ResourceNotFoundException',
			message,
		);
	});

	test('listStreams is sorted; delete removes the stream and its data', async () => {
		const kinesis = engine();
		for (const name of ['b', 'a', 'c']) kinesis.createStream({StreamName: name, ShardCount: 1});
		expect(kinesis.listStreams()).toEqual(['a', 'b', 'c']);
		await kinesis.putRecords({StreamName: 'b', Records: [{PartitionKey: 'k', Data: bytes('x')}]});
		kinesis.deleteStream({StreamName: 'b'});
		expect(kinesis.listStreams()).toEqual(['a', 'c']);
		expectKinesisError(
			() => kinesis.describeStream({StreamName: 'b'}),
			'ResourceNotFoundException',
		);
		// A new stream of the same name starts empty.
		kinesis.createStream({StreamName: 'b', ShardCount: 1});
		const it = kinesis.getShardIterator({
			StreamName: 'b',
			ShardId: shardId(0),
			ShardIteratorType: 'TRIM_HORIZON',
		}).ShardIterator;
		expect(kinesis.getRecords({ShardIterator: it}).Records).toEqual([]);
	});

	test('describe shows closed shards with their EndingSequenceNumber and lineage', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 's', ShardCount: 2});
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: shardId(0),
			NewStartingHashKey: String(1n << 126n),
		});
		const description = kinesis.describeStream({StreamName: 's'});
		expect(description.HasMoreShards).toBe(false);
		expect(description.Shards.map((shard) => shard.ShardId)).toEqual([
			shardId(0),
			shardId(1),
			shardId(2),
			shardId(3),
		]);
		const [parent, untouched, low, high] = description.Shards;
		expect(parent.SequenceNumberRange.EndingSequenceNumber).toMatch(/^\d{56}$/);
		expect(untouched.SequenceNumberRange.EndingSequenceNumber).toBeUndefined();
		expect(low.ParentShardId).toBe(shardId(0));
		expect(high.ParentShardId).toBe(shardId(0));
		expect(kinesis.describeStreamSummary({StreamName: 's'}).OpenShardCount).toBe(3);
	});

	test('CREATING for createDelayMs, then ACTIVE; data calls wait for ACTIVE', async () => {
		const clock = new ManualClock();
		const kinesis = new KinesisEngine({clock, createDelayMs: 5000});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('CREATING');
		expect(kinesis.describeStream({StreamName: 's'}).StreamStatus).toBe('CREATING');
		expect(kinesis.listStreams()).toEqual(['s']);
		const error = await kinesis
			.putRecords({StreamName: 's', Records: [{PartitionKey: 'k', Data: bytes('x')}]})
			.catch((error_: unknown) => error_);
		expect(error).toMatchObject({code: 'ResourceNotFoundException'});
		expectKinesisError(
			() =>
				kinesis.splitShard({StreamName: 's', ShardToSplit: shardId(0), NewStartingHashKey: '5'}),
			'ResourceInUseException',
			`Stream s under account ${ACCOUNT} not ACTIVE, instead in state CREATING`,
		);
		clock.advance(4999);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('CREATING');
		clock.advance(1);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('ACTIVE');
		const output = await kinesis.putRecords({
			StreamName: 's',
			Records: [{PartitionKey: 'k', Data: bytes('x')}],
		});
		expect(output.FailedRecordCount).toBe(0);
	});

	test('DELETING for deleteDelayMs, then gone', () => {
		const clock = new ManualClock();
		const kinesis = new KinesisEngine({clock, deleteDelayMs: 3000});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		kinesis.deleteStream({StreamName: 's'});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('DELETING');
		expect(kinesis.listStreams()).toEqual(['s']);
		clock.advance(2999);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('DELETING');
		clock.advance(1);
		expect(kinesis.listStreams()).toEqual([]);
		expectKinesisError(
			() => kinesis.describeStream({StreamName: 's'}),
			'ResourceNotFoundException',
		);
	});

	test('a durable delete removes the stream directory', async () => {
		const dataDirectory = temporaryDirectory();
		const kinesis = new KinesisEngine({clock: new ManualClock(), dataDirectory});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		await kinesis.putRecords({StreamName: 's', Records: [{PartitionKey: 'k', Data: bytes('x')}]});
		expect(readdirSync(`${dataDirectory}/streams`)).toHaveLength(1);
		kinesis.deleteStream({StreamName: 's'});
		expect(readdirSync(`${dataDirectory}/streams`)).toEqual([]);
		await kinesis.close();
		const reopened = new KinesisEngine({clock: new ManualClock(), dataDirectory});
		expect(reopened.listStreams()).toEqual([]);
		await reopened.close();
	});
});

describe('retention period', () => {
	test('increase and decrease within 24–8760 hours', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 48});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).RetentionPeriodHours).toBe(48);
		kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 8760});
		expect(kinesis.describeStream({StreamName: 's'}).RetentionPeriodHours).toBe(8760);
		kinesis.decreaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 100});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).RetentionPeriodHours).toBe(100);
		kinesis.decreaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 24});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).RetentionPeriodHours).toBe(24);
	});

	test('out-of-range and wrong-direction changes are InvalidArgumentException', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 72});
		expectKinesisError(
			() => kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 8761}),
			'InvalidArgumentException',
			'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.',
		);
		expectKinesisError(
			() => kinesis.decreaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 23}),
			'InvalidArgumentException',
			'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.',
		);
		expectKinesisError(
			() => kinesis.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 48}),
			'InvalidArgumentException',
			'Requested retention period (48 hours) for stream s can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.',
		);
		expectKinesisError(
			() => kinesis.decreaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 96}),
			'InvalidArgumentException',
			'Requested retention period (96 hours) for stream s can not be longer than existing retention period (72 hours). Use IncreaseRetentionPeriod API.',
		);
		expectKinesisError(
			() => kinesis.increaseStreamRetentionPeriod({StreamName: 'nope', RetentionPeriodHours: 48}),
			'ResourceNotFoundException',
		);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).RetentionPeriodHours).toBe(72);
	});

	test('closed shards disappear from DescribeStream once retention has passed', () => {
		const clock = new ManualClock();
		const kinesis = new KinesisEngine({clock});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: shardId(0),
			NewStartingHashKey: String(1n << 127n),
		});
		clock.advance(24 * HOUR);
		expect(kinesis.listShards({StreamName: 's'}).map((shard) => shard.ShardId)).toContain(
			shardId(0),
		);
		clock.advance(1);
		expect(kinesis.listShards({StreamName: 's'}).map((shard) => shard.ShardId)).toEqual([
			shardId(1),
			shardId(2),
		]);
	});
});

describe('tags', () => {
	test('add, overwrite, list sorted, remove', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 's', ShardCount: 1, Tags: {env: 'dev'}});
		expect(kinesis.listTagsForStream({StreamName: 's'})).toEqual([{Key: 'env', Value: 'dev'}]);
		kinesis.addTagsToStream({StreamName: 's', Tags: {team: 'data', env: 'prod', a: ''}});
		expect(kinesis.listTagsForStream({StreamName: 's'})).toEqual([
			{Key: 'a', Value: ''},
			{Key: 'env', Value: 'prod'},
			{Key: 'team', Value: 'data'},
		]);
		kinesis.removeTagsFromStream({StreamName: 's', TagKeys: ['env', 'missing']});
		expect(kinesis.listTagsForStream({StreamName: 's'})).toEqual([
			{Key: 'a', Value: ''},
			{Key: 'team', Value: 'data'},
		]);
	});

	test('at most 50 tags per stream', () => {
		const kinesis = engine();
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		const fifty = Object.fromEntries(Array.from({length: 50}, (_, i) => [`k${i}`, `v${i}`]));
		kinesis.addTagsToStream({StreamName: 's', Tags: fifty});
		// Overwriting an existing key does not add a tag.
		kinesis.addTagsToStream({StreamName: 's', Tags: {k0: 'new'}});
		expectKinesisError(
			() => kinesis.addTagsToStream({StreamName: 's', Tags: {one: 'too many'}}),
			'InvalidArgumentException',
			// AWS's words (kinesalite recorded them when the limit was 10).
			`Failed to add tags to stream s under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
		);
		const tags = kinesis.listTagsForStream({StreamName: 's'});
		expect(tags).toHaveLength(50);
		expect(tags.find((tag) => tag.Key === 'k0')?.Value).toBe('new');
	});
});

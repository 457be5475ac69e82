import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine, type EngineOptions} from '../../source/engine/engine.js';
import {
	ACCOUNT,
	asyncKinesisError,
	bytes,
	expectKinesisError,
	readShard,
	removeTemporaryDirectories,
	shardId,
	temporaryDirectory,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const START = Date.UTC(2026, 0, 1);
const ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012';
const HOUR = 3_600_000;

function setup(options: EngineOptions = {}, mode: 'PROVISIONED' | 'ON_DEMAND' = 'PROVISIONED') {
	const clock = new ManualClock(START);
	const kinesis = new KinesisEngine({clock, ...options});
	kinesis.createStream(
		mode === 'ON_DEMAND'
			? {StreamName: 's', StreamModeDetails: {StreamMode: 'ON_DEMAND'}}
			: {StreamName: 's', ShardCount: 1},
	);
	return {clock, kinesis};
}

describe('StartStreamEncryption / StopStreamEncryption', () => {
	test('records written while encryption is on report KMS; the stream shows the key', async () => {
		const {kinesis} = setup();
		const before = await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('a')});
		expect(before.EncryptionType).toBe('NONE');
		kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS', KeyId: KEY});
		const summary = kinesis.describeStreamSummary({StreamName: 's'});
		expect(summary.EncryptionType).toBe('KMS');
		expect(summary.KeyId).toBe(KEY);
		expect(kinesis.describeStream({StreamName: 's'}).KeyId).toBe(KEY);
		const during = await kinesis.putRecords({
			StreamName: 's',
			Records: [{PartitionKey: 'k', Data: bytes('b')}],
		});
		expect(during.EncryptionType).toBe('KMS');
		kinesis.stopStreamEncryption({StreamARN: ARN, EncryptionType: 'KMS', KeyId: KEY});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).EncryptionType).toBe('NONE');
		expect(kinesis.describeStreamSummary({StreamName: 's'}).KeyId).toBeUndefined();
		await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('c')});
		expect(readShard(kinesis, 's', shardId(0)).map((record) => record.EncryptionType)).toEqual([
			undefined,
			'KMS',
			undefined,
		]);
	});

	test('the stream is UPDATING for updateDelayMs, and must be ACTIVE to change', () => {
		const {clock, kinesis} = setup({updateDelayMs: 1000});
		kinesis.startStreamEncryption({
			StreamName: 's',
			EncryptionType: 'KMS',
			KeyId: 'alias/aws/kinesis',
		});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('UPDATING');
		expectKinesisError(
			() =>
				kinesis.stopStreamEncryption({
					StreamName: 's',
					EncryptionType: 'KMS',
					KeyId: 'alias/aws/kinesis',
				}),
			'ResourceInUseException',
			`Stream s under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
		);
		clock.advance(1000);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).StreamStatus).toBe('ACTIVE');
	});

	test('validates the type and the key', () => {
		const {kinesis} = setup();
		expectKinesisError(
			() => kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS'}),
			'ValidationException',
			"1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
		);
		expectKinesisError(
			() => kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'NONE', KeyId: KEY}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() => kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'AES', KeyId: KEY}),
			'ValidationException',
			/Member must satisfy enum value set: \[NONE, KMS\]/,
		);
		expectKinesisError(
			() =>
				kinesis.startStreamEncryption({
					StreamName: 's',
					EncryptionType: 'KMS',
					KeyId: 'no such key',
				}),
			'KMSNotFoundException',
		);
		for (const key of [
			'12345678-1234-1234-1234-123456789012',
			'alias/MyAlias',
			'arn:aws:kms:us-east-1:123456789012:alias/MyAlias',
			KEY,
		]) {
			kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS', KeyId: key});
		}
	});

	test('at most 25 StartStreamEncryption calls per rolling 24 hours', () => {
		const {clock, kinesis} = setup();
		for (let i = 0; i < 25; i++) {
			kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS', KeyId: KEY});
			clock.advance(60_000);
		}

		expectKinesisError(
			() => kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS', KeyId: KEY}),
			'LimitExceededException',
		);
		clock.advance(24 * HOUR);
		kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS', KeyId: KEY});
	});
});

describe('Enable/DisableEnhancedMonitoring', () => {
	test('answer the metrics before and after, and the stream shows them', () => {
		const {kinesis} = setup();
		expect(
			kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['IncomingBytes']}),
		).toEqual({
			StreamName: 's',
			StreamARN: ARN,
			CurrentShardLevelMetrics: [],
			DesiredShardLevelMetrics: ['IncomingBytes'],
		});
		const all = kinesis.enableEnhancedMonitoring({StreamARN: ARN, ShardLevelMetrics: ['ALL']});
		expect(all.CurrentShardLevelMetrics).toEqual(['IncomingBytes']);
		expect(all.DesiredShardLevelMetrics).toHaveLength(7);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).EnhancedMonitoring).toEqual([
			{ShardLevelMetrics: all.DesiredShardLevelMetrics},
		]);
		const disabled = kinesis.disableEnhancedMonitoring({
			StreamName: 's',
			ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
		});
		expect(disabled.DesiredShardLevelMetrics).toEqual([
			'IncomingRecords',
			'OutgoingRecords',
			'WriteProvisionedThroughputExceeded',
			'ReadProvisionedThroughputExceeded',
			'IteratorAgeMilliseconds',
		]);
		expect(
			kinesis.disableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['ALL']})
				.DesiredShardLevelMetrics,
		).toEqual([]);
		expectKinesisError(
			() => kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['Bogus']}),
			'ValidationException',
			/^1 validation error detected: Value '\[Bogus\]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[IncomingBytes, /,
		);
		expectKinesisError(
			() => kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: []}),
			'ValidationException',
		);
	});
});

describe('UpdateStreamMode', () => {
	test('switches PROVISIONED ⇄ ON_DEMAND, at most twice per rolling 24 hours', () => {
		const {clock, kinesis} = setup({updateDelayMs: 500});
		kinesis.updateStreamMode({StreamARN: ARN, StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		let summary = kinesis.describeStreamSummary({StreamName: 's'});
		expect(summary.StreamModeDetails).toEqual({StreamMode: 'ON_DEMAND'});
		expect(summary.StreamStatus).toBe('UPDATING');
		expect(summary.RecordDistributionStrategy).toBe('USER_PARTITION_KEY');
		clock.advance(500);
		kinesis.updateStreamMode({StreamARN: ARN, StreamModeDetails: {StreamMode: 'PROVISIONED'}});
		clock.advance(500);
		summary = kinesis.describeStreamSummary({StreamName: 's'});
		expect(summary.StreamModeDetails).toEqual({StreamMode: 'PROVISIONED'});
		expect(summary.RecordDistributionStrategy).toBeUndefined();
		expectKinesisError(
			() =>
				kinesis.updateStreamMode({StreamARN: ARN, StreamModeDetails: {StreamMode: 'ON_DEMAND'}}),
			'LimitExceededException',
		);
		clock.advance(24 * HOUR);
		kinesis.updateStreamMode({StreamARN: ARN, StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
		expect(kinesis.describeLimits().OnDemandStreamCount).toBe(1);
	});

	test('validates its members; warm throughput needs ON_DEMAND and a billing commitment', () => {
		const {kinesis} = setup();
		expectKinesisError(
			() => kinesis.updateStreamMode({StreamARN: ARN, StreamModeDetails: {StreamMode: 'FAST'}}),
			'ValidationException',
			/Member must satisfy enum value set: \[PROVISIONED, ON_DEMAND\]/,
		);
		expectKinesisError(
			() => kinesis.updateStreamMode({StreamModeDetails: {StreamMode: 'ON_DEMAND'}}),
			'ValidationException',
			/Value null at 'streamARN'/,
		);
		expectKinesisError(
			() =>
				kinesis.updateStreamMode({
					StreamARN: ARN,
					StreamModeDetails: {StreamMode: 'ON_DEMAND'},
					WarmThroughputMiBps: 100,
				}),
			'InvalidArgumentException',
			/minimum throughput billing commitment/,
		);
		kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}});
		kinesis.updateStreamMode({
			StreamARN: ARN,
			StreamModeDetails: {StreamMode: 'ON_DEMAND'},
			WarmThroughputMiBps: 100,
		});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).WarmThroughput).toEqual({
			TargetMiBps: 100,
			CurrentMiBps: 100,
		});
	});
});

describe('UpdateMaxRecordSize', () => {
	test('1,024–10,240 KiB; puts then accept records up to the new size', async () => {
		const {kinesis} = setup({enforceLimits: false});
		const record = (size: number) => ({
			StreamName: 's',
			PartitionKey: 'k',
			Data: new Uint8Array(size),
		});
		const tooLarge = await asyncKinesisError(() => kinesis.putRecord(record(1536 * 1024)));
		expect(tooLarge.code).toBe('ValidationException');
		expect(tooLarge.message).toContain('Member must have length less than or equal to 1048576');
		kinesis.updateMaxRecordSize({StreamARN: ARN, MaxRecordSizeInKiB: 2048});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).MaxRecordSizeInKiB).toBe(2048);
		await kinesis.putRecord(record(1536 * 1024));
		const stillTooLarge = await asyncKinesisError(() => kinesis.putRecord(record(2048 * 1024 + 1)));
		expect(stillTooLarge.message).toContain(
			'Member must have length less than or equal to 2097152',
		);
		expect(readShard(kinesis, 's', shardId(0))[0].Data).toHaveLength(1536 * 1024);
		for (const size of [1023, 10_241]) {
			expectKinesisError(
				() => kinesis.updateMaxRecordSize({StreamARN: ARN, MaxRecordSizeInKiB: size}),
				'ValidationException',
				/at 'maxRecordSizeInKiB' failed to satisfy constraint/,
			);
		}
	});

	test('CreateStream can set it too', () => {
		const clock = new ManualClock(START);
		const kinesis = new KinesisEngine({clock});
		kinesis.createStream({StreamName: 'big', ShardCount: 1, MaxRecordSizeInKiB: 10_240});
		expect(kinesis.describeStreamSummary({StreamName: 'big'}).MaxRecordSizeInKiB).toBe(10_240);
		expectKinesisError(
			() => kinesis.createStream({StreamName: 'bad', ShardCount: 1, MaxRecordSizeInKiB: 100}),
			'ValidationException',
		);
		expect(kinesis.listStreams()).toEqual(['big']);
	});
});

describe('UpdateStreamWarmThroughput', () => {
	test('only for ON_DEMAND streams in an account with a billing commitment; scales while UPDATING', () => {
		const provisioned = setup();
		expectKinesisError(
			() =>
				provisioned.kinesis.updateStreamWarmThroughput({StreamName: 's', WarmThroughputMiBps: 50}),
			'InvalidArgumentException',
		);
		const {clock, kinesis} = setup({updateDelayMs: 1000}, 'ON_DEMAND');
		expectKinesisError(
			() => kinesis.updateStreamWarmThroughput({StreamName: 's', WarmThroughputMiBps: 50}),
			'InvalidArgumentException',
			/commitment/,
		);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).WarmThroughput).toBeUndefined();
		kinesis.updateAccountSettings({MinimumThroughputBillingCommitment: {Status: 'ENABLED'}});
		expect(kinesis.updateStreamWarmThroughput({StreamARN: ARN, WarmThroughputMiBps: 50})).toEqual({
			StreamARN: ARN,
			StreamName: 's',
			WarmThroughput: {TargetMiBps: 50, CurrentMiBps: 0},
		});
		const summary = kinesis.describeStreamSummary({StreamName: 's'});
		expect(summary.StreamStatus).toBe('UPDATING');
		expect(summary.WarmThroughput).toEqual({TargetMiBps: 50, CurrentMiBps: 0});
		clock.advance(1000);
		expect(kinesis.describeStreamSummary({StreamName: 's'}).WarmThroughput).toEqual({
			TargetMiBps: 50,
			CurrentMiBps: 50,
		});
		expectKinesisError(
			() => kinesis.updateStreamWarmThroughput({StreamName: 's', WarmThroughputMiBps: -1}),
			'ValidationException',
		);
	});
});

describe('UpdateStreamRecordDistributionStrategy', () => {
	test('AUTO spreads records over the shards whatever their key; only for ON_DEMAND streams', async () => {
		const provisioned = setup();
		expectKinesisError(
			() =>
				provisioned.kinesis.updateStreamRecordDistributionStrategy({
					StreamARN: ARN,
					RecordDistributionStrategy: 'AUTO',
				}),
			'InvalidArgumentException',
		);
		const {kinesis} = setup({enforceLimits: false}, 'ON_DEMAND');
		const shardsOf = async () => {
			const result = await kinesis.putRecords({
				StreamName: 's',
				Records: Array.from({length: 8}, () => ({PartitionKey: 'same', Data: bytes('x')})),
			});
			return new Set(result.Records.map((record) => record.ShardId));
		};

		expect((await shardsOf()).size).toBe(1);
		kinesis.updateStreamRecordDistributionStrategy({
			StreamARN: ARN,
			RecordDistributionStrategy: 'AUTO',
		});
		expect(kinesis.describeStreamSummary({StreamName: 's'}).RecordDistributionStrategy).toBe(
			'AUTO',
		);
		expect((await shardsOf()).size).toBe(4);
		expectKinesisError(
			() =>
				kinesis.updateStreamRecordDistributionStrategy({
					StreamARN: ARN,
					RecordDistributionStrategy: 'RANDOM',
				}),
			'ValidationException',
		);
	});
});

test('stream settings are kept in the metadata and survive a restart', async () => {
	const dataDirectory = temporaryDirectory();
	const clock = new ManualClock(START);
	let kinesis = new KinesisEngine({clock, dataDirectory});
	kinesis.createStream({StreamName: 's', StreamModeDetails: {StreamMode: 'ON_DEMAND'}});
	kinesis.startStreamEncryption({StreamName: 's', EncryptionType: 'KMS', KeyId: KEY});
	await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('secret')});
	kinesis.enableEnhancedMonitoring({StreamName: 's', ShardLevelMetrics: ['IncomingRecords']});
	kinesis.updateMaxRecordSize({StreamARN: ARN, MaxRecordSizeInKiB: 4096});
	kinesis.updateStreamRecordDistributionStrategy({
		StreamARN: ARN,
		RecordDistributionStrategy: 'AUTO',
	});
	kinesis.putResourcePolicy({ResourceARN: ARN, Policy: '{"Version":"2012-10-17","Statement":[]}'});
	const before = kinesis.describeStreamSummary({StreamName: 's'});
	await kinesis.close();
	kinesis = new KinesisEngine({clock, dataDirectory});
	expect(kinesis.describeStreamSummary({StreamName: 's'})).toEqual(before);
	const records = [...kinesis.listShards({StreamName: 's'})].flatMap((shard) =>
		readShard(kinesis, 's', shard.ShardId),
	);
	expect(records.map((record) => record.EncryptionType)).toEqual(['KMS']);
	expect(kinesis.getResourcePolicy({ResourceARN: ARN}).Policy).toBe(
		'{"Version":"2012-10-17","Statement":[]}',
	);
	await kinesis.close();
});

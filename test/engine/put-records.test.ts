import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import type {PutRecordsRequestEntry} from '../../source/kinesis/types.js';
import {ACCOUNT, asyncKinesisError, bytes, readShard, readStream, shardId} from './helpers.js';

const MiB = 1024 * 1024;

function setup(options: {enforceLimits?: boolean; shards?: number} = {}) {
	const clock = new ManualClock();
	const kinesis = new KinesisEngine({clock, enforceLimits: options.enforceLimits});
	kinesis.createStream({StreamName: 's', ShardCount: options.shards ?? 1});
	return {clock, kinesis};
}

const records = (count: number, size = 1, key = (i: number) => `k${i}`): PutRecordsRequestEntry[] =>
	Array.from({length: count}, (_, i) => ({
		PartitionKey: key(i),
		Data: Buffer.alloc(size, i % 256),
	}));

function total(kinesis: KinesisEngine) {
	let count = 0;
	for (const list of readStream(kinesis, 's').values()) count += list.length;
	return count;
}

describe('PutRecords request validation', () => {
	test('data up to 1 MiB is accepted; larger is a ValidationException and nothing is written', async () => {
		const {kinesis} = setup({enforceLimits: false});
		const ok = await kinesis.putRecords({
			StreamName: 's',
			Records: [{PartitionKey: 'k', Data: Buffer.alloc(MiB)}],
		});
		expect(ok.FailedRecordCount).toBe(0);
		const error = await asyncKinesisError(() =>
			kinesis.putRecords({
				StreamName: 's',
				Records: [
					{PartitionKey: 'a', Data: bytes('fine')},
					{PartitionKey: 'b', Data: Buffer.alloc(MiB + 1)},
				],
			}),
		);
		expect(error.code).toBe('ValidationException');
		expect(error.message).toBe(
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
		);
		const single = await asyncKinesisError(() =>
			kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(MiB + 1)}),
		);
		expect(single.code).toBe('ValidationException');
		expect(single.message).toContain("at 'data'");
		expect(total(kinesis)).toBe(1);
	});

	test('empty data is a valid record', async () => {
		const {kinesis} = setup();
		await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: new Uint8Array()});
		const [record] = readShard(kinesis, 's', shardId(0));
		expect(record.Data.length).toBe(0);
		expect(record.PartitionKey).toBe('k');
	});

	test('partition keys must be 1–256 characters', async () => {
		const {kinesis} = setup();
		const longest = 'p'.repeat(256);
		await kinesis.putRecords({
			StreamName: 's',
			Records: [{PartitionKey: longest, Data: bytes('x')}],
		});
		// 256 characters, not bytes: multi-byte characters count once.
		await kinesis.putRecords({
			StreamName: 's',
			Records: [{PartitionKey: 'é'.repeat(256), Data: bytes('y')}],
		});
		const empty = await asyncKinesisError(() =>
			kinesis.putRecords({StreamName: 's', Records: [{PartitionKey: '', Data: bytes('x')}]}),
		);
		expect(empty.code).toBe('ValidationException');
		expect(empty.message).toBe(
			"1 validation error detected: Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
		);
		const tooLong = 'p'.repeat(257);
		const long = await asyncKinesisError(() =>
			kinesis.putRecords({
				StreamName: 's',
				Records: [
					{PartitionKey: 'ok', Data: bytes('x')},
					{PartitionKey: tooLong, Data: bytes('x')},
				],
			}),
		);
		expect(long.code).toBe('ValidationException');
		expect(long.message).toBe(
			`1 validation error detected: Value '${tooLong}' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256`,
		);
		const single = await asyncKinesisError(() =>
			kinesis.putRecord({StreamName: 's', PartitionKey: '', Data: bytes('x')}),
		);
		expect(single.message).toContain("at 'partitionKey'");
		const keys = readShard(kinesis, 's', shardId(0)).map((record) => record.PartitionKey);
		expect(keys).toEqual([longest, 'é'.repeat(256)]);
	});

	test('1–500 records per request', async () => {
		const {kinesis} = setup({enforceLimits: false});
		expect(
			(await kinesis.putRecords({StreamName: 's', Records: records(500)})).Records,
		).toHaveLength(500);
		const many = await asyncKinesisError(() =>
			kinesis.putRecords({StreamName: 's', Records: records(501)}),
		);
		expect(many.code).toBe('ValidationException');
		// AWS shows each entry as its Java object (kinesalite's recording of one).
		const entries = Array(501).fill(
			'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310',
		);
		expect(many.message).toBe(
			`1 validation error detected: Value '[${entries.join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
		);
		const none = await asyncKinesisError(() => kinesis.putRecords({StreamName: 's', Records: []}));
		expect(none.code).toBe('ValidationException');
		expect(none.message).toContain('Member must have length greater than or equal to 1');
		expect(total(kinesis)).toBe(500);
	});

	test('at most 5 MiB per request, partition keys included', async () => {
		const {kinesis} = setup({enforceLimits: false});
		// Exactly 5 MiB: four 1 MiB - 1 records with one-character keys, plus one record filling up the rest.
		const exact: PutRecordsRequestEntry[] = [
			...Array.from({length: 4}, (_, i) => ({PartitionKey: `${i}`, Data: Buffer.alloc(MiB - 1)})),
			{PartitionKey: 'k', Data: Buffer.alloc(MiB - 1)},
		];
		expect((await kinesis.putRecords({StreamName: 's', Records: exact})).FailedRecordCount).toBe(0);
		const over = [...exact.slice(0, 4), {PartitionKey: 'kk', Data: Buffer.alloc(MiB - 1)}];
		const error = await asyncKinesisError(() =>
			kinesis.putRecords({StreamName: 's', Records: over}),
		);
		expect(error.code).toBe('InvalidArgumentException');
		expect(error.message).toBe('Records size exceeds 5 MB limit');
		expect(total(kinesis)).toBe(5);
	});

	test('unknown stream is ResourceNotFoundException', async () => {
		const {kinesis} = setup();
		const error = await asyncKinesisError(() =>
			kinesis.putRecords({StreamName: 'nope', Records: records(1)}),
		);
		expect(error.code).toBe('ResourceNotFoundException');
		expect(error.message).toBe(`Stream nope under account ${ACCOUNT} not found.`);
	});

	test('SequenceNumberForOrdering must be well formed', async () => {
		const {kinesis} = setup();
		const first = await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('1')});
		const second = await kinesis.putRecord({
			StreamName: 's',
			PartitionKey: 'k',
			Data: bytes('2'),
			SequenceNumberForOrdering: first.SequenceNumber,
		});
		expect(BigInt(second.SequenceNumber) > BigInt(first.SequenceNumber)).toBe(true);
		const error = await asyncKinesisError(() =>
			kinesis.putRecord({
				StreamName: 's',
				PartitionKey: 'k',
				Data: bytes('3'),
				SequenceNumberForOrdering: 'abc',
			}),
		);
		expect(error.code).toBe('ValidationException');
	});
});

describe('per-shard write limits', () => {
	test('1,000 records per second per shard: the excess fails alone, with FailedRecordCount', async () => {
		const {clock, kinesis} = setup({shards: 2});
		// Explicit hash keys: all of the first batch to shard 0.
		const toShard0 = (count: number, from = 0): PutRecordsRequestEntry[] =>
			Array.from({length: count}, (_, i) => ({
				PartitionKey: `k${from + i}`,
				ExplicitHashKey: '1',
				Data: bytes(`r${from + i}`),
			}));
		const first = await kinesis.putRecords({StreamName: 's', Records: toShard0(500)});
		expect(first.FailedRecordCount).toBe(0);
		const other = {PartitionKey: 'other', ExplicitHashKey: String(1n << 127n), Data: bytes('o')};
		const second = await kinesis.putRecords({
			StreamName: 's',
			Records: [...toShard0(499, 500), other],
		});
		expect(second.FailedRecordCount).toBe(0);
		const third = await kinesis.putRecords({
			StreamName: 's',
			Records: [...toShard0(1, 999), other, ...toShard0(1, 1000)],
		});
		expect(third.FailedRecordCount).toBe(1);
		expect(third.Records[0].ShardId).toBe(shardId(0));
		expect(third.Records[1].ShardId).toBe(shardId(1));
		expect(third.Records[2]).toEqual({
			ErrorCode: 'ProvisionedThroughputExceededException',
			ErrorMessage: `Rate exceeded for shard ${shardId(0)} in stream s under account ${ACCOUNT}.`,
		});
		// PutRecord throws it.
		const error = await asyncKinesisError(() =>
			kinesis.putRecord({
				StreamName: 's',
				PartitionKey: 'x',
				ExplicitHashKey: '2',
				Data: bytes('x'),
			}),
		);
		expect(error.code).toBe('ProvisionedThroughputExceededException');
		expect(error.retryable).toBe(true);
		// The other shard is unaffected, and the next second the shard accepts writes again.
		await kinesis.putRecord({
			StreamName: 's',
			PartitionKey: 'y',
			ExplicitHashKey: String(1n << 127n),
			Data: bytes('y'),
		});
		clock.advance(1000);
		const later = await kinesis.putRecords({StreamName: 's', Records: toShard0(500, 2000)});
		expect(later.FailedRecordCount).toBe(0);
		kinesis.enforceLimits = false;
		expect(readShard(kinesis, 's', shardId(0))).toHaveLength(1500);
		expect(readShard(kinesis, 's', shardId(1))).toHaveLength(3);
	});

	test('1 MiB per second per shard (data plus partition key)', async () => {
		const {clock, kinesis} = setup();
		const half = (key: string) => ({PartitionKey: key, Data: Buffer.alloc(MiB / 2 - 1)});
		const output = await kinesis.putRecords({
			StreamName: 's',
			Records: [half('a'), half('b'), half('c')],
		});
		expect(output.FailedRecordCount).toBe(1);
		expect(output.Records.map((each) => each.ErrorCode)).toEqual([
			undefined,
			undefined,
			'ProvisionedThroughputExceededException',
		]);
		const error = await asyncKinesisError(() =>
			kinesis.putRecord({StreamName: 's', PartitionKey: 'd', Data: bytes('x')}),
		);
		expect(error.code).toBe('ProvisionedThroughputExceededException');
		clock.advance(1000);
		await kinesis.putRecord({StreamName: 's', PartitionKey: 'd', Data: Buffer.alloc(MiB - 1)});
		kinesis.enforceLimits = false;
		expect(readShard(kinesis, 's', shardId(0)).map((record) => record.PartitionKey)).toEqual([
			'a',
			'b',
			'd',
		]);
	});

	test('no write limits when enforceLimits is false', async () => {
		const {kinesis} = setup({enforceLimits: false});
		let failed = 0;
		for (let i = 0; i < 10; i++) {
			failed += (await kinesis.putRecords({StreamName: 's', Records: records(500, 1000)}))
				.FailedRecordCount;
		}

		await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: Buffer.alloc(MiB)});
		expect(failed).toBe(0);
		expect(total(kinesis)).toBe(5001);
	});

	test('results come back in request order with ShardId and SequenceNumber', async () => {
		const {kinesis} = setup({shards: 4, enforceLimits: false});
		const output = await kinesis.putRecords({StreamName: 's', Records: records(100)});
		expect(output.EncryptionType).toBe('NONE');
		const byShard = readStream(kinesis, 's');
		output.Records.forEach((result, i) => {
			const stored = byShard
				.get(result.ShardId!)!
				.find((r) => r.SequenceNumber === result.SequenceNumber);
			expect(stored?.PartitionKey).toBe(`k${i}`);
		});
	});
});

import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	evenHashKeyRanges,
	hashKeyToBigInt,
	parseHashKey,
	partitionKeyHash,
} from '../../source/kinesis/hash-key.js';
import {asyncKinesisError, bytes, MAX_HASH_KEY, md5HashKey, readShard, shardId} from './helpers.js';

const ours = (key: string) => hashKeyToBigInt(partitionKeyHash(key));

describe('partition key hash', () => {
	test('known MD5 values', () => {
		// md5('') = d41d8cd98f00b204e9800998ecf8427e, md5('a') = 0cc175b9c0f1b6a831c399e269772661
		expect(ours('')).toBe(0xd41d8cd98f00b204e9800998ecf8427en);
		expect(ours('a')).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
		expect(ours('The quick brown fox jumps over the lazy dog')).toBe(
			0x9e107d9d372bb6826bd81d3542a419d6n,
		);
	});

	test('agrees with node:crypto for ASCII keys of every length around the one-block boundary', () => {
		for (let length = 0; length <= 130; length++) {
			for (const char of ['a', 'Z', '~', '\u007f', '\u0000', '9']) {
				const key = char.repeat(length);
				expect(ours(key), `length ${length} of ${JSON.stringify(char)}`).toBe(md5HashKey(key));
			}

			const mixed = Array.from({length}, (_, i) => String.fromCharCode(32 + ((i * 37) % 95))).join(
				'',
			);
			expect(ours(mixed)).toBe(md5HashKey(mixed));
		}
	});

	test('agrees with node:crypto for non-ASCII keys (2-, 3- and 4-byte UTF-8, lone surrogates)', () => {
		const keys = [
			'é',
			'ключ',
			'キー',
			'🔑',
			'a🔑b',
			'\ud800',
			'x\udfff',
			'ü'.repeat(28),
			'ü'.repeat(27) + 'a',
			'€'.repeat(19),
			'😀'.repeat(14),
			'a'.repeat(54) + 'é',
			'a'.repeat(55) + 'é',
		];
		for (const key of keys) expect(ours(key), JSON.stringify(key)).toBe(md5HashKey(key));
	});

	test('agrees with node:crypto for arbitrary strings (property)', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string({maxLength: 80}),
					fc.string({unit: 'binary', maxLength: 80}),
					fc.string({unit: 'grapheme', maxLength: 40}),
					fc.string({unit: fc.constantFrom('a', 'b', '0', '-'), minLength: 50, maxLength: 60}),
				),
				(key) => ours(key) === md5HashKey(key),
			),
			{numRuns: 3000},
		);
	});

	test('hash keys stay within 0 … 2^128-1', () => {
		for (let i = 0; i < 200; i++) {
			const value = ours(`k${i}`);
			expect(value >= 0n && value <= MAX_HASH_KEY).toBe(true);
		}
	});

	test('parseHashKey and evenHashKeyRanges', () => {
		expect(parseHashKey('0')).toBe(0n);
		expect(parseHashKey(String(MAX_HASH_KEY))).toBe(MAX_HASH_KEY);
		expect(parseHashKey(String(MAX_HASH_KEY + 1n))).toBeUndefined();
		expect(parseHashKey('-1')).toBeUndefined();
		expect(parseHashKey('01')).toBeUndefined();
		expect(parseHashKey('1.5')).toBeUndefined();
		expect(parseHashKey('')).toBeUndefined();
		for (const count of [1, 2, 3, 6, 7, 100]) {
			const ranges = evenHashKeyRanges(count);
			expect(ranges[0].start).toBe(0n);
			expect(ranges.at(-1)!.end).toBe(MAX_HASH_KEY);
			for (let i = 1; i < count; i++) expect(ranges[i].start).toBe(ranges[i - 1].end + 1n);
		}
	});
});

describe('routing', () => {
	test('each record goes to the open shard whose range contains MD5(partition key)', async () => {
		const kinesis = new KinesisEngine({clock: new ManualClock(), enforceLimits: false});
		kinesis.createStream({StreamName: 's', ShardCount: 7});
		const shards = kinesis.listShards({StreamName: 's'});
		const keys = Array.from({length: 500}, (_, i) => (i % 3 === 0 ? `ключ-${i}` : `key-${i}`));
		const output = await kinesis.putRecords({
			StreamName: 's',
			Records: keys.map((key) => ({PartitionKey: key, Data: bytes(key)})),
		});
		expect(output.FailedRecordCount).toBe(0);
		output.Records.forEach((result, i) => {
			const hash = md5HashKey(keys[i]);
			const expected = shards.find(
				(shard) =>
					BigInt(shard.HashKeyRange.StartingHashKey) <= hash &&
					hash <= BigInt(shard.HashKeyRange.EndingHashKey),
			)!;
			expect(result.ShardId).toBe(expected.ShardId);
		});
		// And the records are read back from that shard.
		for (const shard of shards) {
			const read = readShard(kinesis, 's', shard.ShardId).map((record) => record.PartitionKey);
			const expected = keys.filter((_, i) => output.Records[i].ShardId === shard.ShardId);
			expect(read).toEqual(expected);
		}
	});

	test('ExplicitHashKey overrides the partition key, including range edges', async () => {
		const kinesis = new KinesisEngine({clock: new ManualClock(), enforceLimits: false});
		kinesis.createStream({StreamName: 's', ShardCount: 4});
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: shardId(1),
			NewStartingHashKey: String((1n << 126n) + 123_456_789n),
		});
		const open = kinesis
			.listShards({StreamName: 's'})
			.filter((shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined);
		const explicitKeys: bigint[] = [0n, MAX_HASH_KEY];
		for (const shard of open) {
			const start = BigInt(shard.HashKeyRange.StartingHashKey);
			const end = BigInt(shard.HashKeyRange.EndingHashKey);
			explicitKeys.push(start, end, (start + end) / 2n);
		}

		const output = await kinesis.putRecords({
			StreamName: 's',
			Records: explicitKeys.map((key) => ({
				PartitionKey: 'same-key-for-all',
				ExplicitHashKey: String(key),
				Data: bytes(String(key)),
			})),
		});
		expect(output.FailedRecordCount).toBe(0);
		output.Records.forEach((result, i) => {
			const key = explicitKeys[i];
			const owner = open.find(
				(shard) =>
					BigInt(shard.HashKeyRange.StartingHashKey) <= key &&
					key <= BigInt(shard.HashKeyRange.EndingHashKey),
			)!;
			expect(result.ShardId, String(key)).toBe(owner.ShardId);
		});
	});

	test('invalid explicit hash keys are refused and nothing is written', async () => {
		const kinesis = new KinesisEngine({clock: new ManualClock()});
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		const put = (ExplicitHashKey: string) =>
			kinesis.putRecords({
				StreamName: 's',
				Records: [
					{PartitionKey: 'ok', Data: bytes('ok')},
					{PartitionKey: 'k', ExplicitHashKey, Data: bytes('x')},
				],
			});
		const tooBig = String(MAX_HASH_KEY + 1n);
		const error = await asyncKinesisError(() => put(tooBig));
		expect(error.code).toBe('InvalidArgumentException');
		expect(error.message).toBe(
			`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${tooBig}`,
		);
		for (const bad of ['-1', 'abc', '01', '1.0', '', '1'.repeat(40)]) {
			const validation = await asyncKinesisError(() => put(bad));
			expect(validation.code, bad).toBe('ValidationException');
			expect(validation.message).toContain(`at 'records.2.member.explicitHashKey'`);
		}

		const single = await asyncKinesisError(() =>
			kinesis.putRecord({
				StreamName: 's',
				PartitionKey: 'k',
				ExplicitHashKey: 'x',
				Data: bytes(''),
			}),
		);
		expect(single.code).toBe('ValidationException');
		expect(single.message).toContain(`at 'explicitHashKey'`);
		expect(readShard(kinesis, 's', shardId(0))).toEqual([]);
	});
});

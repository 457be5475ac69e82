import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {
	AwsSequenceFormatter,
	LegacySequenceFormatter,
} from '../../source/engine/sequence-number.js';
import {decodeSequenceNumber} from '../../source/kinesis/sequence-number.js';
import {bytes, readShard, shardId} from './helpers.js';

const seq = (value: string) => BigInt(value);

function engine() {
	const clock = new ManualClock();
	const kinesis = new KinesisEngine({clock, enforceLimits: false});
	kinesis.createStream({StreamName: 's', ShardCount: 3});
	return {clock, kinesis};
}

async function put(kinesis: KinesisEngine, keys: string[]) {
	const output = await kinesis.putRecords({
		StreamName: 's',
		Records: keys.map((key) => ({PartitionKey: key, Data: bytes(key)})),
	});
	expect(output.FailedRecordCount).toBe(0);
	return output.Records.map((record) => ({
		shard: record.ShardId!,
		sequence: record.SequenceNumber!,
	}));
}

/** What formatInto writes (into a buffer, after other bytes), as text. */
function formattedInto(formatter: AwsSequenceFormatter, counter: number, ms: number) {
	const buffer = Buffer.alloc(80, 0x20);
	const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
	const end = formatter.formatInto(counter, ms, buffer, view, 3);
	expect(buffer.subarray(0, 3).toString()).toBe('   ');
	expect(buffer.subarray(end).toString().trim()).toBe('');
	return buffer.toString('latin1', 3, end);
}

describe('sequence numbers', () => {
	test('format every counter exactly, whatever the order of calls (the formatters cache a base)', () => {
		const counters = [0, 1, 999, 1000, 1001, 999_999, 1_000_000, 123_456_789_012_345, 2 ** 53 - 1];
		const times = [1_700_000_000_000, 1_700_000_000_999, 1_800_000_123_456];
		// AWS's layout computed the slow way: 2 | created s | shard digit | counter | 00 | arrival s | shard | 2.
		const aws = (created: number, shard: number, counter: number, ms: number) =>
			BigInt(
				'0x2' +
					created.toString(16).padStart(9, '0') +
					(shard % 16).toString(16) +
					counter.toString(16).padStart(16, '0') +
					'00' +
					Math.floor(ms / 1000)
						.toString(16)
						.padStart(9, '0') +
					shard.toString(16).padStart(8, '0') +
					'2',
			).toString();
		// Random counters and times too: some carry out of the cached low digits into the high ones.
		let seed = 7;
		const random = (below: number) => {
			seed = (seed * 16_807) % 2_147_483_647;
			return seed % below;
		};

		for (let i = 0; i < 3000; i++) {
			const counter = random(2 ** 30) * 1024 + random(1024);
			const ms = 1_700_000_000_000 + random(2 ** 30);
			const formatter = new AwsSequenceFormatter(1_600_000_000 + random(1000), random(40));
			const expected = aws(formatter.createdSeconds, formatter.shardIndex, counter, ms);
			expect(formatter.format(counter, ms)).toBe(expected);
			expect(formattedInto(formatter, counter, ms)).toBe(expected);
		}

		const formatters = [0, 7, 31].map((shard) => ({
			shard,
			aws: new AwsSequenceFormatter(1_700_000_000, shard),
			legacy: new LegacySequenceFormatter(1_700_000_000_123, shard),
		}));
		for (const counter of counters) {
			for (const ms of times) {
				for (const {shard, aws: formatter, legacy} of formatters) {
					const formatted = formatter.format(counter, ms);
					expect(formatted).toBe(aws(1_700_000_000, shard, counter, ms));
					expect(formattedInto(formatter, counter, ms)).toBe(formatted);
					expect(decodeSequenceNumber(formatted, 'aws')).toMatchObject({
						version: 2,
						shardIndex: shard,
						createdAt: 1_700_000_000,
						counter,
						arrivalSeconds: Math.floor(ms / 1000),
					});
					const old = legacy.format(counter);
					expect(old).toBe(
						'490017000000001' +
							'23' +
							String(counter).padStart(27, '0') +
							String(shard).padStart(12, '0'),
					);
					expect(decodeSequenceNumber(old, 'legacy')).toMatchObject({counter, shardIndex: shard});
				}
			}
		}
	});

	test("have AWS's structure: the shard (twice), its creation second, the counter, the arrival second", async () => {
		const {clock, kinesis} = engine();
		clock.advance(2500);
		const results = await put(
			kinesis,
			Array.from({length: 30}, (_, i) => `k${i}`),
		);
		const created = Math.floor(
			kinesis.describeStreamSummary({StreamName: 's'}).StreamCreationTimestamp.getTime() / 1000,
		);
		for (const {shard, sequence} of results) {
			const index = Number(shard.slice('shardId-'.length));
			const hex = BigInt(sequence).toString(16);
			// The pattern kinesalite's tests (recorded against AWS) hold AWS's numbers to.
			expect(hex).toMatch(
				new RegExp(`^2[0-9a-f]{9}${index}[0-9a-f]{16}00[0-9a-f]{9}0000000${index}2$`),
			);
			expect(Number.parseInt(hex.slice(1, 10), 16)).toBe(created);
			expect(Number.parseInt(hex.slice(29, 38), 16)).toBe(Math.floor(clock.now() / 1000));
		}
	});

	test('are 56 decimal digits', async () => {
		const {kinesis} = engine();
		const results = await put(
			kinesis,
			Array.from({length: 50}, (_, i) => `k${i}`),
		);
		for (const {sequence} of results) expect(sequence).toMatch(/^[1-9]\d{55}$/);
		for (const shard of kinesis.listShards({StreamName: 's'})) {
			expect(shard.SequenceNumberRange.StartingSequenceNumber).toMatch(/^\d{56}$/);
		}
	});

	test('increase within each shard, across calls and time', async () => {
		const {clock, kinesis} = engine();
		const all: Array<{shard: string; sequence: string}> = [];
		for (let batch = 0; batch < 20; batch++) {
			all.push(
				...(await put(
					kinesis,
					Array.from({length: 25}, (_, i) => `b${batch}-${i}`),
				)),
			);
			if (batch % 3 === 0) clock.advance(1234);
		}

		const single = await kinesis.putRecord({
			StreamName: 's',
			PartitionKey: 'one',
			Data: bytes('1'),
		});
		all.push({shard: single.ShardId, sequence: single.SequenceNumber});
		// Within a shard only, as in AWS: the shard's digit comes before the counter.
		for (const shardId of new Set(all.map((each) => each.shard))) {
			const own = all.filter((each) => each.shard === shardId);
			for (let i = 1; i < own.length; i++) {
				expect(seq(own[i].sequence) > seq(own[i - 1].sequence)).toBe(true);
				// Same length, so string order is numeric order.
				expect(own[i].sequence > own[i - 1].sequence).toBe(true);
			}
		}

		expect(new Set(all.map((each) => each.sequence)).size).toBe(all.length);
		for (const shard of kinesis.listShards({StreamName: 's'})) {
			const read = readShard(kinesis, 's', shard.ShardId).map((record) => record.SequenceNumber);
			expect(read).toEqual(
				all.filter((each) => each.shard === shard.ShardId).map((e) => e.sequence),
			);
			expect(read.length).toBeGreaterThan(0);
			for (const value of read) {
				expect(seq(value) >= seq(shard.SequenceNumberRange.StartingSequenceNumber)).toBe(true);
			}
		}
	});

	test("children's sequence numbers are greater than their parents'", async () => {
		const {kinesis} = engine();
		const before = await put(
			kinesis,
			Array.from({length: 100}, (_, i) => `p${i}`),
		);
		kinesis.splitShard({
			StreamName: 's',
			ShardToSplit: shardId(0),
			NewStartingHashKey: '12345678901234567890',
		});
		kinesis.mergeShards({
			StreamName: 's',
			ShardToMerge: shardId(1),
			AdjacentShardToMerge: shardId(2),
		});
		const after = await put(
			kinesis,
			Array.from({length: 100}, (_, i) => `c${i}`),
		);
		const maxBefore = before.reduce(
			(max, each) => (seq(each.sequence) > max ? seq(each.sequence) : max),
			0n,
		);
		for (const each of after) expect(seq(each.sequence) > maxBefore).toBe(true);
		const shards = kinesis.describeStream({StreamName: 's'}).Shards;
		const byId = new Map(shards.map((shard) => [shard.ShardId, shard]));
		for (const child of shards.filter((shard) => shard.ParentShardId)) {
			for (const parentId of [child.ParentShardId!, child.AdjacentParentShardId].filter(Boolean)) {
				const parent = byId.get(parentId!)!;
				const ending = seq(parent.SequenceNumberRange.EndingSequenceNumber!);
				expect(seq(child.SequenceNumberRange.StartingSequenceNumber) > ending).toBe(true);
				for (const record of readShard(kinesis, 's', parent.ShardId)) {
					expect(seq(record.SequenceNumber) < ending).toBe(true);
				}

				for (const record of readShard(kinesis, 's', child.ShardId)) {
					expect(seq(record.SequenceNumber) > ending).toBe(true);
				}
			}
		}
	});

	test('a recreated stream of the same name never reuses sequence numbers', async () => {
		const {clock, kinesis} = engine();
		const [first] = await put(kinesis, ['k']);
		kinesis.deleteStream({StreamName: 's'});
		// AWS's numbers carry the creation to the second (deleting a stream takes longer than that).
		clock.advance(1000);
		kinesis.createStream({StreamName: 's', ShardCount: 3});
		const [second] = await put(kinesis, ['k']);
		expect(second.sequence).not.toBe(first.sequence);
		expect(seq(second.sequence) > seq(first.sequence)).toBe(true);
	});
});

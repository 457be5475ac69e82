import {describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {encodeIterator} from '../../source/engine/iterator.js';
import {ACCOUNT, bytes, drain, expectKinesisError, iterator, shardId, text} from './helpers.js';

const S0 = shardId(0);

async function setup(options: {enforceLimits?: boolean; shards?: number} = {}) {
	const clock = new ManualClock();
	const kinesis = new KinesisEngine({clock, enforceLimits: options.enforceLimits ?? false});
	kinesis.createStream({StreamName: 's', ShardCount: options.shards ?? 1});
	return {clock, kinesis};
}

/** Puts `names` one second apart (each its own arrival time) and returns their sequence numbers. */
async function putSpaced(kinesis: KinesisEngine, clock: ManualClock, names: string[]) {
	const sequences: string[] = [];
	for (const name of names) {
		const output = await kinesis.putRecord({
			StreamName: 's',
			PartitionKey: name,
			Data: bytes(name),
		});
		sequences.push(output.SequenceNumber);
		clock.advance(1000);
	}

	return sequences;
}

const datas = (records: Array<{Data: Uint8Array}>) => records.map((record) => text(record.Data));

describe('GetShardIterator types', () => {
	test('TRIM_HORIZON reads from the oldest record', async () => {
		const {clock, kinesis} = await setup();
		await putSpaced(kinesis, clock, ['a', 'b', 'c']);
		expect(datas(drain(kinesis, iterator(kinesis, 's', S0)).records)).toEqual(['a', 'b', 'c']);
	});

	test('LATEST reads only what is put after it', async () => {
		const {clock, kinesis} = await setup();
		await putSpaced(kinesis, clock, ['a', 'b']);
		const latest = iterator(kinesis, 's', S0, 'LATEST');
		const empty = kinesis.getRecords({ShardIterator: latest});
		expect(empty.Records).toEqual([]);
		expect(empty.NextShardIterator).toBeDefined();
		await putSpaced(kinesis, clock, ['c', 'd']);
		expect(datas(drain(kinesis, empty.NextShardIterator!).records)).toEqual(['c', 'd']);
		// The original LATEST iterator is a position, not "the newest at read time".
		expect(datas(drain(kinesis, latest).records)).toEqual(['c', 'd']);
	});

	test('AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER', async () => {
		const {clock, kinesis} = await setup();
		const sequences = await putSpaced(kinesis, clock, ['a', 'b', 'c', 'd']);
		const at = iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER', {
			StartingSequenceNumber: sequences[1],
		});
		expect(datas(drain(kinesis, at).records)).toEqual(['b', 'c', 'd']);
		const after = iterator(kinesis, 's', S0, 'AFTER_SEQUENCE_NUMBER', {
			StartingSequenceNumber: sequences[1],
		});
		expect(datas(drain(kinesis, after).records)).toEqual(['c', 'd']);
		const afterLast = iterator(kinesis, 's', S0, 'AFTER_SEQUENCE_NUMBER', {
			StartingSequenceNumber: sequences[3],
		});
		expect(drain(kinesis, afterLast).records).toEqual([]);
		// The shard's StartingSequenceNumber is a valid AT_SEQUENCE_NUMBER position too.
		const start = kinesis.listShards({StreamName: 's'})[0].SequenceNumberRange
			.StartingSequenceNumber;
		const atStart = iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER', {
			StartingSequenceNumber: start,
		});
		expect(datas(drain(kinesis, atStart).records)).toEqual(['a', 'b', 'c', 'd']);
	});

	test('AT_TIMESTAMP starts at the first record that arrived at or after the time', async () => {
		const {clock, kinesis} = await setup();
		const t0 = clock.now();
		await putSpaced(kinesis, clock, ['a', 'b', 'c']);
		const at = (time: number | Date) =>
			datas(drain(kinesis, iterator(kinesis, 's', S0, 'AT_TIMESTAMP', {Timestamp: time})).records);
		expect(at(t0 - 10_000)).toEqual(['a', 'b', 'c']);
		expect(at(t0)).toEqual(['a', 'b', 'c']);
		expect(at(t0 + 1)).toEqual(['b', 'c']);
		expect(at(new Date(t0 + 1000))).toEqual(['b', 'c']);
		expect(at(t0 + 2000)).toEqual(['c']);
		expect(at(clock.now())).toEqual([]);
		// A timestamp past the newest record reads what arrives later.
		const waiting = iterator(kinesis, 's', S0, 'AT_TIMESTAMP', {Timestamp: clock.now()});
		await putSpaced(kinesis, clock, ['d']);
		expect(datas(drain(kinesis, waiting).records)).toEqual(['d']);
		// ApproximateArrivalTimestamp is the clock at the put.
		const [first] = drain(kinesis, iterator(kinesis, 's', S0)).records;
		expect(first.ApproximateArrivalTimestamp).toEqual(new Date(t0));
	});

	test('AT_TIMESTAMP in the future, or without a timestamp, is refused', async () => {
		const {clock, kinesis} = await setup();
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_TIMESTAMP', {Timestamp: clock.now() + 1}),
			'InvalidArgumentException',
			/cannot be greater than the currentTimestampInMillis/,
		);
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_TIMESTAMP'),
			'InvalidArgumentException',
			/Must specify timestampInMillis/,
		);
	});

	test('sequence-number types need StartingSequenceNumber, the others must not have one', async () => {
		const {clock, kinesis} = await setup();
		const [sequence] = await putSpaced(kinesis, clock, ['a']);
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER'),
			'InvalidArgumentException',
			/Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber/,
		);
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'TRIM_HORIZON', {StartingSequenceNumber: sequence}),
			'InvalidArgumentException',
			/Request specified TRIM_HORIZON and also a StartingSequenceNumber/,
		);
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'NEWEST' as 'LATEST'),
			'ValidationException',
			/at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set/,
		);
	});

	test('a sequence number from another shard, or another stream, is InvalidArgumentException', async () => {
		const {clock, kinesis} = await setup({shards: 2});
		const output = await kinesis.putRecords({
			StreamName: 's',
			Records: [
				{PartitionKey: 'a', ExplicitHashKey: '0', Data: bytes('a')},
				{PartitionKey: 'b', ExplicitHashKey: String(1n << 127n), Data: bytes('b')},
			],
		});
		const onShard1 = output.Records[1].SequenceNumber!;
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER', {StartingSequenceNumber: onShard1}),
			'InvalidArgumentException',
			`Invalid StartingSequenceNumber. It encodes ${shardId(1)}, while it was used in a call to a shard with ${S0}`,
		);
		// Created a second later, as two streams are in practice (streams created in the same instant
		// number their shards alike, and the engine cannot tell their positions apart).
		clock.advance(1000);
		kinesis.createStream({StreamName: 'other', ShardCount: 1});
		const theirs = (
			await kinesis.putRecord({StreamName: 'other', PartitionKey: 'x', Data: bytes('x')})
		).SequenceNumber;
		// Another stream's position on a shard of the same id: refused as AWS refuses it.
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER', {StartingSequenceNumber: theirs}),
			'InvalidArgumentException',
			/is invalid because it did not come from this stream/,
		);
		// AWS reads a short number in its oldest layout, whose last four hex digits are the shard.
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER', {StartingSequenceNumber: '12345'}),
			'InvalidArgumentException',
			'Invalid StartingSequenceNumber. It encodes shardId-000000012345, while it was used in a call to a shard with shardId-000000000000',
		);
		expectKinesisError(
			() => iterator(kinesis, 's', S0, 'AT_SEQUENCE_NUMBER', {StartingSequenceNumber: 'abc'}),
			'ValidationException',
		);
	});

	test('unknown stream or shard is ResourceNotFoundException', async () => {
		const {kinesis} = await setup();
		expectKinesisError(
			() => iterator(kinesis, 'nope', S0),
			'ResourceNotFoundException',
			`Stream nope under account ${ACCOUNT} not found.`,
		);
		expectKinesisError(
			() => iterator(kinesis, 's', shardId(9)),
			'ResourceNotFoundException',
			`Shard ${shardId(9)} in stream s under account ${ACCOUNT} does not exist`,
		);
		// AWS accepts the short forms of a shard id.
		expect(iterator(kinesis, 's', '0')).toBeTypeOf('string');
		expect(iterator(kinesis, 's', 'shardId-0')).toBeTypeOf('string');
	});
});

/** `valid` with one byte changed at several places (header, each field's blocks, the padding). */
function tamperedCopies(valid: string) {
	const bytes = Buffer.from(valid, 'base64');
	return [0, 7, 8, 20, 40, 80, bytes.length - 17, bytes.length - 1].map((at) => {
		const copy = Buffer.from(bytes);
		copy[at] ^= 0x01;
		return copy.toString('base64');
	});
}

describe('GetRecords', () => {
	test('an invalid iterator string is InvalidArgumentException "Invalid ShardIterator."', async () => {
		const {kinesis} = await setup();
		const valid = iterator(kinesis, 's', S0);
		// An empty one breaks the model's constraint first.
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: ''}),
			'ValidationException',
			"1 validation error detected: Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1",
		);
		for (const bad of [
			'garbage',
			valid.slice(0, -3),
			'AAAAAAAAAAE' + Buffer.from('{"a":1}').toString('base64url'),
			'AAAAAAAAAAE' + Buffer.from('["s",1,2,-3,4]').toString('base64url'),
			...tamperedCopies(valid),
		]) {
			expectKinesisError(
				() => kinesis.getRecords({ShardIterator: bad}),
				'InvalidArgumentException',
				'Invalid ShardIterator.',
			);
		}
	});

	test('an iterator expires 5 minutes after it was issued', async () => {
		const {clock, kinesis} = await setup();
		await putSpaced(kinesis, clock, ['a']);
		const it = iterator(kinesis, 's', S0);
		clock.advance(5 * 60 * 1000);
		const page = kinesis.getRecords({ShardIterator: it});
		expect(datas(page.Records)).toEqual(['a']);
		// Each response's NextShardIterator is fresh.
		clock.advance(5 * 60 * 1000);
		expect(kinesis.getRecords({ShardIterator: page.NextShardIterator!}).Records).toEqual([]);
		clock.advance(1);
		const error = expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it}),
			'ExpiredIteratorException',
			/^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is .* which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
		);
		expect(error.message).toContain('Thu Jan 01 00:00:01 UTC 2026');
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: page.NextShardIterator!}),
			'ExpiredIteratorException',
		);
	});

	test('Limit is 1–10,000 and bounds the page', async () => {
		const {kinesis} = await setup();
		await kinesis.putRecords({
			StreamName: 's',
			Records: Array.from({length: 30}, (_, i) => ({PartitionKey: `k${i}`, Data: bytes(`${i}`)})),
		});
		const it = iterator(kinesis, 's', S0);
		const page = kinesis.getRecords({ShardIterator: it, Limit: 7});
		expect(datas(page.Records)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
		const rest = drain(kinesis, page.NextShardIterator!, 10_000).records;
		expect(rest).toHaveLength(23);
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it, Limit: 0}),
			'ValidationException',
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
		);
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it, Limit: 10_001}),
			'ValidationException',
			"1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
		);
		const one = drain(kinesis, it, 1).records;
		expect(one).toHaveLength(30);
	});

	test('5 GetRecords calls per second per shard, then ProvisionedThroughputExceededException', async () => {
		const {clock, kinesis} = await setup({enforceLimits: true, shards: 2});
		let it = iterator(kinesis, 's', S0);
		for (let i = 0; i < 5; i++) it = kinesis.getRecords({ShardIterator: it}).NextShardIterator!;
		const error = expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it}),
			'ProvisionedThroughputExceededException',
			`Rate exceeded for Shard - ${ACCOUNT}:s:${S0} in stream s under account ${ACCOUNT}.`,
		);
		expect(error.retryable).toBe(true);
		// Another shard has its own budget.
		kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(1))});
		clock.advance(1000);
		for (let i = 0; i < 5; i++) it = kinesis.getRecords({ShardIterator: it}).NextShardIterator!;
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it}),
			'ProvisionedThroughputExceededException',
		);
	});

	test('no read limit when enforceLimits is false', async () => {
		const {kinesis} = await setup({enforceLimits: false});
		let it = iterator(kinesis, 's', S0);
		for (let i = 0; i < 50; i++) it = kinesis.getRecords({ShardIterator: it}).NextShardIterator!;
		expect(it).toBeTypeOf('string');
	});

	test('MillisBehindLatest: how far the page is behind the tip, 0 when caught up', async () => {
		const {clock, kinesis} = await setup();
		await putSpaced(kinesis, clock, ['a', 'b', 'c']);
		clock.advance(7000);
		// now = t0 + 10 s; 'a' arrived at t0.
		const first = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', S0), Limit: 1});
		expect(datas(first.Records)).toEqual(['a']);
		expect(first.MillisBehindLatest).toBe(10_000);
		const second = kinesis.getRecords({ShardIterator: first.NextShardIterator!, Limit: 1});
		expect(second.MillisBehindLatest).toBe(9000);
		const rest = kinesis.getRecords({ShardIterator: second.NextShardIterator!});
		expect(datas(rest.Records)).toEqual(['c']);
		expect(rest.MillisBehindLatest).toBe(0);
		const empty = kinesis.getRecords({ShardIterator: rest.NextShardIterator!});
		expect(empty.Records).toEqual([]);
		expect(empty.MillisBehindLatest).toBe(0);
	});

	test('a closed shard, once drained, ends with no NextShardIterator and its ChildShards', async () => {
		const {clock, kinesis} = await setup({shards: 2});
		await putSpaced(kinesis, clock, ['a', 'b', 'c', 'd', 'e', 'f']);
		const split = String((1n << 125n) + 99n);
		kinesis.splitShard({StreamName: 's', ShardToSplit: S0, NewStartingHashKey: split});
		// Before reading everything: a next iterator, no children yet.
		const it = iterator(kinesis, 's', S0);
		const parentRecords = drain(kinesis, it).records;
		const page = kinesis.getRecords({ShardIterator: it, Limit: 1});
		if (parentRecords.length > 1) {
			expect(page.NextShardIterator).toBeDefined();
			expect(page.ChildShards).toBeUndefined();
		}

		const last = kinesis.getRecords({ShardIterator: it});
		expect(last.NextShardIterator).toBeUndefined();
		expect(last.MillisBehindLatest).toBe(0);
		expect(last.ChildShards).toEqual([
			{
				ShardId: shardId(2),
				ParentShards: [S0],
				HashKeyRange: {StartingHashKey: '0', EndingHashKey: String((1n << 125n) + 98n)},
			},
			{
				ShardId: shardId(3),
				ParentShards: [S0],
				HashKeyRange: {StartingHashKey: split, EndingHashKey: String((1n << 127n) - 1n)},
			},
		]);
		// An open shard never ends.
		const open = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(1))});
		expect(open.NextShardIterator).toBeDefined();
		expect(open.ChildShards).toBeUndefined();
		// LATEST on a closed shard is its end.
		const latest = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', S0, 'LATEST')});
		expect(latest.Records).toEqual([]);
		expect(latest.NextShardIterator).toBeUndefined();
		// A merge child lists both parents.
		kinesis.mergeShards({
			StreamName: 's',
			ShardToMerge: shardId(3),
			AdjacentShardToMerge: shardId(1),
		});
		const merged = kinesis.getRecords({ShardIterator: iterator(kinesis, 's', shardId(1))});
		expect(merged.NextShardIterator).toBeUndefined();
		expect(merged.ChildShards).toEqual([
			{
				ShardId: shardId(4),
				ParentShards: [shardId(3), shardId(1)],
				HashKeyRange: {StartingHashKey: split, EndingHashKey: String((1n << 128n) - 1n)},
			},
		]);
	});

	test('a closed shard read in pages still returns every record before ending', async () => {
		const {kinesis} = await setup();
		await kinesis.putRecords({
			StreamName: 's',
			Records: Array.from({length: 25}, (_, i) => ({PartitionKey: `k${i}`, Data: bytes(`${i}`)})),
		});
		kinesis.splitShard({StreamName: 's', ShardToSplit: S0, NewStartingHashKey: String(1n << 127n)});
		const {records, closed} = drain(kinesis, iterator(kinesis, 's', S0), 4);
		expect(closed).toBe(true);
		expect(datas(records)).toEqual(Array.from({length: 25}, (_, i) => `${i}`));
	});

	test("a StreamARN given with the iterator must be its stream's", async () => {
		const {kinesis} = await setup();
		kinesis.createStream({StreamName: 'other', ShardCount: 1});
		const it = iterator(kinesis, 's', S0);
		const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
		expect(kinesis.getRecords({ShardIterator: it, StreamARN: arnOf('s')}).Records).toEqual([]);
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it, StreamARN: arnOf('other')}),
			'InvalidArgumentException',
			'Invalid ShardIterator.',
		);
	});

	test("has AWS's shape: standard base64 of 0…01 and whole 16-byte blocks, longer with the name", async () => {
		const {kinesis} = await setup();
		for (const name of ['s', 'a'.repeat(14), 'b'.repeat(30), 'c'.repeat(128)]) {
			if (name !== 's') kinesis.createStream({StreamName: name, ShardCount: 1});
			const issued = iterator(kinesis, name, S0);
			const bytes = Buffer.from(issued, 'base64');
			expect(bytes.toString('base64')).toBe(issued);
			expect(bytes.subarray(0, 8).toString('hex')).toBe('0000000000000001');
			// The length kinesalite recorded for AWS's iterators.
			expect(bytes.length).toBe(152 + Math.floor((name.length + 2) / 16) * 16);
			if (name.length > 3) expect(issued).not.toContain(name);
		}
	});

	test('an iterator of a deleted stream is ResourceNotFoundException; once recreated, reads it from the start', async () => {
		const {clock, kinesis} = await setup({shards: 2});
		const it = iterator(kinesis, 's', S0, 'LATEST');
		const onShard1 = iterator(kinesis, 's', shardId(1));
		kinesis.deleteStream({StreamName: 's'});
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: it}),
			'ResourceNotFoundException',
			`Shard ${S0} in stream s under account ${ACCOUNT} does not exist`,
		);
		clock.advance(1000);
		kinesis.createStream({StreamName: 's', ShardCount: 1});
		// As AWS answered kinesalite's recorded test: a shard the new stream lacks is not found…
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: onShard1}),
			'ResourceNotFoundException',
			`Shard ${shardId(1)} in stream s under account ${ACCOUNT} does not exist`,
		);
		// …and one it has is read, from below every record of the new stream.
		const empty = kinesis.getRecords({ShardIterator: it});
		expect(empty.Records).toEqual([]);
		await kinesis.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('new')});
		expect(datas(kinesis.getRecords({ShardIterator: it}).Records)).toEqual(['new']);
		expect(datas(kinesis.getRecords({ShardIterator: empty.NextShardIterator!}).Records)).toEqual([
			'new',
		]);
		const forged = encodeIterator({
			streamName: 's',
			streamCreatedAt: clock.now(),
			shardIndex: 5,
			position: 0,
			issuedAt: clock.now(),
		});
		expectKinesisError(
			() => kinesis.getRecords({ShardIterator: forged}),
			'ResourceNotFoundException',
		);
	});
});

/**
 * Issue 16 §3 over the wire: sequence numbers and shard iterators with AWS's structure, the details
 * clients notice (timestamps, ListShards, StreamARN, CBOR bytes, closed shards, resharding) and tags,
 * each asserted with AWS's exception, status and message. The texts are AWS's as kinesalite's tests
 * recorded them against AWS (and, where kinesalite implements the same, the same request is sent to it
 * and its answer compared). The engine's clock is a ManualClock: expiry is tested without waiting.
 */
import {request as http1Request} from 'node:http';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {startKinesalite, type Emulator} from '../helpers/emulators.js';

const ACCOUNT = '000000000000';
/** A time with a millisecond part, so a lost fraction shows. */
const START = 1_765_000_000_123;
const clock = new ManualClock(START);
let engine: KinesisEngine;
let server: KinesisServer;
let endpoint: URL;
let kinesalite: Emulator;

beforeAll(async () => {
	engine = new KinesisEngine({clock, enforceLimits: false});
	server = new KinesisServer({engine, port: 0});
	endpoint = new URL(await server.start());
	kinesalite = await startKinesalite();
});

afterAll(async () => {
	await server?.stop();
	await engine?.close();
	await kinesalite?.stop();
});

const signed = {
	Authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
	'X-Amz-Date': '20260101T000000Z',
};

type Answer = {status: number; body: Buffer};

function post(url: URL, headers: Record<string, string>, body: Buffer | string): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const request = http1Request(
			{host: url.hostname, port: url.port, method: 'POST', path: '/', headers},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({status: response.statusCode!, body: Buffer.concat(chunks)}),
				);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One JSON call to `url` (ours unless given). */
async function call(action: string, input: unknown, url = endpoint) {
	const answer = await post(
		url,
		{
			'Content-Type': 'application/x-amz-json-1.1',
			'X-Amz-Target': `Kinesis_20131202.${action}`,
			...signed,
		},
		JSON.stringify(input),
	);
	const text = answer.body.toString('utf8');
	return {status: answer.status, body: (text ? JSON.parse(text) : {}) as Json};
}

/** The call succeeds; its answer. */
async function ok(action: string, input: unknown, url = endpoint) {
	const answer = await call(action, input, url);
	expect(answer.body.__type, JSON.stringify(answer.body)).toBeUndefined();
	expect(answer.status).toBe(200);
	return answer.body;
}

/** The call fails with `type` (a bare name, as AWS's JSON answers it), status 400 and `message`. */
async function fails(action: string, input: unknown, type: string, message: string | RegExp) {
	const answer = await call(action, input);
	expect(answer.body.__type).toBe(type);
	expect(answer.status).toBe(400);
	if (typeof message === 'string') expect(answer.body.message).toBe(message);
	else expect(answer.body.message).toMatch(message);
	return answer.body;
}

const shardId = (index: number) => 'shardId-' + String(index).padStart(12, '0');
const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
const fromHex = (hex: string) => BigInt('0x' + hex).toString();
let streams = 0;

/** A new ACTIVE stream of `shards` shards, here and (with `alsoKinesalite`) in kinesalite. */
async function createStream(shards: number, alsoKinesalite = false) {
	const name = `conformance-${++streams}`;
	await ok('CreateStream', {StreamName: name, ShardCount: shards});
	if (alsoKinesalite) {
		await ok('CreateStream', {StreamName: name, ShardCount: shards}, new URL(kinesalite.endpoint));
	}

	return name;
}

/** Sends `input` to kinesalite too, and expects the same error type and message as ours. */
async function sameAsKinesalite(action: string, input: unknown) {
	const ours = await call(action, input);
	const theirs = await call(action, input, new URL(kinesalite.endpoint));
	expect(ours.status).toBe(400);
	expect({type: ours.body.__type, message: ours.body.message}).toEqual({
		type: theirs.body.__type,
		message: theirs.body.message,
	});
}

describe('sequence numbers', () => {
	test("have AWS's structure: shard, its creation second, counter, arrival second, version", async () => {
		const name = await createStream(2);
		const created = Math.floor(clock.now() / 1000);
		clock.advance(3000);
		const put = await ok('PutRecords', {
			StreamName: name,
			Records: Array.from({length: 20}, (_, i) => ({PartitionKey: `k${i}`, Data: 'eA=='})),
		});
		for (const {ShardId, SequenceNumber} of put.Records as Json[]) {
			const index = Number(ShardId.slice('shardId-'.length));
			const hex = BigInt(SequenceNumber).toString(16);
			expect(SequenceNumber).toMatch(/^\d{56}$/);
			// kinesalite's helpers.assertSequenceNumber, which AWS's numbers pass.
			expect(hex).toMatch(
				new RegExp(`^20[0-9a-f]{8}${index}[0-9a-f]{16}000[0-9a-f]{8}0000000${index}2$`),
			);
			expect(Number.parseInt(hex.slice(1, 10), 16)).toBe(created);
			expect(Number.parseInt(hex.slice(29, 38), 16)).toBe(Math.floor(clock.now() / 1000));
		}
	});

	test('a number of another shard is refused as AWS refuses it', async () => {
		const name = await createStream(2);
		const put = await ok('PutRecords', {
			StreamName: name,
			Records: Array.from({length: 10}, (_, i) => ({PartitionKey: `k${i}`, Data: 'eA=='})),
		});
		const onShard1 = (put.Records as Json[]).find((record) => record.ShardId === shardId(1))!;
		await fails(
			'GetShardIterator',
			{
				StreamName: name,
				ShardId: shardId(0),
				ShardIteratorType: 'AT_SEQUENCE_NUMBER',
				StartingSequenceNumber: onShard1.SequenceNumber,
			},
			'InvalidArgumentException',
			`Invalid StartingSequenceNumber. It encodes ${shardId(1)}, while it was used in a call to a shard with ${shardId(0)}`,
		);
	});

	test("numbers AWS reads in its older layouts, or not at all, get AWS's answers", async () => {
		const name = await createStream(3, true);
		const on = (shard: number, StartingSequenceNumber: string) => ({
			StreamName: name,
			ShardId: `shardId-${shard}`,
			ShardIteratorType: 'AT_SEQUENCE_NUMBER',
			StartingSequenceNumber,
		});
		const where = (shard: number) =>
			`used in GetShardIterator on shard ${shardId(shard)} in stream ${name} under account ${ACCOUNT}`;
		// A short number is AWS's 128-bit layout, whose last four hex digits are the shard.
		await fails(
			'GetShardIterator',
			on(0, '5'),
			'InvalidArgumentException',
			`Invalid StartingSequenceNumber. It encodes ${shardId(5)}, while it was used in a call to a shard with ${shardId(0)}`,
		);
		await sameAsKinesalite('GetShardIterator', on(0, '5'));
		// …shown with its top digit set, and of no stream of today's layout.
		await fails(
			'GetShardIterator',
			on(0, '0'),
			'InvalidArgumentException',
			`StartingSequenceNumber 21267647932558653966460912964485513216 ${where(0)} is invalid because it did not come from this stream.`,
		);
		await fails(
			'GetShardIterator',
			on(2, '425352958651173072921826052383309826'),
			'InvalidArgumentException',
			`StartingSequenceNumber 21693000891209827039382739016868823042 ${where(2)} is invalid because it did not come from this stream.`,
		);
		await fails(
			'GetShardIterator',
			on(0, fromHex('f3bb2cc3d7ff7fffffffffffffff0000')),
			'InvalidArgumentException',
			`StartingSequenceNumber 26227199374821822965252748908982894592 ${where(0)} is invalid because it did not come from this stream.`,
		);
		// A creation time too late, a counter or a shard with its top bit set: "is invalid."
		const invalid = [
			fromHex('13bb2cc3d80000000000000000000000'),
			fromHex('20000000000800000000000000000000000000000000002'),
			fromHex('20000000000000000000000000000000000000800000002'),
		];
		for (const number of invalid) {
			await fails(
				'GetShardIterator',
				on(0, number),
				'InvalidArgumentException',
				`StartingSequenceNumber ${number} ${where(0)} is invalid.`,
			);
		}

		await sameAsKinesalite('GetShardIterator', on(0, invalid[0]));
		await sameAsKinesalite('GetShardIterator', on(0, invalid[1]));
	});

	test('a number of another stream, or of an earlier stream of the same name, did not come from this stream', async () => {
		const name = await createStream(1);
		const mine = await ok('PutRecord', {StreamName: name, PartitionKey: 'k', Data: 'eA=='});
		clock.advance(1000);
		const other = await createStream(1);
		const theirs = await ok('PutRecord', {StreamName: other, PartitionKey: 'k', Data: 'eA=='});
		const used = {ShardId: shardId(0), ShardIteratorType: 'AFTER_SEQUENCE_NUMBER'};
		await fails(
			'GetShardIterator',
			{...used, StreamName: name, StartingSequenceNumber: theirs.SequenceNumber},
			'InvalidArgumentException',
			`StartingSequenceNumber ${theirs.SequenceNumber} used in GetShardIterator on shard ${shardId(0)} in stream ${name} under account ${ACCOUNT} is invalid because it did not come from this stream.`,
		);
		await ok('DeleteStream', {StreamName: name});
		clock.advance(1000);
		await ok('CreateStream', {StreamName: name, ShardCount: 1});
		await fails(
			'GetShardIterator',
			{...used, StreamName: name, StartingSequenceNumber: mine.SequenceNumber},
			'InvalidArgumentException',
			/is invalid because it did not come from this stream\.$/,
		);
	});

	test('SequenceNumberForOrdering: honoured, and refused as AWS refuses it', async () => {
		const name = await createStream(1);
		const first = await ok('PutRecord', {StreamName: name, PartitionKey: 'k', Data: 'eA=='});
		const second = await ok('PutRecord', {
			StreamName: name,
			PartitionKey: 'k',
			Data: 'eA==',
			SequenceNumberForOrdering: first.SequenceNumber,
		});
		expect(BigInt(second.SequenceNumber) > BigInt(first.SequenceNumber)).toBe(true);
		// A number AWS cannot read, and one whose arrival time is still to come.
		const hex = BigInt(first.SequenceNumber).toString(16);
		const later = Math.floor(clock.now() / 1000) + 3600;
		const future = fromHex(hex.slice(0, 29) + later.toString(16).padStart(9, '0') + hex.slice(38));
		for (const number of [fromHex('13bb2cc3d80000000000000000000000'), future]) {
			await fails(
				'PutRecord',
				{StreamName: name, PartitionKey: 'k', Data: 'eA==', SequenceNumberForOrdering: number},
				'InvalidArgumentException',
				`ExclusiveMinimumSequenceNumber ${number} used in PutRecord on stream ${name} under account ${ACCOUNT} is invalid.`,
			);
		}
	});
});

describe('shard iterators', () => {
	test("have AWS's shape, and a tampered or made-up one is 'Invalid ShardIterator.'", async () => {
		const name = await createStream(1, true);
		const {ShardIterator: iterator} = await ok('GetShardIterator', {
			StreamName: name,
			ShardId: shardId(0),
			ShardIteratorType: 'TRIM_HORIZON',
		});
		const bytes = Buffer.from(iterator, 'base64');
		expect(bytes.toString('base64')).toBe(iterator);
		expect(bytes.subarray(0, 8).toString('hex')).toBe('0000000000000001');
		expect(bytes.length).toBe(152 + Math.floor((name.length + 2) / 16) * 16);
		for (const at of [8, 40, 100, bytes.length - 1]) {
			const tampered = Buffer.from(bytes);
			tampered[at] ^= 0x10;
			await fails(
				'GetRecords',
				{ShardIterator: tampered.toString('base64')},
				'InvalidArgumentException',
				'Invalid ShardIterator.',
			);
		}

		await sameAsKinesalite('GetRecords', {ShardIterator: 'not-an-iterator'});
		await sameAsKinesalite('GetRecords', {ShardIterator: 'AAAAAAAAAAE' + 'x'.repeat(200)});
	});

	test('expire 5 minutes after they are issued, with ExpiredIteratorException', async () => {
		const name = await createStream(1);
		const get = async () =>
			(
				await ok('GetShardIterator', {
					StreamName: name,
					ShardId: shardId(0),
					ShardIteratorType: 'LATEST',
				})
			).ShardIterator as string;
		const atTheLimit = await get();
		clock.advance(300_000);
		expect((await ok('GetRecords', {ShardIterator: atTheLimit})).Records).toEqual([]);
		const beyond = await get();
		clock.advance(300_001);
		await fails(
			'GetRecords',
			{ShardIterator: beyond},
			'ExpiredIteratorException',
			/^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
		);
	});

	test("are refused with another stream's ARN, and not found once their stream is gone", async () => {
		const name = await createStream(1);
		const other = await createStream(1);
		const {ShardIterator: iterator} = await ok('GetShardIterator', {
			StreamARN: arnOf(name),
			ShardId: shardId(0),
			ShardIteratorType: 'TRIM_HORIZON',
		});
		await ok('GetRecords', {ShardIterator: iterator, StreamARN: arnOf(name)});
		await fails(
			'GetRecords',
			{ShardIterator: iterator, StreamARN: arnOf(other)},
			'InvalidArgumentException',
			'Invalid ShardIterator.',
		);
		await ok('DeleteStream', {StreamName: name});
		await fails(
			'GetRecords',
			{ShardIterator: iterator},
			'ResourceNotFoundException',
			`Shard ${shardId(0)} in stream ${name} under account ${ACCOUNT} does not exist`,
		);
	});

	test('a closed shard read to its end has a null NextShardIterator and its children', async () => {
		const name = await createStream(1);
		await ok('PutRecord', {StreamName: name, PartitionKey: 'k', Data: 'eA=='});
		const {ShardIterator: iterator} = await ok('GetShardIterator', {
			StreamName: name,
			ShardId: shardId(0),
			ShardIteratorType: 'TRIM_HORIZON',
		});
		await ok('SplitShard', {
			StreamName: name,
			ShardToSplit: shardId(0),
			NewStartingHashKey: String(1n << 127n),
		});
		const last = await ok('GetRecords', {ShardIterator: iterator});
		expect(last.Records).toHaveLength(1);
		expect(last.NextShardIterator ?? null).toBeNull();
		expect(last.ChildShards.map((child: Json) => child.ShardId)).toEqual([shardId(1), shardId(2)]);
	});
});

describe('the details clients notice', () => {
	test('ApproximateArrivalTimestamp is epoch seconds with the milliseconds; AT_TIMESTAMP takes the same', async () => {
		const name = await createStream(1);
		clock.advance(1);
		const firstAt = clock.now();
		await ok('PutRecord', {StreamName: name, PartitionKey: 'k', Data: 'YQ=='});
		clock.advance(7);
		const secondAt = clock.now();
		await ok('PutRecord', {StreamName: name, PartitionKey: 'k', Data: 'Yg=='});
		const {ShardIterator: all} = await ok('GetShardIterator', {
			StreamName: name,
			ShardId: shardId(0),
			ShardIteratorType: 'TRIM_HORIZON',
		});
		const records = (await ok('GetRecords', {ShardIterator: all})).Records as Json[];
		expect(records.map((record) => record.ApproximateArrivalTimestamp)).toEqual([
			firstAt / 1000,
			secondAt / 1000,
		]);
		expect(secondAt % 1000).not.toBe(0);
		const {ShardIterator: fromSecond} = await ok('GetShardIterator', {
			StreamName: name,
			ShardId: shardId(0),
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: secondAt / 1000,
		});
		const read = (await ok('GetRecords', {ShardIterator: fromSecond})).Records as Json[];
		expect(read.map((record) => record.Data)).toEqual(['Yg==']);
	});

	test('in CBOR, Data is a byte string and ApproximateArrivalTimestamp a timestamp (tag 1, milliseconds)', async () => {
		const name = await createStream(1);
		await ok('PutRecord', {StreamName: name, PartitionKey: 'k', Data: 'AAEC/w=='});
		const {ShardIterator: iterator} = await ok('GetShardIterator', {
			StreamName: name,
			ShardId: shardId(0),
			ShardIteratorType: 'TRIM_HORIZON',
		});
		// {"ShardIterator": <text>} by hand, so no CBOR library's choices get in the way.
		const key = Buffer.from('ShardIterator');
		const value = Buffer.from(iterator as string);
		const body = Buffer.concat([
			Buffer.from([0xa1, 0x60 + key.length]),
			key,
			Buffer.from([0x79, value.length >> 8, value.length & 0xff]),
			value,
		]);
		const answer = await post(
			endpoint,
			{
				'Content-Type': 'application/x-amz-cbor-1.1',
				'X-Amz-Target': 'Kinesis_20131202.GetRecords',
				...signed,
			},
			body,
		);
		expect(answer.status).toBe(200);
		const after = (member: string) => {
			const name = Buffer.from(member);
			// A text string's head: its length in the first byte below 24, else in the next one.
			const head = name.length < 24 ? [0x60 + name.length] : [0x78, name.length];
			const key = Buffer.concat([Buffer.from(head), name]);
			const at = answer.body.indexOf(key);
			expect(at, answer.body.toString('hex')).toBeGreaterThan(0);
			return answer.body.subarray(at + key.length);
		};

		// Major type 2, length 4, the bytes themselves.
		expect([...after('Data').subarray(0, 5)]).toEqual([0x44, 0x00, 0x01, 0x02, 0xff]);
		// Tag 1, then an unsigned 64-bit integer: the milliseconds.
		const timestamp = after('ApproximateArrivalTimestamp');
		expect([...timestamp.subarray(0, 2)]).toEqual([0xc1, 0x1b]);
		expect(Number(timestamp.readBigUInt64BE(2))).toBe(clock.now());
	});

	test('ListShards refuses a NextToken beside StreamName, StreamARN or ShardFilter', async () => {
		const name = await createStream(3);
		const first = await ok('ListShards', {StreamName: name, MaxResults: 1});
		expect(first.NextToken).toEqual(expect.any(String));
		for (const beside of [
			{StreamName: name},
			{StreamARN: arnOf(name)},
			{ShardFilter: {Type: 'AT_LATEST'}},
		]) {
			await fails(
				'ListShards',
				{NextToken: first.NextToken, ...beside},
				'InvalidArgumentException',
				'NextToken and StreamName cannot be provided together.',
			);
		}

		const next = await ok('ListShards', {NextToken: first.NextToken});
		expect(next.Shards.map((shard: Json) => shard.ShardId)).toEqual([shardId(1), shardId(2)]);
	});

	test('ListShards honours every ShardFilter type; AT_ and FROM_TRIM_HORIZON differ', async () => {
		const name = await createStream(2);
		const created = clock.now();
		clock.advance(3_600_000);
		const beforeSplit = clock.now();
		clock.advance(3_600_000);
		await ok('SplitShard', {
			StreamName: name,
			ShardToSplit: shardId(0),
			NewStartingHashKey: String(1n << 126n),
		});
		clock.advance(1000);
		const ids = async (ShardFilter: Json) =>
			((await ok('ListShards', {StreamName: name, ShardFilter})).Shards as Json[]).map((shard) =>
				Number(shard.ShardId.slice('shardId-'.length)),
			);
		expect(await ids({Type: 'AT_TRIM_HORIZON'})).toEqual([0, 1]);
		expect(await ids({Type: 'FROM_TRIM_HORIZON'})).toEqual([0, 1, 2, 3]);
		expect(await ids({Type: 'AT_LATEST'})).toEqual([1, 2, 3]);
		expect(await ids({Type: 'AT_TIMESTAMP', Timestamp: beforeSplit / 1000})).toEqual([0, 1]);
		expect(await ids({Type: 'AT_TIMESTAMP', Timestamp: clock.now() / 1000})).toEqual([1, 2, 3]);
		expect(await ids({Type: 'FROM_TIMESTAMP', Timestamp: created / 1000})).toEqual([0, 1, 2, 3]);
		expect(await ids({Type: 'FROM_TIMESTAMP', Timestamp: clock.now() / 1000})).toEqual([1, 2, 3]);
		expect(await ids({Type: 'AFTER_SHARD_ID', ShardId: shardId(1)})).toEqual([2, 3]);
		// Once retention has passed the split, the trim horizon is after it.
		clock.advance(24 * 3_600_000);
		expect(await ids({Type: 'AT_TRIM_HORIZON'})).toEqual([1, 2, 3]);
		expect(await ids({Type: 'FROM_TRIM_HORIZON'})).toEqual([1, 2, 3]);
		await fails(
			'ListShards',
			{StreamName: name, ShardFilter: {Type: 'AFTER_SHARD_ID'}},
			'InvalidArgumentException',
			'ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID',
		);
		await fails(
			'ListShards',
			{StreamName: name, ShardFilter: {Type: 'FROM_TIMESTAMP'}},
			'InvalidArgumentException',
			'Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP',
		);
		// A filtered list pages on with its filter.
		const page = await ok('ListShards', {
			StreamName: name,
			ShardFilter: {Type: 'AT_LATEST'},
			MaxResults: 2,
		});
		const rest = await ok('ListShards', {NextToken: page.NextToken});
		expect([...page.Shards, ...rest.Shards].map((shard: Json) => shard.ShardId)).toEqual(
			[1, 2, 3].map(shardId),
		);
	});

	// Every action whose input has a StreamARN in the current model (the SDK's), with StreamARN alone.
	test('StreamARN is accepted in place of StreamName by every action that takes a stream', async () => {
		const name = await createStream(2);
		const StreamARN = arnOf(name);
		const {ShardIterator} = await ok('GetShardIterator', {
			StreamARN,
			ShardId: shardId(0),
			ShardIteratorType: 'LATEST',
		});
		const calls: Array<[string, Json]> = [
			['DescribeStream', {}],
			['DescribeStreamSummary', {}],
			['ListShards', {}],
			['PutRecord', {PartitionKey: 'k', Data: 'eA=='}],
			['PutRecords', {Records: [{PartitionKey: 'k', Data: 'eA=='}]}],
			['GetRecords', {ShardIterator}],
			['AddTagsToStream', {Tags: {team: 'data'}}],
			['ListTagsForStream', {}],
			['RemoveTagsFromStream', {TagKeys: ['team']}],
			['IncreaseStreamRetentionPeriod', {RetentionPeriodHours: 48}],
			['DecreaseStreamRetentionPeriod', {RetentionPeriodHours: 24}],
			['EnableEnhancedMonitoring', {ShardLevelMetrics: ['IncomingBytes']}],
			['DisableEnhancedMonitoring', {ShardLevelMetrics: ['IncomingBytes']}],
			['StartStreamEncryption', {EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis'}],
			['StopStreamEncryption', {EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis'}],
			['ListStreamConsumers', {}],
			['RegisterStreamConsumer', {ConsumerName: 'reader'}],
			['DescribeStreamConsumer', {ConsumerName: 'reader'}],
			['DeregisterStreamConsumer', {ConsumerName: 'reader'}],
			['UpdateMaxRecordSize', {MaxRecordSizeInKiB: 2048}],
			['SplitShard', {ShardToSplit: shardId(0), NewStartingHashKey: String(1n << 126n)}],
			['MergeShards', {ShardToMerge: shardId(2), AdjacentShardToMerge: shardId(3)}],
			['UpdateShardCount', {TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING'}],
			['UpdateStreamMode', {StreamModeDetails: {StreamMode: 'ON_DEMAND'}}],
			['UpdateStreamWarmThroughput', {WarmThroughputMiBps: 10}],
			['DeleteStream', {}],
		];
		// Warm throughput needs the account's billing commitment first.
		await ok('UpdateAccountSettings', {MinimumThroughputBillingCommitment: {Status: 'ENABLED'}});
		for (const [action, input] of calls) await ok(action, {StreamARN, ...input});
	});

	test("a shard already split or merged is not eligible, in AWS's words", async () => {
		const name = await createStream(2);
		await ok('SplitShard', {
			StreamName: name,
			ShardToSplit: shardId(0),
			NewStartingHashKey: String(1n << 126n),
		});
		const notEligible = `Shard ${shardId(0)} in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`;
		await fails(
			'SplitShard',
			{StreamName: name, ShardToSplit: shardId(0), NewStartingHashKey: String(1n << 125n)},
			'InvalidArgumentException',
			notEligible,
		);
		await ok('MergeShards', {
			StreamName: name,
			ShardToMerge: shardId(3),
			AdjacentShardToMerge: shardId(1),
		});
		await fails(
			'MergeShards',
			{StreamName: name, ShardToMerge: shardId(2), AdjacentShardToMerge: shardId(3)},
			'InvalidArgumentException',
			`Shard ${shardId(3)} in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
		);
	});

	test('UpdateShardCount keeps parent links: every new shard names its parents, which exist', async () => {
		const name = await createStream(3);
		await ok('UpdateShardCount', {
			StreamName: name,
			TargetShardCount: 4,
			ScalingType: 'UNIFORM_SCALING',
		});
		const shards = (await ok('ListShards', {StreamName: name})).Shards as Json[];
		const byId = new Map(shards.map((shard) => [shard.ShardId, shard]));
		const open = shards.filter((shard) => !shard.SequenceNumberRange.EndingSequenceNumber);
		expect(open).toHaveLength(4);
		for (const shard of open) {
			expect(shard.ParentShardId).toEqual(expect.any(String));
			for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
				if (parent === undefined) continue;
				expect(byId.get(parent)?.SequenceNumberRange.EndingSequenceNumber).toEqual(
					expect.any(String),
				);
			}
		}

		// Together the open shards cover the key space, in order, without gaps.
		const ranges = open
			.map((shard) => shard.HashKeyRange as Json)
			.sort((a, b) => (BigInt(a.StartingHashKey) < BigInt(b.StartingHashKey) ? -1 : 1));
		expect(ranges[0].StartingHashKey).toBe('0');
		expect(ranges.at(-1)!.EndingHashKey).toBe(String((1n << 128n) - 1n));
		for (let i = 1; i < ranges.length; i++) {
			expect(BigInt(ranges[i].StartingHashKey)).toBe(BigInt(ranges[i - 1].EndingHashKey) + 1n);
		}
	});
});

describe('tags', () => {
	test("AWS's characters: letters, digits, spaces and _ . : / = + - @", async () => {
		const name = await createStream(1, true);
		await ok('AddTagsToStream', {StreamName: name, Tags: {'a b_c.d:e/f=g+h-i@j': 'Zürich 9'}});
		for (const bad of [';', ',', '\t', '\n', '#', '*']) {
			for (const Tags of [{[`key${bad}`]: 'v'}, {key: `v${bad}`}]) {
				await fails(
					'AddTagsToStream',
					{StreamName: name, Tags},
					'InvalidArgumentException',
					'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
				);
			}
		}

		await fails(
			'AddTagsToStream',
			{StreamName: name, Tags: {'100%': 'v'}},
			'InvalidArgumentException',
			`Failed to add tags to stream ${name} under account ${ACCOUNT} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`,
		);
		await sameAsKinesalite('AddTagsToStream', {StreamName: name, Tags: {'a;b': 'v'}});
		await sameAsKinesalite('AddTagsToStream', {StreamName: name, Tags: {a: '100%'}});
	});

	test('50 tags per stream; ListTagsForStream sorted by key, paged with ExclusiveStartTagKey and Limit', async () => {
		const name = await createStream(1);
		const key = (i: number) => `k${String(i).padStart(2, '0')}`;
		// Added in a scrambled order, in calls of 10.
		const keys = Array.from({length: 50}, (_, i) => key((i * 7) % 50));
		for (let i = 0; i < 50; i += 10) {
			await ok('AddTagsToStream', {
				StreamName: name,
				Tags: Object.fromEntries(keys.slice(i, i + 10).map((each) => [each, `v-${each}`])),
			});
		}

		await fails(
			'AddTagsToStream',
			{StreamName: name, Tags: {one: 'too many'}},
			'InvalidArgumentException',
			`Failed to add tags to stream ${name} under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
		);
		// Replacing a value adds no tag.
		await ok('AddTagsToStream', {StreamName: name, Tags: {[key(3)]: 'replaced'}});
		const all = await ok('ListTagsForStream', {StreamName: name});
		expect(all.Tags.map((tag: Json) => tag.Key)).toEqual(
			Array.from({length: 50}, (_, i) => key(i)),
		);
		expect(all.HasMoreTags).toBe(false);
		expect(all.Tags[3]).toEqual({Key: key(3), Value: 'replaced'});
		const page = await ok('ListTagsForStream', {
			StreamName: name,
			ExclusiveStartTagKey: key(9),
			Limit: 5,
		});
		expect(page.Tags.map((tag: Json) => tag.Key)).toEqual([10, 11, 12, 13, 14].map(key));
		expect(page.HasMoreTags).toBe(true);
		const end = await ok('ListTagsForStream', {
			StreamName: name,
			ExclusiveStartTagKey: key(45),
			Limit: 4,
		});
		expect(end.Tags.map((tag: Json) => tag.Key)).toEqual([46, 47, 48, 49].map(key));
		expect(end.HasMoreTags).toBe(false);
	});
});

/**
 * Input validation over the wire, as AWS answers it: raw requests to `kinesis-top serve` and AWS's
 * exact exception, status and message for each — constraints from the service model
 * (ValidationException, every problem counted and in AWS's order) and values of the wrong type
 * (SerializationException, whose message member AWS writes `Message`). Where kinesalite implements
 * the same check and today's model has not changed it, the same request goes to kinesalite too, whose
 * answers were recorded from AWS, and both must answer the same.
 */
import {Decoder, Encoder} from 'cbor-x';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {type Emulator, startKinesalite} from '../helpers/emulators.js';

const ACCOUNT = '000000000000';
const STREAM = 'conformance';
let engine: KinesisEngine;
let server: KinesisServer;
let serve: string;
let kinesalite: Emulator;

beforeAll(async () => {
	engine = new KinesisEngine({enforceLimits: false});
	server = new KinesisServer({engine, port: 0});
	serve = await server.start();
	kinesalite = await startKinesalite();
	for (const endpoint of [serve, kinesalite.endpoint]) {
		const created = await send(endpoint, 'CreateStream', {StreamName: STREAM, ShardCount: 1});
		expect(created.status, JSON.stringify(created.body)).toBe(200);
	}
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

type Answer = {status: number; body: Record<string, unknown>};

/** A raw AWS JSON 1.1 request: `body` as given (a string goes as it is). */
async function send(endpoint: string, action: string, body: unknown): Promise<Answer> {
	const response = await fetch(endpoint, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/x-amz-json-1.1',
			'X-Amz-Target': `Kinesis_20131202.${action}`,
			...signed,
		},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	return {status: response.status, body: text ? JSON.parse(text) : {}};
}

const validation = (message: string) => ({
	status: 400,
	body: {__type: 'ValidationException', message},
});
const serialization = (message: string) => ({
	status: 400,
	body: {__type: 'SerializationException', Message: message},
});

const pattern = (value: string, at: string) =>
	`Value '${value}' at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`;
const notNull = (at: string) =>
	`Value null at '${at}' failed to satisfy constraint: Member must not be null`;
const long = 'a'.repeat(129);

type Case = {
	name: string;
	action: string;
	body: unknown;
	answer: Answer;
	/** kinesalite implements this check as today's AWS does: it must answer the same. */
	kinesalite?: true;
};

const cases: Case[] = [
	// ─── Names and patterns ──────────────────────────────────────────────────────────────────
	{
		name: 'a stream name outside the pattern',
		action: 'CreateStream',
		body: {StreamName: 'a b', ShardCount: 1},
		answer: validation(`1 validation error detected: ${pattern('a b', 'streamName')}`),
		kinesalite: true,
	},
	{
		name: 'an empty stream name breaks the pattern, then the length (AWS checks in that order)',
		action: 'DescribeStreamSummary',
		body: {StreamName: ''},
		answer: validation(
			`2 validation errors detected: ${pattern('', 'streamName')}; Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1`,
		),
		kinesalite: true,
	},
	{
		name: 'a long stream name is shown whole',
		action: 'DescribeStream',
		body: {StreamName: long},
		answer: validation(
			`1 validation error detected: Value '${long}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
		),
		kinesalite: true,
	},
	{
		name: 'a shard id outside the pattern, in MergeShards (AWS checks ShardToMerge first)',
		action: 'MergeShards',
		body: {StreamName: STREAM, ShardToMerge: 'a b', AdjacentShardToMerge: 'c/d'},
		answer: validation(
			`2 validation errors detected: ${pattern('a b', 'shardToMerge')}; ${pattern('c/d', 'adjacentShardToMerge')}`,
		),
		kinesalite: true,
	},
	{
		name: 'a StreamARN outside its pattern (today: any stream action may name the stream by ARN)',
		action: 'PutRecords',
		body: {
			StreamARN: 'arn:aws:kinesis:us-east-1:12345:stream/s',
			Records: [{PartitionKey: 'k', Data: ''}],
		},
		answer: validation(
			"1 validation error detected: Value 'arn:aws:kinesis:us-east-1:12345:stream/s' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
		),
	},
	{
		name: 'a consumer name and ARN outside their patterns',
		action: 'DescribeStreamConsumer',
		body: {ConsumerName: 'a b', ConsumerARN: 'consumer'},
		answer: validation(
			`2 validation errors detected: ${pattern('a b', 'consumerName')}; Value 'consumer' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+`,
		),
	},
	// ─── Missing members, and null as missing ────────────────────────────────────────────────
	{
		name: 'CreateStream without a name (ShardCount is optional today: on-demand streams)',
		action: 'CreateStream',
		body: {},
		answer: validation(`1 validation error detected: ${notNull('streamName')}`),
	},
	{
		name: 'null is missing',
		action: 'CreateStream',
		body: {StreamName: null, ShardCount: 1},
		answer: validation(`1 validation error detected: ${notNull('streamName')}`),
		kinesalite: true,
	},
	{
		name: 'PutRecord without its required members (StreamName is optional today: StreamARN)',
		action: 'PutRecord',
		body: {},
		answer: validation(
			`2 validation errors detected: ${notNull('partitionKey')}; ${notNull('data')}`,
		),
	},
	{
		name: 'SplitShard without its members, in AWS order',
		action: 'SplitShard',
		body: {StreamName: STREAM},
		answer: validation(
			`2 validation errors detected: ${notNull('newStartingHashKey')}; ${notNull('shardToSplit')}`,
		),
	},
	{
		name: 'a nested structure without its required member',
		action: 'CreateStream',
		body: {StreamName: 'nested', StreamModeDetails: {}},
		answer: validation(`1 validation error detected: ${notNull('streamModeDetails.streamMode')}`),
	},
	// ─── Several problems at once, in AWS's order ────────────────────────────────────────────
	{
		name: 'every member of PutRecord wrong at once',
		action: 'PutRecord',
		body: {
			StreamName: '',
			PartitionKey: '',
			Data: '',
			ExplicitHashKey: '',
			SequenceNumberForOrdering: '',
		},
		answer: validation(
			'5 validation errors detected: ' +
				"Value '' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
				"Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
				`${pattern('', 'streamName')}; ` +
				"Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
		),
		kinesalite: true,
	},
	{
		name: 'records of PutRecords are checked one by one, each under its own path',
		action: 'PutRecords',
		body: {
			StreamName: STREAM,
			Records: [
				{PartitionKey: 'ok', Data: ''},
				{PartitionKey: 'k'.repeat(257), Data: '', ExplicitHashKey: '-1'},
				{Data: ''},
			],
		},
		answer: validation(
			'3 validation errors detected: ' +
				`Value '${'k'.repeat(257)}' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
				"Value '-1' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
				notNull('records.3.member.partitionKey'),
		),
	},
	{
		name: 'AWS lists at most 10 problems',
		action: 'PutRecords',
		body: {StreamName: STREAM, Records: Array.from({length: 12}, () => ({Data: ''}))},
		answer: validation(
			`10 validation errors detected: ${Array.from({length: 10}, (_, i) => notNull(`records.${i + 1}.member.partitionKey`)).join('; ')}`,
		),
	},
	{
		name: 'empty lists and maps, shown as AWS shows them',
		action: 'AddTagsToStream',
		body: {StreamName: '', Tags: {}},
		answer: validation(
			"3 validation errors detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				`${pattern('', 'streamName')}; ` +
				"Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
		),
		kinesalite: true,
	},
	{
		name: "a list's item breaking its constraint is reported for the list",
		action: 'RemoveTagsFromStream',
		body: {StreamName: STREAM, TagKeys: ['a', long, 'b']},
		answer: validation(
			`1 validation error detected: Value '[a, ${long}, b]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]`,
		),
		kinesalite: true,
	},
	{
		name: 'too many records, each shown as its Java object',
		action: 'PutRecords',
		body: {
			StreamName: STREAM,
			Records: Array.from({length: 501}, () => ({PartitionKey: 'k', Data: ''})),
		},
		answer: validation(
			`1 validation error detected: Value '[${Array(501).fill('com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310').join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
		),
	},
	// ─── Ranges: ValidationException, never InvalidArgumentException ────────────────────────
	{
		name: 'ListStreams Limit below 1',
		action: 'ListStreams',
		body: {Limit: 0},
		answer: validation(
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
		),
		kinesalite: true,
	},
	{
		name: 'ListStreams Limit above 10000',
		action: 'ListStreams',
		body: {Limit: 10_001},
		answer: validation(
			"1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
		),
		kinesalite: true,
	},
	{
		name: 'DescribeStream Limit, before the stream is looked up',
		action: 'DescribeStream',
		body: {StreamName: 'no-such-stream', Limit: 0},
		answer: validation(
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
		),
		kinesalite: true,
	},
	{
		name: 'ListShards MaxResults',
		action: 'ListShards',
		body: {StreamName: STREAM, MaxResults: 10_001},
		answer: validation(
			"1 validation error detected: Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000",
		),
		kinesalite: true,
	},
	{
		name: 'ListTagsForStream Limit (1–50)',
		action: 'ListTagsForStream',
		body: {StreamName: STREAM, Limit: 51},
		answer: validation(
			"1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
		),
	},
	{
		name: 'GetRecords with an empty iterator and a zero Limit, in AWS order',
		action: 'GetRecords',
		body: {ShardIterator: '', Limit: 0},
		answer: validation(
			"2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '' at 'shardIterator' failed to satisfy constraint: Member must have length greater than or equal to 1",
		),
		kinesalite: true,
	},
	// ─── Enums ───────────────────────────────────────────────────────────────────────────────
	{
		name: 'an iterator type outside the enum, its values in the order AWS lists them',
		action: 'GetShardIterator',
		body: {StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'OLDEST'},
		answer: validation(
			"1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
		),
		kinesalite: true,
	},
	{
		name: 'a stream mode outside the enum',
		action: 'CreateStream',
		body: {StreamName: 'mode', StreamModeDetails: {StreamMode: 'SERVERLESS'}},
		answer: validation(
			"1 validation error detected: Value 'SERVERLESS' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
		),
	},
	{
		name: 'UpdateShardCount needs its ScalingType (today: required)',
		action: 'UpdateShardCount',
		body: {StreamName: STREAM, TargetShardCount: 0},
		answer: validation(
			`2 validation errors detected: Value '0' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; ${notNull('scalingType')}`,
		),
	},
	// ─── Data ────────────────────────────────────────────────────────────────────────────────
	{
		name: "a record larger than the stream's record size (1 MiB by default)",
		action: 'PutRecord',
		body: {
			StreamName: STREAM,
			PartitionKey: 'k',
			Data: Buffer.alloc(1024 * 1024 + 1).toString('base64'),
		},
		answer: validation(
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
		),
	},
	// ─── Type mismatches: SerializationException, `Message` ──────────────────────────────────
	{
		name: 'a boolean for a string',
		action: 'DescribeStreamSummary',
		body: {StreamName: true},
		answer: serialization('class java.lang.Boolean can not be converted to an String'),
		kinesalite: true,
	},
	{
		name: 'a number for a string',
		action: 'DescribeStreamSummary',
		body: {StreamName: 12},
		answer: serialization(
			'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
		),
		kinesalite: true,
	},
	{
		name: 'a string for an integer',
		action: 'ListStreams',
		body: {Limit: 'ten'},
		answer: serialization('class java.lang.String can not be converted to an Integer'),
		kinesalite: true,
	},
	{
		name: 'an object for a string',
		action: 'DescribeStreamSummary',
		body: {StreamName: {}},
		answer: serialization('Start of structure or map found where not expected.'),
		kinesalite: true,
	},
	{
		name: 'a list for a string',
		action: 'DescribeStreamSummary',
		body: {StreamName: ['a']},
		answer: serialization('Start of list found where not expected'),
		kinesalite: true,
	},
	{
		name: 'a string for a map',
		action: 'AddTagsToStream',
		body: {StreamName: STREAM, Tags: 'a=b'},
		answer: serialization('Expected map or null'),
		kinesalite: true,
	},
	{
		name: 'a string for a list',
		action: 'PutRecords',
		body: {StreamName: STREAM, Records: 'all of them'},
		answer: serialization('Expected list or null'),
		kinesalite: true,
	},
	{
		name: 'an object for a list',
		action: 'PutRecords',
		body: {StreamName: STREAM, Records: {}},
		answer: serialization('Start of structure or map found where not expected.'),
		kinesalite: true,
	},
	{
		name: 'a string for a structure in a list',
		action: 'PutRecords',
		body: {StreamName: STREAM, Records: ['record']},
		answer: serialization('Expected null'),
		kinesalite: true,
	},
	{
		name: 'a blob whose base64 has a bad length',
		action: 'PutRecord',
		body: {StreamName: STREAM, PartitionKey: 'k', Data: 'abc'},
		answer: serialization(
			"'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
		),
		kinesalite: true,
	},
	{
		name: 'a blob with a character outside base64',
		action: 'PutRecord',
		body: {StreamName: STREAM, PartitionKey: 'k', Data: 'ab-d'},
		answer: serialization("'ab-d' can not be converted to a Blob: Invalid Base64 character: '-'"),
		kinesalite: true,
	},
	{
		name: 'a number for a boolean',
		action: 'DeleteStream',
		body: {StreamName: STREAM, EnforceConsumerDeletion: 1},
		answer: serialization(
			'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean',
		),
	},
	{
		name: 'a string for a timestamp',
		action: 'GetShardIterator',
		body: {
			StreamName: STREAM,
			ShardId: 'shardId-000000000000',
			ShardIteratorType: 'AT_TIMESTAMP',
			Timestamp: 'yesterday',
		},
		answer: serialization(
			'class java.lang.String can not be converted to milliseconds since epoch',
		),
		kinesalite: true,
	},
];

describe('validation over JSON, as AWS answers', () => {
	test.each(cases)('$action: $name', async ({action, body, answer}) => {
		expect(await send(serve, action, body)).toEqual(answer);
	});
});

describe('the same answers as kinesalite (recorded from AWS) where the model has not changed', () => {
	const shared = cases.filter((each) => each.kinesalite);

	test('the shared cases cover every kind of check', () => {
		expect(shared.length).toBeGreaterThanOrEqual(20);
	});

	test.each(shared)('$action: $name', async ({action, body}) => {
		const [ours, theirs] = await Promise.all([
			send(serve, action, body),
			send(kinesalite.endpoint, action, body),
		]);
		expect(ours).toEqual(theirs);
	});
});

describe('validation over CBOR', () => {
	const encoder = new Encoder({useRecords: false, mapsAsObjects: true, tagUint8Array: false});
	const decoder = new Decoder({useRecords: false, mapsAsObjects: true});

	async function sendCbor(action: string, input: unknown) {
		const response = await fetch(serve, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/x-amz-cbor-1.1',
				'X-Amz-Target': `Kinesis_20131202.${action}`,
				...signed,
			},
			body: encoder.encode(input),
		});
		return {
			status: response.status,
			body: decoder.decode(Buffer.from(await response.arrayBuffer())) as unknown,
		};
	}

	test('a PutRecords with a bad name and an oversized key: the same message as in JSON', async () => {
		expect(
			await sendCbor('PutRecords', {
				StreamName: 'a b',
				Records: [{PartitionKey: '', Data: Buffer.from('x')}],
			}),
		).toEqual(
			validation(
				`2 validation errors detected: Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; ${pattern('a b', 'streamName')}`,
			),
		);
	});

	test('a boolean for a string is a SerializationException with Message', async () => {
		expect(await sendCbor('DescribeStreamSummary', {StreamName: false})).toEqual(
			serialization('class java.lang.Boolean can not be converted to an String'),
		);
	});
});

test('a valid request still gets through', async () => {
	const answer = await send(serve, 'DescribeStreamSummary', {StreamName: STREAM});
	expect(answer.status).toBe(200);
	expect(answer.body).toMatchObject({
		StreamDescriptionSummary: {
			StreamName: STREAM,
			StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${STREAM}`,
		},
	});
});

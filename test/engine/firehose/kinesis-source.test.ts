/**
 * KinesisStreamAsSource: the delivery stream reads the local Kinesis stream from TRIM_HORIZON (so
 * records put before it was created are delivered too), once per second per shard, parents before
 * children across a split or merge, and resumes after a restart right after the last record it took.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../../source/engine/clock.js';
import {KinesisEngine} from '../../../source/engine/engine.js';
import {FirehoseEngine} from '../../../source/engine/firehose/firehose-engine.js';
import {removeTemporaryDirectories, shardId, temporaryDirectory} from '../helpers.js';
import {ACCOUNT, destination, deliveredBodies, ROLE} from './helpers.js';

afterEach(removeTemporaryDirectories);

const STREAM = 'clickstream';
const STREAM_ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${STREAM}`;
const NAME = 'clicks-to-s3';
const MIDDLE = String(1n << 127n);

function engines(dataDirectory?: string, clock = new ManualClock()) {
	const kinesis = new KinesisEngine({clock, enforceLimits: false, dataDirectory});
	const engine = new FirehoseEngine({clock, kinesis, dataDirectory});
	return {kinesis, engine, clock};
}

function createFromStream(engine: FirehoseEngine) {
	return engine.createDeliveryStream({
		DeliveryStreamName: NAME,
		DeliveryStreamType: 'KinesisStreamAsSource',
		KinesisStreamSourceConfiguration: {KinesisStreamARN: STREAM_ARN, RoleARN: ROLE},
		ExtendedS3DestinationConfiguration: destination({
			BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60},
			ProcessingConfiguration: {Processors: [{Type: 'AppendDelimiterToRecord'}]},
		}),
	});
}

async function put(kinesis: KinesisEngine, keys: string[], tag: string) {
	const output = await kinesis.putRecords({
		StreamName: STREAM,
		Records: keys.map((key) => ({PartitionKey: key, Data: Buffer.from(`${key}:${tag}`)})),
	});
	expect(output.FailedRecordCount).toBe(0);
}

const lines = (engine: FirehoseEngine) =>
	deliveredBodies(engine, NAME)
		.map(String)
		.join('')
		.split('\n')
		.filter((line) => line !== '');

/** Lines grouped by partition key, each key's lines in delivery order. */
function byKey(delivered: string[]) {
	const groups = new Map<string, string[]>();
	for (const line of delivered) {
		const key = line.split(':')[0];
		groups.set(key, [...(groups.get(key) ?? []), line]);
	}

	return groups;
}

const KEYS = Array.from({length: 40}, (_, i) => `user-${i}`);

describe('KinesisStreamAsSource', () => {
	test('delivers records put before the delivery stream existed (TRIM_HORIZON) and after', async () => {
		const {kinesis, engine, clock} = engines();
		kinesis.createStream({StreamName: STREAM, ShardCount: 2});
		await put(kinesis, KEYS, 'before');
		createFromStream(engine);
		clock.advance(10_000);
		await put(kinesis, KEYS, 'after');
		await engine.tick();
		expect(engine.bufferState(NAME).bufferedRecords).toBe(80);
		clock.advance(60_000);
		await engine.tick();
		const delivered = lines(engine);
		expect(delivered).toHaveLength(80);
		for (const key of KEYS) {
			expect(byKey(delivered).get(key)).toEqual([`${key}:before`, `${key}:after`]);
		}
	});

	test('reads each shard once per second', async () => {
		const {kinesis, engine, clock} = engines();
		kinesis.createStream({StreamName: STREAM, ShardCount: 1});
		createFromStream(engine);
		await engine.tick();
		await put(kinesis, ['a'], '1');
		clock.advance(999);
		await engine.tick();
		expect(engine.bufferState(NAME).bufferedRecords).toBe(0);
		clock.advance(1);
		await engine.tick();
		expect(engine.bufferState(NAME).bufferedRecords).toBe(1);
	});

	test('follows a split: parent to its end, then the children, keeping each key in order', async () => {
		const {kinesis, engine, clock} = engines();
		kinesis.createStream({StreamName: STREAM, ShardCount: 1});
		await put(kinesis, KEYS, 'v1');
		createFromStream(engine);
		await engine.tick();
		await put(kinesis, KEYS, 'v2');
		kinesis.splitShard({StreamName: STREAM, ShardToSplit: shardId(0), NewStartingHashKey: MIDDLE});
		await put(kinesis, KEYS, 'v3');
		clock.advance(1000);
		await engine.tick();
		expect(engine.bufferState(NAME).sourceError).toBeUndefined();
		expect(engine.bufferState(NAME).bufferedRecords).toBe(120);
		await put(kinesis, KEYS, 'v4');
		clock.advance(1000);
		await engine.tick();
		clock.advance(60_000);
		await engine.tick();
		const delivered = lines(engine);
		expect(delivered).toHaveLength(160);
		for (const key of KEYS) {
			expect(byKey(delivered).get(key)).toEqual(['v1', 'v2', 'v3', 'v4'].map((v) => `${key}:${v}`));
		}
	});

	test('follows a merge', async () => {
		const {kinesis, engine, clock} = engines();
		kinesis.createStream({StreamName: STREAM, ShardCount: 2});
		await put(kinesis, KEYS, 'v1');
		kinesis.mergeShards({
			StreamName: STREAM,
			ShardToMerge: shardId(0),
			AdjacentShardToMerge: shardId(1),
		});
		await put(kinesis, KEYS, 'v2');
		createFromStream(engine);
		await engine.tick();
		clock.advance(60_000);
		await engine.tick();
		const delivered = lines(engine);
		expect(delivered).toHaveLength(80);
		for (const key of KEYS) {
			expect(byKey(delivered).get(key)).toEqual([`${key}:v1`, `${key}:v2`]);
		}
	});

	test('after a restart, reading resumes after the last record taken: nothing lost, nothing twice', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const first = engines(dataDirectory, clock);
		first.kinesis.createStream({StreamName: STREAM, ShardCount: 2});
		await put(first.kinesis, KEYS, 'a');
		createFromStream(first.engine);
		await first.engine.tick();
		// One buffer delivered, one buffered only on disk when the engine closes.
		clock.advance(60_000);
		await first.engine.tick();
		const metadataFile = join(dataDirectory, 'firehose', 'metadata.json');
		const savedAtDelivery = readFileSync(metadataFile);
		await put(first.kinesis, KEYS, 'b');
		clock.advance(1000);
		await first.engine.tick();
		expect(first.engine.bufferState(NAME).bufferedRecords).toBe(40);
		await first.engine.close();
		await first.kinesis.close();
		// As after a crash: the saved positions predate the 'b' records, which only the buffer file holds.
		writeFileSync(metadataFile, savedAtDelivery);

		const second = engines(dataDirectory, clock);
		await put(second.kinesis, KEYS, 'c');
		clock.advance(1000);
		await second.engine.tick();
		clock.advance(60_000);
		await second.engine.tick();
		const delivered = [
			...second.engine
				.listObjects('landing')
				.flatMap((object) => String(second.engine.getObject('landing', object.key)).split('\n')),
		].filter((line) => line !== '');
		expect(delivered.sort()).toEqual(
			KEYS.flatMap((key) => ['a', 'b', 'c'].map((tag) => `${key}:${tag}`)).sort(),
		);
		await second.engine.close();
		await second.kinesis.close();
	});

	test('the description shows the source; PutRecord and PutRecordBatch are refused', async () => {
		const {kinesis, engine, clock} = engines();
		kinesis.createStream({StreamName: STREAM, ShardCount: 1});
		clock.advance(5000);
		const {DeliveryStreamARN} = createFromStream(engine);
		expect(DeliveryStreamARN).toBe(`arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/${NAME}`);
		const description = engine.describeDeliveryStream({
			DeliveryStreamName: NAME,
		}).DeliveryStreamDescription;
		expect(description.DeliveryStreamType).toBe('KinesisStreamAsSource');
		expect(description.Source).toEqual({
			KinesisStreamSourceDescription: {
				KinesisStreamARN: STREAM_ARN,
				RoleARN: ROLE,
				DeliveryStartTimestamp: new Date(clock.now()),
			},
		});
		const message =
			'This operation is not permitted on KinesisStreamAsSource delivery stream type.';
		await expect(
			engine.putRecord({DeliveryStreamName: NAME, Record: {Data: Buffer.from('x')}}),
		).rejects.toMatchObject({code: 'InvalidArgumentException', message});
		await expect(
			engine.putRecordBatch({DeliveryStreamName: NAME, Records: [{Data: Buffer.from('x')}]}),
		).rejects.toMatchObject({code: 'InvalidArgumentException', message});
		expect(
			engine.listDeliveryStreams({DeliveryStreamType: 'DirectPut'}).DeliveryStreamNames,
		).toEqual([]);
		expect(
			engine.listDeliveryStreams({DeliveryStreamType: 'KinesisStreamAsSource'}).DeliveryStreamNames,
		).toEqual([NAME]);
	});

	test('a source stream that does not exist is refused at creation; one deleted later shows as a source error', async () => {
		const {kinesis, engine, clock} = engines();
		expect(() => createFromStream(engine)).toThrow(
			expect.objectContaining({
				code: 'InvalidArgumentException',
				message: `Stream ${STREAM} under account ${ACCOUNT} not found.`,
			}),
		);
		kinesis.createStream({StreamName: STREAM, ShardCount: 1});
		createFromStream(engine);
		kinesis.deleteStream({StreamName: STREAM});
		clock.advance(1000);
		await engine.tick();
		expect(engine.bufferState(NAME).sourceError).toMatchObject({
			code: 'ResourceNotFoundException',
			at: clock.now(),
		});
	});

	test('AT_DELIVERY_START skips what the stream held before the delivery stream was created', async () => {
		const clock = new ManualClock();
		const kinesis = new KinesisEngine({clock, enforceLimits: false});
		const engine = new FirehoseEngine({
			clock,
			kinesis,
			sourceStartingPosition: 'AT_DELIVERY_START',
		});
		kinesis.createStream({StreamName: STREAM, ShardCount: 1});
		await put(kinesis, ['old'], 'x');
		clock.advance(1);
		createFromStream(engine);
		await put(kinesis, ['new'], 'x');
		await engine.tick();
		clock.advance(60_000);
		await engine.tick();
		expect(lines(engine)).toEqual(['new:x']);
	});
});

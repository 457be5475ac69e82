/**
 * An engine disk failure on the wire (issue 20 §2): the request that hit it is answered InternalFailure
 * (500) with the cause in the message, as the SDKs expect of a server-side fault; reads keep working.
 */
import {afterEach, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {removeTemporaryDirectories, temporaryDirectory} from '../engine/helpers.js';
import {FailingFileSystem} from '../engine/log/failing-file-system.js';

afterEach(removeTemporaryDirectories);

const signed = {
	Authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
	'X-Amz-Date': '20260101T000000Z',
};

async function call(url: string, target: string, input: unknown) {
	const response = await fetch(url, {
		method: 'POST',
		headers: {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target, ...signed},
		body: JSON.stringify(input),
	});
	return {status: response.status, body: (await response.json()) as Record<string, unknown>};
}

test('a put the disk refuses is answered InternalFailure (500) naming the cause; reads are answered as before', async () => {
	const files = new FailingFileSystem();
	const backend = LocalBackend.open({
		dataDirectory: temporaryDirectory(),
		files,
		enforceLimits: false,
		createDelayMs: 0,
	});
	const told: string[] = [];
	backend.onDiskFailure((message) => told.push(message));
	const server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
	const url = await server.start();
	try {
		const kinesis = (action: string, input: unknown) =>
			call(url, `Kinesis_20131202.${action}`, input);
		await kinesis('CreateStream', {StreamName: 'wire', ShardCount: 1});
		const data = Buffer.from('stored').toString('base64');
		expect(
			(await kinesis('PutRecord', {StreamName: 'wire', PartitionKey: 'k', Data: data})).status,
		).toBe(200);

		files.fail('write', 'ENOSPC');
		const refused = await kinesis('PutRecord', {StreamName: 'wire', PartitionKey: 'k', Data: data});
		expect(refused.status).toBe(500);
		expect(refused.body).toEqual({
			__type: 'InternalFailure',
			message: expect.stringMatching(/the disk is full \(ENOSPC\)/),
		});

		const {body: shards} = await kinesis('ListShards', {StreamName: 'wire'});
		const [shard] = shards.Shards as Array<{ShardId: string}>;
		const {body: iterator} = await kinesis('GetShardIterator', {
			StreamName: 'wire',
			ShardId: shard.ShardId,
			ShardIteratorType: 'TRIM_HORIZON',
		});
		const read = await kinesis('GetRecords', {ShardIterator: iterator.ShardIterator});
		expect(read.status).toBe(200);
		expect((read.body.Records as unknown[]).length).toBe(1);

		// Firehose's buffers, on the same failing disk.
		const firehose = (action: string, input: unknown) =>
			call(url, `Firehose_20150804.${action}`, input);
		await firehose('CreateDeliveryStream', {
			DeliveryStreamName: 'wire-archive',
			ExtendedS3DestinationConfiguration: {
				RoleARN: 'arn:aws:iam::000000000000:role/firehose',
				BucketARN: 'arn:aws:s3:::archive',
			},
		});
		files.fail('writeSync', 'ENOSPC');
		const archived = await firehose('PutRecord', {
			DeliveryStreamName: 'wire-archive',
			Record: {Data: data},
		});
		expect(archived.status).toBe(500);
		expect(archived.body).toMatchObject({__type: 'InternalFailure'});
		expect(told).toEqual([
			expect.stringMatching(/could not write .*ENOSPC/),
			expect.stringMatching(/could not write .*buf.*ENOSPC/),
		]);
	} finally {
		await server.stop();
		files.heal();
		await backend.close();
	}
});

/** `serve --create` specs, and creating them on an engine that may already have them. */
import {describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {FirehoseEngine} from '../../source/engine/firehose/firehose-engine.js';
import {createStartupStreams, parseStartupStream} from '../../source/server/startup-streams.js';

describe('parseStartupStream', () => {
	test.each([
		['orders', {kind: 'stream', name: 'orders', shards: undefined, onDemand: false}],
		['orders:4', {kind: 'stream', name: 'orders', shards: 4, onDemand: false}],
		['clicks:2:on-demand', {kind: 'stream', name: 'clicks', shards: 2, onDemand: true}],
		['clicks:on-demand', {kind: 'stream', name: 'clicks', shards: undefined, onDemand: true}],
		['a.b_c-1:provisioned', {kind: 'stream', name: 'a.b_c-1', shards: undefined, onDemand: false}],
		['kinesis:firehose:2', {kind: 'stream', name: 'firehose', shards: 2, onDemand: false}],
		['firehose:archive', {kind: 'deliveryStream', name: 'archive', source: undefined}],
		['firehose:archive:orders', {kind: 'deliveryStream', name: 'archive', source: 'orders'}],
	])('%s', (spec, expected) => {
		expect(parseStartupStream(spec)).toEqual(expected);
	});

	test.each([
		['', 'a stream name is 1 to 128 letters, digits, _ . or -'],
		['x'.repeat(129), 'a stream name is 1 to 128 letters, digits, _ . or -'],
		['orders:4:5', '"5" is neither a shard count nor a mode'],
		['orders:on-demand:provisioned', '"provisioned" is neither a shard count nor a mode'],
		['orders:10001', 'shards must be from 1 to 10000'],
		['firehose', 'a delivery stream name is 1 to 64 letters, digits, _ . or -'],
		['firehose:a:b:c', 'too many parts'],
		['firehose:a:b c', 'the source is a stream name: 1 to 128 letters, digits, _ . or -'],
	])('"%s" is refused: %s', (spec, why) => {
		expect(() => parseStartupStream(spec)).toThrow(`--create "${spec}": ${why} (`);
	});
});

describe('createStartupStreams', () => {
	test('creates what is missing, leaves what exists, and resolves once all are ACTIVE', async () => {
		const kinesis = new KinesisEngine({createDelayMs: 200});
		const firehose = new FirehoseEngine({kinesis, createDelayMs: 200});
		try {
			kinesis.createStream({StreamName: 'old', ShardCount: 3});
			const said: string[] = [];
			await createStartupStreams(
				['old:1', 'new:on-demand', 'firehose:hose:new'].map((spec) => parseStartupStream(spec)),
				{kinesis, firehose, say: (line) => said.push(line), activeWithinMs: 5000},
			);
			expect(said).toEqual([
				'stream old already exists (3 open shards, PROVISIONED): left as it is',
				'created stream new (4 shards, ON_DEMAND)',
				'created delivery stream hose',
			]);
			for (const name of ['old', 'new']) {
				expect(kinesis.describeStreamSummary({StreamName: name}).StreamStatus).toBe('ACTIVE');
			}

			const hose = firehose.describeDeliveryStream({
				DeliveryStreamName: 'hose',
			}).DeliveryStreamDescription;
			expect(hose.DeliveryStreamStatus).toBe('ACTIVE');
			expect(hose.DeliveryStreamType).toBe('KinesisStreamAsSource');
		} finally {
			await firehose.close();
			await kinesis.close();
		}
	});

	test('a delivery stream reading a stream that does not exist is an error naming it', async () => {
		const kinesis = new KinesisEngine();
		const firehose = new FirehoseEngine({kinesis});
		try {
			await expect(
				createStartupStreams([parseStartupStream('firehose:hose:missing')], {
					kinesis,
					firehose,
					say: () => undefined,
					activeWithinMs: 1000,
				}),
			).rejects.toMatchObject({
				code: 'ResourceNotFoundException',
				message: expect.stringContaining('missing') as string,
			});
		} finally {
			await firehose.close();
			await kinesis.close();
		}
	});
});

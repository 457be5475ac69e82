import {gunzipSync} from 'node:zlib';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {DEMO_ARCHIVE} from '../../source/demo/archive.js';
import {DEMO_STREAMS, startDemo, type Demo} from '../../source/demo/demo.js';
import {clickstream, CLICK_USERS, type LogsEnvelope} from '../../source/demo/generators.js';
import {mulberry32} from '../../source/demo/random.js';
import {Zipf} from '../../source/demo/zipf.js';
import type {Driver, KinesisRecord} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import {waitFor} from '../helpers/wait-for.js';

const running: Array<{demo?: Demo; driver: Driver}> = [];
afterEach(async () => {
	vi.useRealTimers();
	for (const {demo, driver} of running.splice(0)) {
		await demo?.stop();
		await driver.close();
	}
});

function open(options: {enforceLimits?: boolean} = {}) {
	const driver = LocalDriver.open({enforceLimits: options.enforceLimits ?? false});
	const entry: {demo?: Demo; driver: Driver} = {driver};
	running.push(entry);
	return {
		driver,
		start(demoOptions: Parameters<typeof startDemo>[1] = {}) {
			entry.demo = startDemo(driver, {seed: 7, ...demoOptions});
			return entry.demo;
		},
	};
}

async function readShard(driver: Driver, stream: string, shardId: string) {
	let iterator: string | undefined = await driver.getShardIterator(stream, shardId, {
		type: 'TRIM_HORIZON',
	});
	const records: KinesisRecord[] = [];
	while (iterator) {
		const page = await driver.getRecords(iterator, 10_000);
		records.push(...page.Records);
		if (page.Records.length === 0) break;
		iterator = page.NextShardIterator;
	}

	return records;
}

async function readStream(driver: Driver, stream: string) {
	const description = await driver.describeStream(stream);
	const records: KinesisRecord[] = [];
	for (const shard of description.Shards) {
		records.push(...(await readShard(driver, stream, shard.ShardId)));
	}

	return records;
}

const decoder = new TextDecoder();

describe('startDemo', () => {
	test('creates the three demo streams with their shard counts and feeds them', async () => {
		const {driver, start} = open();
		const demo = start({rate: 1000});
		await waitFor(() => Object.values(demo.stats().perStream).every((s) => s.sent > 0), {
			message: 'records in every demo stream',
		});
		expect((await driver.listStreams()).sort()).toEqual(['app-logs', 'clickstream', 'orders']);
		for (const spec of DEMO_STREAMS) {
			const summary = await driver.describeStreamSummary(spec.name);
			expect(summary.OpenShardCount).toBe(spec.shardCount);
			expect(summary.StreamModeDetails.StreamMode).toBe('PROVISIONED');
		}

		expect(demo.stats()).toMatchObject({errors: 0, dropped: 0});
	});

	test('on the local engine it archives clickstream through a Kinesis-sourced delivery stream', async () => {
		const {driver, start} = open();
		start({rate: 1000});
		await waitFor(async () => (await driver.listDeliveryStreams()).includes(DEMO_ARCHIVE.name), {
			message: 'the archive delivery stream',
		});
		const detail = await driver.describeDeliveryStream(DEMO_ARCHIVE.name);
		expect(detail.Source?.KinesisStreamSourceDescription?.KinesisStreamARN).toMatch(
			/:stream\/clickstream$/,
		);
		expect(detail.Buffer).toMatchObject({
			Estimate: false,
			SizeLimitBytes: DEMO_ARCHIVE.sizeInMBs * 1024 * 1024,
			IntervalMillis: DEMO_ARCHIVE.intervalInSeconds * 1000,
		});
		// Firehose reads the source about once a second: the clicks then fill the archive's buffer.
		await waitFor(
			async () =>
				((await driver.describeDeliveryStream(DEMO_ARCHIVE.name)).Buffer.BufferedRecords ?? 0) > 0,
			{message: 'clicks buffered in the archive', timeoutMs: 10_000},
		);
	});

	test('clicks and orders are JSON, app-logs are gzipped CloudWatch Logs envelopes', async () => {
		const {driver, start} = open();
		const demo = start({rate: 1000});
		await waitFor(() => demo.stats().perStream['app-logs'].sent >= 5, {
			message: 'app-logs records',
		});
		await demo.stop();

		const clicks = await readStream(driver, 'clickstream');
		expect(clicks.length).toBeGreaterThan(0);
		for (const record of clicks) {
			const click = JSON.parse(decoder.decode(record.Data));
			expect(click).toMatchObject({
				user_id: record.PartitionKey,
				page: expect.any(String),
				action: expect.any(String),
				referrer: expect.any(String),
				latency_ms: expect.any(Number),
			});
			expect(Number.isNaN(Date.parse(click.ts))).toBe(false);
		}

		const orders = await readStream(driver, 'orders');
		expect(orders.length).toBeGreaterThan(0);
		for (const record of orders) {
			const order = JSON.parse(decoder.decode(record.Data));
			expect(order.order_id).toBe(record.PartitionKey);
			expect(order.items.length).toBeGreaterThan(0);
			const sum = order.items.reduce(
				(total: number, item: {quantity: number; unit_price: number}) =>
					total + item.quantity * item.unit_price,
				0,
			);
			expect(order.total).toBeCloseTo(sum, 2);
			expect(['USD', 'EUR', 'GBP']).toContain(order.currency);
		}

		const logs = await readStream(driver, 'app-logs');
		expect(logs.length).toBeGreaterThanOrEqual(5);
		for (const record of logs) {
			expect([...record.Data.subarray(0, 2)]).toEqual([0x1f, 0x8b]); // gzip magic
			const envelope = JSON.parse(gunzipSync(record.Data).toString('utf8')) as LogsEnvelope;
			expect(envelope).toMatchObject({
				messageType: 'DATA_MESSAGE',
				owner: '000000000000',
				logGroup: expect.stringMatching(/^\//),
				logStream: expect.any(String),
				subscriptionFilters: ['kinesis-top-demo'],
			});
			expect(envelope.logEvents.length).toBeGreaterThan(0);
			for (const event of envelope.logEvents) {
				expect(event.id).toMatch(/^\d{56}$/);
				expect(typeof event.timestamp).toBe('number');
				expect(typeof event.message).toBe('string');
			}
		}
	});

	test('the hot user makes its clickstream shard the busiest one', async () => {
		const {driver, start} = open();
		const demo = start({rate: 3000, tickMs: 20});
		await waitFor(() => demo.stats().perStream.clickstream.sent >= 3000, {message: 'clicks'});
		await demo.stop();
		const {Shards} = await driver.describeStream('clickstream');
		const perShard = new Map<string, number>();
		const perKey = new Map<string, {count: number; shardId: string}>();
		for (const shard of Shards) {
			const records = await readShard(driver, 'clickstream', shard.ShardId);
			perShard.set(shard.ShardId, records.length);
			for (const {PartitionKey} of records) {
				const entry = perKey.get(PartitionKey) ?? {count: 0, shardId: shard.ShardId};
				entry.count++;
				perKey.set(PartitionKey, entry);
			}
		}

		const total = [...perShard.values()].reduce((sum, count) => sum + count, 0);
		const hottest = [...perKey.values()].sort((a, b) => b.count - a.count)[0];
		expect(hottest.count / total).toBeGreaterThan(0.1);
		expect(perShard.get(hottest.shardId)).toBe(Math.max(...perShard.values()));
		expect(perShard.get(hottest.shardId)! / total).toBeGreaterThan(0.3); // uniform would be 0.25
	});

	test('splits the rate about 70/20/10 and keeps close to it', async () => {
		const {start} = open();
		const demo = start({rate: 2000, tickMs: 20});
		await waitFor(() => demo.stats().sent >= 2000, {message: '2,000 records'});
		const {perStream} = demo.stats();
		const total = perStream.clickstream.sent + perStream.orders.sent + perStream['app-logs'].sent;
		expect(perStream.clickstream.sent / total).toBeCloseTo(0.7, 1);
		expect(perStream.orders.sent / total).toBeCloseTo(0.2, 1);
		expect(perStream['app-logs'].sent / total).toBeCloseTo(0.1, 1);
	});

	/** Drives a controlled clock until `enough` holds (the demo's ticks are its timers). */
	async function advanceUntil(enough: () => boolean) {
		for (let step = 0; step < 2000 && !enough(); step++) await vi.advanceTimersByTimeAsync(10);
		expect(enough()).toBe(true);
	}

	test('stop() stops the traffic', async () => {
		// On a controlled clock from the start, so that a timer stop() left behind would fire below.
		vi.useFakeTimers();
		const {start} = open();
		const demo = start({rate: 1000});
		await advanceUntil(() => demo.stats().sent > 50);
		await demo.stop();
		const sent = demo.stats().sent;
		// Ten seconds more, at 1,000 records a second: nothing.
		await vi.advanceTimersByTimeAsync(10_000);
		expect(demo.stats().sent).toBe(sent);
		await demo.stop(); // idempotent
	});

	test('an aborted signal stops it too', async () => {
		vi.useFakeTimers();
		const {start} = open();
		const controller = new AbortController();
		const demo = start({rate: 1000, signal: controller.signal});
		await advanceUntil(() => demo.stats().sent > 0);
		controller.abort();
		await demo.stop();
		const sent = demo.stats().sent;
		await vi.advanceTimersByTimeAsync(10_000);
		expect(demo.stats().sent).toBe(sent);
	});

	test('throttled entries are retried on the next tick, not lost', async () => {
		// 4,000/s into clickstream's 4 shards (1,000 records/s each, the hot one more) must throttle.
		const {driver, start} = open({enforceLimits: true});
		const demo = start({rate: 5_700});
		await waitFor(() => demo.stats().throttled > 0, {message: 'throttling'});
		await demo.stop();
		const stats = demo.stats();
		expect(stats.errors).toBe(0);
		expect(stats.dropped).toBe(0);
		const stored = (await readStream(driver, 'clickstream')).length;
		expect(stored).toBe(stats.perStream.clickstream.sent);
	});

	test('failures are counted, never thrown', async () => {
		const driver = readOnly(LocalDriver.open({}));
		running.push({driver});
		const demo = startDemo(driver, {rate: 100});
		running[running.length - 1].demo = demo;
		await waitFor(() => Object.values(demo.stats().perStream).every((s) => s.phase === 'gone'), {
			message: 'all streams given up',
		});
		expect(demo.stats().errors).toBe(3);
		expect(demo.stats().lastError).toMatch(/AccessDeniedException/);
	});

	test('a stream deleted under it is given up, the others go on', async () => {
		const {driver, start} = open();
		const demo = start({rate: 1000});
		await waitFor(() => demo.stats().perStream.orders.sent > 0, {message: 'orders traffic'});
		await driver.deleteStream('orders');
		await waitFor(() => demo.stats().perStream.orders.phase === 'gone', {
			message: 'orders given up',
		});
		const clicks = demo.stats().perStream.clickstream.sent;
		await waitFor(() => demo.stats().perStream.clickstream.sent > clicks, {message: 'more clicks'});
		expect(await driver.listStreams()).not.toContain('orders');
		expect(demo.stats().lastError).toMatch(/ResourceNotFoundException/);
	});
});

describe('Zipf keys', () => {
	test('the sampler follows 1/k^s', () => {
		const zipf = new Zipf(CLICK_USERS, 1.1);
		const random = mulberry32(1);
		const counts = new Map<number, number>();
		const draws = 200_000;
		for (let i = 0; i < draws; i++) {
			const rank = zipf.sample(random);
			counts.set(rank, (counts.get(rank) ?? 0) + 1);
		}

		for (const rank of [1, 2, 10]) {
			expect((counts.get(rank) ?? 0) / draws).toBeCloseTo(zipf.probability(rank), 2);
		}

		expect(zipf.probability(1) / zipf.probability(2)).toBeCloseTo(2 ** 1.1, 6);
	});

	test('one user is far hotter than the median one, so one clickstream shard runs hot', () => {
		const generate = clickstream(mulberry32(3));
		const counts = new Map<string, number>();
		for (let i = 0; i < 50_000; i++) {
			const key = generate(0).PartitionKey;
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}

		const sorted = [...counts.values()].sort((a, b) => b - a);
		const median = sorted[Math.floor(sorted.length / 2)];
		expect(sorted[0]).toBeGreaterThan(100 * median);
		expect(sorted[0] / 50_000).toBeGreaterThan(0.1);
	});
});

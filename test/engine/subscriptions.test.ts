import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine, type EngineOptions} from '../../source/engine/engine.js';
import type {SubscribeToShardEvent} from '../../source/engine/subscriptions.js';
import {
	ACCOUNT,
	asyncKinesisError,
	bytes,
	drain,
	expectKinesisError,
	removeTemporaryDirectories,
	shardId,
	text,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const START = Date.UTC(2026, 0, 1);
const ARN = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;
const S0 = shardId(0);

const engines: KinesisEngine[] = [];
afterEach(async () => {
	for (const engine of engines.splice(0)) await engine.close();
});

function setup(options: EngineOptions = {}) {
	const clock = new ManualClock(START);
	const kinesis = new KinesisEngine({
		clock,
		enforceLimits: false,
		subscriptionPollMs: 5,
		...options,
	});
	engines.push(kinesis);
	kinesis.createStream({StreamName: 's', ShardCount: 1});
	const consumer = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'app'}).Consumer
		.ConsumerARN;
	return {clock, kinesis, consumer};
}

const iterate = <T>(iterable: AsyncIterable<T>) => iterable[Symbol.asyncIterator]();

/** The iterator's next result, failing the test if none comes within the deadline. */
async function next<T>(iterator: AsyncIterator<T>, deadlineMs = 5000): Promise<IteratorResult<T>> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`nothing within ${deadlineMs} ms`)), deadlineMs);
	});
	try {
		return await Promise.race([iterator.next(), late]);
	} finally {
		clearTimeout(timer);
	}
}

async function nextEvent(iterator: AsyncIterator<SubscribeToShardEvent>) {
	const result = await next(iterator);
	expect(result.done).toBe(false);
	return result.value as SubscribeToShardEvent;
}

/** Events until one has records (skipping empty ones), within the deadline. */
async function eventWithRecords(iterator: AsyncIterator<SubscribeToShardEvent>) {
	while (true) {
		const event = await nextEvent(iterator);
		if (event.Records.length > 0) return event;
	}
}

const put = (kinesis: KinesisEngine, data: string, stream = 's') =>
	kinesis.putRecord({StreamName: stream, PartitionKey: data, Data: bytes(data)});

describe('SubscribeToShard', () => {
	test('pushes the records put after subscribing, with a continuation sequence number', async () => {
		const {kinesis, consumer} = setup();
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		const first = await nextEvent(events);
		expect(first.Records).toEqual([]);
		expect(first.MillisBehindLatest).toBe(0);
		expect(first.ContinuationSequenceNumber).toMatch(/^\d{56}$/);
		const a = await put(kinesis, 'a');
		const b = await put(kinesis, 'b');
		const records = [];
		while (records.length < 2) records.push(...(await eventWithRecords(events)).Records);
		expect(records.map((record) => text(record.Data))).toEqual(['a', 'b']);
		expect(records.map((record) => record.SequenceNumber)).toEqual([
			a.SequenceNumber,
			b.SequenceNumber,
		]);
		expect(records[1].PartitionKey).toBe('b');
		await events.return?.();
	});

	test('resuming AFTER the continuation sequence number misses nothing and repeats nothing', async () => {
		const {clock, kinesis, consumer} = setup();
		const subscribe = (
			StartingPosition: Parameters<KinesisEngine['subscribeToShard']>[0]['StartingPosition'],
		) => iterate(kinesis.subscribeToShard({ConsumerARN: consumer, ShardId: S0, StartingPosition}));
		// An empty stream's continuation: resuming after it still gets the very first record.
		let events = subscribe({Type: 'TRIM_HORIZON'});
		const empty = await nextEvent(events);
		expect(empty.Records).toEqual([]);
		await events.return?.();
		await put(kinesis, 'first');
		clock.advance(5000);
		events = subscribe({
			Type: 'AFTER_SEQUENCE_NUMBER',
			SequenceNumber: empty.ContinuationSequenceNumber,
		});
		const got = await eventWithRecords(events);
		expect(got.Records.map((record) => text(record.Data))).toEqual(['first']);
		await events.return?.();
		await put(kinesis, 'second');
		clock.advance(5000);
		events = subscribe({
			Type: 'AFTER_SEQUENCE_NUMBER',
			SequenceNumber: got.ContinuationSequenceNumber,
		});
		expect((await eventWithRecords(events)).Records.map((record) => text(record.Data))).toEqual([
			'second',
		]);
		await events.return?.();
	});

	test('starts at TRIM_HORIZON, AT/AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP as GetShardIterator does', async () => {
		const {clock, kinesis, consumer} = setup();
		const results = [];
		for (const data of ['a', 'b', 'c']) {
			results.push(await put(kinesis, data));
			clock.advance(1000);
		}

		const firstRecords = async (
			StartingPosition: Parameters<KinesisEngine['subscribeToShard']>[0]['StartingPosition'],
		) => {
			const events = iterate(
				kinesis.subscribeToShard({ConsumerARN: consumer, ShardId: S0, StartingPosition}),
			);
			const event = await nextEvent(events);
			await events.return?.();
			clock.advance(5000);
			// Never null while the shard is open, and a number of this shard to resume after.
			expect(event.ContinuationSequenceNumber).toMatch(/^\d{56}$/);
			const resumed = drain(
				kinesis,
				kinesis.getShardIterator({
					StreamName: 's',
					ShardId: S0,
					ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
					StartingSequenceNumber: event.ContinuationSequenceNumber!,
				}).ShardIterator,
			).records;
			expect(resumed).toEqual([]);
			return event.Records.map((record) => text(record.Data));
		};

		expect(await firstRecords({Type: 'TRIM_HORIZON'})).toEqual(['a', 'b', 'c']);
		expect(
			await firstRecords({Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: results[1].SequenceNumber}),
		).toEqual(['b', 'c']);
		expect(
			await firstRecords({
				Type: 'AFTER_SEQUENCE_NUMBER',
				SequenceNumber: results[1].SequenceNumber,
			}),
		).toEqual(['c']);
		expect(await firstRecords({Type: 'AT_TIMESTAMP', Timestamp: new Date(START + 2000)})).toEqual([
			'c',
		]);
		expect(await firstRecords({Type: 'LATEST'})).toEqual([]);
	});

	test('MillisBehindLatest says how far behind the records of an event are', async () => {
		const {clock, kinesis, consumer} = setup({enforceLimits: true});
		// 3 records of ~1 MiB: with the 2 MiB/s read limit the first event cannot carry them all.
		for (let i = 0; i < 3; i++) {
			await kinesis.putRecord({
				StreamName: 's',
				PartitionKey: `k${i}`,
				Data: new Uint8Array(1000 * 1024),
			});
			clock.advance(1000);
		}

		clock.advance(10_000);
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'TRIM_HORIZON'},
			}),
		);
		const first = await nextEvent(events);
		expect(first.Records).toHaveLength(2);
		// Now is 13 s after the first put; the last record of the event arrived 1 s after it.
		expect(first.MillisBehindLatest).toBe(12_000);
		clock.advance(1000);
		const second = await eventWithRecords(events);
		expect(second.Records).toHaveLength(1);
		expect(second.MillisBehindLatest).toBe(0);
		await events.return?.();
	});

	test('with no new records an empty event comes every 5 seconds of engine time', async () => {
		const {clock, kinesis, consumer} = setup();
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		const first = await nextEvent(events);
		clock.advance(5000);
		const heartbeat = await nextEvent(events);
		expect(heartbeat.Records).toEqual([]);
		expect(heartbeat.ContinuationSequenceNumber).toBe(first.ContinuationSequenceNumber);
		await events.return?.();
	});

	test('ends after its lifetime on the engine clock (5 minutes by default)', async () => {
		const {clock, kinesis, consumer} = setup();
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		await nextEvent(events);
		clock.advance(299_999);
		// Still open: a record put now is delivered.
		await put(kinesis, 'late');
		expect((await eventWithRecords(events)).Records.map((record) => text(record.Data))).toEqual([
			'late',
		]);
		clock.advance(1);
		while (!(await next(events)).done) {
			// Any event still queued before the end.
		}
	});

	test('the lifetime is configurable', async () => {
		const {clock, kinesis, consumer} = setup({subscriptionLifetimeMs: 1000});
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		await nextEvent(events);
		clock.advance(1000);
		expect((await next(events)).done).toBe(true);
	});

	test('at the end of a split shard: a last event with ChildShards and no continuation', async () => {
		const {kinesis, consumer} = setup();
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'TRIM_HORIZON'},
			}),
		);
		await nextEvent(events);
		await put(kinesis, 'before');
		kinesis.splitShard({StreamName: 's', ShardToSplit: S0, NewStartingHashKey: String(2n ** 127n)});
		const seen: SubscribeToShardEvent[] = [];
		let result = await next(events);
		while (!result.done) {
			seen.push(result.value);
			result = await next(events);
		}

		const last = seen.at(-1)!;
		expect(seen.flatMap((event) => event.Records).map((record) => text(record.Data))).toEqual([
			'before',
		]);
		expect(last.ContinuationSequenceNumber).toBeUndefined();
		expect(last.ChildShards).toEqual([
			{
				ShardId: shardId(1),
				ParentShards: [S0],
				HashKeyRange: {StartingHashKey: '0', EndingHashKey: String(2n ** 127n - 1n)},
			},
			{
				ShardId: shardId(2),
				ParentShards: [S0],
				HashKeyRange: {
					StartingHashKey: String(2n ** 127n),
					EndingHashKey: String(2n ** 128n - 1n),
				},
			},
		]);
	});

	test('a second subscription within 5 seconds is refused; after that it takes over', async () => {
		const {clock, kinesis, consumer} = setup();
		const subscribe = () =>
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			});
		const first = iterate(subscribe());
		await nextEvent(first);
		clock.advance(4999);
		expectKinesisError(
			subscribe,
			'ResourceInUseException',
			`Another active subscription exists for this consumer: ${ACCOUNT}:s:${S0}:app`,
		);
		clock.advance(1);
		const second = iterate(subscribe());
		await nextEvent(second);
		const error = await asyncKinesisError(async () => {
			while (!(await next(first)).done) {
				// Until the taken-over subscription fails.
			}
		});
		expect(error.code).toBe('ResourceInUseException');
		await second.return?.();
	});

	test('a subscription that has ended no longer blocks a new one', async () => {
		const {kinesis, consumer} = setup();
		const subscription = kinesis.subscribeToShard({
			ConsumerARN: consumer,
			ShardId: S0,
			StartingPosition: {Type: 'LATEST'},
		});
		subscription.cancel();
		const again = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		await nextEvent(again);
		await again.return?.();
	});

	test('with limits on, one SubscribeToShard call per second per consumer and shard', () => {
		const {clock, kinesis, consumer} = setup({enforceLimits: true});
		const subscribe = () =>
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			});
		subscribe().cancel();
		expectKinesisError(subscribe, 'LimitExceededException');
		clock.advance(1000);
		subscribe().cancel();
	});

	test('an AbortSignal ends the subscription', async () => {
		const {kinesis, consumer} = setup();
		const controller = new AbortController();
		const events = iterate(
			kinesis.subscribeToShard(
				{ConsumerARN: consumer, ShardId: S0, StartingPosition: {Type: 'LATEST'}},
				{signal: controller.signal},
			),
		);
		await nextEvent(events);
		const pending = next(events);
		controller.abort();
		expect((await pending).done).toBe(true);
	});

	test('fails with ResourceNotFoundException when the consumer is deregistered', async () => {
		const {kinesis, consumer} = setup();
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		await nextEvent(events);
		kinesis.deregisterStreamConsumer({ConsumerARN: consumer});
		const error = await asyncKinesisError(async () => {
			while (!(await next(events)).done) {
				// Until it fails.
			}
		});
		expect(error.code).toBe('ResourceNotFoundException');
	});

	test('needs an ACTIVE consumer, an existing shard and a valid starting position', () => {
		const {clock, kinesis} = setup({consumerCreateDelayMs: 1000});
		const creating = kinesis.registerStreamConsumer({StreamARN: ARN, ConsumerName: 'new'}).Consumer;
		expectKinesisError(
			() =>
				kinesis.subscribeToShard({
					ConsumerARN: creating.ConsumerARN,
					ShardId: S0,
					StartingPosition: {Type: 'LATEST'},
				}),
			'ResourceInUseException',
			`Consumer new with creation timestamp ${Math.floor(START / 1000)} under stream s and account ${ACCOUNT} is not in ACTIVE status.`,
		);
		clock.advance(1000);
		expectKinesisError(
			() =>
				kinesis.subscribeToShard({
					ConsumerARN: creating.ConsumerARN,
					ShardId: shardId(7),
					StartingPosition: {Type: 'LATEST'},
				}),
			'ResourceNotFoundException',
		);
		expectKinesisError(
			() => kinesis.subscribeToShard({ConsumerARN: creating.ConsumerARN, ShardId: S0}),
			'ValidationException',
			"1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null",
		);
		expectKinesisError(
			() =>
				kinesis.subscribeToShard({
					ConsumerARN: creating.ConsumerARN,
					ShardId: S0,
					StartingPosition: {Type: 'AT_SEQUENCE_NUMBER'},
				}),
			'InvalidArgumentException',
		);
		expectKinesisError(
			() =>
				kinesis.subscribeToShard({
					ConsumerARN: `${ARN}/consumer/ghost:1`,
					ShardId: S0,
					StartingPosition: {Type: 'LATEST'},
				}),
			'ResourceNotFoundException',
		);
		expectKinesisError(
			() =>
				kinesis.subscribeToShard({
					ConsumerARN: creating.ConsumerARN,
					ShardId: S0,
					StartingPosition: {Type: 'LATEST'},
					DryRun: true,
				}),
			'DryRunOperationException',
		);
	});
});

describe('SubscribeToShard metrics', () => {
	test('calls and events are recorded as CloudWatch consumer metrics', async () => {
		const {kinesis, consumer} = setup();
		const events = iterate(
			kinesis.subscribeToShard({
				ConsumerARN: consumer,
				ShardId: S0,
				StartingPosition: {Type: 'LATEST'},
			}),
		);
		await nextEvent(events);
		// A second call within 5 s is refused: it counts as rate exceeded.
		expectKinesisError(
			() =>
				kinesis.subscribeToShard({
					ConsumerARN: consumer,
					ShardId: S0,
					StartingPosition: {Type: 'LATEST'},
				}),
			'ResourceInUseException',
		);
		await put(kinesis, 'abc');
		await put(kinesis, 'de');
		let received = 0;
		while (received < 2) received += (await eventWithRecords(events)).Records.length;
		await events.return?.();

		const dimensions = [
			{Name: 'StreamName', Value: 's'},
			{Name: 'ConsumerName', Value: 'app'},
		];
		const sum = (MetricName: string) =>
			kinesis.metrics
				.getMetricStatistics({
					Namespace: 'AWS/Kinesis',
					MetricName,
					Dimensions: dimensions,
					StartTime: START - 60_000,
					EndTime: START + 120_000,
					Period: 60,
					Statistics: ['Sum', 'SampleCount'],
				})
				.Datapoints.reduce(
					(total, point) => ({
						Sum: total.Sum + (point.Sum ?? 0),
						SampleCount: total.SampleCount + (point.SampleCount ?? 0),
					}),
					{Sum: 0, SampleCount: 0},
				);
		expect(sum('SubscribeToShard.Success')).toEqual({Sum: 1, SampleCount: 2});
		expect(sum('SubscribeToShard.RateExceeded').Sum).toBe(1);
		expect(sum('SubscribeToShardEvent.Records').Sum).toBe(2);
		expect(sum('SubscribeToShardEvent.Bytes').Sum).toBe(5);
		expect(sum('SubscribeToShardEvent.Success').SampleCount).toBeGreaterThanOrEqual(2);
	});
});

/**
 * The behaviour every Driver must have, whatever the backend: the bundled engine in process, real AWS,
 * or any Kinesis-compatible endpoint (such as `kinesis-top serve`). Only the Driver interface is used
 * here, never a backend directly, and every stream gets a unique name, so the suite can run against a
 * shared account.
 *
 * Backends with real time are allowed for: streams may show CREATING / UPDATING / DELETING for a while
 * (the suite polls; an in-process engine answers ACTIVE at once, so it never waits), and throttling is
 * retried with a short backoff. ExpiredIteratorException needs control of the clock, so it is tested
 * against the engine alone (test/engine/iterators.test.ts).
 *
 * Metrics and Firehose: the metric cases poll until CloudWatch shows the workload (AWS publishes with a
 * delay; the local recorder at once); the Driver cannot create delivery streams, so each subject brings a
 * `createDeliveryStream` that makes them through its backend.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {
	DriverError,
	MUTATING_METHODS,
	type Driver,
	type FirehoseRecord,
	type IteratorStart,
	type MetricQuery,
	type KinesisRecord,
	type PutRecordsRequestEntry,
	type Shard,
} from '../source/driver/driver.js';
import {readOnly} from '../source/driver/read-only-driver.js';

/** A delivery stream to create for the Firehose cases: the Driver has no CreateDeliveryStream. */
export type DeliveryStreamSpec = {name: string; sizeInMBs: number; intervalInSeconds: number};

export type DriverUnderTest = {
	driver: Driver;
	/** Creates a DirectPut delivery stream with an S3 destination, through the backend itself. */
	createDeliveryStream(spec: DeliveryStreamSpec): Promise<void>;
	/** Registers an enhanced fan-out consumer through the backend itself: the Driver only lists them. */
	registerConsumer(streamArn: string, consumerName: string): Promise<void>;
	cleanup(): Promise<void>;
};

const MAX_HASH_KEY = (1n << 128n) - 1n;
/** Every Driver method that changes anything (what a read-only driver must refuse). */
const MUTATING = [
	'createStream',
	'deleteStream',
	'putRecords',
	'splitShard',
	'mergeShards',
	'updateShardCount',
	'putRecordBatch',
	'updateTableItem',
] as const;
/** Generous for real AWS, where CreateStream and resharding take tens of seconds. */
const SLOW = 240_000;

const pause = (milliseconds: number) =>
	new Promise<void>((resolve) => {
		setTimeout(resolve, milliseconds);
	});

const isRetryable = (error: unknown) =>
	error instanceof DriverError &&
	/^(ProvisionedThroughputExceededException|LimitExceededException|ThrottlingException)$/.test(
		error.code,
	);

/** Runs `action`, retrying throttling with a short backoff (never waits when nothing throttles). */
async function retrying<T>(action: () => Promise<T>): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await action();
		} catch (error) {
			if (!isRetryable(error) || attempt >= 40) throw error;
			await pause(Math.min(1000, 100 * (attempt + 1)));
		}
	}
}

/** The DriverError a call rejects with. */
async function driverError(call: Promise<unknown>): Promise<DriverError> {
	try {
		await call;
	} catch (error) {
		expect(error).toBeInstanceOf(DriverError);
		const driverError = error as DriverError;
		expect(driverError.code).toMatch(/^[A-Za-z]+$/);
		expect(typeof driverError.retryable).toBe('boolean');
		return driverError;
	}

	throw new Error('expected the call to reject with a DriverError');
}

const isOpen = (shard: Shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined;
const rangeOf = (shard: Shard) => ({
	start: BigInt(shard.HashKeyRange.StartingHashKey),
	end: BigInt(shard.HashKeyRange.EndingHashKey),
});
const byStart = (a: Shard, b: Shard) => (rangeOf(a).start < rangeOf(b).start ? -1 : 1);
const text = (data: Uint8Array) => Buffer.from(data).toString('utf8');

/** The open shards, sorted by hash key, cover 0 … 2^128-1 exactly. */
function expectTiling(shards: Shard[]) {
	const open = shards.filter(isOpen).sort(byStart);
	expect(open.length).toBeGreaterThan(0);
	expect(rangeOf(open[0]).start).toBe(0n);
	expect(rangeOf(open.at(-1)!).end).toBe(MAX_HASH_KEY);
	for (let i = 1; i < open.length; i++) {
		expect(rangeOf(open[i]).start).toBe(rangeOf(open[i - 1]).end + 1n);
	}

	return open;
}

/**
 * The APIs a backend offers, where one may lack them: a third-party emulator (kinesalite has no
 * UpdateShardCount, ListStreamConsumers, on-demand streams, Firehose or CloudWatch). What is not offered
 * is tested too: the driver must say UnknownOperationException for it, so the console can say "not
 * offered by this endpoint" instead of retrying.
 */
export type Offers = {
	/** GetRecords at the end of a closed shard names its ChildShards (kinesalite predates them). */
	childShards: boolean;
	onDemand: boolean;
	updateShardCount: boolean;
	consumers: boolean;
	metrics: boolean;
	firehose: boolean;
};

const EVERYTHING: Offers = {
	childShards: true,
	onDemand: true,
	updateShardCount: true,
	consumers: true,
	metrics: true,
	firehose: true,
};

/**
 * Where a third-party emulator answers otherwise than AWS, each written down so the suite checks the rest
 * and says what differs. kinesalite and kinesis-mock take MergeShards' lower shard first only;
 * kinesalite splits a closed shard; kinesis-mock draws its own UpdateShardCount boundaries, answers a malformed iterator with an empty 500
 * and another shard's sequence number with ResourceNotFoundException, and refuses scaling past double
 * as InvalidArgumentException.
 */
export type Deviations = {
	mergeLowerShardFirst?: boolean;
	ownScalingBoundaries?: boolean;
	badIteratorIsServerFault?: boolean;
	/** A sequence number of another shard is ResourceNotFoundException, not InvalidArgumentException. */
	foreignSequenceNotFound?: boolean;
	/** Scaling past double the shards is InvalidArgumentException, not LimitExceededException. */
	scaleLimitIsInvalidArgument?: boolean;
	/** A split of a closed shard is accepted (AWS refuses it). */
	splitsClosedShards?: boolean;
};

export function driverContract(
	name: string,
	factory: () => Promise<DriverUnderTest>,
	offered: Partial<Offers> = {},
	deviations: Deviations = {},
) {
	const offers = {...EVERYTHING, ...offered};
	describe(`Driver contract: ${name}`, () => {
		let subject: DriverUnderTest;
		let driver: Driver;
		const created: string[] = [];
		const run = `${Date.now().toString(36)}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
		let counter = 0;

		beforeAll(async () => {
			subject = await factory();
			driver = subject.driver;
		}, SLOW);

		afterAll(async () => {
			for (const stream of created) {
				await driver.deleteStream(stream).catch(() => undefined);
			}

			await subject.cleanup();
		}, SLOW);

		const uniqueName = (label: string) => `kt-contract-${label}-${run}-${counter++}`;

		/**
		 * `title`'s test where the backend offers `feature`; where it does not, a test that the call
		 * `lacking` makes is refused as UnknownOperationException, naming the operation.
		 */
		/** A metrics call of a backend that has no CloudWatch. */
		const noMetrics = () =>
			driver.getMetrics({
				queries: [
					{
						namespace: 'AWS/Kinesis',
						metricName: 'IncomingRecords',
						dimensions: {StreamName: uniqueName('no-metrics')},
						statistic: 'Sum',
						periodSeconds: 60,
					},
				],
				start: new Date(Date.now() - 3_600_000),
				end: new Date(),
			});

		const lackingTested = new Set<keyof Offers>();
		function whereOffered(
			feature: keyof Offers,
			title: string,
			body: () => Promise<void>,
			lacking: () => Promise<unknown>,
		) {
			if (offers[feature]) {
				test(title, body, SLOW);
				return;
			}

			// One test says a feature is missing, however many of its tests the backend cannot run.
			if (lackingTested.has(feature)) return;
			lackingTested.add(feature);

			test(
				`${feature} is not offered: UnknownOperationException, not a retry loop`,
				async () => {
					const error = await driverError(lacking());
					expect(error.retryable).toBe(false);
					if (feature === 'onDemand') {
						// An option, not an operation: an endpoint older than it refuses the unknown member.
						expect(error.code).toMatch(/^(ValidationException|InvalidArgumentException)$/);
						return;
					}

					expect(error.code).toBe('UnknownOperationException');
					expect(error.message).toMatch(/is not offered by this endpoint/);
				},
				SLOW,
			);
		}

		async function waitForActive(stream: string) {
			const deadline = Date.now() + SLOW;
			for (;;) {
				const summary = await retrying(() => driver.describeStreamSummary(stream));
				if (summary.StreamStatus === 'ACTIVE') return summary;
				if (Date.now() > deadline) throw new Error(`${stream} did not become ACTIVE`);
				await pause(1000);
			}
		}

		async function createStream(label: string, shardCount: number) {
			const stream = uniqueName(label);
			await retrying(() => driver.createStream(stream, {mode: 'PROVISIONED', shardCount}));
			created.push(stream);
			await waitForActive(stream);
			return stream;
		}

		/** Puts every record, retrying those that were throttled; returns each one's result in order. */
		async function putAll(stream: string, records: PutRecordsRequestEntry[]) {
			const results: Array<{ShardId: string; SequenceNumber: string}> = new Array(records.length);
			let pending = records.map((record, index) => ({record, index}));
			for (let attempt = 0; pending.length > 0; attempt++) {
				if (attempt > 0) await pause(Math.min(1000, 100 * attempt));
				if (attempt > 40) throw new Error('records kept failing');
				const output = await retrying(() =>
					driver.putRecords(
						stream,
						pending.map(({record}) => record),
					),
				);
				expect(output.records).toHaveLength(pending.length);
				const failed: typeof pending = [];
				output.records.forEach((result, i) => {
					if (result.ErrorCode === undefined) {
						expect(result.SequenceNumber).toMatch(/^\d+$/);
						results[pending[i].index] = {
							ShardId: result.ShardId,
							SequenceNumber: result.SequenceNumber,
						};
					} else {
						expect(result.ErrorCode).toMatch(
							/^(ProvisionedThroughputExceededException|InternalFailure)$/,
						);
						failed.push(pending[i]);
					}
				});
				expect(output.failedRecordCount).toBe(failed.length);
				pending = failed;
			}

			return results;
		}

		/**
		 * Reads one shard from `from`: a closed shard (`toEnd`) until it ends, returning its child shards;
		 * an open one until a page says it is caught up (MillisBehindLatest 0).
		 */
		async function readShard(
			stream: string,
			shardId: string,
			from: IteratorStart,
			options: {limit?: number; toEnd?: boolean; atLeast?: number} = {},
		) {
			const deadline = Date.now() + 60_000;
			let caughtUpEmpty = 0;
			let iterator: string | undefined = await retrying(() =>
				driver.getShardIterator(stream, shardId, from),
			);
			const records: KinesisRecord[] = [];
			for (let calls = 0; iterator; calls++) {
				if (calls > 10_000) throw new Error('reading did not end');
				const current: string = iterator;
				const page = await retrying(() => driver.getRecords(current, options.limit));
				records.push(...page.Records);
				if (!page.NextShardIterator) {
					return {records, closed: true, children: page.ChildShards ?? []};
				}

				iterator = page.NextShardIterator;
				// A closed shard read to its tip must end there, not keep answering empty pages.
				caughtUpEmpty =
					page.Records.length === 0 && page.MillisBehindLatest === 0 ? caughtUpEmpty + 1 : 0;
				if (options.toEnd && caughtUpEmpty > 10) {
					throw new Error(`closed shard ${shardId} was read to its tip but did not end`);
				}

				if (!options.toEnd && page.MillisBehindLatest === 0) {
					// Caught up; a backend with propagation delay may still be short of what was put.
					if (records.length >= (options.atLeast ?? 0) || Date.now() > deadline) break;
					await pause(200);
				}
			}

			return {records, closed: false, children: []};
		}

		/** Reads the whole stream following lineage: parents to their end before their children. */
		async function readByLineage(stream: string) {
			const shards = (await retrying(() => driver.describeStream(stream))).Shards;
			const ids = new Set(shards.map((shard) => shard.ShardId));
			const done = new Set<string>();
			const byShard = new Map<string, KinesisRecord[]>();
			const queue = shards
				.filter(
					(shard) =>
						(!shard.ParentShardId || !ids.has(shard.ParentShardId)) &&
						(!shard.AdjacentParentShardId || !ids.has(shard.AdjacentParentShardId)),
				)
				.map((shard) => shard.ShardId);
			const parentsOf = new Map(
				shards.map((shard) => [
					shard.ShardId,
					[shard.ParentShardId, shard.AdjacentParentShardId].filter(
						(id): id is string => id !== undefined && ids.has(id),
					),
				]),
			);
			while (queue.length > 0) {
				const shardId = queue.shift()!;
				if (done.has(shardId)) continue;
				const shard = shards.find((each) => each.ShardId === shardId)!;
				const read = await readShard(
					stream,
					shardId,
					{type: 'TRIM_HORIZON'},
					{toEnd: !isOpen(shard)},
				);
				expect(read.closed).toBe(!isOpen(shard));
				byShard.set(shardId, read.records);
				done.add(shardId);
				// Without ChildShards, the lineage DescribeStream gives (as the tail falls back to).
				const children = offers.childShards
					? read.children
					: shards
							.filter((each) => parentsOf.get(each.ShardId)!.includes(shardId))
							.map((each) => ({ShardId: each.ShardId, ParentShards: parentsOf.get(each.ShardId)!}));
				for (const child of children) {
					expect(child.ParentShards).toContain(shardId);
					if (child.ParentShards.every((parent) => done.has(parent))) queue.push(child.ShardId);
				}
			}

			// Every shard was reached through its parents' ChildShards.
			expect([...done].sort()).toEqual([...ids].sort());
			for (const [shardId, parents] of parentsOf) {
				for (const parent of parents) expect(done.has(parent), `${parent} → ${shardId}`).toBe(true);
			}

			return byShard;
		}

		const entries = (prefix: string, count: number): PutRecordsRequestEntry[] =>
			Array.from({length: count}, (_, i) => ({
				PartitionKey: `${prefix}-key-${i % 7}-${i}`,
				Data: Buffer.from(`${prefix}:${i}:${'x'.repeat(i % 13)}`),
			}));

		test('describes its target', () => {
			expect(['local', 'aws', 'endpoint']).toContain(driver.target.backend);
			expect(driver.target.region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d+$/);
			expect(driver.target.readOnly).toBe(false);
		});

		test(
			'creates a PROVISIONED stream: listed, described, key space tiled',
			async () => {
				const stream = await createStream('provisioned', 3);
				expect(await driver.listStreams()).toContain(stream);
				const description = await driver.describeStream(stream);
				expect(description.StreamName).toBe(stream);
				expect(description.StreamStatus).toBe('ACTIVE');
				expect(description.StreamARN).toMatch(
					new RegExp(`^arn:aws[\\w-]*:kinesis:${driver.target.region}:\\d{12}:stream/${stream}$`),
				);
				expect(description.Shards).toHaveLength(3);
				const open = expectTiling(description.Shards);
				const width = (MAX_HASH_KEY + 1n) / 3n;
				expect(open.map((shard) => rangeOf(shard).start)).toEqual([0n, width, 2n * width]);
				for (const shard of description.Shards) {
					expect(shard.ShardId).toMatch(/^shardId-\d{12}$/);
					expect(shard.ParentShardId).toBeUndefined();
					expect(shard.SequenceNumberRange.StartingSequenceNumber).toMatch(/^\d+$/);
				}

				const summary = await driver.describeStreamSummary(stream);
				expect(summary).toMatchObject({
					StreamName: stream,
					StreamARN: description.StreamARN,
					StreamStatus: 'ACTIVE',
					StreamModeDetails: {StreamMode: 'PROVISIONED'},
					RetentionPeriodHours: 24,
					OpenShardCount: 3,
				});
				expect(summary.StreamCreationTimestamp).toBeInstanceOf(Date);
			},
			SLOW,
		);

		whereOffered(
			'onDemand',
			'creates an ON_DEMAND stream with 4 shards',
			async () => {
				const stream = uniqueName('on-demand');
				await retrying(() => driver.createStream(stream, {mode: 'ON_DEMAND'}));
				created.push(stream);
				const summary = await waitForActive(stream);
				expect(summary.StreamModeDetails).toEqual({StreamMode: 'ON_DEMAND'});
				expect(summary.OpenShardCount).toBe(4);
				expectTiling((await driver.describeStream(stream)).Shards);
			},
			() => driver.createStream(uniqueName('no-on-demand'), {mode: 'ON_DEMAND'}),
		);

		test(
			'refuses a duplicate name with ResourceInUseException',
			async () => {
				const stream = await createStream('duplicate', 1);
				const error = await driverError(
					driver.createStream(stream, {mode: 'PROVISIONED', shardCount: 2}),
				);
				expect(error.code).toBe('ResourceInUseException');
				expect(error.message).toContain(stream);
				expect((await driver.describeStream(stream)).Shards).toHaveLength(1);
			},
			SLOW,
		);

		test('unknown streams are ResourceNotFoundException everywhere', async () => {
			const missing = uniqueName('missing');
			const calls: Array<Promise<unknown>> = [
				driver.describeStream(missing),
				driver.describeStreamSummary(missing),
				driver.deleteStream(missing),
				driver.putRecords(missing, [{PartitionKey: 'k', Data: Buffer.from('x')}]),
				driver.getShardIterator(missing, 'shardId-000000000000', {type: 'TRIM_HORIZON'}),
				driver.splitShard(missing, 'shardId-000000000000', '100'),
				driver.mergeShards(missing, 'shardId-000000000000', 'shardId-000000000001'),
				...(offers.updateShardCount ? [driver.updateShardCount(missing, 2)] : []),
			];
			for (const call of calls) {
				const error = await driverError(call);
				expect(error.code).toBe('ResourceNotFoundException');
				expect(error.retryable).toBe(false);
			}

			expect(await driver.listStreams()).not.toContain(missing);
		});

		test(
			'deletes a stream',
			async () => {
				const stream = await createStream('delete', 1);
				await retrying(() => driver.deleteStream(stream));
				const deadline = Date.now() + SLOW;
				for (;;) {
					const error = await driver.describeStreamSummary(stream).then(
						(summary) => {
							expect(summary.StreamStatus).toBe('DELETING');
							return undefined;
						},
						(error_: unknown) => error_,
					);
					if (error) {
						expect(error).toBeInstanceOf(DriverError);
						expect((error as DriverError).code).toBe('ResourceNotFoundException');
						break;
					}

					if (Date.now() > deadline) throw new Error(`${stream} was not deleted`);
					await pause(1000);
				}

				expect(await driver.listStreams()).not.toContain(stream);
			},
			SLOW,
		);

		test(
			'puts records and reads every one back from TRIM_HORIZON, in order per shard',
			async () => {
				const stream = await createStream('put-read', 2);
				const records = [
					...entries('a', 120),
					{PartitionKey: 'ключ-🔑', Data: Buffer.from('unicode key')},
					{PartitionKey: 'empty', Data: new Uint8Array()},
					{PartitionKey: 'binary', Data: Uint8Array.from([0, 255, 1, 254, 10, 13])},
					{PartitionKey: 'explicit', ExplicitHashKey: String(MAX_HASH_KEY), Data: Buffer.from('e')},
				];
				const results = await putAll(stream, records);
				const shards = (await driver.describeStream(stream)).Shards;
				// The explicit hash key 2^128-1 lands on the last shard.
				expect(results.at(-1)!.ShardId).toBe(shards.sort(byStart).at(-1)!.ShardId);
				let total = 0;
				for (const shard of shards) {
					const expected = results
						.map((result, index) => ({...result, index}))
						.filter((result) => result.ShardId === shard.ShardId);
					const {records: read, closed} = await readShard(
						stream,
						shard.ShardId,
						{type: 'TRIM_HORIZON'},
						{atLeast: expected.length},
					);
					expect(closed).toBe(false);
					expect(read.map((record) => record.SequenceNumber)).toEqual(
						expected.map((result) => result.SequenceNumber),
					);
					read.forEach((record, i) => {
						const original = records[expected[i].index];
						expect(record.PartitionKey).toBe(original.PartitionKey);
						expect(Buffer.from(record.Data).equals(Buffer.from(original.Data))).toBe(true);
						expect(record.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
						if (i > 0) {
							expect(BigInt(record.SequenceNumber) > BigInt(read[i - 1].SequenceNumber)).toBe(true);
						}
					});
					total += read.length;
				}

				expect(total).toBe(records.length);
			},
			SLOW,
		);

		test(
			'reads from every iterator type',
			async () => {
				const stream = await createStream('iterators', 1);
				const shardId = (await driver.describeStream(stream)).Shards[0].ShardId;
				const first = await putAll(stream, entries('first', 10));
				const latest = await retrying(() =>
					driver.getShardIterator(stream, shardId, {type: 'LATEST'}),
				);
				const second = await putAll(stream, entries('second', 10));
				const sequences = [...first, ...second].map((result) => result.SequenceNumber);

				// LATEST: only what came after the iterator.
				const afterLatest: KinesisRecord[] = [];
				let iterator: string | undefined = latest;
				for (let calls = 0; iterator && afterLatest.length < 10 && calls < 100; calls++) {
					const current: string = iterator;
					const page = await retrying(() => driver.getRecords(current));
					afterLatest.push(...page.Records);
					iterator = page.NextShardIterator;
				}

				expect(afterLatest.map((record) => record.SequenceNumber)).toEqual(sequences.slice(10));

				const read = async (from: IteratorStart, atLeast = 0) =>
					(await readShard(stream, shardId, from, {atLeast})).records.map(
						(record) => record.SequenceNumber,
					);
				expect(await read({type: 'TRIM_HORIZON'}, 20)).toEqual(sequences);
				expect(await read({type: 'AT_SEQUENCE_NUMBER', sequenceNumber: sequences[5]}, 15)).toEqual(
					sequences.slice(5),
				);
				expect(
					await read({type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: sequences[5]}, 14),
				).toEqual(sequences.slice(6));
				expect(
					await read({type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: sequences.at(-1)!}),
				).toEqual([]);

				// AT_TIMESTAMP: everything that arrived at or after the time.
				const all = (await readShard(stream, shardId, {type: 'TRIM_HORIZON'}, {atLeast: 20}))
					.records;
				expect(await read({type: 'AT_TIMESTAMP', timestamp: new Date(0)}, 20)).toEqual(sequences);
				const pivot = all[12].ApproximateArrivalTimestamp;
				const expected = all
					.filter((record) => record.ApproximateArrivalTimestamp >= pivot)
					.map((record) => record.SequenceNumber);
				expect(await read({type: 'AT_TIMESTAMP', timestamp: pivot}, expected.length)).toEqual(
					expected,
				);
				expect(expected).toContain(sequences[12]);

				// Small pages read the same records.
				expect(
					(
						await readShard(stream, shardId, {type: 'TRIM_HORIZON'}, {limit: 6, atLeast: 20})
					).records.map((record) => record.SequenceNumber),
				).toEqual(sequences);
			},
			SLOW,
		);

		test(
			'reports bad arguments as InvalidArgumentException',
			async () => {
				const stream = await createStream('errors', 2);
				const shards = (await driver.describeStream(stream)).Shards.sort(byStart);
				const [low, high] = shards;
				const results = await putAll(stream, [
					{PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('low')},
					{PartitionKey: 'k', ExplicitHashKey: String(MAX_HASH_KEY), Data: Buffer.from('high')},
				]);
				expect(results.map((result) => result.ShardId)).toEqual([low.ShardId, high.ShardId]);

				const invalidIterator = await driverError(driver.getRecords('not-an-iterator'));
				if (deviations.badIteratorIsServerFault) expect(invalidIterator.retryable).toBe(true);
				else
					expect(invalidIterator.code).toMatch(/^(InvalidArgumentException|ValidationException)$/);

				// A sequence number of one shard used on another.
				const wrongShard = await driverError(
					driver.getShardIterator(stream, low.ShardId, {
						type: 'AT_SEQUENCE_NUMBER',
						sequenceNumber: results[1].SequenceNumber,
					}),
				);
				expect(wrongShard.code).toBe(
					deviations.foreignSequenceNotFound
						? 'ResourceNotFoundException'
						: 'InvalidArgumentException',
				);

				const unknownShard = await driverError(
					driver.getShardIterator(stream, 'shardId-000000009999', {type: 'TRIM_HORIZON'}),
				);
				expect(unknownShard.code).toBe('ResourceNotFoundException');

				const outOfRange = await driverError(
					driver.splitShard(stream, low.ShardId, high.HashKeyRange.EndingHashKey),
				);
				expect(outOfRange.code).toBe('InvalidArgumentException');

				const tooBig = await driverError(
					driver.putRecords(stream, [
						{PartitionKey: 'k', ExplicitHashKey: String(MAX_HASH_KEY + 1n), Data: Buffer.from('x')},
					]),
				);
				expect(tooBig.code).toMatch(/^(InvalidArgumentException|ValidationException)$/);

				if (offers.updateShardCount) {
					const scale = await driverError(driver.updateShardCount(stream, 5));
					expect(scale.code).toBe(
						deviations.scaleLimitIsInvalidArgument
							? 'InvalidArgumentException'
							: 'LimitExceededException',
					);
				}

				// Nothing changed.
				const after = (await driver.describeStream(stream)).Shards;
				expect(after).toHaveLength(2);
				expect(after.every(isOpen)).toBe(true);
			},
			SLOW,
		);

		test(
			'split and merge: lineage, closed parents ending with their children, nothing lost',
			async () => {
				const stream = await createStream('reshard', 2);
				const [low, high] = (await driver.describeStream(stream)).Shards.sort(byStart);
				const before = await putAll(stream, entries('before', 60));
				const {start, end} = rangeOf(low);
				const middle = start + (end - start + 1n) / 2n;
				await retrying(() => driver.splitShard(stream, low.ShardId, String(middle)));
				await waitForActive(stream);
				let shards = (await driver.describeStream(stream)).Shards;
				expect(shards).toHaveLength(4);
				const children = shards
					.filter((shard) => shard.ParentShardId === low.ShardId)
					.sort(byStart);
				expect(children.map(rangeOf)).toEqual([
					{start, end: middle - 1n},
					{start: middle, end},
				]);
				expect(children.every((child) => child.AdjacentParentShardId === undefined)).toBe(true);
				expect(isOpen(shards.find((shard) => shard.ShardId === low.ShardId)!)).toBe(false);
				expectTiling(shards);

				// The closed parent reads to its end, then names its children.
				const parentRead = await readShard(
					stream,
					low.ShardId,
					{type: 'TRIM_HORIZON'},
					{toEnd: true},
				);
				expect(parentRead.closed).toBe(true);
				expect(parentRead.records.map((record) => record.SequenceNumber)).toEqual(
					before.filter((result) => result.ShardId === low.ShardId).map((r) => r.SequenceNumber),
				);
				expect(parentRead.children.map((child) => child.ShardId).sort()).toEqual(
					offers.childShards ? children.map((child) => child.ShardId).sort() : [],
				);
				for (const child of parentRead.children) expect(child.ParentShards).toEqual([low.ShardId]);

				const middleBatch = await putAll(stream, entries('middle', 60));
				for (const result of middleBatch) expect(result.ShardId).not.toBe(low.ShardId);

				// Merge the upper child with the untouched upper shard (adjacent), in either order.
				const [toMerge, adjacent] = deviations.mergeLowerShardFirst
					? [children[1].ShardId, high.ShardId]
					: [high.ShardId, children[1].ShardId];
				await retrying(() => driver.mergeShards(stream, toMerge, adjacent));
				await waitForActive(stream);
				shards = (await driver.describeStream(stream)).Shards;
				const merged = shards.find((shard) => shard.AdjacentParentShardId !== undefined)!;
				expect(merged.ParentShardId).toBe(toMerge);
				expect(merged.AdjacentParentShardId).toBe(adjacent);
				expect(rangeOf(merged)).toEqual({start: middle, end: MAX_HASH_KEY});
				expectTiling(shards);

				// Non-adjacent shards cannot be merged, nor closed ones split.
				const notAdjacent = await driverError(
					driver.mergeShards(stream, children[0].ShardId, children[0].ShardId),
				);
				expect(notAdjacent.code).toBe('InvalidArgumentException');
				if (!deviations.splitsClosedShards) {
					const closed = await driverError(driver.splitShard(stream, low.ShardId, String(middle)));
					expect(closed.code).toMatch(/^(InvalidArgumentException|ResourceInUseException)$/);
				}

				const after = await putAll(stream, entries('after', 60));
				const all = [...before, ...middleBatch, ...after];
				const byShard = await readByLineage(stream);
				const read = [...byShard.values()].flat().map((record) => record.SequenceNumber);
				expect(read.sort()).toEqual(all.map((result) => result.SequenceNumber).sort());
				for (const [shardId, records] of byShard) {
					expect(records.map((record) => record.SequenceNumber)).toEqual(
						all.filter((result) => result.ShardId === shardId).map((r) => r.SequenceNumber),
					);
				}

				// Children's records come after their parents'.
				for (const shard of shards) {
					for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
						if (!parent) continue;
						const last = byShard.get(parent)!.at(-1);
						const firstChild = byShard.get(shard.ShardId)![0];
						if (last && firstChild) {
							expect(BigInt(firstChild.SequenceNumber) > BigInt(last.SequenceNumber)).toBe(true);
						}
					}
				}
			},
			SLOW,
		);

		whereOffered(
			'updateShardCount',
			'UpdateShardCount scales uniformly, up and down, keeping lineage',
			async () => {
				const stream = await createStream('scale', 2);
				const records = await putAll(stream, entries('scale', 40));
				for (const target of [4, 3]) {
					const before = new Set(
						(await driver.describeStream(stream)).Shards.map((s) => s.ShardId),
					);
					await retrying(() => driver.updateShardCount(stream, target));
					await waitForActive(stream);
					const shards = (await driver.describeStream(stream)).Shards;
					const open = expectTiling(shards);
					expect(open).toHaveLength(target);
					const width = (MAX_HASH_KEY + 1n) / BigInt(target);
					if (!deviations.ownScalingBoundaries) {
						expect(open.map((shard) => rangeOf(shard).start)).toEqual(
							Array.from({length: target}, (_, i) => BigInt(i) * width),
						);
					}
					const ids = new Set(shards.map((shard) => shard.ShardId));
					for (const shard of shards.filter((each) => !before.has(each.ShardId))) {
						const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(Boolean);
						expect(parents.length).toBeGreaterThanOrEqual(1);
						expect(parents.length).toBeLessThanOrEqual(2);
						for (const parent of parents) expect(ids.has(parent!)).toBe(true);
					}

					expect((await driver.describeStreamSummary(stream)).OpenShardCount).toBe(target);
				}

				const byShard = await readByLineage(stream);
				expect(
					[...byShard.values()]
						.flat()
						.map((record) => record.SequenceNumber)
						.sort(),
				).toEqual(records.map((result) => result.SequenceNumber).sort());
			},
			async () => driver.updateShardCount(await createStream('no-scale', 1), 2),
		);

		/** A window around now, wide enough for a backend that publishes late or a minute boundary. */
		const metricsWindow = () => {
			const now = Date.now();
			return {start: new Date(now - 5 * 60_000), end: new Date(now + 2 * 60_000)};
		};

		const streamQuery = (
			stream: string,
			metricName: string,
			statistic: MetricQuery['statistic'] = 'Sum',
		): MetricQuery => ({
			namespace: 'AWS/Kinesis',
			metricName,
			dimensions: {StreamName: stream},
			statistic,
			periodSeconds: 60,
		});

		const total = (points: Array<{value: number}>) =>
			points.reduce((sum, point) => sum + point.value, 0);

		/** Polls `read` until `done` holds: CloudWatch on AWS publishes with a delay of minutes. */
		async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean) {
			const deadline = Date.now() + SLOW - 30_000;
			for (;;) {
				const value = await retrying(read);
				if (done(value) || Date.now() > deadline) return value;
				await pause(2000);
			}
		}

		whereOffered(
			'metrics',
			'metrics: a known workload as CloudWatch series, one per query in request order',
			async () => {
				const stream = await createStream('metrics', 1);
				const count = 100;
				const size = 100;
				await putAll(
					stream,
					Array.from({length: count}, (_, i) => ({
						PartitionKey: `k${i}`,
						Data: Buffer.alloc(size, i % 256),
					})),
				);
				const shardId = (await driver.describeStream(stream)).Shards[0].ShardId;
				const read = await readShard(stream, shardId, {type: 'TRIM_HORIZON'}, {atLeast: count});
				expect(read.records).toHaveLength(count);
				const missing = uniqueName('no-metrics');
				const queries = [
					streamQuery(stream, 'IncomingRecords'),
					streamQuery(stream, 'IncomingBytes'),
					streamQuery(stream, 'GetRecords.Records'),
					streamQuery(stream, 'GetRecords.IteratorAgeMilliseconds', 'Maximum'),
					streamQuery(missing, 'IncomingRecords'),
				];
				const series = await eventually(
					() => driver.getMetrics({queries, ...metricsWindow()}),
					(answer) => total(answer[0].points) >= count && total(answer[2].points) >= count,
				);
				expect(series.map((each) => each.query)).toEqual(queries);
				expect(total(series[0].points)).toBe(count);
				expect(total(series[1].points)).toBe(count * size);
				expect(total(series[2].points)).toBe(count);
				expect(series[3].points.length).toBeGreaterThan(0);
				for (const point of series[3].points) expect(point.value).toBeGreaterThanOrEqual(0);
				// A stream with no data (here: none at all) has an empty series, not an error.
				expect(series[4].points).toEqual([]);
				for (const {points} of series.slice(0, 3)) {
					for (const point of points) {
						expect(point.timestamp).toBeInstanceOf(Date);
						expect(point.timestamp.getTime() % 60_000).toBe(0);
					}

					const times = points.map((point) => point.timestamp.getTime());
					expect(times).toEqual([...times].sort((a, b) => a - b));
				}

				expect(await driver.getMetrics({queries: [], ...metricsWindow()})).toEqual([]);
			},
			noMetrics,
		);

		whereOffered(
			'metrics',
			'metrics: more than 500 queries are answered, in order',
			async () => {
				const stream = await createStream('many-queries', 1);
				await putAll(stream, entries('many', 3));
				const queries = Array.from({length: 501}, (_, i) =>
					streamQuery(i === 500 ? stream : uniqueName('absent'), 'IncomingRecords'),
				);
				const series = await eventually(
					() => driver.getMetrics({queries, ...metricsWindow()}),
					(answer) => total(answer[500].points) >= 3,
				);
				expect(series).toHaveLength(501);
				expect(series[500].query).toEqual(queries[500]);
				expect(total(series[500].points)).toBe(3);
				expect(series.slice(0, 500).every((each) => each.points.length === 0)).toBe(true);
			},
			noMetrics,
		);

		async function createDeliveryStream(label: string, sizeInMBs = 64, intervalInSeconds = 900) {
			const name = uniqueName(label).slice(0, 64);
			await subject.createDeliveryStream({name, sizeInMBs, intervalInSeconds});
			const deadline = Date.now() + SLOW;
			for (;;) {
				const detail = await retrying(() => driver.describeDeliveryStream(name));
				if (detail.DeliveryStreamStatus === 'ACTIVE') return name;
				if (Date.now() > deadline) throw new Error(`${name} did not become ACTIVE`);
				await pause(1000);
			}
		}

		const firehoseRecords = (count: number, size: number): FirehoseRecord[] =>
			Array.from({length: count}, (_, i) => ({Data: Buffer.alloc(size, 97 + (i % 26))}));

		whereOffered(
			'firehose',
			'delivery streams: listed, described with hints and buffer, records put',
			async () => {
				const name = await createDeliveryStream('hose');
				const other = await createDeliveryStream('hose-other', 1, 60);
				const listed = await driver.listDeliveryStreams();
				expect(listed).toEqual(expect.arrayContaining([name, other]));

				const output = await driver.putRecordBatch(name, firehoseRecords(20, 50));
				expect(output.FailedPutCount).toBe(0);
				expect(output.RequestResponses).toHaveLength(20);
				for (const entry of output.RequestResponses) {
					expect(entry.RecordId).toMatch(/^\S+$/);
					expect(entry.ErrorCode).toBeUndefined();
				}

				expect(new Set(output.RequestResponses.map((entry) => entry.RecordId)).size).toBe(20);

				const detail = await eventually(
					() => driver.describeDeliveryStream(name),
					(answer) => answer.Buffer.BufferedBytes === 1000,
				);
				expect(detail).toMatchObject({
					DeliveryStreamName: name,
					DeliveryStreamStatus: 'ACTIVE',
					DeliveryStreamType: 'DirectPut',
				});
				expect(detail.DeliveryStreamARN).toMatch(
					new RegExp(
						`^arn:aws[\\w-]*:firehose:${driver.target.region}:\\d{12}:deliverystream/${name}$`,
					),
				);
				expect(detail.CreateTimestamp).toBeInstanceOf(Date);
				expect(detail.Destinations[0].ExtendedS3DestinationDescription.BufferingHints).toEqual({
					SizeInMBs: 64,
					IntervalInSeconds: 900,
				});
				// Exact locally; over the wire an estimate from CloudWatch, which still sees every byte.
				expect(detail.Buffer).toMatchObject({
					Estimate: driver.target.backend !== 'local',
					SizeLimitBytes: 64 * 1024 * 1024,
					IntervalMillis: 900_000,
					BufferedBytes: 1000,
					BufferedRecords: 20,
				});

				const otherDetail = await driver.describeDeliveryStream(other);
				expect(otherDetail.Buffer).toMatchObject({
					SizeLimitBytes: 1024 * 1024,
					IntervalMillis: 60_000,
				});
				expect(otherDetail.Buffer.BufferedBytes ?? 0).toBe(0);

				// The same records counted in AWS/Firehose.
				const [records, bytes] = await eventually(
					() =>
						driver.getMetrics({
							queries: (['IncomingRecords', 'IncomingBytes'] as const).map((metricName) => ({
								namespace: 'AWS/Firehose' as const,
								metricName,
								dimensions: {DeliveryStreamName: name},
								statistic: 'Sum' as const,
								periodSeconds: 60,
							})),
							...metricsWindow(),
						}),
					(answer) => total(answer[0].points) >= 20,
				);
				expect(total(records.points)).toBe(20);
				expect(total(bytes.points)).toBe(1000);
			},
			() => driver.listDeliveryStreams(),
		);

		whereOffered(
			'firehose',
			'putRecordBatch: per-record errors in order, FailedPutCount counting them',
			async () => {
				// 1,000,000-byte records, four per call, until the delivery stream's throughput quota
				// (5 MiB/s at most in any region) refuses some of them alone.
				const name = await createDeliveryStream('hose-throttle');
				let output;
				for (let call = 0; call < 10; call++) {
					output = await driver.putRecordBatch(name, firehoseRecords(4, 1_000_000));
					expect(output.RequestResponses).toHaveLength(4);
					if (output.FailedPutCount > 0) break;
				}

				const failed = output!.RequestResponses.filter((entry) => entry.ErrorCode !== undefined);
				expect(failed.length).toBeGreaterThan(0);
				expect(output!.FailedPutCount).toBe(failed.length);
				for (const entry of output!.RequestResponses) {
					if (entry.ErrorCode === undefined) {
						expect(entry.RecordId).toMatch(/^\S+$/);
					} else {
						expect(entry.ErrorCode).toBe('ServiceUnavailableException');
						expect(entry.ErrorMessage).not.toBe('');
						expect(entry.RecordId).toBeUndefined();
					}
				}
			},
			() => driver.listDeliveryStreams(),
		);

		whereOffered(
			'consumers',
			'listStreamConsumers: the registered consumers with their status, by name or ARN',
			async () => {
				const stream = await createStream('consumers', 1);
				expect(await retrying(() => driver.listStreamConsumers(stream))).toEqual([]);
				const {StreamARN} = await driver.describeStreamSummary(stream);
				await subject.registerConsumer(StreamARN, 'kt-first');
				await subject.registerConsumer(StreamARN, 'kt-second');
				const byName = await retrying(() => driver.listStreamConsumers(stream));
				expect(byName.map((consumer) => consumer.ConsumerName).sort()).toEqual([
					'kt-first',
					'kt-second',
				]);
				for (const consumer of byName) {
					expect(['CREATING', 'ACTIVE']).toContain(consumer.ConsumerStatus);
					expect(consumer.ConsumerARN).toBe(
						`${StreamARN}/consumer/${consumer.ConsumerName}:${Math.floor(consumer.ConsumerCreationTimestamp.getTime() / 1000)}`,
					);
					expect(consumer.ConsumerCreationTimestamp).toBeInstanceOf(Date);
				}

				const byArn = await retrying(() => driver.listStreamConsumers(StreamARN));
				expect(byArn.map((consumer) => consumer.ConsumerARN).sort()).toEqual(
					byName.map((consumer) => consumer.ConsumerARN).sort(),
				);
				// Reading is allowed in read-only mode.
				expect(await readOnly(driver).listStreamConsumers(stream)).toHaveLength(2);
				const missing = await driverError(driver.listStreamConsumers(uniqueName('no-stream')));
				expect(missing.code).toBe('ResourceNotFoundException');
			},
			async () => driver.listStreamConsumers(await createStream('no-consumers', 1)),
		);

		whereOffered(
			'firehose',
			'unknown delivery streams are ResourceNotFoundException',
			async () => {
				const missing = uniqueName('no-hose').slice(0, 64);
				for (const call of [
					driver.describeDeliveryStream(missing),
					driver.putRecordBatch(missing, [{Data: Buffer.from('x')}]),
				]) {
					const error = await driverError(call);
					expect(error.code).toBe('ResourceNotFoundException');
					expect(error.message).toContain(missing);
					expect(error.retryable).toBe(false);
				}

				expect(await driver.listDeliveryStreams()).not.toContain(missing);
			},
			() => driver.listDeliveryStreams(),
		);

		whereOffered(
			'firehose',
			'read-only: putRecordBatch is refused and the buffer stays as it was',
			async () => {
				const name = await createDeliveryStream('hose-read-only');
				await driver.putRecordBatch(name, firehoseRecords(3, 10));
				const guarded = readOnly(driver);
				const error = await driverError(guarded.putRecordBatch(name, firehoseRecords(5, 10)));
				expect(error.code).toBe('AccessDeniedException');
				expect(error.message).toContain('putRecordBatch');
				expect(await guarded.listDeliveryStreams()).toContain(name);
				const detail = await eventually(
					() => guarded.describeDeliveryStream(name),
					(answer) => answer.Buffer.BufferedRecords === 3,
				);
				expect(detail.Buffer.BufferedRecords).toBe(3);
				expect(detail.Buffer.BufferedBytes).toBe(30);
			},
			() => driver.listDeliveryStreams(),
		);

		test('an aborted signal rejects the call', async () => {
			const signal = AbortSignal.abort();
			await expect(driver.listStreams(signal)).rejects.toMatchObject({name: 'AbortError'});
		});

		test(
			'read-only: every mutating method is refused with a DriverError and nothing changes',
			async () => {
				const stream = await createStream('read-only', 2);
				await putAll(stream, entries('ro', 20));
				const guarded = readOnly(driver);
				expect(guarded.target.readOnly).toBe(true);
				expect(guarded.target.backend).toBe(driver.target.backend);
				const before = {
					streams: (await driver.listStreams()).filter((each) => each.startsWith('kt-contract-')),
					description: await driver.describeStream(stream),
					records: [...(await readByLineage(stream)).values()].flat(),
				};
				const [low, high] = before.description.Shards.sort(byStart);
				const victim = uniqueName('never-created');
				// The contract's own list: a wrapper that forgot a method must not pass by forgetting it here too.
				const attempts: Record<(typeof MUTATING)[number], () => Promise<unknown>> = {
					createStream: () => guarded.createStream(victim, {mode: 'PROVISIONED', shardCount: 1}),
					deleteStream: () => guarded.deleteStream(stream),
					putRecords: () =>
						guarded.putRecords(stream, [{PartitionKey: 'k', Data: Buffer.from('no')}]),
					splitShard: () => guarded.splitShard(stream, low.ShardId, String(rangeOf(low).end / 2n)),
					mergeShards: () => guarded.mergeShards(stream, low.ShardId, high.ShardId),
					updateShardCount: () => guarded.updateShardCount(stream, 3),
					putRecordBatch: () => guarded.putRecordBatch(stream, [{Data: Buffer.from('no')}]),
					// Refused before any table is looked for: this backend need not have DynamoDB at all.
					updateTableItem: () =>
						guarded.updateTableItem(
							'kcl-app',
							{leaseKey: {S: low.ShardId}},
							{set: {checkpoint: {S: 'TRIM_HORIZON'}}, expected: {}},
						),
				};
				expect([...MUTATING_METHODS].sort()).toEqual([...MUTATING].sort());
				for (const method of MUTATING) {
					const error = await driverError(attempts[method]());
					expect(error.message).toContain(method);
				}

				// Reading still works through the wrapper.
				expect(await guarded.listStreams()).toContain(stream);
				expect((await guarded.describeStream(stream)).Shards).toHaveLength(2);
				const iterator = await retrying(() =>
					guarded.getShardIterator(stream, low.ShardId, {type: 'TRIM_HORIZON'}),
				);
				expect((await retrying(() => guarded.getRecords(iterator))).Records.length).toBeGreaterThan(
					0,
				);

				// And nothing changed underneath.
				expect(
					(await driver.listStreams()).filter((each) => each.startsWith('kt-contract-')),
				).toEqual(before.streams);
				expect(await driver.listStreams()).not.toContain(victim);
				expect(await driver.describeStream(stream)).toEqual(before.description);
				const after = [...(await readByLineage(stream)).values()].flat();
				expect(after.map((record) => record.SequenceNumber)).toEqual(
					before.records.map((record) => record.SequenceNumber),
				);
				expect(after.map((record) => text(record.Data))).not.toContain('no');
			},
			SLOW,
		);
	});
}

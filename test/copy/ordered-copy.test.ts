/**
 * Order per partition key through throttling: injected (a driver that refuses a random part of every
 * PutRecords, as a hot shard does) and real (the engine's per-shard limits). A plain retrying producer
 * reorders a key under the same injection, so the check has teeth.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {Checkpoint} from '../../source/copy/checkpoint.js';
import {CopyRun} from '../../source/copy/copy-run.js';
import {readStreamRange} from '../../source/copy/stream-source.js';
import type {Driver, KinesisRecord, PutRecordsRequestEntry} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {putReliably} from '../../source/put/put-reliably.js';
import {TailSession} from '../../source/tail/tail-session.js';

const drivers: LocalDriver[] = [];
afterEach(async () => {
	for (const driver of drivers.splice(0)) await driver.close();
});

const FAST_TAIL = {idlePollMs: 10, catchUpPollMs: 2, minBackoffMs: 5, maxBackoffMs: 50};

/** Refuses each entry with probability `share` (ProvisionedThroughputExceededException), from a seed. */
function throttling(driver: Driver, share: number): Driver & {refused: number} {
	let seed = 42;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed / 2_147_483_648;
	};

	const wrapped = Object.create(driver) as Driver & {refused: number};
	wrapped.refused = 0;
	wrapped.putRecords = async (name, records, signal) => {
		const refused = records.map(() => random() < share);
		const accepted = records.filter((_, index) => !refused[index]);
		const output =
			accepted.length > 0
				? await driver.putRecords(name, accepted, signal)
				: {failedRecordCount: 0, records: []};
		let next = 0;
		wrapped.refused += refused.filter(Boolean).length;
		return {
			failedRecordCount: refused.filter(Boolean).length,
			records: refused.map((isRefused) =>
				isRefused
					? {
							ErrorCode: 'ProvisionedThroughputExceededException',
							ErrorMessage: 'Rate exceeded for shard.',
						}
					: output.records[next++],
			),
		};
	};

	return wrapped;
}

async function fill(driver: Driver, stream: string, count: number, keys: number) {
	await driver.createStream(stream, {mode: 'PROVISIONED', shardCount: 2});
	for (let start = 0; start < count; start += 500) {
		const entries: PutRecordsRequestEntry[] = [];
		for (let n = start; n < Math.min(count, start + 500); n++) {
			entries.push({PartitionKey: `k-${n % keys}`, Data: Buffer.from(String(n))});
		}

		expect((await driver.putRecords(stream, entries)).failedRecordCount).toBe(0);
	}
}

async function readAll(driver: Driver, stream: string) {
	const session = new TailSession(driver, stream, {
		...FAST_TAIL,
		from: {type: 'TRIM_HORIZON'},
		follow: false,
	});
	const records: KinesisRecord[] = [];
	for await (const batch of session) records.push(...batch.records);
	return records;
}

/** Each key's record numbers, in the order its shard holds them. */
function perKey(records: readonly KinesisRecord[]) {
	const byKey = new Map<string, number[]>();
	for (const record of records) {
		const n = Number(Buffer.from(record.Data).toString());
		byKey.set(record.PartitionKey, [...(byKey.get(record.PartitionKey) ?? []), n]);
	}

	return byKey;
}

const ascending = (numbers: number[]) => [...numbers].sort((a, b) => a - b);

async function copy(driver: Driver, from: string, to: string) {
	const run = new CopyRun(driver, {
		source: readStreamRange(
			driver,
			{stream: from, from: {type: 'TRIM_HORIZON'}},
			{tail: FAST_TAIL},
		),
		destination: {kind: 'stream', name: to},
		key: {kind: 'keep'},
		dryRun: false,
		checkpoint: Checkpoint.open(undefined, from, to),
		backoff: {minBackoffMs: 1, maxBackoffMs: 4},
	});
	return run.run();
}

describe('order per key under throttling', () => {
	test('injected: a plain retrying producer reorders a key, the copy does not', async () => {
		const local = LocalDriver.open({enforceLimits: false});
		drivers.push(local);
		const driver = throttling(local, 0.3);
		// The hazard: one call with several records of a key, some refused and retried after the rest.
		await driver.createStream('plain', {mode: 'PROVISIONED', shardCount: 1});
		await putReliably(
			driver,
			'plain',
			Array.from({length: 200}, (_, n) => ({PartitionKey: 'k', Data: Buffer.from(String(n))})),
			{minBackoffMs: 1, maxBackoffMs: 2},
		);
		const plain = perKey(await readAll(local, 'plain')).get('k')!;
		expect(plain).toHaveLength(200);
		expect(plain).not.toEqual(ascending(plain));

		await fill(local, 'source', 3000, 25);
		await local.createStream('copy', {mode: 'PROVISIONED', shardCount: 3});
		const progress = await copy(driver, 'source', 'copy');
		expect(progress.copied).toBe(3000);
		expect(progress.throttled).toBeGreaterThan(100);
		const copied = perKey(await readAll(local, 'copy'));
		expect(copied.size).toBe(25);
		for (const [key, numbers] of copied) {
			expect(numbers, key).toHaveLength(120);
			expect(numbers, key).toEqual(ascending(numbers));
		}
	}, 60_000);

	test('real: the engine’s per-shard limits throttle the copy, and every key keeps its order', async () => {
		const local = LocalDriver.open({enforceLimits: true});
		drivers.push(local);
		await fill(local, 'source', 1800, 300);
		await local.createStream('narrow', {mode: 'PROVISIONED', shardCount: 1});
		const progress = await copy(local, 'source', 'narrow');
		expect(progress.copied).toBe(1800);
		// 1,000 records/s per shard: 1,800 records cannot all go through in the first second.
		expect(progress.throttled).toBeGreaterThan(0);
		const copied = perKey(await readAll(local, 'narrow'));
		expect([...copied.values()].flat()).toHaveLength(1800);
		for (const [key, numbers] of copied) expect(numbers, key).toEqual(ascending(numbers));
	}, 60_000);
});

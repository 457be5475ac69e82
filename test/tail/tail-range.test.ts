/**
 * Reading exactly a range (`--from … --to …`) across resharding, through the local driver, through the
 * AWS driver against `serve`, and through the AWS driver against kinesalite (a Kinesis we did not write).
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import type {Driver, KinesisRecord} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {TailSession} from '../../source/tail/tail-session.js';
import {parseTailStop} from '../../source/tail/tail-stop.js';
import {startKinesalite} from '../helpers/emulators.js';
import {waitFor} from '../helpers/wait-for.js';
import {localCli, ndjson, type TailLine} from '../commands/helpers.js';

type Backend = {name: string; open: () => Promise<{driver: Driver; close: () => Promise<void>}>};

const CREDENTIALS = {accessKeyId: 'kinesis-top', secretAccessKey: 'kinesis-top'};

const BACKENDS: Backend[] = [
	{
		name: 'LocalDriver',
		async open() {
			const driver = LocalDriver.open({enforceLimits: false});
			return {driver, close: () => driver.close()};
		},
	},
	{
		name: 'AwsDriver → serve',
		async open() {
			const backend = LocalBackend.open({enforceLimits: false});
			const server = new KinesisServer({
				engine: backend.kinesis,
				firehose: backend.firehose,
				port: 0,
			});
			const endpoint = await server.start();
			const driver = new AwsDriver({endpoint, region: 'us-east-1', environment: {}});
			return {
				driver,
				async close() {
					await driver.close();
					await server.stop();
					await backend.close();
				},
			};
		},
	},
	{
		name: 'AwsDriver → kinesalite',
		async open() {
			const emulator = await startKinesalite();
			const driver = new AwsDriver({
				endpoint: emulator.endpoint,
				region: 'us-east-1',
				environment: {},
				credentials: CREDENTIALS,
			});
			return {
				driver,
				async close() {
					await driver.close();
					await emulator.stop();
				},
			};
		},
	},
];

const FAST = {idlePollMs: 20, catchUpPollMs: 5, minBackoffMs: 5, maxBackoffMs: 50};

async function waitForActive(driver: Driver, stream: string) {
	await waitFor(async () => (await driver.describeStream(stream)).StreamStatus === 'ACTIVE', {
		timeoutMs: 20_000,
		intervalMs: 20,
		message: `${stream} to be ACTIVE`,
	});
}

/** Puts `count` records with distinct keys; returns their sequence numbers with their shards. */
async function put(driver: Driver, stream: string, prefix: string, count: number) {
	const output = await driver.putRecords(
		stream,
		Array.from({length: count}, (_, i) => ({
			PartitionKey: `${prefix}-${i}`,
			Data: Buffer.from(`${prefix}-${i}`),
		})),
	);
	expect(output.failedRecordCount).toBe(0);
	return output.records.map((record) => ({
		shardId: record.ShardId!,
		sequenceNumber: record.SequenceNumber!,
	}));
}

async function readRange(driver: Driver, stream: string, from: string, to: string) {
	const session = new TailSession(
		driver,
		stream,
		{
			...FAST,
			from: {type: 'AT_SEQUENCE_NUMBER', sequenceNumber: from},
			to: parseTailStop(to),
			follow: false,
		},
		undefined,
	);
	const seen: Array<{shardId: string; record: KinesisRecord}> = [];
	for await (const batch of session) {
		for (const record of batch.records) seen.push({shardId: batch.shardId, record});
	}

	expect(session.ended).toEqual({reason: 'drained'});
	return seen;
}

const between = (sequence: string, low: string, high: string) =>
	BigInt(sequence) >= BigInt(low) && BigInt(sequence) <= BigInt(high);

describe.each(BACKENDS)('a sequence range through $name', ({open}) => {
	let driver: Driver;
	let close: () => Promise<void>;
	let parent: Array<{shardId: string; sequenceNumber: string}>;
	let children: Array<{shardId: string; sequenceNumber: string}>;
	beforeAll(async () => {
		({driver, close} = await open());
		await driver.createStream('orders', {mode: 'PROVISIONED', shardCount: 1});
		await waitForActive(driver, 'orders');
		parent = await put(driver, 'orders', 'before', 10);
		const [shard] = (await driver.describeStream('orders')).Shards;
		await driver.splitShard('orders', shard.ShardId, String(1n << 127n));
		await waitForActive(driver, 'orders');
		children = await put(driver, 'orders', 'after', 30);
	}, 90_000);
	afterAll(async () => close?.());

	test('a range inside one shard: exactly its records, and its children are not read', async () => {
		const seen = await readRange(
			driver,
			'orders',
			parent[3].sequenceNumber,
			parent[7].sequenceNumber,
		);
		expect(seen.map((each) => each.record.SequenceNumber)).toEqual(
			parent.slice(3, 8).map((each) => each.sequenceNumber),
		);
		expect(new Set(seen.map((each) => each.shardId))).toEqual(new Set([parent[0].shardId]));
	});

	test('a range that crosses a split: the parent from A, then each child up to B', async () => {
		expect(new Set(children.map((each) => each.shardId)).size).toBe(2);
		const low = parent[5].sequenceNumber;
		const high = children[20].sequenceNumber;
		const seen = await readRange(driver, 'orders', low, high);
		const expected = [...parent, ...children].filter((each) =>
			between(each.sequenceNumber, low, high),
		);
		expect(seen.map((each) => each.record.SequenceNumber).sort()).toEqual(
			expected.map((each) => each.sequenceNumber).sort(),
		);
		// Each shard in its order, and the parent entirely before its children.
		const lastParent = seen.findLastIndex((each) => each.shardId === parent[0].shardId);
		const firstChild = seen.findIndex((each) => each.shardId !== parent[0].shardId);
		expect(lastParent).toBeLessThan(firstChild);
		for (const shardId of new Set(seen.map((each) => each.shardId))) {
			const own = seen
				.filter((each) => each.shardId === shardId)
				.map((each) => BigInt(each.record.SequenceNumber));
			expect(own).toEqual([...own].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
		}
	});
});

describe('tail --to on the command line', () => {
	test('--from at:A --to B --no-follow prints exactly that range, across the split', async () => {
		const {ok} = localCli();
		await ok(['create', 'orders', '--shards', '1']);
		const before = ndjson<{ShardId: string; SequenceNumber: string}>(
			await ok(['put', 'orders'], {stdin: 'a\nb\nc\nd\ne\n'}),
		);
		await ok(['split', 'orders', 'shardId-000000000000']);
		const after = ndjson<{ShardId: string; SequenceNumber: string}>(
			await ok(['put', 'orders'], {stdin: 'f\ng\nh\ni\nj\nk\nl\nm\n'}),
		);
		const low = before[1].SequenceNumber;
		const high = after[5].SequenceNumber;
		const lines = ndjson<TailLine>(
			await ok([
				'tail',
				'orders',
				'--shard',
				'shardId-000000000000',
				'--from',
				`at:${low}`,
				'--to',
				high,
				'--no-follow',
			]),
		);
		const expected = [...before, ...after]
			.filter((each) => between(each.SequenceNumber, low, high))
			.map((each) => each.SequenceNumber);
		expect(lines.map((line) => line.SequenceNumber).sort()).toEqual(expected.sort());
		expect(lines.length).toBeGreaterThan(4);
	});

	test('--to time: stops at records that arrived after it, and follow ends once it is past', async () => {
		const {ok} = localCli();
		await ok(['create', 'orders', '--shards', '2']);
		await ok(['put', 'orders'], {stdin: '1\n2\n3\n4\n'});
		const {ApproximateArrivalTimestamp: lastEarly} = ndjson<TailLine>(
			await ok(['tail', 'orders', '--from', 'trim-horizon', '--no-follow']),
		)
			.sort((a, b) => a.ApproximateArrivalTimestamp.localeCompare(b.ApproximateArrivalTimestamp))
			.at(-1)!;
		await waitFor(() => Date.now() > Date.parse(lastEarly) + 5, {message: 'the clock to move'});
		await ok(['put', 'orders'], {stdin: '5\n6\n7\n'});
		// Following: the bound is in the past, so the tail ends at the tip instead of waiting.
		const lines = ndjson<TailLine>(
			await ok(['tail', 'orders', '--from', 'trim-horizon', '--to', `time:${lastEarly}`]),
		);
		expect(lines.map((line) => Buffer.from(line.Data, 'base64').toString()).sort()).toEqual([
			'1',
			'2',
			'3',
			'4',
		]);
	}, 20_000);

	test('a --to that is neither a sequence number nor time: is a usage error', async () => {
		const {cli} = localCli();
		const outcome = await cli(['tail', 'orders', '--to', 'tomorrow']);
		expect(outcome.status).toBe(2);
		expect(outcome.stderr).toMatch(/--to must be SEQUENCE or time:ISO8601, not "tomorrow"/);
	});
});

import {
	appendFileSync,
	readdirSync,
	readFileSync,
	statSync,
	truncateSync,
	writeFileSync,
} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {DataDirectoryInUseError} from '../../source/engine/log/data-directory.js';
import {
	bytes,
	drain,
	iterator,
	parseSegment,
	readShard,
	readStream,
	removeTemporaryDirectories,
	shardId,
	temporaryDirectory,
	text,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const S0 = shardId(0);

function open(dataDirectory: string, clock = new ManualClock(), segmentBytes?: number) {
	return new KinesisEngine({clock, dataDirectory, enforceLimits: false, segmentBytes});
}

function shardDirectory(dataDirectory: string, stream: string, shard: string) {
	const entry = readdirSync(join(dataDirectory, 'streams')).find((name) =>
		name.startsWith(`${stream}.`),
	)!;
	return join(dataDirectory, 'streams', entry, shard);
}

function lastSegment(dataDirectory: string, stream = 's', shard = S0) {
	const directory = shardDirectory(dataDirectory, stream, shard);
	const names = readdirSync(directory)
		.filter((name) => name.endsWith('.seg'))
		.sort();
	return join(directory, names.at(-1)!);
}

const contents = (engine: KinesisEngine, stream = 's') =>
	[...readStream(engine, stream).values()].flat().map((record) => text(record.Data));

describe('restart', () => {
	test('keeps streams, shards, lineage, records, tags, retention and counters', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const first = open(dataDirectory, clock);
		first.createStream({StreamName: 's', ShardCount: 3, Tags: {team: 'data'}});
		first.createStream({
			StreamName: 'od',
			StreamModeDetails: {StreamMode: 'ON_DEMAND'},
		});
		first.addTagsToStream({StreamName: 's', Tags: {env: 'test'}});
		first.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 100});
		const keys = Array.from({length: 200}, (_, i) => `key-${i}`);
		await first.putRecords({
			StreamName: 's',
			Records: keys.map((key) => ({PartitionKey: key, Data: bytes(`v1:${key}`)})),
		});
		first.splitShard({StreamName: 's', ShardToSplit: S0, NewStartingHashKey: '1000000'});
		first.mergeShards({
			StreamName: 's',
			ShardToMerge: shardId(1),
			AdjacentShardToMerge: shardId(2),
		});
		clock.advance(1000);
		await first.putRecords({
			StreamName: 's',
			Records: keys.map((key) => ({PartitionKey: key, Data: bytes(`v2:${key}`)})),
		});
		await first.putRecords({StreamName: 'od', Records: [{PartitionKey: 'x', Data: bytes('od')}]});
		const before = {
			streams: first.listStreams(),
			description: first.describeStream({StreamName: 's'}),
			summary: first.describeStreamSummary({StreamName: 's'}),
			od: first.describeStream({StreamName: 'od'}),
			tags: first.listTagsForStream({StreamName: 's'}),
			records: readStream(first, 's'),
		};
		const issued = iterator(first, 's', shardId(3));
		const lastSequenceOf = (shard: string) =>
			(before.records.get(shard) ?? [])
				.map((record) => BigInt(record.SequenceNumber))
				.reduce((max, value) => (value > max ? value : max), 0n);
		await first.close();

		const second = open(dataDirectory, clock);
		expect(second.listStreams()).toEqual(before.streams);
		expect(second.describeStream({StreamName: 's'})).toEqual(before.description);
		expect(second.describeStreamSummary({StreamName: 's'})).toEqual(before.summary);
		expect(second.describeStream({StreamName: 'od'})).toEqual(before.od);
		expect(second.listTagsForStream({StreamName: 's'})).toEqual(before.tags);
		expect(second.describeStreamSummary({StreamName: 's'}).RetentionPeriodHours).toBe(100);
		expect(readStream(second, 's')).toEqual(before.records);
		expect(contents(second)).toHaveLength(400);
		// An iterator issued before the restart still works.
		expect(drain(second, issued).records).toEqual(before.records.get(shardId(3)));
		// New records get higher sequence numbers than any of their shard before the restart.
		const output = await second.putRecords({
			StreamName: 's',
			Records: keys.slice(0, 50).map((key) => ({PartitionKey: key, Data: bytes(`v3:${key}`)})),
		});
		for (const result of output.Records) {
			expect(lastSequenceOf(result.ShardId!)).toBeGreaterThan(0n);
			expect(BigInt(result.SequenceNumber!) > lastSequenceOf(result.ShardId!)).toBe(true);
		}

		// Resharding continues with fresh shard ids.
		second.splitShard({StreamName: 's', ShardToSplit: shardId(3), NewStartingHashKey: '100'});
		expect(
			second
				.listShards({StreamName: 's'})
				.map((shard) => shard.ShardId)
				.slice(-2),
		).toEqual([shardId(6), shardId(7)]);
		await second.close();

		const third = open(dataDirectory, clock);
		expect(contents(third)).toHaveLength(450);
		expect(third.listShards({StreamName: 's'})).toHaveLength(8);
		await third.close();
	});

	test('a second engine on the same directory is refused, naming the owner pid', async () => {
		const dataDirectory = temporaryDirectory();
		const first = open(dataDirectory);
		first.createStream({StreamName: 's', ShardCount: 1});
		let error: unknown;
		try {
			open(dataDirectory);
		} catch (caught) {
			error = caught;
		}

		expect(error).toBeInstanceOf(DataDirectoryInUseError);
		expect((error as DataDirectoryInUseError).ownerPid).toBe(process.pid);
		expect((error as Error).message).toContain(String(process.pid));
		expect((error as Error).message).toContain(dataDirectory);
		// The refused engine did not disturb the owner.
		await first.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('still mine')});
		expect(contents(first)).toEqual(['still mine']);
		await first.close();
		const second = open(dataDirectory);
		expect(contents(second)).toEqual(['still mine']);
		await second.close();
	});

	test('a stale lock left by a dead process is taken over', async () => {
		const dataDirectory = temporaryDirectory();
		const first = open(dataDirectory);
		first.createStream({StreamName: 's', ShardCount: 1});
		await first.close();
		// A pid that cannot be alive (above the kernel's pid_max).
		writeFileSync(
			join(dataDirectory, 'owner.json'),
			JSON.stringify({pid: 2 ** 30, startedAt: new Date().toISOString()}),
		);
		const second = open(dataDirectory);
		expect(second.listStreams()).toEqual(['s']);
		await second.close();
	});
});

describe('torn and corrupt tails', () => {
	async function seeded(segmentBytes?: number) {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const engine = open(dataDirectory, clock, segmentBytes);
		engine.createStream({StreamName: 's', ShardCount: 1, Tags: {keep: 'me'}});
		engine.increaseStreamRetentionPeriod({StreamName: 's', RetentionPeriodHours: 30});
		for (let i = 0; i < 5; i++) {
			await engine.putRecords({
				StreamName: 's',
				Records: Array.from({length: 10}, (_, j) => ({
					PartitionKey: `k${i}-${j}`,
					Data: bytes(`record-${i * 10 + j}`),
				})),
			});
		}

		const expected = Array.from({length: 50}, (_, i) => `record-${i}`);
		expect(contents(engine)).toEqual(expected);
		await engine.close();
		return {dataDirectory, clock, expected};
	}

	const tails: Array<[string, (last: Buffer) => Buffer]> = [
		['random garbage', () => Buffer.from('\u0000\u00ffnot a frame at all, just bytes\u0001')],
		['a few zero bytes', () => Buffer.alloc(5)],
		['a zeroed page', () => Buffer.alloc(4096)],
		[
			'a torn copy of a frame (first half)',
			(last) => {
				const [frame] = parseSegment(last);
				return last.subarray(frame.offset, frame.offset + Math.floor(frame.size / 2));
			},
		],
		[
			'a whole-length frame with a bad checksum',
			(last) => {
				const frames = parseSegment(last);
				const frame = frames.at(-1)!;
				const copy = Buffer.from(last.subarray(frame.offset, frame.offset + frame.size));
				copy[copy.length - 1] ^= 0xff;
				return copy;
			},
		],
		[
			'a header claiming a huge body',
			() => {
				const header = Buffer.alloc(40);
				header.writeUInt32LE(0x7f_ff_ff_ff, 0);
				return header;
			},
		],
	];

	test.each(tails)(
		'%s appended to the last segment is cut on restart and never served',
		async (_, tail) => {
			const {dataDirectory, clock, expected} = await seeded();
			const path = lastSegment(dataDirectory);
			const original = readFileSync(path);
			appendFileSync(path, tail(original));
			expect(statSync(path).size).toBeGreaterThan(original.length);

			const second = open(dataDirectory, clock);
			expect(contents(second)).toEqual(expected);
			expect(statSync(path).size).toBe(original.length);
			// Metadata is untouched.
			expect(second.listTagsForStream({StreamName: 's'})).toEqual([{Key: 'keep', Value: 'me'}]);
			expect(second.describeStreamSummary({StreamName: 's'}).RetentionPeriodHours).toBe(30);
			// Writing on carries on cleanly after the cut.
			await second.putRecords({
				StreamName: 's',
				Records: [{PartitionKey: 'after', Data: bytes('after-the-cut')}],
			});
			expect(contents(second)).toEqual([...expected, 'after-the-cut']);
			await second.close();

			const third = open(dataDirectory, clock);
			expect(contents(third)).toEqual([...expected, 'after-the-cut']);
			await third.close();
		},
	);

	test('a cut inside the last frame loses exactly that frame', async () => {
		const {dataDirectory, clock, expected} = await seeded();
		const path = lastSegment(dataDirectory);
		const frames = parseSegment(readFileSync(path));
		const last = frames.at(-1)!;
		truncateSync(path, last.offset + last.size - 3);
		const second = open(dataDirectory, clock);
		expect(contents(second)).toEqual(expected.slice(0, -1));
		expect(statSync(path).size).toBe(last.offset);
		await second.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('next')});
		expect(contents(second)).toEqual([...expected.slice(0, -1), 'next']);
		await second.close();
	});

	test('a corrupt frame in an earlier segment ends the log there: nothing after a gap is served', async () => {
		const {dataDirectory, clock, expected} = await seeded(256);
		const directory = shardDirectory(dataDirectory, 's', S0);
		const names = readdirSync(directory)
			.filter((name) => name.endsWith('.seg'))
			.sort();
		expect(names.length).toBeGreaterThan(3);
		const victim = join(directory, names[1]);
		const buffer = readFileSync(victim);
		const frames = parseSegment(buffer);
		const before = parseSegment(readFileSync(join(directory, names[0]))).length;
		// Flip a byte in the data of the second frame of the second segment.
		const frame = frames[1];
		buffer[frame.offset + frame.size - 1] ^= 0x55;
		writeFileSync(victim, buffer);
		const second = open(dataDirectory, clock);
		const served = contents(second);
		expect(served).toEqual(expected.slice(0, before + 1));
		expect(readdirSync(directory).filter((name) => name.endsWith('.seg'))).toEqual(
			names.slice(0, 2),
		);
		await second.close();
	});

	test('a corrupt metadata file refuses to start, and releases the directory', async () => {
		const {dataDirectory} = await seeded();
		writeFileSync(join(dataDirectory, 'metadata.json'), '{"version": 1, "streams": [');
		expect(() => open(dataDirectory)).toThrow();
		// The failed start released the directory.
		expect(readdirSync(dataDirectory)).not.toContain('owner.json');
	});
});

describe('visibility of closed shards on disk', () => {
	test('with syncEveryWrite, a closed shard is not reported finished before its last records are readable', async () => {
		const dataDirectory = temporaryDirectory();
		const engine = new KinesisEngine({dataDirectory, enforceLimits: false, syncEveryWrite: true});
		engine.createStream({StreamName: 's', ShardCount: 1});
		let premature = 0;
		let polls = 0;
		for (let round = 0; round < 8; round++) {
			// The put is appended at once and acknowledged after write + fdatasync; split meanwhile.
			const parent = engine
				.listShards({StreamName: 's'})
				.find(
					(shard) =>
						shard.SequenceNumberRange.EndingSequenceNumber === undefined &&
						shard.HashKeyRange.StartingHashKey === '0',
				)!;
			const put = engine.putRecords({
				StreamName: 's',
				Records: [{PartitionKey: 'k', ExplicitHashKey: '0', Data: bytes(`r${round}`)}],
			});
			engine.splitShard({
				StreamName: 's',
				ShardToSplit: parent.ShardId,
				NewStartingHashKey: String(BigInt(parent.HashKeyRange.EndingHashKey) / 2n),
			});
			let acknowledged = false;
			void put.then(() => (acknowledged = true));
			while (!acknowledged) {
				await new Promise((resolve) => setImmediate(resolve));
				polls++;
				const page = engine.getRecords({ShardIterator: iterator(engine, 's', parent.ShardId)});
				if (!page.NextShardIterator && page.Records.length === 0) premature++;
			}

			await put;
			const end = drain(engine, iterator(engine, 's', parent.ShardId));
			expect(end.closed).toBe(true);
			expect(end.records.map((record) => text(record.Data))).toEqual([`r${round}`]);
		}

		expect(polls).toBeGreaterThan(0);
		expect(premature).toBe(0);
		await engine.close();
	});

	test('in memory, a closed shard with records ends once read', async () => {
		const engine = new KinesisEngine({enforceLimits: false});
		engine.createStream({StreamName: 's', ShardCount: 1});
		await engine.putRecord({StreamName: 's', PartitionKey: 'k', Data: bytes('x')});
		engine.splitShard({StreamName: 's', ShardToSplit: S0, NewStartingHashKey: '100'});
		const page = engine.getRecords({ShardIterator: iterator(engine, 's', S0)});
		expect(page.Records).toHaveLength(1);
		expect(page.NextShardIterator).toBeUndefined();
		expect(page.ChildShards).toHaveLength(2);
		expect(readShard(engine, 's', shardId(1))).toEqual([]);
	});
});

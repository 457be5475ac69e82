/**
 * Accepted records survive a restart and a crash: buffers are durable (one frame-format file per
 * buffer, recovered on open, torn tails cut), delivery streams and their configuration live in
 * atomically replaced metadata, and after a kill every acknowledged record is delivered at least once.
 */
import {spawn} from 'node:child_process';
import {
	appendFileSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {ManualClock} from '../../../source/engine/clock.js';
import {KinesisEngine} from '../../../source/engine/engine.js';
import {FirehoseEngine} from '../../../source/engine/firehose/firehose-engine.js';
import {DataDirectoryInUseError} from '../../../source/engine/log/data-directory.js';
import {parseSegment, removeTemporaryDirectories, temporaryDirectory} from '../helpers.js';
import {createDirectPut, deliveredBodies, objectBodies, putTexts, START} from './helpers.js';

afterEach(removeTemporaryDirectories);

const NAME = 'orders';
const HINTS = {SizeInMBs: 1, IntervalInSeconds: 60};

function open(dataDirectory: string, clock: ManualClock) {
	return new FirehoseEngine({dataDirectory, clock});
}

function bufferFiles(dataDirectory: string) {
	const root = join(dataDirectory, 'firehose', 'delivery-streams');
	const [streamDirectory] = readdirSync(root);
	return readdirSync(join(root, streamDirectory))
		.sort()
		.map((name) => join(root, streamDirectory, name));
}

describe('restart', () => {
	test('accepted but unflushed records are delivered after close + reopen, on the original interval', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const first = open(dataDirectory, clock);
		createDirectPut(first, NAME, {
			BufferingHints: HINTS,
			ProcessingConfiguration: {Processors: [{Type: 'AppendDelimiterToRecord'}]},
		});
		await putTexts(first, NAME, ['one', 'two']);
		clock.advance(30_000);
		await putTexts(first, NAME, ['three']);
		await first.close();

		const second = open(dataDirectory, clock);
		expect(second.bufferState(NAME)).toMatchObject({
			bufferedRecords: 3,
			bufferedBytes: 11,
			oldestRecordAgeMs: 30_000,
			msUntilIntervalFlush: 30_000,
		});
		await putTexts(second, NAME, ['four']);
		clock.advance(29_999);
		await second.tick();
		expect(second.listObjects('landing')).toHaveLength(0);
		clock.advance(1);
		await second.tick();
		expect(deliveredBodies(second, NAME).map(String)).toEqual(['one\ntwo\nthree\nfour\n']);
		// Delivered buffers leave no file behind.
		expect(bufferFiles(dataDirectory)).toEqual([]);
		await second.close();
	});

	test('the buffer file holds each accepted record as a whole frame before the put resolves', async () => {
		const dataDirectory = temporaryDirectory();
		const engine = open(dataDirectory, new ManualClock());
		createDirectPut(engine, NAME, {BufferingHints: HINTS});
		await putTexts(engine, NAME, ['a', 'bb', 'ccc']);
		const [file] = bufferFiles(dataDirectory);
		const frames = parseSegment(readFileSync(file));
		expect(frames.map((frame) => frame.counter)).toEqual([0, 1, 2]);
		expect(statSync(file).size).toBe(frames.reduce((sum, frame) => sum + frame.size, 0));
		await engine.close();
	});

	test('a torn tail is cut on recovery; whole records before it are delivered, later puts follow them', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const first = open(dataDirectory, clock);
		createDirectPut(first, NAME, {BufferingHints: HINTS});
		await putTexts(first, NAME, ['alpha', 'beta']);
		await first.close();
		const [file] = bufferFiles(dataDirectory);
		const whole = statSync(file).size;
		// Half a frame, as a crash in the middle of a write leaves.
		appendFileSync(file, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]));

		const second = open(dataDirectory, clock);
		expect(statSync(file).size).toBe(whole);
		expect(second.bufferState(NAME).bufferedRecords).toBe(2);
		await putTexts(second, NAME, ['gamma']);
		clock.advance(60_000);
		await second.tick();
		expect(deliveredBodies(second, NAME).map(String)).toEqual(['alphabetagamma']);
		await second.close();
	});

	test('closed buffers still waiting for delivery are delivered first after a restart, in order', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const first = open(dataDirectory, clock);
		createDirectPut(first, NAME, {BufferingHints: HINTS, Prefix: 'blocked/'});
		// A file where the prefix directory should be: every delivery fails.
		const bucket = join(dataDirectory, 'buckets', 'landing');
		mkdirSync(bucket, {recursive: true});
		writeFileSync(join(bucket, 'blocked'), 'not a directory');
		await putTexts(first, NAME, ['1']);
		clock.advance(60_000);
		await first.tick();
		await putTexts(first, NAME, ['2']);
		clock.advance(60_000);
		await first.tick();
		await putTexts(first, NAME, ['3']);
		expect(first.bufferState(NAME)).toMatchObject({pendingObjects: 2, bufferedRecords: 1});
		await first.close();
		expect(bufferFiles(dataDirectory)).toHaveLength(3);

		rmSync(join(bucket, 'blocked'));
		const second = open(dataDirectory, clock);
		expect(second.bufferState(NAME)).toMatchObject({
			pendingObjects: 2,
			pendingRecords: 2,
			bufferedRecords: 1,
		});
		await second.tick();
		expect(deliveredBodies(second, NAME).map(String)).toEqual(['1', '2']);
		clock.advance(60_000);
		await second.tick();
		expect(deliveredBodies(second, NAME).map(String)).toEqual(['1', '2', '3']);
		await second.close();
	});

	test('delivery streams keep their configuration, version, tags and ARN; deleted ones stay deleted', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const first = open(dataDirectory, clock);
		createDirectPut(first, NAME, {BufferingHints: HINTS, CompressionFormat: 'GZIP', Prefix: 'o/'});
		createDirectPut(first, 'gone', {});
		first.tagDeliveryStream({DeliveryStreamName: NAME, Tags: [{Key: 'team', Value: 'data'}]});
		first.updateDestination({
			DeliveryStreamName: NAME,
			CurrentDeliveryStreamVersionId: '1',
			DestinationId: 'destinationId-000000000001',
			ExtendedS3DestinationUpdate: {Prefix: 'orders/'},
		});
		await putTexts(first, 'gone', ['lost with its stream']);
		first.deleteDeliveryStream({DeliveryStreamName: 'gone'});
		const before = first.describeDeliveryStream({DeliveryStreamName: NAME});
		await first.close();

		const second = open(dataDirectory, clock);
		expect(second.describeDeliveryStream({DeliveryStreamName: NAME})).toEqual(before);
		expect(before.DeliveryStreamDescription.VersionId).toBe('2');
		expect(second.listDeliveryStreams().DeliveryStreamNames).toEqual([NAME]);
		expect(second.listTagsForDeliveryStream({DeliveryStreamName: NAME}).Tags).toEqual([
			{Key: 'team', Value: 'data'},
		]);
		expect(readdirSync(join(dataDirectory, 'firehose', 'delivery-streams'))).toEqual([
			`${NAME}.${START}`,
		]);
		await second.close();
	});

	test('records that cannot be written are refused with InternalFailure, never acknowledged', async () => {
		const dataDirectory = temporaryDirectory();
		const clock = new ManualClock();
		const engine = open(dataDirectory, clock);
		createDirectPut(engine, NAME, {BufferingHints: HINTS});
		await putTexts(engine, NAME, ['kept']);
		clock.advance(60_000);
		await engine.tick();
		// Without its directory, the delivery stream cannot start a new buffer file.
		rmSync(join(dataDirectory, 'firehose', 'delivery-streams'), {recursive: true});
		const output = await engine.putRecordBatch({
			DeliveryStreamName: NAME,
			Records: [{Data: Buffer.from('a')}, {Data: Buffer.from('b')}],
		});
		expect(output.FailedPutCount).toBe(2);
		expect(output.RequestResponses[0]).toEqual({
			ErrorCode: 'InternalFailure',
			ErrorMessage: expect.stringMatching(
				/^The record could not be written: could not create buffer file .*the data directory has gone \(ENOENT\)/,
			),
		});
		await expect(
			engine.putRecord({DeliveryStreamName: NAME, Record: {Data: Buffer.from('c')}}),
		).rejects.toMatchObject({code: 'InternalFailure', statusCode: 500});
		expect(engine.bufferState(NAME)).toMatchObject({bufferedRecords: 0, pendingObjects: 0});
		clock.advance(60_000);
		await engine.tick();
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['kept']);
		await engine.close();
	});

	test('a delivery-streams directory that cannot be read is reported at open, not taken as empty', async () => {
		const dataDirectory = temporaryDirectory();
		await new FirehoseEngine({dataDirectory, clock: new ManualClock()}).close();
		const streams = join(dataDirectory, 'firehose', 'delivery-streams');
		rmSync(streams, {recursive: true, force: true});
		writeFileSync(streams, 'not a directory');
		expect(() => new FirehoseEngine({dataDirectory, clock: new ManualClock()})).toThrow(/ENOTDIR/);
		// The failed open let the directory go: with the file gone, it opens again.
		rmSync(streams);
		await new FirehoseEngine({dataDirectory, clock: new ManualClock()}).close();
	});

	test('one process owns the Firehose data; a Kinesis engine can share the data directory', async () => {
		const dataDirectory = temporaryDirectory();
		const kinesis = new KinesisEngine({dataDirectory, clock: new ManualClock()});
		const engine = new FirehoseEngine({dataDirectory, kinesis, clock: new ManualClock()});
		expect(() => new FirehoseEngine({dataDirectory, clock: new ManualClock()})).toThrow(
			DataDirectoryInUseError,
		);
		await engine.close();
		const again = new FirehoseEngine({dataDirectory, clock: new ManualClock()});
		await again.close();
		await kinesis.close();
	});
});

describe('crash', () => {
	const here = dirname(fileURLToPath(import.meta.url));
	let workDirectory: string;
	let bundle: string;

	beforeAll(async () => {
		workDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-firehose-crash-'));
		bundle = join(workDirectory, 'firehose-writer.mjs');
		await build({
			entryPoints: [join(here, 'fixtures', 'firehose-writer.ts')],
			bundle: true,
			platform: 'node',
			format: 'esm',
			target: 'node20',
			outfile: bundle,
			logLevel: 'silent',
		});
	});

	afterAll(() => {
		rmSync(workDirectory, {recursive: true, force: true});
	});

	async function runWriter(config: Record<string, unknown>, killAfterAcks: number) {
		const child = spawn(process.execPath, [bundle, JSON.stringify(config)], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8');
		child.stderr.setEncoding('utf8');
		const closed = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
			child.on('close', (code, signal) => resolve({code, signal}));
		});
		const enough = new Promise<void>((resolve, reject) => {
			let acks = 0;
			child.stdout.on('data', (chunk: string) => {
				stdout += chunk;
				acks += chunk.split('"id"').length - 1;
				if (acks >= killAfterAcks) resolve();
			});
			child.stderr.on('data', (chunk: string) => (stderr += chunk));
			void closed.then(({code}) => reject(new Error(`writer exited (${code}) early: ${stderr}`)));
		});
		try {
			await enough;
		} finally {
			child.kill('SIGKILL');
		}

		const exit = await closed;
		expect(exit.signal, stderr).toBe('SIGKILL');
		const lines = stdout.split('\n');
		lines.pop(); // An unterminated last line was cut by the kill.
		const acked: number[] = [];
		for (const line of lines) {
			const parsed = JSON.parse(line) as {id?: number};
			if (parsed.id !== undefined) acked.push(parsed.id);
		}

		return acked;
	}

	test('every acknowledged record is delivered (at least once, whole) after SIGKILL mid-storm', async () => {
		const dataDirectory = join(workDirectory, 'data');
		const acked: number[] = [];
		let startId = 0;
		for (let round = 0; round < 3; round++) {
			const ids = await runWriter(
				{dataDirectory, stream: 'storm', startId, concurrency: 4},
				5000 + round * 3000,
			);
			expect(ids.length).toBeGreaterThan(0);
			acked.push(...ids);
			startId = Math.max(...acked) + 1_000;
		}

		// Some buffers were delivered by the writers themselves, some are left on disk.
		expect(bufferFiles(dataDirectory).length).toBeGreaterThan(0);
		// Reopen far enough in the future that every buffer's interval has passed, and deliver all.
		const clock = new ManualClock(Date.now() + 3_600_000);
		const engine = new FirehoseEngine({dataDirectory, clock, enforceLimits: false});
		await engine.tick();
		clock.advance(1000);
		await engine.tick();
		expect(engine.bufferState('storm')).toMatchObject({bufferedRecords: 0, pendingObjects: 0});
		const seen = new Set<number>();
		for (const body of objectBodies(engine, 'crash')) {
			const lines = body.toString().split('\n');
			expect(lines.pop()).toBe('');
			for (const line of lines) {
				const [id, padding] = line.split(':');
				expect(padding, line).toBe('p'.repeat(Number(id) % 500));
				seen.add(Number(id));
			}
		}

		const missing = acked.filter((id) => !seen.has(id));
		expect(missing).toEqual([]);
		await engine.close();
	});
});

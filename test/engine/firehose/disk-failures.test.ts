/**
 * Disk errors surface in Firehose (issue 20 §2): buffer writes, syncs and metadata saves that fail are
 * reported and fail the records they concerned (InternalFailure), never swallowed; a full disk's records
 * are not accepted and nothing of them stays in the buffer file; a failed sync leaves the delivery stream
 * refusing records until a restart; what was accepted before is delivered.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {ManualClock} from '../../../source/engine/clock.js';
import {KinesisError} from '../../../source/engine/errors.js';
import {FirehoseEngine} from '../../../source/engine/firehose/firehose-engine.js';
import {waitFor} from '../../helpers/wait-for.js';
import {removeTemporaryDirectories, temporaryDirectory} from '../helpers.js';
import {FailingFileSystem} from '../log/failing-file-system.js';
import {bytes, createDirectPut, deliveredBodies} from './helpers.js';

afterEach(removeTemporaryDirectories);

const NAME = 'orders';
const HINTS = {SizeInMBs: 1, IntervalInSeconds: 60};

function open(
	dataDirectory: string,
	options: {files?: FailingFileSystem; syncIntervalMs?: number} = {},
) {
	const clock = new ManualClock();
	const engine = new FirehoseEngine({dataDirectory, clock, ...options});
	const told: string[] = [];
	engine.onDiskFailure((message) => told.push(message));
	return {engine, clock, told};
}

async function put(engine: FirehoseEngine, texts: string[]) {
	const output = await engine.putRecordBatch({
		DeliveryStreamName: NAME,
		Records: texts.map((text) => ({Data: bytes(text)})),
	});
	return output.RequestResponses.map((response) => response.ErrorMessage ?? 'ok');
}

async function deliverAll(engine: FirehoseEngine, clock: ManualClock) {
	clock.advance(60_000);
	await engine.tick();
	return deliveredBodies(engine, NAME).map(String).join('');
}

describe('Firehose buffer files on a failing disk', () => {
	test('a full disk: the records fail with InternalFailure and leave nothing behind; records are taken again once there is room', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const {engine, told} = open(dataDirectory, {files});
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			ProcessingConfiguration: {Processors: [{Type: 'AppendDelimiterToRecord'}]},
		});
		expect(await put(engine, ['one'])).toEqual(['ok']);

		files.fail('writeSync', 'ENOSPC');
		const refused = await put(engine, ['two', 'three']);
		expect(refused).toEqual([
			expect.stringMatching(/^The record could not be written: .*the disk is full \(ENOSPC\)/),
			expect.stringMatching(/the disk is full/),
		]);
		const single = await engine
			.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('four')}})
			.then(
				() => undefined,
				(error: unknown) => error as KinesisError,
			);
		expect(single).toMatchObject({code: 'InternalFailure', statusCode: 500});
		expect(told).toEqual([expect.stringMatching(/ENOSPC/)]);

		files.heal();
		expect(await put(engine, ['five'])).toEqual(['ok']);
		await engine.close();

		// After a restart, the buffer file holds what was accepted, and nothing of what was refused.
		const again = open(dataDirectory);
		expect(await deliverAll(again.engine, again.clock)).toBe('one\nfive\n');
		await again.engine.close();
	});

	test('a failed background sync is reported once, not retried, and the delivery stream refuses records until a restart', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const {engine, told} = open(dataDirectory, {files, syncIntervalMs: 10});
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			ProcessingConfiguration: {Processors: [{Type: 'AppendDelimiterToRecord'}]},
		});
		files.fail('fdatasyncSync', 'EIO');
		expect(await put(engine, ['accepted'])).toEqual(['ok']);
		await waitFor(() => told.length > 0, {message: 'the failed sync to be reported'});
		expect(told).toEqual([
			expect.stringMatching(/could not sync .*EIO.*until kinesis-top restarts/),
		]);
		files.heal();
		const failedFile = files.synced.at(-1);

		expect(await put(engine, ['refused'])).toEqual([
			expect.stringMatching(/takes no records until kinesis-top restarts/),
		]);
		// Another stream's file is synced by the next intervals; the failed file never is again.
		createDirectPut(engine, 'other', {BufferingHints: HINTS});
		const before = files.synced.length;
		await engine.putRecord({DeliveryStreamName: 'other', Record: {Data: bytes('x')}});
		await waitFor(() => files.synced.length > before, {message: 'the next interval to sync'});
		await engine.putRecord({DeliveryStreamName: 'other', Record: {Data: bytes('y')}});
		await waitFor(() => files.synced.length > before + 1, {message: 'another interval'});
		expect(files.synced.slice(before)).not.toContain(failedFile);
		await engine.close();

		const again = open(dataDirectory);
		expect(await put(again.engine, ['after restart'])).toEqual(['ok']);
		expect(await deliverAll(again.engine, again.clock)).toBe('accepted\nafter restart\n');
		await again.engine.close();
	});

	test('a failed sync of an append with syncEveryWrite fails the records and cuts them off the file', async () => {
		const dataDirectory = temporaryDirectory();
		const files = new FailingFileSystem();
		const clock = new ManualClock();
		const engine = new FirehoseEngine({dataDirectory, clock, files, syncEveryWrite: true});
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			ProcessingConfiguration: {Processors: [{Type: 'AppendDelimiterToRecord'}]},
		});
		expect(await put(engine, ['kept'])).toEqual(['ok']);
		files.fail('fdatasyncSync', 'EIO', 1);
		expect(await put(engine, ['not acknowledged'])).toEqual([expect.stringMatching(/EIO/)]);
		expect(await put(engine, ['refused'])).toEqual([
			expect.stringMatching(/until kinesis-top restarts/),
		]);
		await engine.close();
		const again = open(dataDirectory);
		expect(await deliverAll(again.engine, again.clock)).toBe('kept\n');
		await again.engine.close();
	});
});

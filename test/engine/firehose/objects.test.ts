/**
 * What lands in the bucket: object keys named as Firehose names them (prefix, default UTC time prefix
 * of the oldest record, `name-version-yyyy-MM-dd-HH-mm-ss-uuid` suffix), records concatenated as sent
 * (or with AppendDelimiterToRecord), GZIP objects that decompress to exactly the records, in order.
 */
import {randomBytes} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {gunzipSync} from 'node:zlib';
import {afterEach, describe, expect, test} from 'vitest';
import {removeTemporaryDirectories, temporaryDirectory} from '../helpers.js';
import {MemoryObjectStore} from '../../../source/engine/firehose/object-store.js';
import {
	bytes,
	createDirectPut,
	deliveredBodies,
	escapeRegExp,
	firehose,
	putTexts,
	START,
	UUID,
} from './helpers.js';

afterEach(removeTemporaryDirectories);

const NAME = 'clicks';
const HINTS = {SizeInMBs: 1, IntervalInSeconds: 60};

async function deliverOne(
	extra: Parameters<typeof createDirectPut>[2],
	texts: string[],
	firstAt = START,
) {
	const {engine, clock} = firehose();
	clock.set(firstAt);
	createDirectPut(engine, NAME, {BufferingHints: HINTS, ...extra});
	await putTexts(engine, NAME, texts.slice(0, 1));
	clock.advance(1500);
	if (texts.length > 1) await putTexts(engine, NAME, texts.slice(1));
	clock.advance(60_000);
	await engine.tick();
	const [delivery] = engine.bufferState(NAME).lastDeliveries;
	expect(delivery).toBeDefined();
	return {engine, delivery};
}

describe('object key', () => {
	test('default: yyyy/MM/dd/HH/ of the oldest record, then name-version-yyyy-MM-dd-HH-mm-ss-uuid', async () => {
		const at = Date.UTC(2026, 2, 7, 9, 5, 3, 250);
		const {delivery} = await deliverOne({}, ['a', 'b'], at);
		expect(delivery.objectKey).toMatch(
			new RegExp(`^2026/03/07/09/${NAME}-1-2026-03-07-09-05-03-${UUID}$`),
		);
	});

	test('Prefix is prepended as given (no slash added) before the time prefix', async () => {
		const withSlash = await deliverOne({Prefix: 'raw/clicks/'}, ['a']);
		expect(withSlash.delivery.objectKey).toMatch(
			new RegExp(`^raw/clicks/2026/01/01/00/${NAME}-1-2026-01-01-00-00-00-${UUID}$`),
		);
		const without = await deliverOne({Prefix: 'raw'}, ['a']);
		expect(without.delivery.objectKey).toMatch(
			new RegExp(`^raw2026/01/01/00/${NAME}-1-2026-01-01-00-00-00-${UUID}$`),
		);
	});

	test('GZIP adds .gz; FileExtension replaces the extension', async () => {
		const gzip = await deliverOne({CompressionFormat: 'GZIP'}, ['a']);
		expect(gzip.delivery.objectKey).toMatch(new RegExp(`-${UUID}\\.gz$`));
		const custom = await deliverOne({CompressionFormat: 'GZIP', FileExtension: '.json.gz'}, ['a']);
		expect(custom.delivery.objectKey).toMatch(new RegExp(`-${UUID}\\.json\\.gz$`));
	});

	test('timestamp and random-string expressions are evaluated; no default time prefix is added then', async () => {
		const at = Date.UTC(2025, 11, 31, 23, 59, 59);
		const {delivery} = await deliverOne(
			{
				Prefix:
					"year=!{timestamp:yyyy}/month=!{timestamp:MM}/!{timestamp:'day='dd}/r=!{firehose:random-string}/",
				ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
			},
			['a'],
			at,
		);
		expect(delivery.objectKey).toMatch(
			new RegExp(
				`^year=2025/month=12/day=31/r=[0-9a-f]{8}-[0-9a-f]{2}/${NAME}-1-2025-12-31-23-59-59-${UUID}$`,
			),
		);
	});

	test('CustomTimeZone moves both the time prefix and the suffix time', async () => {
		const at = Date.UTC(2026, 0, 1, 20, 30, 0);
		const {delivery} = await deliverOne({CustomTimeZone: 'Asia/Tokyo'}, ['a'], at);
		expect(delivery.objectKey).toMatch(
			new RegExp(`^2026/01/02/05/${NAME}-1-2026-01-02-05-30-00-${UUID}$`),
		);
	});

	test('the key is named from the oldest record even when the buffer spans an hour boundary', async () => {
		const {engine, clock} = firehose();
		clock.set(Date.UTC(2026, 0, 1, 10, 59, 30));
		createDirectPut(engine, NAME, {BufferingHints: HINTS, Prefix: 'p/'});
		await putTexts(engine, NAME, ['first']);
		clock.advance(45_000);
		await putTexts(engine, NAME, ['second']);
		clock.advance(15_000);
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		expect(delivery.objectKey).toMatch(
			new RegExp(`^${escapeRegExp('p/2026/01/01/10/')}${NAME}-1-2026-01-01-10-59-30-${UUID}$`),
		);
		expect(delivery.deliveredAt).toBe(Date.UTC(2026, 0, 1, 11, 0, 30));
	});
});

describe('object body', () => {
	test('records are concatenated without a delimiter, as sent', async () => {
		const {engine} = await deliverOne({}, ['{"a":1}', '{"b":2}', '', '{"c":3}']);
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['{"a":1}{"b":2}{"c":3}']);
	});

	test('AppendDelimiterToRecord adds a newline after every record', async () => {
		const {engine} = await deliverOne(
			{
				ProcessingConfiguration: {
					Enabled: true,
					Processors: [{Type: 'AppendDelimiterToRecord'}],
				},
			},
			['one', 'two', 'three'],
		);
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['one\ntwo\nthree\n']);
	});

	test('AppendDelimiterToRecord with a Delimiter parameter uses it', async () => {
		const {engine} = await deliverOne(
			{
				ProcessingConfiguration: {
					Enabled: true,
					Processors: [
						{
							Type: 'AppendDelimiterToRecord',
							Parameters: [{ParameterName: 'Delimiter', ParameterValue: '|'}],
						},
					],
				},
			},
			['one', 'two'],
		);
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['one|two|']);
	});

	test('a disabled processing configuration appends nothing', async () => {
		const {engine} = await deliverOne(
			{
				ProcessingConfiguration: {
					Enabled: false,
					Processors: [{Type: 'AppendDelimiterToRecord'}],
				},
			},
			['one', 'two'],
		);
		expect(deliveredBodies(engine, NAME).map(String)).toEqual(['onetwo']);
	});

	test('GZIP objects decompress to exactly the records sent, in order (binary data too)', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {
			BufferingHints: HINTS,
			CompressionFormat: 'GZIP',
			ProcessingConfiguration: {Processors: [{Type: 'AppendDelimiterToRecord'}]},
		});
		const records = Array.from({length: 1200}, (_, i) =>
			i % 3 === 0 ? Buffer.concat([bytes(`${i}:`), randomBytes(50)]) : bytes(`record-${i}`),
		);
		for (let i = 0; i < records.length; i += 400) {
			const output = await engine.putRecordBatch({
				DeliveryStreamName: NAME,
				Records: records.slice(i, i + 400).map((Data) => ({Data})),
			});
			expect(output.FailedPutCount).toBe(0);
		}

		clock.advance(60_000);
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		const body = engine.getObject('landing', delivery.objectKey)!;
		expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
		expect(delivery.bytes).toBe(body.length);
		expect(delivery.records).toBe(1200);
		const expected = Buffer.concat(records.flatMap((record) => [record, bytes('\n')]));
		expect(gunzipSync(body).equals(expected)).toBe(true);
	});
});

describe('buckets on disk', () => {
	test('objects go to <dataDirectory>/buckets/<bucket>/<key>, whole, with no temporary files left', async () => {
		const dataDirectory = temporaryDirectory();
		const {engine, clock} = firehose({dataDirectory});
		createDirectPut(engine, NAME, {BufferingHints: HINTS, Prefix: 'p/'});
		await putTexts(engine, NAME, ['hello ', 'disk']);
		clock.advance(60_000);
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		const path = join(dataDirectory, 'buckets', 'landing', ...delivery.objectKey.split('/'));
		expect(readFileSync(path, 'utf8')).toBe('hello disk');
		expect(engine.listObjects('landing').map((object) => object.key)).toEqual([delivery.objectKey]);
		expect(engine.listObjects('arn:aws:s3:::landing')).toHaveLength(1);
		await engine.close();
	});

	test('bucketDirectory puts buckets elsewhere, also for an in-memory engine', async () => {
		const bucketDirectory = temporaryDirectory();
		const {engine, clock} = firehose({bucketDirectory});
		createDirectPut(engine, NAME, {BufferingHints: HINTS});
		await putTexts(engine, NAME, ['x']);
		clock.advance(60_000);
		await engine.tick();
		const [delivery] = engine.bufferState(NAME).lastDeliveries;
		expect(existsSync(join(bucketDirectory, 'landing', ...delivery.objectKey.split('/')))).toBe(
			true,
		);
		expect(engine.bucketDirectory).toBe(bucketDirectory);
	});

	test('an in-memory engine keeps objects in memory, listable by prefix', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, 'a', {BufferingHints: HINTS, Prefix: 'a/'});
		createDirectPut(engine, 'b', {BufferingHints: HINTS, Prefix: 'b/'});
		await putTexts(engine, 'a', ['1']);
		await putTexts(engine, 'b', ['2']);
		clock.advance(60_000);
		await engine.tick();
		expect(engine.bucketDirectory).toBeUndefined();
		expect(engine.listObjects('landing')).toHaveLength(2);
		const [onlyB] = engine.listObjects('landing', 'b/');
		expect(String(engine.getObject('landing', onlyB.key))).toBe('2');
		expect(engine.getObject('landing', 'nope')).toBeUndefined();
	});
});

describe('objects kept in memory', () => {
	test('stay within their bound, the oldest expired first, as an S3 lifecycle rule would', async () => {
		const store = new MemoryObjectStore(3000);
		const body = new Uint8Array(1000);
		for (const key of ['a/1', 'a/2', 'a/3']) await store.put('b', key, body, 0);
		await store.put('other', 'x', body, 0);
		expect(store.list('b').map((object) => object.key)).toEqual(['a/2', 'a/3']);
		expect(store.list('other').map((object) => object.key)).toEqual(['x']);
		expect(store.get('b', 'a/1')).toBeUndefined();
		// Putting a key again replaces it (and its bytes: 3,000 in all here, within the bound).
		await store.put('b', 'a/2', new Uint8Array(500), 1);
		await store.put('b', 'a/4', new Uint8Array(500), 1);
		expect(store.list('b').map((object) => [object.key, object.size])).toEqual([
			['a/2', 500],
			['a/3', 1000],
			['a/4', 500],
		]);
		expect(store.list('other')).toHaveLength(1);
		// An object larger than the bound is still kept, alone, until the next put.
		await store.put('b', 'big', new Uint8Array(5000), 2);
		expect(store.list('b').map((object) => object.key)).toEqual(['big']);
		expect(store.list('other')).toEqual([]);
	});
});

/**
 * `kinesis-top copy` on the bundled engine: stream to stream, saved files, Firehose archives, filters,
 * key policies, dry runs and the refusals.
 */
import {existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {waitFor} from '../helpers/wait-for.js';
import {localCli, ndjson, temporaryDirectory, type TailLine} from '../commands/helpers.js';

type PutLine = {ShardId: string; SequenceNumber: string};

const ROLE = 'arn:aws:iam::000000000000:role/firehose';

const text = (line: TailLine) => Buffer.from(line.Data, 'base64').toString('utf8');

/** `count` JSON lines over `keys` user ids: {"user":"u-K","n":i,"status":…}. */
function events(count: number, keys: number) {
	return Array.from({length: count}, (_, n) =>
		JSON.stringify({user: `u-${n % keys}`, n, status: n % 3 === 0 ? 'failed' : 'ok'}),
	);
}

async function streamWith(ok: ReturnType<typeof localCli>['ok'], name: string, lines: string[]) {
	await ok(['create', name, '--shards', '3']);
	ndjson<PutLine>(await ok(['put', name, '--key-field', 'user'], {stdin: lines.join('\n') + '\n'}));
}

const tailAll = async (ok: ReturnType<typeof localCli>['ok'], stream: string) =>
	ndjson<TailLine>(await ok(['tail', stream, '--from', 'trim-horizon', '--no-follow']));

/** Each key's records in the order the shard holds them (a key lives in one shard). */
function perKey(lines: TailLine[]) {
	const byKey = new Map<string, number[]>();
	for (const line of lines) {
		const {n} = JSON.parse(text(line)) as {n: number};
		byKey.set(line.PartitionKey, [...(byKey.get(line.PartitionKey) ?? []), n]);
	}

	return byKey;
}

describe('kinesis-top copy', () => {
	test('stream to stream: every record once, keys kept, order per key kept; --json lines and a summary', async () => {
		const {ok} = localCli();
		const source = events(1200, 40);
		await streamWith(ok, 'orders', source);
		await ok(['create', 'staging', '--shards', '2']);
		const output = ndjson<Record<string, unknown>>(
			await ok(['copy', 'orders', 'staging', '--json']),
		);
		const results = output.filter((line) => !('Summary' in line));
		expect(results).toHaveLength(1200);
		expect(results[0]).toMatchObject({
			Source: {ShardId: expect.any(String), SequenceNumber: expect.any(String)},
			ShardId: expect.any(String),
			SequenceNumber: expect.any(String),
		});
		expect(output.at(-1)).toMatchObject({
			Summary: {Source: 'orders', Destination: 'staging', Copied: 1200, DryRun: false},
		});
		const copied = await tailAll(ok, 'staging');
		expect(copied.map(text).sort()).toEqual([...source].sort());
		for (const [key, numbers] of perKey(copied)) {
			expect(numbers, key).toEqual([...numbers].sort((a, b) => a - b));
			expect(key).toBe(`u-${numbers[0] % 40}`);
		}
	});

	test('--where filters with the query language; --key random and --key-field set new keys', async () => {
		const {ok} = localCli();
		await streamWith(ok, 'orders', events(300, 10));
		await ok(['create', 'failed', '--shards', '1']);
		const summary = await ok([
			'copy',
			'orders',
			'failed',
			'--where',
			"data.status = 'failed' AND partition_key LIKE 'u-1%'",
			'--key',
			'random',
		]);
		expect(summary).toMatch(
			/^copied 10 records to failed in .*; 290 records left out by --where\n$/,
		);
		const copied = await tailAll(ok, 'failed');
		expect(copied).toHaveLength(10);
		for (const line of copied) {
			const event = JSON.parse(text(line)) as {user: string; status: string};
			expect(event).toMatchObject({user: 'u-1', status: 'failed'});
			expect(line.PartitionKey).not.toBe('u-1');
		}

		await ok(['create', 'by-status', '--shards', '1']);
		await ok(['copy', 'orders', 'by-status', '--key-field', 'status']);
		expect(new Set((await tailAll(ok, 'by-status')).map((line) => line.PartitionKey))).toEqual(
			new Set(['failed', 'ok']),
		);
	});

	test('--rate caps the records per second', async () => {
		const {ok} = localCli();
		await streamWith(ok, 'orders', events(300, 300));
		await ok(['create', 'staging', '--shards', '1']);
		const [summary] = ndjson<{Summary: {Copied: number; ElapsedMillis: number}}>(
			await ok(['copy', 'orders', 'staging', '--rate', '500', '--json']),
		).filter((line) => 'Summary' in line);
		expect(summary.Summary.Copied).toBe(300);
		// Calls of 50 (a tenth of a second's worth): the last starts no sooner than 250 records / 500 per s.
		expect(summary.Summary.ElapsedMillis).toBeGreaterThanOrEqual(500);
	});

	test('a wrong --where is a usage error pointing into the expression', async () => {
		const {cli} = localCli();
		const outcome = await cli(['copy', 'a', 'b', '--where', "data.status = = 'x'"]);
		expect(outcome.status).toBe(2);
		expect(outcome.stderr).toMatch(/^error: --where: line 1, column 15: /);
	});

	test('--dry-run counts and changes nothing, not even the checkpoint', async () => {
		const {ok, dataDirectory} = localCli();
		await streamWith(ok, 'orders', events(200, 5));
		await ok(['create', 'staging', '--shards', '1']);
		const checkpoint = join(dataDirectory, 'copy.checkpoint');
		expect(
			await ok([
				'copy',
				'orders',
				'staging',
				'--dry-run',
				'--checkpoint',
				checkpoint,
				'--where',
				'size > 0',
			]),
		).toBe('dry run: would copy 200 records to staging\n');
		expect(await tailAll(ok, 'staging')).toEqual([]);
		expect(existsSync(checkpoint)).toBe(false);
	});

	test('into itself only with --yes; never in read-only mode (a dry run is allowed there)', async () => {
		const {ok, cli} = localCli();
		await streamWith(ok, 'orders', events(10, 2));
		const refused = await cli(['copy', 'orders', 'orders']);
		expect(refused.status).toBe(2);
		expect(refused.stderr).toMatch(
			/^error: copying orders into itself puts its records in again: add --yes/,
		);
		expect(await tailAll(ok, 'orders')).toHaveLength(10);
		await ok(['create', 'staging', '--shards', '1']);
		const readOnly = await cli(['--read-only', 'copy', 'orders', 'staging']);
		expect(readOnly).toMatchObject({status: 1, stdout: ''});
		expect(readOnly.stderr).toMatch(
			/^error: AccessDeniedException: kinesis-top is in read-only mode: copy/,
		);
		expect(await tailAll(ok, 'staging')).toEqual([]);
		expect(await ok(['--read-only', 'copy', 'orders', 'staging', '--dry-run'])).toBe(
			'dry run: would copy 10 records to staging\n',
		);
		await ok(['copy', 'orders', 'orders', '--yes']);
		expect(await tailAll(ok, 'orders')).toHaveLength(20);
	});

	test('a saved tail file (and stdin) replays into a stream: same data, keys and order per key', async () => {
		const {ok} = localCli();
		await streamWith(ok, 'orders', events(500, 7));
		const saved = await ok(['tail', 'orders', '--from', 'trim-horizon', '--no-follow']);
		const file = join(temporaryDirectory(), 'saved.ndjson');
		writeFileSync(file, saved);
		await ok(['create', 'replay', '--shards', '2']);
		await ok(['copy', file, 'replay']);
		const replayed = await tailAll(ok, 'replay');
		const original = ndjson<TailLine>(saved);
		expect(replayed.map((line) => `${line.PartitionKey} ${text(line)}`).sort()).toEqual(
			original.map((line) => `${line.PartitionKey} ${text(line)}`).sort(),
		);
		expect(perKey(replayed)).toEqual(perKey(original));
		await ok(['create', 'from-stdin', '--shards', '1']);
		await ok(['copy', '-', 'from-stdin'], {stdin: saved});
		expect(await tailAll(ok, 'from-stdin')).toHaveLength(500);
	});

	test('--explicit-hash-key keep puts each record in the source shard’s part of the key space', async () => {
		const {ok} = localCli();
		await streamWith(ok, 'orders', events(90, 30));
		await ok(['create', 'mirror', '--shards', '3']);
		await ok(['copy', 'orders', 'mirror', '--explicit-hash-key', 'keep']);
		const source = await tailAll(ok, 'orders');
		const mirror = await tailAll(ok, 'mirror');
		const shardOf = new Map(source.map((line) => [text(line), line.ShardId]));
		for (const line of mirror) expect(line.ShardId).toBe(shardOf.get(text(line)));
	});
});

describe('copy and Firehose: archives in, delivery streams out', () => {
	test.each([
		{compression: 'GZIP', delimited: true},
		{compression: 'GZIP', delimited: false},
		{compression: 'UNCOMPRESSED', delimited: true},
		{compression: 'UNCOMPRESSED', delimited: false},
	])(
		'$compression, delimited $delimited: read back into the same records',
		async ({compression, delimited}) => {
			const {ok, dataDirectory} = localCli();
			const records = Array.from({length: 250}, (_, n) =>
				JSON.stringify({n, note: n % 2 ? 'braces }{ in a string' : 'plain'}),
			);
			const backend = LocalBackend.open({dataDirectory});
			try {
				backend.firehose.createDeliveryStream({
					DeliveryStreamName: 'archive',
					ExtendedS3DestinationConfiguration: {
						RoleARN: ROLE,
						BucketARN: 'arn:aws:s3:::landing',
						Prefix: 'raw/',
						ErrorOutputPrefix: 'errors/',
						CompressionFormat: compression as 'GZIP',
						BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0},
						...(delimited
							? {
									ProcessingConfiguration: {
										Enabled: true,
										Processors: [{Type: 'AppendDelimiterToRecord', Parameters: []}],
									},
								}
							: {}),
					},
				});
				await waitFor(
					() =>
						backend.firehose.describeDeliveryStream({DeliveryStreamName: 'archive'})
							.DeliveryStreamDescription.DeliveryStreamStatus === 'ACTIVE',
				);
				// One batch: one buffer, delivered (interval 0) as one object.
				await backend.firehose.putRecordBatch({
					DeliveryStreamName: 'archive',
					Records: records.map((data) => ({Data: Buffer.from(data)})),
				});
				await waitFor(() => backend.firehose.listObjects('landing', 'raw/').length > 0, {
					message: 'the delivery',
				});
			} finally {
				await backend.close();
			}

			await ok(['create', 'restored', '--shards', '2']);
			expect(await ok(['copy', 'firehose:archive', 'restored'])).toMatch(/^copied 250 records/);
			expect((await tailAll(ok, 'restored')).map(text).sort()).toEqual([...records].sort());
		},
	);

	test('into firehose:NAME: every record delivered, in order', async () => {
		const {ok, dataDirectory} = localCli();
		const records = Array.from({length: 120}, (_, n) => JSON.stringify({n}));
		await ok(['create', 'orders', '--shards', '1']);
		await ok(['put', 'orders'], {stdin: records.join('\n') + '\n'});
		let backend = LocalBackend.open({dataDirectory});
		try {
			backend.firehose.createDeliveryStream({
				DeliveryStreamName: 'sink',
				ExtendedS3DestinationConfiguration: {
					RoleARN: ROLE,
					BucketARN: 'arn:aws:s3:::landing',
					Prefix: 'sink/',
					ErrorOutputPrefix: 'errors/',
					BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0},
					ProcessingConfiguration: {
						Enabled: true,
						Processors: [{Type: 'AppendDelimiterToRecord', Parameters: []}],
					},
				},
			});
		} finally {
			await backend.close();
		}

		const output = ndjson<Record<string, unknown>>(
			await ok(['copy', 'orders', 'firehose:sink', '--json']),
		);
		expect(output.filter((line) => 'RecordId' in line)).toHaveLength(120);
		// The engine that holds the buffer delivers it (interval 0) once it runs again.
		backend = LocalBackend.open({dataDirectory});
		try {
			await waitFor(() => backend.firehose.listObjects('landing', 'sink/').length > 0, {
				message: 'the delivery',
			});
			const delivered = backend.firehose
				.listObjects('landing', 'sink/')
				.flatMap((object) =>
					backend.firehose.getObject('landing', object.key)!.toString().split('\n'),
				)
				.filter((line) => line !== '');
			expect(delivered).toEqual(records);
		} finally {
			await backend.close();
		}
	});
});

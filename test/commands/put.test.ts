import {describe, expect, test} from 'vitest';
import {decode, lines, localCli, ndjson, type PutLine, type TailLine} from './helpers.js';

const readAll = async (ok: (argv: string[]) => Promise<string>, stream = 's') =>
	ndjson<TailLine>(await ok(['tail', stream, '--from', 'trim-horizon', '--no-follow']));

describe('kinesis-top put', () => {
	test('--data puts one record with the given key and prints its result', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		const [result, ...rest] = ndjson<PutLine>(
			await ok(['put', 's', '--key', 'user-1', '--data', 'hello']),
		);
		expect(rest).toEqual([]);
		expect(Object.keys(result)).toEqual(['ShardId', 'SequenceNumber']);
		const [record] = await readAll(ok);
		expect(record).toMatchObject({
			ShardId: result.ShardId,
			SequenceNumber: result.SequenceNumber,
			PartitionKey: 'user-1',
		});
		expect(decode(record)).toBe('hello');
	});

	test('each stdin line is a record; results come one per line in input order', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '4']);
		const results = ndjson<PutLine>(await ok(['put', 's'], {stdin: lines(50)}));
		expect(results).toHaveLength(50);
		const records = await readAll(ok);
		const bySequence = new Map(records.map((record) => [record.SequenceNumber, record]));
		results.forEach((result, index) => {
			const record = bySequence.get(result.SequenceNumber!);
			expect(record?.ShardId).toBe(result.ShardId);
			expect(decode(record!)).toBe(`record-${index}`);
		});
		// Without --key or --key-field every record gets a random key.
		expect(new Set(records.map((record) => record.PartitionKey)).size).toBe(50);
	});

	test('blank lines are skipped and CRLF line ends are not part of the data', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		const results = ndjson<PutLine>(
			await ok(['put', 's', '--key', 'k'], {stdin: 'a\r\n\r\nb\n\n'}),
		);
		expect(results).toHaveLength(2);
		expect((await readAll(ok)).map(decode)).toEqual(['a', 'b']);
	});

	test('--key-field takes the partition key from a dotted path in each JSON line', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '2']);
		const input = [
			JSON.stringify({user: {id: 'alice'}, n: 1}),
			JSON.stringify({user: {id: 42}, n: 2}),
			'not json',
			JSON.stringify({user: {name: 'no id'}, n: 3}),
			JSON.stringify({user: {id: 'bob'}, n: 4}),
		].join('\n');
		const outcome = await cli(['put', 's', '--key-field', 'user.id'], {stdin: input});
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toBe('error: 2 of 5 records were not put (see the ErrorCode lines)\n');
		const results = ndjson<PutLine>(outcome.stdout);
		expect(results.map((result) => result.ErrorCode ?? 'ok')).toEqual([
			'ok',
			'ok',
			'InvalidArgumentException',
			'InvalidArgumentException',
			'ok',
		]);
		expect(Object.keys(results[2])).toEqual(['ErrorCode', 'ErrorMessage']);
		expect(results[2].ErrorMessage).toMatch(/^line 3: not JSON/);
		expect(results[3].ErrorMessage).toMatch(/^line 4: no string or number at user\.id/);
		const records = await readAll(ok);
		expect(records.map((record) => record.PartitionKey).sort()).toEqual(['42', 'alice', 'bob']);
	});

	test('--explicit-hash-key routes every record to the shard owning that hash key', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		const high = String(2n ** 128n - 1n);
		const results = ndjson<PutLine>(
			await ok(['put', 's', '--explicit-hash-key', high], {stdin: lines(20)}),
		);
		expect(new Set(results.map((result) => result.ShardId))).toEqual(
			new Set(['shardId-000000000001']),
		);
	});

	test('batches of more than 500 lines, with throttled entries retried until none is lost', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		// One shard takes 1,000 records a second: the rest are throttled and must be retried.
		const results = ndjson<PutLine>(await ok(['put', 's', '--key', 'k'], {stdin: lines(1600)}));
		expect(results).toHaveLength(1600);
		expect(results.filter((result) => result.ErrorCode !== undefined)).toEqual([]);
		const records = await readAll(ok);
		expect(records.map(decode)).toEqual(Array.from({length: 1600}, (_, i) => `record-${i}`));
		expect(new Set(results.map((result) => result.SequenceNumber)).size).toBe(1600);
	});

	test('a record over 1 MiB fails alone; the rest of its batch is put', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '1']);
		const outcome = await cli(['put', 's'], {
			stdin: `small\n${'x'.repeat(1024 * 1024 + 1)}\nafter\n`,
		});
		expect(outcome.status).toBe(1);
		const results = ndjson<PutLine>(outcome.stdout);
		expect(results.map((result) => result.ErrorCode ?? 'ok')).toEqual([
			'ok',
			'InvalidArgumentException',
			'ok',
		]);
		expect((await readAll(ok)).map(decode)).toEqual(['small', 'after']);
	});

	test('a missing stream fails the command with the backend error', async () => {
		const {cli} = localCli();
		const outcome = await cli(['put', 'nope', '--data', 'x']);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toBe(
			'error: ResourceNotFoundException: Stream nope under account 000000000000 not found.\n',
		);
	});

	test('bad flag values are usage errors', async () => {
		const {cli} = localCli();
		for (const argv of [
			['put', 's', '--key', 'k', '--key-field', 'a'],
			['put', 's', '--key-field', 'a..b'],
			['put', 's', '--explicit-hash-key', 'x'],
			['put', 's', '--key', 'x'.repeat(257)],
			['put', 's', '--data'],
		]) {
			expect((await cli(argv)).status, argv.join(' ')).toBe(2);
		}
	});
});

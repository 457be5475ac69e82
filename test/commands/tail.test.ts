import {Writable} from 'node:stream';
import {describe, expect, test} from 'vitest';
import {
	collector,
	decode,
	lines,
	localCli,
	ndjson,
	type PutLine,
	type TailLine,
} from './helpers.js';
import {waitFor} from '../helpers/wait-for.js';

type Ok = (argv: string[], options?: {stdin?: string}) => Promise<string>;

const put = async (ok: Ok, prefix: string, count: number) =>
	ndjson<PutLine>(await ok(['put', 's'], {stdin: lines(count, prefix)}));
const tail = async (ok: Ok, ...flags: string[]) =>
	ndjson<TailLine>(await ok(['tail', 's', '--no-follow', ...flags]));

/** Every record once, each shard's in sequence order, and every parent's before its children's. */
function expectConsistent(records: TailLine[], parents: Record<string, string[]>) {
	const sequences = records.map((record) => record.SequenceNumber);
	expect(new Set(sequences).size).toBe(sequences.length);
	const byShard = new Map<string, string[]>();
	records.forEach((record) => {
		byShard.set(record.ShardId, [...(byShard.get(record.ShardId) ?? []), record.SequenceNumber]);
	});
	for (const shardSequences of byShard.values()) {
		expect(shardSequences).toEqual(
			[...shardSequences].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
		);
	}

	for (const [child, childParents] of Object.entries(parents)) {
		const firstChild = records.findIndex((record) => record.ShardId === child);
		if (firstChild === -1) continue;
		for (const parent of childParents) {
			const lastParent = records.findLastIndex((record) => record.ShardId === parent);
			expect(lastParent, `${parent} before ${child}`).toBeLessThan(firstChild);
		}
	}
}

describe('kinesis-top tail', () => {
	test('prints NDJSON records with ShardId, SequenceNumber, ISO time, key and base64 data', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		const before = Date.now();
		const [result] = ndjson<PutLine>(await ok(['put', 's', '--key', 'k1', '--data', 'héllo']));
		const [line, ...rest] = await tail(ok, '--from', 'trim-horizon');
		expect(rest).toEqual([]);
		expect(Object.keys(line)).toEqual([
			'ShardId',
			'SequenceNumber',
			'ApproximateArrivalTimestamp',
			'PartitionKey',
			'Data',
		]);
		expect(line).toMatchObject({
			ShardId: 'shardId-000000000000',
			SequenceNumber: result.SequenceNumber,
			PartitionKey: 'k1',
			Data: Buffer.from('héllo').toString('base64'),
		});
		expect(line.ApproximateArrivalTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(Date.parse(line.ApproximateArrivalTimestamp)).toBeGreaterThanOrEqual(before - 1000);
	});

	test('--from trim-horizon reads every shard; latest (the default) reads only what comes next', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '3']);
		await put(ok, 'a', 60);
		const all = await tail(ok, '--from', 'trim-horizon');
		expect(all.map(decode).sort()).toEqual(lines(60, 'a').trim().split('\n').sort());
		expect(new Set(all.map((record) => record.ShardId)).size).toBe(3);
		expect(await tail(ok)).toEqual([]);
		expect(await tail(ok, '--from', 'latest')).toEqual([]);
	});

	test('--from at:SEQ and after:SEQ start at a record of its shard', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		const results = ndjson<PutLine>(await ok(['put', 's', '--key', 'same'], {stdin: lines(10)}));
		const shard = results[0].ShardId!;
		expect(new Set(results.map((result) => result.ShardId))).toEqual(new Set([shard]));
		const at = await tail(ok, '--from', `at:${results[4].SequenceNumber}`);
		expect(at.map(decode)).toEqual([
			'record-4',
			'record-5',
			'record-6',
			'record-7',
			'record-8',
			'record-9',
		]);
		const after = await tail(ok, '--from', `after:${results[4].SequenceNumber}`);
		expect(after.map(decode)).toEqual(['record-5', 'record-6', 'record-7', 'record-8', 'record-9']);
		const onShard = await tail(
			ok,
			'--from',
			`after:${results[8].SequenceNumber}`,
			'--shard',
			shard,
		);
		expect(onShard.map(decode)).toEqual(['record-9']);
	});

	test('--from at:SEQ follows the shard into its children after a split', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '1']);
		const before = ndjson<PutLine>(await ok(['put', 's'], {stdin: lines(5, 'before')}));
		await ok(['split', 's', '0']);
		await put(ok, 'after', 20);
		const records = await tail(ok, '--from', `after:${before[1].SequenceNumber}`);
		expect(records.slice(0, 3).map(decode)).toEqual(['before-2', 'before-3', 'before-4']);
		expect(records.slice(3).map(decode).sort()).toEqual(
			lines(20, 'after').trim().split('\n').sort(),
		);
	});

	test('--from time:ISO8601 starts at the first record at or after that time', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		await put(ok, 'old', 10);
		const all = await tail(ok, '--from', 'trim-horizon');
		const newest = Math.max(...all.map((record) => Date.parse(record.ApproximateArrivalTimestamp)));
		// Arrival times have millisecond resolution: wait for the next millisecond before putting more.
		while (Date.now() <= newest) await new Promise((resolve) => setTimeout(resolve, 1));
		const cut = new Date(newest + 1).toISOString();
		await put(ok, 'new', 10);
		const since = await tail(ok, '--from', `time:${cut}`);
		expect(since.map(decode).sort()).toEqual(lines(10, 'new').trim().split('\n').sort());
		expect((await tail(ok, '--from', 'time:2000-01-01T00:00:00Z')).length).toBe(20);
	});

	test('--limit N stops after N records; --shard reads only that shard', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		await put(ok, 'r', 40);
		expect(await tail(ok, '--from', 'trim-horizon', '--limit', '7')).toHaveLength(7);
		const limited = ndjson<TailLine>(
			await ok(['tail', 's', '--from', 'trim-horizon', '--limit', '3']),
		);
		expect(limited).toHaveLength(3);
		const shard1 = await tail(ok, '--from', 'trim-horizon', '--shard', 'shardId-000000000001');
		expect(shard1.length).toBeGreaterThan(0);
		expect(new Set(shard1.map((record) => record.ShardId))).toEqual(
			new Set(['shardId-000000000001']),
		);
		const byNumber = await tail(ok, '--from', 'trim-horizon', '--shard', '1');
		expect(byNumber).toEqual(shard1);
	});

	test('follows a split: records from before and after, each once, parents first', async () => {
		const {ok} = localCli();
		await ok(['create', 's', '--shards', '2']);
		await put(ok, 'before', 100);
		await ok(['split', 's', 'shardId-000000000000']);
		await put(ok, 'between', 100);
		await ok(['split', 's', 'shardId-000000000003']);
		await ok(['merge', 's', 'shardId-000000000002', 'shardId-000000000004']);
		await put(ok, 'after', 100);
		const records = await tail(ok, '--from', 'trim-horizon');
		const expected = [
			...['before', 'between', 'after'].flatMap((prefix) => lines(100, prefix).trim().split('\n')),
		];
		expect(records.map(decode).sort()).toEqual(expected.sort());
		expectConsistent(records, {
			'shardId-000000000002': ['shardId-000000000000'],
			'shardId-000000000003': ['shardId-000000000000'],
			'shardId-000000000004': ['shardId-000000000003'],
			'shardId-000000000005': ['shardId-000000000003'],
			'shardId-000000000006': ['shardId-000000000002', 'shardId-000000000004'],
		});
		expect(
			records.filter((record) => record.ShardId === 'shardId-000000000006').length,
		).toBeGreaterThan(0);
	});

	test('a bad --from or --limit is a usage error', async () => {
		const {cli} = localCli();
		for (const value of ['earliest', 'at:abc', 'time:yesterday', 'after:', 'time:12']) {
			expect((await cli(['tail', 's', '--from', value])).status, value).toBe(2);
		}

		expect((await cli(['tail', 's', '--limit', '0'])).status).toBe(2);
	});

	test('a missing stream or shard is an error, status 1', async () => {
		const {ok, cli} = localCli();
		expect((await cli(['tail', 'nope', '--no-follow'])).stderr).toMatch(
			/^error: ResourceNotFoundException: Stream nope/,
		);
		await ok(['create', 's', '--shards', '1']);
		const outcome = await cli(['tail', 's', '--shard', 'shardId-000000000009', '--no-follow']);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(/^error: ResourceNotFoundException: Shard shardId-000000000009/);
	});

	test('stops quietly when the reader goes away (EPIPE), releasing the data directory', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '1']);
		await put(ok, 'r', 5);
		let writes = 0;
		const closedPipe = new Writable({
			write(_chunk, _encoding, callback) {
				writes++;
				callback(Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}));
			},
		});
		const stderr = collector();
		// Following: only the broken pipe can end this.
		const outcome = await cli(['tail', 's', '--from', 'trim-horizon'], {
			io: {stdout: closedPipe, stderr: stderr.stream},
		});
		expect(outcome.status).toBe(0);
		expect(stderr.text()).toBe('');
		expect(writes).toBe(1);
		// The data directory was released: another run can open it.
		expect(await tail(ok, '--from', 'trim-horizon')).toHaveLength(5);
	});

	test('an interrupt (Ctrl-C) stops a following tail with status 130', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '1']);
		await put(ok, 'r', 1);
		const controller = new AbortController();
		const stdout = collector();
		const running = cli(['tail', 's', '--from', 'trim-horizon'], {
			io: {signal: controller.signal, stdout: stdout.stream},
		});
		// Interrupted once it is following: it has printed the record there was.
		await waitFor(() => stdout.text().includes('"SequenceNumber"'), {message: 'the record'});
		controller.abort();
		const outcome = await running;
		expect(outcome.status).toBe(130);
		expect(outcome.stderr).toBe('');
	});
});

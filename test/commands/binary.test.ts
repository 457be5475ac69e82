/** End to end: the built bin/kinesis-top.js, as a user runs it. */
import {spawnSync} from 'node:child_process';
import {beforeAll, describe, expect, test} from 'vitest';
import {ensureBuilt, root} from '../helpers/build.js';
import {ndjson, temporaryDirectory, type TailLine} from './helpers.js';

beforeAll(ensureBuilt, 180_000);

describe('bin/kinesis-top.js', () => {
	test('runs the headless commands end to end and exits when done', () => {
		const dataDirectory = temporaryDirectory();
		const kinesisTop = (argv: string[], input?: string) =>
			spawnSync(
				process.execPath,
				['bin/kinesis-top.js', '--local', '--data-dir', dataDirectory, ...argv],
				{cwd: root, input, encoding: 'utf8', timeout: 30_000},
			);
		const create = kinesisTop(['create', 'orders', '--shards', '2']);
		expect(create.stderr).toBe('');
		expect(create.status).toBe(0);
		expect(create.stdout).toBe('created stream orders (2 shards)\n');

		const input = Array.from({length: 300}, (_, i) => JSON.stringify({user: {id: `u${i % 7}`}, i}));
		const put = kinesisTop(['put', 'orders', '--key-field', 'user.id'], input.join('\n'));
		expect(put.status).toBe(0);
		expect(ndjson(put.stdout)).toHaveLength(300);

		const tail = kinesisTop(['tail', 'orders', '--from', 'trim-horizon', '--no-follow']);
		expect(tail.status).toBe(0);
		const records = ndjson<TailLine>(tail.stdout);
		expect(records.map((record) => Buffer.from(record.Data, 'base64').toString()).sort()).toEqual(
			[...input].sort(),
		);

		const missing = kinesisTop(['describe', 'nope']);
		expect(missing.status).toBe(1);
		expect(missing.stderr).toBe(
			'error: ResourceNotFoundException: Stream nope under account 000000000000 not found.\n',
		);
		expect(kinesisTop(['bogus']).status).toBe(2);
		// stdout is a pipe here, not a terminal: the console refuses.
		const consoleRun = kinesisTop([]);
		expect(consoleRun.status).toBe(2);
		expect(consoleRun.stderr).toMatch(/^error: the console needs a terminal/);
	});

	test('a following tail piped into head exits quietly once head has had enough', () => {
		const dataDirectory = temporaryDirectory();
		const bin = `"${process.execPath}" bin/kinesis-top.js --local --data-dir "${dataDirectory}"`;
		const script = [
			`${bin} create s --shards 1 >/dev/null`,
			`seq 2000 | ${bin} put s --key k >/dev/null`,
			`${bin} tail s --from trim-horizon | head -n 3`,
			'echo "status=${PIPESTATUS[0]}"',
		].join(' && ');
		const result = spawnSync('bash', ['-c', script], {
			cwd: root,
			encoding: 'utf8',
			timeout: 30_000,
		});
		expect(result.stderr).toBe('');
		const output = result.stdout.trimEnd().split('\n');
		expect(output).toHaveLength(4);
		expect(
			ndjson<TailLine>(output.slice(0, 3).join('\n')).map((record) => record.PartitionKey),
		).toEqual(['k', 'k', 'k']);
		expect(output[3]).toBe('status=0');
	});
});

/**
 * Resuming a copy after kill -9: the built CLI copies with a checkpoint and is killed mid-copy; a rerun
 * with the same checkpoint finishes. Nothing is lost, and what is copied twice is at most the one call
 * that was in flight (at --rate 2000, calls of 200 records).
 */
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, expect, test} from 'vitest';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitFor} from '../helpers/wait-for.js';
import {localCli, ndjson, type TailLine} from '../commands/helpers.js';

beforeAll(async () => ensureBuilt(), 180_000);

const RECORDS = 6000;
const CALL = 200;

/** How many source partitions the checkpoint file names (0 before it is first written). */
function checkpointed(path: string) {
	if (!existsSync(path)) return 0;
	try {
		const file = JSON.parse(readFileSync(path, 'utf8')) as {
			partitions: Record<string, {through?: string; done?: string[]}>;
		};
		return Object.values(file.partitions).length;
	} catch {
		return 0;
	}
}

test('kill -9 mid-copy, rerun with the checkpoint: nothing lost, at most one call copied twice', async () => {
	const {ok, dataDirectory} = localCli();
	await ok(['create', 'orders', '--shards', '2']);
	const lines = Array.from({length: RECORDS}, (_, n) => JSON.stringify({user: `u-${n % 50}`, n}));
	await ok(['put', 'orders', '--key-field', 'user'], {stdin: lines.join('\n') + '\n'});
	await ok(['create', 'staging', '--shards', '2']);
	const checkpoint = join(dataDirectory, 'copy.checkpoint');

	const child = spawn(
		process.execPath,
		[
			join(root, 'bin', 'kinesis-top.js'),
			'--local',
			'--data-dir',
			dataDirectory,
			'copy',
			'orders',
			'staging',
			'--checkpoint',
			checkpoint,
			'--rate',
			'2000',
		],
		{stdio: ['ignore', 'pipe', 'pipe']},
	);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
		child.on('exit', (code, signal) => resolve(signal ?? code));
	});
	// Mid-copy: the checkpoint has been written (after an acknowledged call) and the copy goes on.
	await waitFor(() => checkpointed(checkpoint) > 0, {
		timeoutMs: 20_000,
		message: `a checkpoint (copy said: ${output})`,
	});
	await waitFor(() => output.includes('copying:'), {timeoutMs: 10_000, message: 'progress'});
	child.kill('SIGKILL');
	expect(await exited).toBe('SIGKILL');

	const summary = await ok(['copy', 'orders', 'staging', '--checkpoint', checkpoint]);
	// The rerun starts after the checkpoint: it copies only what the killed run had not.
	const rerun = Number(/^copied ([\d,]+) records/.exec(summary)?.[1].replaceAll(',', ''));
	expect(rerun).toBeGreaterThan(0);
	expect(rerun).toBeLessThan(RECORDS);
	const copied = ndjson<TailLine>(
		await ok(['tail', 'staging', '--from', 'trim-horizon', '--no-follow']),
	).map((line) => Buffer.from(line.Data, 'base64').toString());
	const distinct = new Set(copied);
	expect([...distinct].sort()).toEqual([...lines].sort());
	const duplicates = copied.length - distinct.size;
	expect(duplicates).toBeLessThanOrEqual(CALL);
	// Order per key holds for each record's first copy.
	const firstSeen = new Map<string, number[]>();
	const seen = new Set<string>();
	for (const line of copied) {
		if (seen.has(line)) continue;
		seen.add(line);
		const {user, n} = JSON.parse(line) as {user: string; n: number};
		firstSeen.set(user, [...(firstSeen.get(user) ?? []), n]);
	}

	for (const [user, numbers] of firstSeen) {
		expect(numbers, user).toEqual([...numbers].sort((a, b) => a - b));
	}
}, 120_000);

/**
 * Crash safety of the durable engine: a writer process (fixtures/crash-writer.ts, bundled with esbuild
 * and run with plain node) puts a storm of records, printing each one only after its put was
 * acknowledged, and is killed with SIGKILL at a random moment, many times over on the same data
 * directory. After each kill the test process opens the engine itself (taking over the dead writer's
 * lock) and checks that every acknowledged record is there exactly once, on the shard it was
 * acknowledged on, with its sequence number, in sequence-number order per shard, and that nothing but
 * whole, valid records is served. A second variant also damages the tail of a segment file by hand
 * between rounds, as a torn write or a bad disk would.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {explicitHashKeyFor, idOfPayload, partitionKeyFor, payloadFor} from './fixtures/payload.js';
import {md5HashKey, parseSegment, readShard} from './helpers.js';

const STREAM = 'storm';
const here = dirname(fileURLToPath(import.meta.url));
let workDirectory: string;
let bundle: string;

beforeAll(async () => {
	workDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-crash-'));
	bundle = join(workDirectory, 'crash-writer.mjs');
	await build({
		entryPoints: [join(here, 'fixtures', 'crash-writer.ts')],
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

/** mulberry32: the test's own randomness, reproducible from the seed printed on failure. */
function generator(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

type Ack = {id: number; shard: string; sequence: string};

/** Runs the writer until `killAfterMs` after it is ready, kills it, and returns what it acknowledged. */
async function runWriter(config: Record<string, unknown>, killAfterMs: number) {
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
	const ready = new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (chunk: string) => {
			stdout += chunk;
			if (stdout.includes('"ready"')) resolve();
		});
		child.stderr.on('data', (chunk: string) => (stderr += chunk));
		void closed.then(({code}) => reject(new Error(`writer exited (${code}) early: ${stderr}`)));
	});
	try {
		await ready;
		await new Promise((resolve) => setTimeout(resolve, killAfterMs));
	} finally {
		child.kill('SIGKILL');
	}

	const exit = await closed;
	// Killed by us, not dead of its own accord.
	expect(exit.signal, stderr).toBe('SIGKILL');
	const lines = stdout.split('\n');
	lines.pop(); // An unterminated last line was cut by the kill: not a whole acknowledgement.
	const acks: Ack[] = [];
	for (const line of lines) {
		const parsed = JSON.parse(line) as Ack | {ready: number};
		if ('id' in parsed) acks.push(parsed);
	}

	return acks;
}

/** Each id's expected record, computed once: the log is re-read whole after every round. */
const expectations = new Map<number, {payload: Buffer; key: string; hash: bigint}>();
function expected(id: number) {
	let found = expectations.get(id);
	if (!found) {
		const key = partitionKeyFor(id);
		found = {payload: payloadFor(id), key, hash: BigInt(explicitHashKeyFor(id) ?? md5HashKey(key))};
		expectations.set(id, found);
	}

	return found;
}

/** The id a record claims: the digits its payload starts with (then checked against the whole payload). */
function claimedId(data: Uint8Array) {
	const bar = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 12)).indexOf(0x7c);
	const id = bar > 0 ? Number(Buffer.from(data.buffer, data.byteOffset, bar).toString()) : NaN;
	return Number.isSafeInteger(id) ? id : undefined;
}

/**
 * Opens the engine on the data directory (the writer is dead, so its lock is stale) and checks every
 * record. Returns the highest id in the log.
 */
async function verify(
	dataDirectory: string,
	acknowledged: Map<number, Ack>,
	cut: Set<number>,
	context: string,
) {
	const engine = new KinesisEngine({dataDirectory, enforceLimits: false});
	const problems: string[] = [];
	const seen = new Map<number, {shard: string; sequence: string}>();
	try {
		for (const shard of engine.listShards({StreamName: STREAM})) {
			const start = BigInt(shard.HashKeyRange.StartingHashKey);
			const end = BigInt(shard.HashKeyRange.EndingHashKey);
			let previous = '';
			for (const record of readShard(engine, STREAM, shard.ShardId)) {
				const id = claimedId(record.Data);
				const wanted = id === undefined ? undefined : expected(id);
				// The whole payload must be the one of its id: a torn, corrupt or foreign record is not.
				if (id === undefined || !wanted || !wanted.payload.equals(record.Data)) {
					problems.push(`${shard.ShardId}: an invalid record at ${record.SequenceNumber}`);
					if (idOfPayload(record.Data) !== undefined) problems.push('(self-consistent but wrong)');
					continue;
				}

				if (record.PartitionKey !== wanted.key) problems.push(`${id}: wrong key`);
				if (wanted.hash < start || wanted.hash > end) {
					problems.push(`${id}: on ${shard.ShardId}, not its range`);
				}

				if (seen.has(id)) problems.push(`${id}: served twice`);
				if (cut.has(id)) problems.push(`${id}: served although its frame was destroyed`);
				seen.set(id, {shard: shard.ShardId, sequence: record.SequenceNumber});
				// Sequence numbers have a fixed length: string order is numeric order.
				if (record.SequenceNumber.length !== 56 || record.SequenceNumber <= previous) {
					problems.push(`${shard.ShardId}: out of order at ${id}`);
				}

				previous = record.SequenceNumber;
			}
		}

		for (const [id, ack] of acknowledged) {
			if (cut.has(id)) continue;
			const found = seen.get(id);
			if (!found) problems.push(`acknowledged ${id} is missing`);
			else if (found.shard !== ack.shard || found.sequence !== ack.sequence) {
				problems.push(`acknowledged ${id} moved: ${JSON.stringify({ack, found})}`);
			}
		}
	} finally {
		await engine.close();
	}

	expect(problems.slice(0, 20), `${context}: ${problems.length} problems`).toEqual([]);
	let highest = -1;
	for (const id of seen.keys()) if (id > highest) highest = id;
	return highest;
}

/**
 * Damages the end of the newest segment file of a random shard, by `kind`: 0 garbage or 1 a torn frame
 * appended (no record lost), 2 the last whole frame truncated or 3 bit-flipped (that record lost).
 * Returns the id of the record whose frame was destroyed, if any.
 */
function damageTail(dataDirectory: string, kind: number, random: () => number): number | undefined {
	const streams = join(dataDirectory, 'streams');
	const [streamDirectory] = readdirSync(streams);
	const candidates = readdirSync(join(streams, streamDirectory))
		.map((shard) => join(streams, streamDirectory, shard))
		.filter((directory) => readdirSync(directory).some((name) => name.endsWith('.seg')));
	if (candidates.length === 0) return undefined;
	const directory = candidates[Math.floor(random() * candidates.length)];
	const names = readdirSync(directory)
		.filter((name) => name.endsWith('.seg'))
		.sort();
	const path = join(directory, names.at(-1)!);
	const buffer = readFileSync(path);
	const frames = parseSegment(buffer);
	const last = frames.at(-1);
	if (!last || kind === 0) {
		const garbage = Buffer.from(
			Array.from({length: 1 + Math.floor(random() * 300)}, () => random() * 256),
		);
		writeFileSync(path, Buffer.concat([buffer, garbage]));
		return undefined;
	}

	if (kind === 1) {
		const first = frames[0];
		const torn = buffer.subarray(
			first.offset,
			first.offset + 1 + Math.floor(random() * (first.size - 1)),
		);
		writeFileSync(path, Buffer.concat([buffer, torn]));
		return undefined;
	}

	const id = Number(/-(\d+)$/.exec(last.partitionKey)![1]);
	if (kind === 2) {
		truncateSync(path, last.offset + 1 + Math.floor(random() * (last.size - 1)));
	} else {
		const at = last.offset + Math.floor(random() * last.size);
		buffer[at] ^= 1 + Math.floor(random() * 255);
		writeFileSync(path, buffer);
	}

	return id;
}

async function storm(options: {rounds: number; damage: boolean; seed: number}) {
	const random = generator(options.seed);
	const dataDirectory = mkdtempSync(join(workDirectory, 'data-'));
	const acknowledged = new Map<number, Ack>();
	const cut = new Set<number>();
	let nextId = 0;
	let killed = 0;
	for (let round = 0; round < options.rounds; round++) {
		const context = `seed ${options.seed}, round ${round}`;
		const acks = await runWriter(
			{
				dataDirectory,
				stream: STREAM,
				shards: 3,
				startId: nextId,
				concurrency: 4,
				maxBatch: 40,
				segmentBytes: 16 * 1024,
				reshard: round % 3 !== 2,
				seed: Math.floor(random() * 2 ** 32),
			},
			50 + Math.floor(random() * 350),
		);
		killed++;
		for (const ack of acks) {
			expect(acknowledged.has(ack.id), `${context}: ${ack.id} acknowledged twice`).toBe(false);
			acknowledged.set(ack.id, ack);
		}

		let highest = Math.max(nextId - 1, ...acks.map((ack) => ack.id));
		if (options.damage) {
			const lost = damageTail(dataDirectory, round % 4, random);
			if (lost !== undefined) {
				cut.add(lost);
				highest = Math.max(highest, lost);
			}
		}

		highest = Math.max(highest, await verify(dataDirectory, acknowledged, cut, context));
		nextId = highest + 1;
	}

	expect(killed).toBe(options.rounds);
	// The storms did write: many records, acknowledged across all the rounds.
	expect(acknowledged.size).toBeGreaterThan(options.rounds * 20);
	rmSync(dataDirectory, {recursive: true, force: true});
	return {acknowledged: acknowledged.size, cut: cut.size};
}

describe('crash safety (SIGKILL during a put storm)', () => {
	const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);

	test(`every acknowledged record survives, exactly once (seed ${seed})`, async () => {
		await storm({rounds: 18, damage: false, seed});
	}, 90_000);

	test(`damaged segment tails are cut and never served (seed ${seed + 1})`, async () => {
		const result = await storm({rounds: 12, damage: true, seed: seed + 1});
		// Rounds 2, 3, 6, 7, 10 and 11 destroyed the last whole frame of a segment.
		expect(result.cut).toBeGreaterThanOrEqual(3);
	}, 90_000);
});

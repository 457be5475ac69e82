import {execFileSync, spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createHash, randomBytes} from 'node:crypto';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {assembleKernels, GENERATED_FILE, generatedSource} from '../../scripts/generate-kernels.js';
import {hashAsciiBytesInto} from '../../source/kinesis/hash-key.js';
import {decodeBase64Into} from '../../source/server/base64.js';
import {putKernels} from '../../source/server/put-kernels.js';
import {
	type BodyBatch,
	readPutRecordsJson,
	releaseBatch,
} from '../../source/server/put-records-json.js';
import {ensureBuilt, root} from '../helpers/build.js';
import {waitFor} from '../helpers/wait-for.js';

const kernels = putKernels!;

/** MD5 of a key's latin1 bytes, as four big-endian words (hash-key.ts's order). */
function md5(key: string) {
	const digest = createHash('md5').update(Buffer.from(key, 'latin1')).digest();
	return [0, 4, 8, 12].map((at) => digest.readUInt32BE(at));
}

/** The first `count` digests of a digests array, each as four words. */
const digestsOf = (digests: Uint32Array, count: number) =>
	Array.from({length: count}, (_, index) => [...digests.subarray(index * 4, index * 4 + 4)]);
const viewOf = (buffer: Uint8Array) =>
	new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Records laid out as a body would hold them (each blob and key between quotes, amid other text), with
 * their places. Keys are latin1 text: one byte a character.
 */
function layOut(texts: string[], keys = texts.map(() => 'k')) {
	const count = texts.length;
	const places = {
		count,
		blobStarts: new Uint32Array(count),
		blobEnds: new Uint32Array(count),
		keyStarts: new Uint32Array(count),
		keyEnds: new Uint32Array(count),
	};
	let body = '{"x":[';
	for (const [index, text] of texts.entries()) {
		body += '{"Data":"';
		places.blobStarts[index] = body.length;
		body += text;
		places.blobEnds[index] = body.length;
		body += '","PartitionKey":"';
		places.keyStarts[index] = body.length;
		body += keys[index];
		places.keyEnds[index] = body.length;
		body += '"},';
	}

	return {body: Buffer.from(body + ']}', 'latin1'), places};
}

/** The records read by the kernels: whether they were, and their data, data ends and key digests. */
function readByKernels(texts: string[], keys?: string[]) {
	const {body, places} = layOut(texts, keys);
	const work = {
		data: Buffer.alloc(body.length, 0xee),
		dataEnds: new Uint32Array(texts.length),
		digests: new Uint32Array(texts.length * 4),
	};
	const done = kernels.readRecords(body, places, work);
	return {done, work};
}

/**
 * The texts decoded by the kernels: their bytes one after the other and where each ends (leaving out
 * the key the kernels write before each), or false.
 */
function byKernels(texts: string[], keys = texts.map(() => 'k')) {
	const {done, work} = readByKernels(texts, keys);
	if (!done) return done;
	const parts: Buffer[] = [];
	const ends: number[] = [];
	let end = 0;
	for (const [index, key] of keys.entries()) {
		const start = (work.dataEnds[index - 1] ?? 0) + key.length;
		// Each record's key comes first, then its data.
		expect(work.data.toString('latin1', start - key.length, start)).toBe(key);
		parts.push(work.data.subarray(start, work.dataEnds[index]));
		end += work.dataEnds[index] - start;
		ends.push(end);
	}

	return {bytes: Buffer.concat(parts), ends};
}

/** The same by base64.ts's decodeBase64Into, one text after the other: the reference. */
function byReference(texts: string[]) {
	const {
		body,
		places: {blobStarts: starts, blobEnds: ends},
	} = layOut(texts);
	const target = Buffer.alloc(body.length, 0xee);
	const dataEnds: number[] = [];
	let at = 0;
	for (let index = 0; index < texts.length; index++) {
		at = decodeBase64Into(viewOf(body), starts[index], ends[index], viewOf(target), at);
		if (at === -1) return false;
		dataEnds.push(at);
	}

	return {bytes: target.subarray(0, at), ends: dataEnds};
}

/** Each record of a batch read in place: its key and its data. */
function recordsOf(batch: BodyBatch) {
	const records: Array<{key: string; data: string}> = [];
	for (let index = 0; index < batch.count; index++) {
		const keyBytes = batch.keyBytes(index);
		const frame = Buffer.alloc(keyBytes + batch.dataLength(index));
		batch.writeKeyAndData(index, frame, viewOf(frame), 0, keyBytes);
		records.push({
			key: frame.toString('latin1', 0, keyBytes),
			data: frame.subarray(keyBytes).toString('hex'),
		});
	}

	return records;
}

/** A body read in place, with the kernels or without: its stream and records, or undefined. */
function readWith(body: Buffer, withKernels: boolean) {
	const read = readPutRecordsJson(body, withKernels ? kernels : undefined);
	if (!read) return undefined;
	const records = recordsOf(read.batch);
	releaseBatch(read.batch);
	return {streamName: read.streamName, records};
}

describe('put kernels (WebAssembly)', () => {
	test('are loaded on this Node.js', () => {
		expect(putKernels).toBeDefined();
	});

	test('are the binary their text assembles to', async () => {
		expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(generatedSource(await assembleKernels()));
	});

	test('decode blobs of every length from 0 to 200 bytes as the reference does', () => {
		const texts = Array.from({length: 201}, (_, size) => randomBytes(size).toString('base64'));
		const decoded = byKernels(texts);
		expect(decoded).toEqual(byReference(texts));
		expect(
			decoded && decoded.ends.map((end, index) => end - (decoded.ends[index - 1] ?? 0)),
		).toEqual(texts.map((_, size) => size));
	});

	test('refuse every byte outside the alphabet, at every place of a 16-character block and after it', () => {
		const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
		// 32 characters: two blocks of 16 would be decoded 16 at a time, but the last group of 4 is kept
		// for its padding, so the first 16 go through the block loop and the next 12 group by group.
		const valid = randomBytes(24).toString('base64');
		for (let place = 0; place < valid.length - 4; place++) {
			for (let byte = 0; byte < 256; byte++) {
				const character = String.fromCharCode(byte);
				const text = valid.slice(0, place) + character + valid.slice(place + 1);
				const decoded = byKernels([text]);
				expect(decoded).toEqual(byReference([text]));
				expect(decoded !== false).toBe(alphabet.has(character));
			}
		}
	});

	test('decode and refuse lists of blobs as the reference does (property)', () => {
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		const stray = fc.constantFrom(...'=-_ "\\\n.\u0000\u007f\u00e9\u00ff');
		// Long enough for the 16-character blocks, not only the groups after them.
		const valid = fc
			.uint8Array({maxLength: 120, size: 'large'})
			.map((bytes) => Buffer.from(bytes).toString('base64'));
		const nearMiss = fc
			.tuple(valid, fc.nat(), stray, fc.nat(3), fc.constantFrom(...alphabet))
			.map(([text, at, character, how, other]) => {
				if (how === 0) return text.slice(0, -1);
				if (how === 1) return text.replace(/=+$/, '') + '=';
				if (how === 2) {
					// Another last character before the padding: bits may be left over.
					const last = text.replace(/=+$/, '').length - 1;
					return last < 0 ? text : text.slice(0, last) + other + text.slice(last + 1);
				}

				const place = at % (text.length + 1);
				return text.slice(0, place) + character + text.slice(place + 1);
			});
		// Keys of 1 to 256 characters, each written before its record's data.
		const key = fc.string({unit: fc.constantFrom(...'az09-_'), minLength: 1, maxLength: 256});
		const record = fc.tuple(fc.oneof({weight: 4, arbitrary: valid}, nearMiss), key);
		fc.assert(
			fc.property(fc.array(record, {maxLength: 12}), (records) => {
				const texts = records.map(([text]) => text);
				expect(
					byKernels(
						texts,
						records.map(([, each]) => each),
					),
				).toEqual(byReference(texts));
			}),
			{numRuns: 2000},
		);
	});

	test('hash keys of every length from 0 to 55 bytes, and any byte, as MD5 does', () => {
		const keys = Array.from({length: 56}, (_, length) => randomBytes(length).toString('latin1'));
		// Four keys a round: 56 is a multiple of four; one fewer leaves a lane of the last round empty.
		for (const some of [keys, keys.slice(1)]) {
			const {done, work} = readByKernels(
				some.map(() => 'AAAA'),
				some,
			);
			expect(done).toBe(true);
			expect(digestsOf(work.digests, some.length)).toEqual(some.map(md5));
		}
	});

	test('hash keys as hash-key.ts does (property)', () => {
		const byte = fc.integer({min: 0, max: 255}).map((code) => String.fromCharCode(code));
		const key = fc.string({unit: byte, maxLength: 55, size: 'large'});
		fc.assert(
			fc.property(fc.array(key, {maxLength: 13}), (keys) => {
				const {work} = readByKernels(
					keys.map(() => ''),
					keys,
				);
				// hash-key.ts's own MD5 takes ASCII; other bytes are MD5 all the same.
				const reference = keys.map((each) => {
					const out = new Uint32Array(4);
					return hashAsciiBytesInto(Buffer.from(each, 'latin1'), 0, each.length, out)
						? [...out]
						: md5(each);
				});
				expect(digestsOf(work.digests, keys.length)).toEqual(reference);
			}),
			{numRuns: 500},
		);
	});

	test('leave a body too large for their memory to JavaScript, which reads it the same', () => {
		const records = Array.from({length: 40}, (_, index) => ({
			Data: randomBytes(60_000).toString('base64'),
			PartitionKey: `key-${index}`,
		}));
		const body = Buffer.from(JSON.stringify({StreamName: 's', Records: records}));
		expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
		const empty = {
			data: Buffer.alloc(0),
			dataEnds: new Uint32Array(0),
			digests: new Uint32Array(0),
		};
		expect(kernels.readRecords(body, layOut([]).places, empty)).toBeUndefined();
		const read = readWith(body, true);
		expect(read?.records.map((record) => record.data)).toEqual(
			records.map((record) => Buffer.from(record.Data, 'base64').toString('hex')),
		);
	});

	test('read bodies as the JavaScript decoder does (property)', () => {
		const blob = fc.oneof(
			{
				weight: 19,
				arbitrary: fc
					.uint8Array({maxLength: 90, size: 'large'})
					.map((bytes) => Buffer.from(bytes).toString('base64')),
			},
			fc.string({unit: fc.constantFrom(...'AZaz09+/=-"'), maxLength: 40}),
		);
		const key = fc.string({unit: fc.constantFrom(...'az09-_. '), minLength: 1, maxLength: 8});
		const record = fc.record({Data: blob, PartitionKey: key});
		const body = fc
			.tuple(fc.array(record, {minLength: 1, maxLength: 8}), fc.constantFrom(undefined, 1))
			.map(([records, indent]) =>
				Buffer.from(JSON.stringify({StreamName: 's', Records: records}, undefined, indent)),
			);
		let read = 0;
		fc.assert(
			fc.property(body, (bytes) => {
				const withKernels = readWith(bytes, true);
				expect(withKernels).toEqual(readWith(bytes, false));
				if (withKernels) read++;
			}),
			{numRuns: 500},
		);
		// Not every body was left to the generic path: the comparison read records (most of
		// the bodies are in the plain form: a fifth is far below what any run reads).
		expect(read).toBeGreaterThan(100);
	});

	// Where the kernels cannot run, a body is read in JavaScript, and the process starts all the same.
	test.each([
		['without WebAssembly (node --jitless)', ['--jitless'], '', false],
		// V8 reserves gigabytes of address space for a WebAssembly memory, beyond the module's 4 MiB:
		// Node 20's refuses under this limit (its kernels are then not loaded); Node 24's fits in it.
		[
			'with a limit on address space (ulimit -v)',
			[],
			'ulimit -v 3000000 && ',
			process.versions.node.startsWith('20.') ? false : undefined,
		],
	])(
		'are not needed: %s, bodies are read all the same',
		async (_, nodeFlags, shellPrefix, loaded) => {
			await ensureBuilt();
			const distPath = (path: string) => join(root, 'dist', path);
			const text = 'kinesis-top, decoded in JavaScript';
			const script = `
			const {putKernels} = await import(${JSON.stringify(distPath('source/server/put-kernels.js'))});
			const {readPutRecordsJson} = await import(${JSON.stringify(distPath('source/server/put-records-json.js'))});
			const data = Buffer.from(${JSON.stringify(text)}).toString('base64');
			const body = Buffer.from(JSON.stringify({StreamName: 's', Records: [{Data: data, PartitionKey: 'k'}]}));
			const read = readPutRecordsJson(body);
			console.log(JSON.stringify({kernels: putKernels !== undefined, count: read?.batch.count, bytes: read?.batch.dataLength(0)}));
		`;
			const output = execFileSync(
				'bash',
				[
					'-c',
					`${shellPrefix}exec "$0" "$@"`,
					process.execPath,
					...nodeFlags,
					'--no-warnings',
					'--input-type=module',
					'-e',
					script,
				],
				{encoding: 'utf8'},
			);
			const read = JSON.parse(output) as {kernels: boolean; count: number; bytes: number};
			expect({count: read.count, bytes: read.bytes}).toEqual({count: 1, bytes: text.length});
			if (loaded !== undefined) expect(read.kernels).toBe(loaded);
		},
	);

	test('leave no ArrayBuffer detached in a serve that took puts: V8 would then check every DataView access', async () => {
		// A detached ArrayBuffer (growing the kernels' memory detaches its old one) invalidates a protector
		// for the whole process, and serve's puts then ran 4% slower instead of 9% faster. V8 says so
		// under --trace-protector-invalidation.
		await ensureBuilt();
		const child = spawn(
			process.execPath,
			[
				'--trace-protector-invalidation',
				'bin/kinesis-top.js',
				'serve',
				'--in-memory',
				'--port',
				'0',
				'--no-limits',
				'--create',
				'guard:2',
			],
			{cwd: root},
		);
		let stdout = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.resume();
		try {
			const url = await waitFor(() => /on (http:\/\/\S+) /.exec(stdout)?.[1], {
				timeoutMs: 15_000,
				message: 'serve to start',
			});
			const put = async (records: Array<{Data: string; PartitionKey: string}>) => {
				const response = await fetch(url, {
					method: 'POST',
					headers: {
						'Content-Type': 'application/x-amz-json-1.1',
						'X-Amz-Target': 'Kinesis_20131202.PutRecords',
						'X-Amz-Date': '20250101T000000Z',
						Authorization:
							'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/kinesis/aws4_request, ' +
							`SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
					},
					body: JSON.stringify({StreamName: 'guard', Records: records}),
				});
				const answer = (await response.json()) as {FailedRecordCount?: number};
				expect(answer.FailedRecordCount).toBe(0);
			};

			// Puts the kernels read, then one too large for their memory.
			for (let call = 0; call < 20; call++) {
				await put(
					Array.from({length: 100}, (_, index) => ({
						Data: randomBytes(100).toString('base64'),
						PartitionKey: `key-${call}-${index}`,
					})),
				);
			}

			await put(
				Array.from({length: 5}, (_, index) => ({
					Data: randomBytes(600_000).toString('base64'),
					PartitionKey: `large-${index}`,
				})),
			);
			expect(stdout).toMatch(/on http:/);
			expect(stdout).not.toMatch(/Invalidating protector cell ArrayBufferDetaching/);
		} finally {
			child.kill('SIGTERM');
		}
	});
});

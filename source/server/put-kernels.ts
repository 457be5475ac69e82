/**
 * put-kernels.wat, loaded: for a PutRecords body read in place, every record's base64 blob decoded 16
 * characters at a time and every partition key's MD5 computed four keys at a time, with WebAssembly's
 * SIMD. JavaScript does the same work (base64.ts's decodeBase64Into, hash-key.ts's MD5) a group of four
 * characters, or one key, at a time: it is the reference, and the path where WebAssembly is missing.
 *
 * The module's memory is a scratch area, used within one call and by nothing else: each call copies the
 * body in and the decoded bytes and digests out (native copies, ~5 ns a record). Undefined where
 * WebAssembly or its SIMD is not available (`node --jitless`, say).
 */
import {SEXTETS} from './base64.js';
import {PUT_KERNELS_WASM} from './put-kernels.generated.js';

/** What is used of WebAssembly's API (this project's TypeScript libraries do not declare it). */
type Memory = {readonly buffer: ArrayBuffer};
type WebAssemblyApi = {
	validate(binary: Uint8Array): boolean;
	Module: new (binary: Uint8Array) => object;
	Instance: new (module: object) => {exports: Record<string, unknown>};
};

type Exports = {
	memory: Memory;
	decodeBlobs(
		count: number,
		starts: number,
		ends: number,
		keyStarts: number,
		keyEnds: number,
		body: number,
		out: number,
		dataEnds: number,
	): number;
	hashKeys(
		count: number,
		starts: number,
		ends: number,
		body: number,
		out: number,
		block: number,
	): void;
};

/** A body's records, as places in it: where each one's blob and partition key begin and end. */
export type RecordPlaces = {
	readonly count: number;
	readonly blobStarts: Uint32Array;
	readonly blobEnds: Uint32Array;
	readonly keyStarts: Uint32Array;
	readonly keyEnds: Uint32Array;
};

/** What the kernels give for a body's records (each array with room for all of them). */
export type RecordsWork = {
	/**
	 * The records one after the other, from the start, each its key and then its blob decoded (one copy
	 * makes the rest of its frame); room is needed for the body's length.
	 */
	readonly data: Uint8Array;
	/** Where each record's data ends in `data` (the next record's key starts there). */
	readonly dataEnds: Uint32Array;
	/** Each record's key's MD5, as four big-endian words (hash-key.ts's order), for keys of ≤ 55 bytes. */
	readonly digests: Uint32Array;
};

/** Where the memory layout begins: SEXTETS' four tables of 256 i32 come first. */
const TABLES_BYTES = 4 * 256 * 4;
/** Keys this long or shorter fit one MD5 block, which is all the kernel hashes. */
export const MAX_KERNEL_KEY_BYTES = 55;
/** The MD5 kernel's scratch: one block of 16 words for each of four keys. */
const BLOCK_BYTES = 256;
/** A 16-byte store writes up to 4 bytes past a blob's end: room after the last one. */
const STORE_SLACK = 16;

const align = (offset: number) => Math.ceil(offset / 16) * 16;

export class PutKernels {
	private readonly bytes: Uint8Array;
	private readonly words: Uint32Array;

	constructor(private readonly exports: Exports) {
		this.bytes = new Uint8Array(exports.memory.buffer);
		this.words = new Uint32Array(exports.memory.buffer);
		new Int32Array(exports.memory.buffer, 0, TABLES_BYTES / 4).set(SEXTETS.flatMap((t) => [...t]));
	}

	/**
	 * Writes `body`'s records (`places`) into `work.data`, each its key then its blob decoded, and
	 * hashes their keys into `work.digests`. False if any blob is not strict base64 (then `work` holds
	 * partial output); undefined, having done nothing, for a body too large for the module's memory
	 * (see put-kernels.wat).
	 */
	readRecords(body: Uint8Array, places: RecordPlaces, work: RecordsWork): boolean | undefined {
		const count = places.count;
		// Four arrays of `count` u32 (blob starts and ends, key starts and ends), the data ends, the
		// digests (four words each, for a multiple of four keys), the body, the decoded bytes.
		const blobStartsAt = TABLES_BYTES;
		const blobEndsAt = align(blobStartsAt + count * 4);
		const keyStartsAt = align(blobEndsAt + count * 4);
		const keyEndsAt = align(keyStartsAt + count * 4);
		const dataEndsAt = align(keyEndsAt + count * 4);
		const blockAt = align(dataEndsAt + count * 4);
		const digestsAt = blockAt + BLOCK_BYTES;
		const bodyAt = digestsAt + Math.ceil(count / 4) * 64;
		const outAt = align(bodyAt + body.length);
		// Keys and decoded blobs take less than the body: the keys are copied, the blobs shrink by a
		// quarter, and the JSON around them is left out.
		if (outAt + body.length + STORE_SLACK > this.bytes.length) return undefined;

		const words = this.words;
		words.set(places.blobStarts.subarray(0, count), blobStartsAt / 4);
		words.set(places.blobEnds.subarray(0, count), blobEndsAt / 4);
		words.set(places.keyStarts.subarray(0, count), keyStartsAt / 4);
		words.set(places.keyEnds.subarray(0, count), keyEndsAt / 4);
		this.bytes.set(body, bodyAt);
		const {exports} = this;
		const refused = exports.decodeBlobs(
			count,
			blobStartsAt,
			blobEndsAt,
			keyStartsAt,
			keyEndsAt,
			bodyAt,
			outAt,
			dataEndsAt,
		);
		if (refused !== -1) return false;

		exports.hashKeys(count, keyStartsAt, keyEndsAt, bodyAt, digestsAt, blockAt);
		work.dataEnds.set(words.subarray(dataEndsAt / 4, dataEndsAt / 4 + count));
		work.digests.set(words.subarray(digestsAt / 4, digestsAt / 4 + count * 4));
		const total = count === 0 ? 0 : work.dataEnds[count - 1];
		work.data.set(this.bytes.subarray(outAt, outAt + total));
		return true;
	}
}

/**
 * The kernels, or undefined where this process cannot run them: no WebAssembly, no SIMD, or no room for
 * the module's memory. V8 reserves address space for it well beyond its 4 MiB (guard regions), which a
 * limit on virtual memory (`ulimit -v`, as on some shared hosts) refuses with a RangeError; serve then
 * reads bodies in JavaScript, as it did before the kernels, rather than not start.
 */
export function loadPutKernels(): PutKernels | undefined {
	const wasm = (globalThis as {WebAssembly?: WebAssemblyApi}).WebAssembly;
	if (!wasm) return undefined;
	const binary = Buffer.from(PUT_KERNELS_WASM, 'base64');
	if (!wasm.validate(binary)) return undefined;
	try {
		const instance = new wasm.Instance(new wasm.Module(binary));
		return new PutKernels(instance.exports as unknown as Exports);
	} catch (error) {
		if (error instanceof RangeError) return undefined;
		throw error;
	}
}

/** This process's kernels, loaded once. */
export const putKernels = loadPutKernels();

/**
 * put-kernels.wat, loaded: base64 blobs of a PutRecords body decoded 16 characters at a time with
 * WebAssembly's SIMD, where base64.ts's decodeBase64Into (the reference, with the same rules) takes a
 * group of four at a time. For serve's server-bound put of 500 records of 100 bytes, ~40 ns a record
 * against ~115 (`npm run bench -- --only=put-pipeline`).
 *
 * The module's memory is a scratch area, used within one call and by nothing else: each call copies the
 * body in and the decoded bytes out, which costs ~5 ns a record (two native copies). Undefined where
 * WebAssembly or its SIMD is not available (`node --jitless`, say): the caller decodes in JavaScript.
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
		body: number,
		out: number,
		dataEnds: number,
	): number;
};

/** Where the memory layout begins: SEXTETS' four tables of 256 i32 come first. */
const TABLES_BYTES = 4 * 256 * 4;
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
	 * Decodes `count` base64 blobs of `body` (blob k from `starts[k]` to `ends[k]`) one after the other
	 * into `target`, from its start; `dataEnds[k]` is then where blob k ends in it. False if any blob is
	 * not strict base64 (then `target` and `dataEnds` hold partial output); undefined, having done
	 * nothing, for a body too large for the module's memory (see put-kernels.wat). `target` must have
	 * room for three quarters of the blobs' text.
	 */
	decodeBlobs(
		body: Uint8Array,
		starts: Uint32Array,
		ends: Uint32Array,
		count: number,
		target: Uint8Array,
		dataEnds: Uint32Array,
	): boolean | undefined {
		const startsAt = TABLES_BYTES;
		const endsAt = align(startsAt + count * 4);
		const dataEndsAt = align(endsAt + count * 4);
		const bodyAt = align(dataEndsAt + count * 4);
		const outAt = align(bodyAt + body.length);
		if (outAt + Math.ceil((body.length * 3) / 4) + STORE_SLACK > this.bytes.length) {
			return undefined;
		}

		const words = this.words;
		words.set(starts.subarray(0, count), startsAt / 4);
		words.set(ends.subarray(0, count), endsAt / 4);
		this.bytes.set(body, bodyAt);
		if (this.exports.decodeBlobs(count, startsAt, endsAt, bodyAt, outAt, dataEndsAt) !== -1) {
			return false;
		}

		dataEnds.set(words.subarray(dataEndsAt / 4, dataEndsAt / 4 + count));
		const total = count === 0 ? 0 : dataEnds[count - 1];
		target.set(this.bytes.subarray(outAt, outAt + total));
		return true;
	}
}

/** The kernels, or undefined where this Node.js cannot run them (no WebAssembly, or no SIMD). */
export function loadPutKernels(): PutKernels | undefined {
	const wasm = (globalThis as {WebAssembly?: WebAssemblyApi}).WebAssembly;
	if (!wasm) return undefined;
	const binary = Buffer.from(PUT_KERNELS_WASM, 'base64');
	if (!wasm.validate(binary)) return undefined;
	const instance = new wasm.Instance(new wasm.Module(binary));
	return new PutKernels(instance.exports as unknown as Exports);
}

/** This process's kernels, loaded once. */
export const putKernels = loadPutKernels();

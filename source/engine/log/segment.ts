/**
 * A segment: one contiguous run of a shard's frames, in one buffer in memory and (when durable) in one
 * file on disk, with an in-memory index of each frame's counter, arrival time and offset. Segments are
 * the unit of retention: an expired segment is dropped whole, file and all.
 */
import {readFileSync} from 'node:fs';
import {frameSize, writeFrame} from './frame.js';

const INITIAL_BYTES = 64 * 1024;
const INITIAL_RECORDS = 256;

export class Segment {
	/** Frames written so far, and how many of those are on disk (and so visible to readers). */
	count = 0;
	durableCount = 0;
	/** Bytes used in `buffer`, and how many of those were written to the file. */
	size = 0;
	flushedSize = 0;
	sealed = false;
	fd: number | undefined;
	counters = new Float64Array(INITIAL_RECORDS);
	arrivals = new Float64Array(INITIAL_RECORDS);
	offsets = new Uint32Array(INITIAL_RECORDS);
	/** Undefined when unloaded from memory; reloaded from `path` on the next read. */
	private bytes: Buffer | undefined;
	private view: DataView | undefined;

	constructor(
		readonly firstCounter: number,
		readonly capacity: number,
		readonly path: string | undefined,
		initial?: Buffer,
	) {
		this.bytes = initial ?? Buffer.allocUnsafe(Math.min(INITIAL_BYTES, capacity));
	}

	get firstArrival() {
		return this.arrivals[0];
	}

	get lastArrival() {
		return this.arrivals[this.count - 1];
	}

	get lastCounter() {
		return this.counters[this.count - 1];
	}

	get loaded() {
		return this.bytes !== undefined;
	}

	get buffer(): Buffer {
		this.bytes ??= readFileSync(this.path!);
		return this.bytes;
	}

	/** Frees the bytes of a sealed segment that is safely on disk; they are read back when needed. */
	unload() {
		if (this.path && this.sealed && this.flushedSize === this.size) {
			this.bytes = undefined;
			this.view = undefined;
		}
	}

	fits(bytes: number) {
		return this.size + bytes <= this.capacity || this.count === 0;
	}

	append(
		counter: number,
		arrivalMs: number,
		partitionKey: string,
		keyBytes: number,
		data: Uint8Array,
		withChecksum: boolean,
	) {
		const size = frameSize(keyBytes, data.length);
		this.reserve(size);
		this.index(counter, arrivalMs, this.size);
		const bytes = this.bytes!;
		this.view ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
		writeFrame(
			bytes,
			this.view,
			this.size,
			counter,
			arrivalMs,
			partitionKey,
			keyBytes,
			data,
			withChecksum,
		);
		this.size += size;
	}

	/** Adds an index entry for a frame already in the buffer (recovery). */
	index(counter: number, arrivalMs: number, offset: number) {
		if (this.count === this.counters.length) this.growIndex();
		this.counters[this.count] = counter;
		this.arrivals[this.count] = arrivalMs;
		this.offsets[this.count] = offset;
		this.count++;
	}

	/** Position of the first frame whose counter is ≥ `counter` (binary search). */
	positionOfCounter(counter: number) {
		let low = 0;
		let high = this.count;
		while (low < high) {
			const mid = (low + high) >>> 1;
			if (this.counters[mid] < counter) low = mid + 1;
			else high = mid;
		}

		return low;
	}

	/** Position of the first frame that arrived at or after `arrivalMs`. */
	positionOfArrival(arrivalMs: number) {
		let low = 0;
		let high = this.count;
		while (low < high) {
			const mid = (low + high) >>> 1;
			if (this.arrivals[mid] < arrivalMs) low = mid + 1;
			else high = mid;
		}

		return low;
	}

	frameEnd(position: number) {
		return position + 1 < this.count ? this.offsets[position + 1] : this.size;
	}

	private reserve(bytes: number) {
		const needed = this.size + bytes;
		const current = this.bytes!;
		if (needed <= current.length) return;
		let length = current.length * 2;
		while (length < needed) length *= 2;
		const grown = Buffer.allocUnsafe(Math.max(Math.min(length, this.capacity), needed));
		current.copy(grown, 0, 0, this.size);
		this.bytes = grown;
		this.view = undefined;
	}

	private growIndex() {
		const length = this.counters.length * 2;
		const counters = new Float64Array(length);
		counters.set(this.counters);
		const arrivals = new Float64Array(length);
		arrivals.set(this.arrivals);
		const offsets = new Uint32Array(length);
		offsets.set(this.offsets);
		this.counters = counters;
		this.arrivals = arrivals;
		this.offsets = offsets;
	}
}

/**
 * A segment: one contiguous run of a shard's frames, in one buffer in memory and (when durable) in one
 * file on disk. Segments are the unit of retention: an expired segment is dropped whole, file and all.
 *
 * The in-memory index is sparse: one entry (counter, arrival time, offset) per block of
 * {@link BLOCK_RECORDS} frames, not one per frame, so what a stored record costs in memory beyond its
 * bytes is a fraction of a byte (20 bytes per block), whether the bytes are in memory or only on disk.
 * A position is found by a binary search over the blocks, then a walk over at most one block's frame
 * headers, which are self-describing (frame.ts): O(log n) plus a bounded scan.
 */
import {readFileSync} from 'node:fs';
import type {FreeBuffers} from './free-buffers.js';
import {
	frameArrival,
	frameCounter,
	frameLength,
	frameSize,
	type FrameSource,
	writeFrameFrom,
} from './frame.js';

const INITIAL_BYTES = 64 * 1024;
/**
 * How much a full buffer grows. Each growth is a new buffer and a copy of the old one: quadrupling,
 * a busy shard's first segment copies a third of its bytes and allocates 1⅓ times its size (doubling:
 * all of them, and twice its size — which cost a put on a new stream an eighth of its CPU, most of it
 * in the garbage collections such allocations bring on). The slack is in address space: pages not yet
 * written are not resident.
 */
const GROWTH = 4;
const INITIAL_BLOCKS = 16;
/**
 * Frames per index entry. 64 keeps the index at 0.3 bytes per record while a lookup walks at most 63
 * frame headers (two reads each, a fraction of a microsecond), less than the read it leads to.
 */
export const BLOCK_RECORDS = 64;

/** What a flush made durable: readers see the frames up to it and no further. */
export type Visible = {count: number; size: number; lastCounter: number; lastArrival: number};

export class Segment {
	/** Frames written so far, and how many of those are on disk (and so visible to readers). */
	count = 0;
	durableCount = 0;
	/** Bytes used in `buffer`, how many of those were written to the file, and how many are visible. */
	size = 0;
	flushedSize = 0;
	durableSize = 0;
	sealed = false;
	fd: number | undefined;
	firstArrival = Number.NaN;
	lastCounter = -1;
	lastArrival = Number.NaN;
	/** Counter and arrival of the newest visible frame. */
	durableLastCounter = -1;
	durableLastArrival = Number.NaN;
	/** The index: for each block, its first frame's counter, arrival time and offset. */
	private blockCounters = new Float64Array(INITIAL_BLOCKS);
	private blockArrivals = new Float64Array(INITIAL_BLOCKS);
	private blockOffsets = new Uint32Array(INITIAL_BLOCKS);
	private blocks = 0;
	/** Undefined when unloaded from memory; reloaded from `path` on the next read. */
	private bytes: Buffer | undefined;
	private view: DataView | undefined;

	/**
	 * `initial` is the segment's bytes as recovered from disk; else its buffer starts at `initialBytes`
	 * (default 64 KiB) and grows (×4) as frames are appended, up to `capacity`.
	 */
	constructor(
		readonly firstCounter: number,
		readonly capacity: number,
		readonly path: string | undefined,
		initial?: Buffer,
		initialBytes = INITIAL_BYTES,
		private readonly free?: FreeBuffers,
	) {
		this.bytes = initial ?? this.allocate(Math.min(initialBytes, capacity));
	}

	/** A buffer for `bytes`: a reused one (memory-only logs, free-buffers.ts) or fresh memory. */
	private allocate(bytes: number) {
		return this.free?.take(bytes) ?? Buffer.allocUnsafe(bytes);
	}

	/**
	 * Hands the buffer back for reuse, in memory-only mode, when the segment is dropped: the segment
	 * holds nothing after this.
	 */
	release() {
		if (this.bytes && this.free) this.free.give(this.bytes);
		this.bytes = undefined;
		this.view = undefined;
	}

	get loaded() {
		return this.bytes !== undefined;
	}

	get buffer(): Buffer {
		this.bytes ??= readFileSync(this.path!);
		return this.bytes;
	}

	/** Bytes this segment holds in memory: its buffer (allocated, not just used) and its index. */
	get memoryBytes() {
		return (this.bytes?.length ?? 0) + this.blockCounters.length * 20;
	}

	/** Frees the bytes of a sealed segment that is safely on disk; they are read back when needed. */
	unload() {
		if (this.path && this.sealed && this.flushedSize === this.size) {
			this.bytes = undefined;
			this.view = undefined;
		}
	}

	/** No more appends: the index arrays shrink to what they hold, so a sealed segment keeps no slack. */
	seal() {
		this.sealed = true;
		if (this.blocks < this.blockCounters.length) this.resizeIndex(this.blocks);
	}

	fits(bytes: number) {
		return this.size + bytes <= this.capacity || this.count === 0;
	}

	/** Appends record `index` of `source` as a frame. */
	append(
		counter: number,
		arrivalMs: number,
		keyBytes: number,
		dataBytes: number,
		source: FrameSource,
		index: number,
		withChecksum: boolean,
	) {
		const size = frameSize(keyBytes, dataBytes);
		const view = this.makeRoom(counter, arrivalMs, size);
		writeFrameFrom(
			this.bytes!,
			view,
			this.size,
			counter,
			arrivalMs,
			keyBytes,
			dataBytes,
			source,
			index,
			withChecksum,
		);
		this.size += size;
	}

	/** Room for a frame of `size` at `this.size`, indexed; returns the DataView to write it with. */
	private makeRoom(counter: number, arrivalMs: number, size: number) {
		this.reserve(size);
		this.index(counter, arrivalMs, this.size);
		const bytes = this.bytes!;
		this.view ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
		return this.view;
	}

	/** Counts a frame already in the buffer at `offset` (appends, and recovery), indexing each block's first. */
	index(counter: number, arrivalMs: number, offset: number) {
		if (this.count % BLOCK_RECORDS === 0) {
			if (this.blocks === this.blockCounters.length) this.resizeIndex(this.blocks * 2);
			this.blockCounters[this.blocks] = counter;
			this.blockArrivals[this.blocks] = arrivalMs;
			this.blockOffsets[this.blocks] = offset;
			this.blocks++;
		}

		if (this.count === 0) this.firstArrival = arrivalMs;
		this.count++;
		this.lastCounter = counter;
		this.lastArrival = arrivalMs;
	}

	/** What is appended now, to be made visible once it is on disk ({@link publish}). */
	appended(): Visible {
		return {
			count: this.count,
			size: this.size,
			lastCounter: this.lastCounter,
			lastArrival: this.lastArrival,
		};
	}

	publish(visible: Visible) {
		this.durableCount = visible.count;
		this.durableSize = visible.size;
		this.durableLastCounter = visible.lastCounter;
		this.durableLastArrival = visible.lastArrival;
	}

	/**
	 * Forgets the frames that are not visible yet, because writing them failed: the segment is again
	 * what readers see, and its next frames go where the forgotten ones began.
	 */
	rollBack() {
		this.count = this.durableCount;
		this.size = this.durableSize;
		this.lastCounter = this.durableLastCounter;
		this.lastArrival = this.durableLastArrival;
		this.blocks = Math.ceil(this.count / BLOCK_RECORDS);
		this.flushedSize = Math.min(this.flushedSize, this.durableSize);
		if (this.count === 0) this.firstArrival = Number.NaN;
	}

	/** Memory-only mode: every frame is visible as soon as it is appended (no allocation per put). */
	publishAll() {
		this.durableCount = this.count;
		this.durableSize = this.size;
		this.durableLastCounter = this.lastCounter;
		this.durableLastArrival = this.lastArrival;
	}

	/** Offset of the first visible frame whose counter is ≥ `counter`, or `durableSize` if none. */
	offsetOfCounter(counter: number) {
		return this.scan(
			this.lastBlockBelow(this.blockCounters, counter, true),
			(buffer, offset) => frameCounter(buffer, offset) < counter,
		);
	}

	/** Offset of the first visible frame that arrived at or after `arrivalMs`, or `durableSize`. */
	offsetOfArrival(arrivalMs: number) {
		// Arrival times may repeat across blocks, so the walk starts in the last block that begins
		// strictly before `arrivalMs`.
		return this.scan(
			this.lastBlockBelow(this.blockArrivals, arrivalMs, false),
			(buffer, offset) => frameArrival(buffer, offset) < arrivalMs,
		);
	}

	/**
	 * The last block whose first value is below `value` (or, with `orEqual`, equal to it); -1 when none
	 * is. Only blocks that begin within the visible frames count.
	 */
	private lastBlockBelow(values: Float64Array, value: number, orEqual: boolean) {
		let low = 0;
		let high = Math.ceil(this.durableCount / BLOCK_RECORDS);
		while (low < high) {
			const mid = (low + high) >>> 1;
			if (values[mid] < value || (orEqual && values[mid] === value)) low = mid + 1;
			else high = mid;
		}

		return low - 1;
	}

	/** From the start of `block`, walks frames while `before` holds; at most one block's worth. */
	private scan(block: number, before: (buffer: Buffer, offset: number) => boolean) {
		if (block < 0) return 0;
		const buffer = this.buffer;
		const end = this.durableSize;
		let offset = this.blockOffsets[block];
		while (offset < end && before(buffer, offset)) offset += frameLength(buffer, offset);
		return offset;
	}

	private reserve(bytes: number) {
		const needed = this.size + bytes;
		const current = this.bytes!;
		if (needed <= current.length) return;
		let length = current.length * GROWTH;
		while (length < needed) length *= GROWTH;
		const grown = this.allocate(Math.max(Math.min(length, this.capacity), needed));
		current.copy(grown, 0, 0, this.size);
		this.free?.give(current);
		this.bytes = grown;
		this.view = undefined;
	}

	private resizeIndex(length: number) {
		const counters = new Float64Array(length);
		counters.set(this.blockCounters.subarray(0, this.blocks));
		const arrivals = new Float64Array(length);
		arrivals.set(this.blockArrivals.subarray(0, this.blocks));
		const offsets = new Uint32Array(length);
		offsets.set(this.blockOffsets.subarray(0, this.blocks));
		this.blockCounters = counters;
		this.blockArrivals = arrivals;
		this.blockOffsets = offsets;
	}
}

/**
 * One shard's records: an ordered list of segments, appended to in memory at once and written to disk by
 * the group commit. Only records that are on disk (in memory-only mode: all records) are visible to
 * readers, so nothing a reader saw can be lost by a crash.
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {DiskWriteError, nodeFileSystem, type FileSystem} from './file-system.js';
import {
	checkFrame,
	frameArrival,
	frameCounter,
	frameLength,
	frameSize,
	type FrameSource,
} from './frame.js';
import type {FreeBuffers} from './free-buffers.js';
import {Segment} from './segment.js';
import type {SegmentCache} from './segment-cache.js';

export type ShardLogOptions = {
	/** Directory of this shard's segment files; undefined keeps the log in memory only. */
	directory: string | undefined;
	segmentBytes: number;
	cache: SegmentCache;
	/** Memory-only mode: where dropped and outgrown segments' buffers go to be reused. */
	freeBuffers?: FreeBuffers;
	/** The write path's file operations (default node:fs; tests inject failures). */
	files?: FileSystem;
};

/** Receives each record a read returns: its frame at `offset` in `buffer`. */
export type FrameVisitor = (buffer: Buffer, offset: number, end: number) => void;

export type ReadResult = {
	count: number;
	/** Counter to read from next time. */
	nextCounter: number;
	/** Whether the read stopped at the newest visible record. */
	caughtUp: boolean;
	/** Arrival time of the last record read, if any. */
	lastArrival?: number;
};

const SEGMENT_SUFFIX = '.seg';
const segmentName = (firstCounter: number) =>
	String(firstCounter).padStart(20, '0') + SEGMENT_SUFFIX;

export class ShardLog {
	private readonly segments: Segment[] = [];
	private readonly durable: boolean;
	/** Segments written since the last fdatasync. */
	private readonly unsynced = new Set<Segment>();
	private readonly files: FileSystem;
	/**
	 * Set when a sync of this log failed: it takes no more appends until the engine restarts (see
	 * DiskWriteError for why a failed sync is not retried). A failed write or open is not sticky: its
	 * frames are rolled back and the next flush tries again, so writes resume once the disk has room.
	 */
	failure: DiskWriteError | undefined;

	constructor(private readonly options: ShardLogOptions) {
		this.durable = options.directory !== undefined;
		this.files = options.files ?? nodeFileSystem;
		if (options.directory) {
			mkdirSync(options.directory, {recursive: true});
			this.recover(options.directory);
		}
	}

	get isEmpty() {
		return this.visibleCount() === 0;
	}

	/** Counter of the newest visible record, or -1. */
	get lastVisibleCounter(): number {
		for (let i = this.segments.length - 1; i >= 0; i--) {
			const segment = this.segments[i];
			if (segment.durableCount > 0) return segment.durableLastCounter;
		}

		return -1;
	}

	/** Arrival time of the newest visible record, or undefined. */
	get lastVisibleArrival(): number | undefined {
		for (let i = this.segments.length - 1; i >= 0; i--) {
			const segment = this.segments[i];
			if (segment.durableCount > 0) return segment.durableLastArrival;
		}

		return undefined;
	}

	/** Highest counter ever appended (visible or not), or -1: the engine resumes counting above it. */
	get lastAppendedCounter(): number {
		const last = this.segments.at(-1);
		return last && last.count > 0 ? last.lastCounter : -1;
	}

	/** Bytes this log holds in memory: its segments' buffers (as allocated) and their indexes. */
	get memoryBytes() {
		let bytes = 0;
		for (const segment of this.segments) bytes += segment.memoryBytes;
		return bytes;
	}

	/** Arrival time of the oldest record held, which {@link dropOldest} would drop; undefined if none. */
	get oldestArrival(): number | undefined {
		const first = this.segments[0];
		return first && first.count > 0 ? first.firstArrival : undefined;
	}

	/** Whether the oldest segment is sealed (no longer appended to). */
	get oldestSealed() {
		return this.segments[0]?.sealed ?? false;
	}

	/**
	 * Memory-only mode's bound on memory, like an early retention: drops the oldest segment (the open one
	 * too, if it is the only one: the next append starts a new one) and says how many bytes that freed.
	 */
	dropOldest(): number {
		const first = this.segments.shift();
		if (!first) return 0;
		// Measured before the drop, which hands the buffer back.
		const freed = first.memoryBytes;
		this.drop(first);
		return freed;
	}

	get hasUnflushed() {
		const last = this.segments.at(-1);
		return last !== undefined && last.flushedSize < last.size;
	}

	/** Appends record `index` of `source` (put-batch.ts) as the record numbered `counter`. */
	append(
		counter: number,
		arrivalMs: number,
		keyBytes: number,
		dataBytes: number,
		source: FrameSource,
		index: number,
	) {
		const segment = this.segmentFor(counter, frameSize(keyBytes, dataBytes));
		segment.append(counter, arrivalMs, keyBytes, dataBytes, source, index, this.durable);
		if (!this.durable) segment.publishAll();
	}

	/** The segment a frame of `bytes` starting at `counter` goes to: the last one, or a new one. */
	private segmentFor(counter: number, bytes: number) {
		let segment = this.segments.at(-1);
		if (!segment || segment.sealed || !segment.fits(bytes)) {
			segment?.seal();
			// A shard that filled its last segment will likely fill this one too: its buffer starts as
			// large as the last one's grew, instead of growing again from 64 KiB, each growth a copy
			// of what is there (on a busy shard, a copy of every record) and an allocation for the GC.
			segment = new Segment(
				counter,
				Math.max(this.options.segmentBytes, bytes),
				this.options.directory && join(this.options.directory, segmentName(counter)),
				undefined,
				segment?.loaded ? segment.buffer.length : undefined,
				this.durable ? undefined : this.options.freeBuffers,
			);
			this.segments.push(segment);
		}

		return segment;
	}

	/**
	 * Writes every appended frame not yet on disk, in order, then makes them visible. With `sync`, also
	 * fdatasyncs before returning. Called only by the group commit, never twice at once for one log.
	 *
	 * If a write or sync fails, every frame not yet visible is rolled back — those of this flush and any
	 * appended while it ran — `rolledBack` is told at once (their puts fail too), and the error is thrown.
	 * Nothing visible is touched: what readers saw stays, and what was never acknowledged is never seen.
	 */
	async flush(sync: boolean, rolledBack: (error: DiskWriteError) => void = () => undefined) {
		try {
			if (this.failure) throw this.failure;
			for (const segment of this.segments) {
				if (segment.flushedSize === segment.size) continue;
				const appended = segment.appended();
				const end = appended.size;
				segment.fd ??= this.attempt('could not create segment file', segment, () =>
					this.files.openSync(segment.path!, 'w'),
				);
				const buffer = segment.buffer;
				let written = segment.flushedSize;
				while (written < end) {
					const {bytesWritten} = await this.attemptAsync('could not write', segment, async () =>
						this.files.write(segment.fd!, buffer, written, end - written, written),
					);
					written += bytesWritten;
				}

				// Writes to a file whose directory was deleted succeed and are lost: a vanished data
				// directory must fail the put, not acknowledge it (one fstat per segment per flush).
				if (this.files.linkCount(segment.fd) === 0) {
					throw new DiskWriteError(
						`could not write ${segment.path}`,
						Object.assign(new Error('the file was deleted'), {code: 'ENOENT'}),
						false,
					);
				}

				segment.flushedSize = end;
				this.unsynced.add(segment);
				if (sync) await this.syncSegment(segment);
				segment.publish(appended);
				if (segment.sealed && segment.flushedSize === segment.size) {
					if (!sync) await this.syncSegment(segment);
					this.files.closeSync(segment.fd);
					segment.fd = undefined;
					this.options.cache.add(segment);
				}
			}
		} catch (error) {
			const failure =
				error instanceof DiskWriteError
					? error
					: new DiskWriteError('could not write', error as NodeJS.ErrnoException, false);
			this.rollBack();
			rolledBack(failure);
			throw failure;
		}
	}

	/** fdatasync every segment written since the last sync (the interval policy's background step). */
	async sync() {
		if (this.failure) throw this.failure;
		for (const segment of [...this.unsynced]) await this.syncSegment(segment);
	}

	/**
	 * Visits the visible records with counter ≥ `fromCounter` that arrived at or after `notBeforeMs`
	 * (retention), at most `limit` of them and, beyond the first, at most `maxBytes` of frames.
	 */
	read(
		fromCounter: number,
		limit: number,
		maxBytes: number,
		notBeforeMs: number,
		visit: FrameVisitor,
	): ReadResult {
		let count = 0;
		let bytes = 0;
		let next = fromCounter;
		let lastArrival: number | undefined;
		for (
			let index = this.segmentIndexForCounter(fromCounter);
			index < this.segments.length;
			index++
		) {
			const segment = this.segments[index];
			// A segment with nothing visible, or wholly past retention, is skipped without loading it.
			if (segment.durableCount === 0 || segment.durableLastArrival < notBeforeMs) continue;
			const buffer = segment.buffer;
			let offset = segment.offsetOfCounter(next);
			const end = segment.durableSize;
			if (offset < end && frameArrival(buffer, offset) < notBeforeMs) {
				offset = Math.max(offset, segment.offsetOfArrival(notBeforeMs));
			}

			if (offset >= end) continue;
			this.options.cache.touch(segment);
			// The frames this read takes, found first, then copied out together: a record a reader keeps
			// (a console's tail, a buffered delivery) holds its own bytes, not a view into the segment,
			// whose buffer a memory-only log reuses once the segment is dropped (free-buffers.ts), and
			// which a kept record would otherwise keep alive whole.
			let spanEnd = offset;
			let stoppedAt: number | undefined;
			while (spanEnd < end) {
				const frameEnd = spanEnd + frameLength(buffer, spanEnd);
				if (count >= limit || (count > 0 && bytes + frameEnd - spanEnd > maxBytes)) {
					stoppedAt = frameCounter(buffer, spanEnd);
					break;
				}

				count++;
				bytes += frameEnd - spanEnd;
				spanEnd = frameEnd;
			}

			const copy = Buffer.from(buffer.subarray(offset, spanEnd));
			for (let at = 0; at < copy.length;) {
				const frameEnd = at + frameLength(copy, at);
				visit(copy, at, frameEnd);
				lastArrival = frameArrival(copy, at);
				next = frameCounter(copy, at) + 1;
				at = frameEnd;
			}

			if (stoppedAt !== undefined) {
				return {count, nextCounter: stoppedAt, caughtUp: false, lastArrival};
			}
		}

		return {count, nextCounter: next, caughtUp: true, lastArrival};
	}

	/** Counter of the first visible record that arrived at or after `arrivalMs`, or undefined. */
	counterAtOrAfter(arrivalMs: number): number | undefined {
		for (const segment of this.segments) {
			if (segment.durableCount === 0 || segment.durableLastArrival < arrivalMs) continue;
			const offset = segment.offsetOfArrival(arrivalMs);
			this.options.cache.touch(segment);
			return frameCounter(segment.buffer, offset);
		}

		return undefined;
	}

	/** Drops whole segments whose newest record arrived before `cutoffMs` (retention); says how many. */
	trim(cutoffMs: number): number {
		let dropped = 0;
		while (this.segments.length > 0) {
			const segment = this.segments[0];
			const whollyExpired =
				segment.count > 0 &&
				segment.durableCount === segment.count &&
				segment.lastArrival < cutoffMs &&
				(segment.sealed || segment.flushedSize === segment.size);
			if (!whollyExpired) break;
			this.segments.shift();
			this.drop(segment);
			dropped++;
		}

		return dropped;
	}

	/** Closes files; with `remove`, deletes them too (a deleted stream). */
	close(remove = false) {
		for (const segment of this.segments) {
			if (segment.fd !== undefined) this.files.closeSync(segment.fd);
			segment.fd = undefined;
			this.options.cache.delete(segment);
			if (remove) segment.release();
		}

		if (remove && this.options.directory)
			rmSync(this.options.directory, {recursive: true, force: true});
	}

	private drop(segment: Segment) {
		if (segment.fd !== undefined) this.files.closeSync(segment.fd);
		segment.fd = undefined;
		this.unsynced.delete(segment);
		this.options.cache.delete(segment);
		if (segment.path) rmSync(segment.path, {force: true});
		segment.release();
	}

	private async syncSegment(segment: Segment) {
		if (segment.fd !== undefined && this.unsynced.has(segment)) {
			this.unsynced.delete(segment);
			try {
				await this.files.fdatasync(segment.fd);
			} catch (error) {
				this.failure = new DiskWriteError(
					`could not sync ${segment.path}`,
					error as NodeJS.ErrnoException,
					true,
				);
				throw this.failure;
			}
		}
	}

	private attempt<T>(what: string, segment: Segment, action: () => T): T {
		try {
			return action();
		} catch (error) {
			throw new DiskWriteError(`${what} ${segment.path}`, error as NodeJS.ErrnoException, false);
		}
	}

	private async attemptAsync<T>(what: string, segment: Segment, action: () => Promise<T>) {
		try {
			return await action();
		} catch (error) {
			throw new DiskWriteError(`${what} ${segment.path}`, error as NodeJS.ErrnoException, false);
		}
	}

	/**
	 * After a failed flush: forgets every frame not yet visible, newest segment first — a segment with
	 * none visible goes whole, file and all — and cuts the files back to their visible bytes, so a later
	 * write cannot leave a forgotten frame behind the new ones (recovery would serve it). A file that
	 * cannot be cut makes the failure sticky: only a restart's recovery knows what it holds.
	 */
	private rollBack() {
		while (this.segments.length > 0) {
			const segment = this.segments.at(-1)!;
			if (segment.count === segment.durableCount) break;
			if (segment.durableCount === 0) {
				this.segments.pop();
				this.unsynced.delete(segment);
				try {
					if (segment.fd !== undefined) this.files.closeSync(segment.fd);
					if (segment.path) rmSync(segment.path, {force: true});
				} catch {
					// An empty or torn file that recovery cuts or removes; nothing in it was visible.
				}

				segment.fd = undefined;
				continue;
			}

			segment.rollBack();
			if (segment.fd === undefined) continue;
			try {
				this.files.ftruncateSync(segment.fd, segment.durableSize);
			} catch (error) {
				this.failure ??= new DiskWriteError(
					`could not cut ${segment.path} back after a failed write`,
					error as NodeJS.ErrnoException,
					true,
				);
			}
		}
	}

	private visibleCount() {
		let count = 0;
		for (const segment of this.segments) count += segment.durableCount;
		return count;
	}

	private segmentIndexForCounter(counter: number) {
		let low = 0;
		let high = this.segments.length;
		while (low < high) {
			const mid = (low + high) >>> 1;
			const segment = this.segments[mid];
			if (segment.count > 0 && segment.lastCounter < counter) low = mid + 1;
			else high = mid;
		}

		return low;
	}

	/**
	 * Rebuilds the index from the segment files. The first torn or corrupt frame ends the log: the file is
	 * cut there and any later segment file removed, so nothing after a gap is ever served.
	 */
	private recover(directory: string) {
		const names = readdirSync(directory)
			.filter((name) => name.endsWith(SEGMENT_SUFFIX))
			.sort();
		let damaged = false;
		for (const name of names) {
			const path = join(directory, name);
			if (damaged) {
				unlinkSync(path);
				continue;
			}

			const bytes = readFileSync(path);
			let offset = 0;
			let segment: Segment | undefined;
			while (offset < bytes.length) {
				const size = checkFrame(bytes, offset, bytes.length);
				if (size === 0) break;
				segment ??= new Segment(
					frameCounter(bytes, offset),
					Math.max(this.options.segmentBytes, bytes.length),
					path,
					bytes,
				);
				segment.index(frameCounter(bytes, offset), frameArrival(bytes, offset), offset);
				offset += size;
			}

			if (offset < bytes.length) {
				damaged = true;
				truncateSync(path, offset);
			}

			if (!segment) {
				unlinkSync(path);
				continue;
			}

			segment.size = offset;
			segment.flushedSize = offset;
			segment.publishAll();
			segment.seal();
			this.segments.push(segment);
			this.options.cache.add(segment);
		}

		// Appends after a restart start a fresh segment: the recovered ones stay as they are on disk.
		this.segments.at(-1)?.seal();
	}
}

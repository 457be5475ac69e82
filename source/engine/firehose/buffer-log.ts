/**
 * The durable side of a delivery stream's buffers: one append-only file per buffer, in the record frame
 * format of the Kinesis shard logs (source/engine/log/frame.ts: length + CRC32, so recovery cuts a torn
 * or corrupt tail instead of delivering it). A buffer's file is deleted once the buffer is delivered.
 *
 * ```
 * <delivery stream directory>/00000000000000000001.buf   frames of the oldest undelivered buffer
 * <delivery stream directory>/00000000000000000002.buf   … the open buffer is the newest file
 * ```
 *
 * Frame fields as used here: `counter` = the record's ordinal in the delivery stream, `arrivalMs` = its
 * approximate arrival time, `partitionKey` = where it came from (`shardId/sequenceNumber` for a
 * KinesisStreamAsSource record, empty for DirectPut), `data` = the record.
 *
 * Durability policy (the Kinesis engine's): an append returns once its frames are written to the OS
 * (`pwrite`), so an accepted record survives the process crashing or being killed. With
 * `syncEveryWrite` each append is also fdatasynced before it returns (survives power loss); otherwise
 * the engine fdatasyncs written files in the background every `syncIntervalMs`.
 *
 * Disk failures (the Kinesis shard logs' policy): a failed write is cut back off the file and thrown, so
 * the records are not accepted and the next append goes where they would have; a failed sync is thrown
 * too and is sticky — the file takes no more appends (DiskWriteError says why a sync is never retried).
 */
import {mkdirSync, readdirSync, readFileSync, truncateSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {DiskWriteError, nodeFileSystem, type FileSystem} from '../log/file-system.js';
import {checkFrame, frameSize, readFrame, writeFrame} from '../log/frame.js';

export type BufferedRecord = {
	ordinal: number;
	arrivalMs: number;
	/** `shardId/sequenceNumber` for a record read from a source stream; empty for DirectPut. */
	source: string;
	data: Uint8Array;
};

const SUFFIX = '.buf';
const fileName = (number: number) => String(number).padStart(20, '0') + SUFFIX;

/** One buffer's file, open for appending until the buffer is closed. */
export class BufferFile {
	private fd: number | undefined;
	private dirty = false;
	/** Set when a sync of this file failed: it takes no more appends. */
	failure: DiskWriteError | undefined;

	constructor(
		readonly path: string,
		private size: number,
		private readonly syncEveryWrite: boolean,
		forAppending = true,
		private readonly files: FileSystem = nodeFileSystem,
	) {
		if (!forAppending) return;
		try {
			this.fd = files.openSync(path, size === 0 ? 'w' : 'r+');
		} catch (error) {
			throw new DiskWriteError(
				`could not create buffer file ${path}`,
				error as NodeJS.ErrnoException,
				false,
			);
		}
	}

	/** Writes the records' frames after the last whole one; on failure, nothing of them stays. */
	append(records: BufferedRecord[]) {
		if (this.failure) throw this.failure;
		if (this.fd === undefined) throw new Error(`buffer file ${this.path} is closed`);
		let total = 0;
		const keyBytes = records.map((record) => Buffer.byteLength(record.source));
		for (let i = 0; i < records.length; i++)
			total += frameSize(keyBytes[i], records[i].data.length);
		const buffer = Buffer.allocUnsafe(total);
		const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
		let offset = 0;
		for (let i = 0; i < records.length; i++) {
			const record = records[i];
			offset += writeFrame(
				buffer,
				view,
				offset,
				record.ordinal,
				record.arrivalMs,
				record.source,
				keyBytes[i],
				record.data,
				true,
			);
		}

		let written = 0;
		try {
			while (written < total) {
				written += this.files.writeSync(
					this.fd,
					buffer,
					written,
					total - written,
					this.size + written,
				);
			}

			// Writes to a file whose directory was deleted succeed and are lost: refuse them instead.
			if (this.files.linkCount(this.fd) === 0) {
				throw Object.assign(new Error('the file was deleted'), {code: 'ENOENT'});
			}
		} catch (error) {
			this.cutBack(this.fd);
			throw new DiskWriteError(
				`could not write ${this.path}`,
				error as NodeJS.ErrnoException,
				false,
			);
		}

		this.dirty = true;
		if (this.syncEveryWrite) {
			try {
				this.sync();
			} catch (error) {
				// Not accepted: cut off (best effort: after a failed sync nothing is sure), and sticky.
				this.cutBack(this.fd);
				throw error;
			}
		}

		this.size += total;
	}

	/** fdatasync what was written since the last sync (the background step of the interval policy). */
	sync() {
		if (this.failure) throw this.failure;
		if (this.fd === undefined || !this.dirty) return;
		try {
			this.files.fdatasyncSync(this.fd);
		} catch (error) {
			this.failure = new DiskWriteError(
				`could not sync ${this.path}`,
				error as NodeJS.ErrnoException,
				true,
			);
			throw this.failure;
		}

		this.dirty = false;
	}

	/**
	 * Cuts the file back to its accepted frames after a failed append, so that a shorter append later
	 * cannot leave part of the failed one behind it for recovery to find. When even that fails the file
	 * is in an unknown state: sticky, as a failed sync.
	 */
	private cutBack(fd: number) {
		try {
			this.files.ftruncateSync(fd, this.size);
		} catch (error) {
			this.failure ??= new DiskWriteError(
				`could not cut ${this.path} back after a failed write`,
				error as NodeJS.ErrnoException,
				true,
			);
		}
	}

	/** Syncs and closes the file: the buffer takes no more records. */
	close() {
		if (this.fd === undefined) return;
		const fd = this.fd;
		this.fd = undefined;
		try {
			this.sync();
		} finally {
			this.files.closeSync(fd);
		}
	}

	/** Deletes the file: its buffer was delivered (or its delivery stream deleted). */
	remove() {
		if (this.fd !== undefined) {
			this.files.closeSync(this.fd);
			this.fd = undefined;
		}

		try {
			unlinkSync(this.path);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}
}

export type RecoveredBuffer = {
	number: number;
	path: string;
	size: number;
	records: BufferedRecord[];
};

/** A delivery stream's directory of buffer files. */
export class BufferLog {
	constructor(
		readonly directory: string,
		private readonly syncEveryWrite: boolean,
		private readonly files: FileSystem = nodeFileSystem,
	) {
		mkdirSync(directory, {recursive: true});
	}

	/** A new, empty buffer file. */
	create(number: number): BufferFile {
		const file = new BufferFile(
			join(this.directory, fileName(number)),
			0,
			this.syncEveryWrite,
			true,
			this.files,
		);
		if (this.syncEveryWrite) {
			try {
				this.syncDirectory();
			} catch (error) {
				file.remove();
				throw new DiskWriteError(
					`could not sync ${this.directory}`,
					error as NodeJS.ErrnoException,
					true,
				);
			}
		}

		return file;
	}

	/** A recovered buffer's file: reopened to append to it (the open buffer), or only to delete it later. */
	reopen(recovered: RecoveredBuffer, forAppending: boolean): BufferFile {
		return new BufferFile(
			recovered.path,
			recovered.size,
			this.syncEveryWrite,
			forAppending,
			this.files,
		);
	}

	/**
	 * Every buffer file's whole records, oldest file first. A torn or corrupt tail (a crash mid-write) is
	 * cut off the file; files left without records are deleted.
	 */
	recover(): RecoveredBuffer[] {
		const recovered: RecoveredBuffer[] = [];
		const names = readdirSync(this.directory)
			.filter((name) => name.endsWith(SUFFIX))
			.sort();
		for (const name of names) {
			const path = join(this.directory, name);
			const bytes = readFileSync(path);
			const records: BufferedRecord[] = [];
			let offset = 0;
			for (;;) {
				const size = checkFrame(bytes, offset, bytes.length);
				if (size === 0) break;
				const frame = readFrame(bytes, offset, offset + size);
				records.push({
					ordinal: frame.counter,
					arrivalMs: frame.arrivalMs,
					source: frame.partitionKey,
					data: frame.data,
				});
				offset += size;
			}

			if (records.length === 0) {
				unlinkSync(path);
				continue;
			}

			if (offset < bytes.length) truncateSync(path, offset);
			recovered.push({number: Number.parseInt(name, 10), path, size: offset, records});
		}

		return recovered;
	}

	private syncDirectory() {
		const fd = this.files.openSync(this.directory, 'r');
		try {
			this.files.fsyncSync(fd);
		} finally {
			this.files.closeSync(fd);
		}
	}
}

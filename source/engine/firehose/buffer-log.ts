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
 */
import {
	closeSync,
	fdatasyncSync,
	fsyncSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	truncateSync,
	unlinkSync,
	writeSync,
} from 'node:fs';
import {join} from 'node:path';
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

	constructor(
		readonly path: string,
		private size: number,
		private readonly syncEveryWrite: boolean,
		forAppending = true,
	) {
		if (forAppending) this.fd = openSync(path, size === 0 ? 'w' : 'r+');
	}

	/** Writes the records' frames after the last whole one (a failed write is overwritten by the next). */
	append(records: BufferedRecord[]) {
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
		while (written < total) {
			written += writeSync(this.fd, buffer, written, total - written, this.size + written);
		}

		if (this.syncEveryWrite) fdatasyncSync(this.fd);
		else this.dirty = true;
		this.size += total;
	}

	/** fdatasync what was written since the last sync (the background step of the interval policy). */
	sync() {
		if (this.fd === undefined || !this.dirty) return;
		fdatasyncSync(this.fd);
		this.dirty = false;
	}

	/** Syncs and closes the file: the buffer takes no more records. */
	close() {
		if (this.fd === undefined) return;
		this.sync();
		closeSync(this.fd);
		this.fd = undefined;
	}

	/** Deletes the file: its buffer was delivered (or its delivery stream deleted). */
	remove() {
		if (this.fd !== undefined) {
			closeSync(this.fd);
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
	) {
		mkdirSync(directory, {recursive: true});
	}

	/** A new, empty buffer file. */
	create(number: number): BufferFile {
		const file = new BufferFile(join(this.directory, fileName(number)), 0, this.syncEveryWrite);
		if (this.syncEveryWrite) this.syncDirectory();
		return file;
	}

	/** A recovered buffer's file: reopened to append to it (the open buffer), or only to delete it later. */
	reopen(recovered: RecoveredBuffer, forAppending: boolean): BufferFile {
		return new BufferFile(recovered.path, recovered.size, this.syncEveryWrite, forAppending);
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
		const fd = openSync(this.directory, 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	}
}

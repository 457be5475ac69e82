/**
 * The file operations the engine's write paths make (shard logs, Firehose buffer files, metadata), behind
 * one small interface so that tests can make chosen calls fail as a full disk, a read-only or vanished
 * directory, or a failing device would (test/engine/log/failing-file-system.ts). The default is node:fs.
 */
import {
	closeSync,
	fdatasync,
	fdatasyncSync,
	fstatSync,
	fsyncSync,
	ftruncateSync,
	openSync,
	renameSync,
	write,
	writeSync,
} from 'node:fs';
import {promisify} from 'node:util';

export type FileSystem = {
	openSync(path: string, flags: string): number;
	/** Writes at `position`; may write less than asked (the caller loops). */
	write(
		fd: number,
		buffer: Uint8Array,
		offset: number,
		length: number,
		position: number,
	): Promise<{bytesWritten: number}>;
	writeSync(
		fd: number,
		buffer: Uint8Array,
		offset: number,
		length: number,
		position?: number,
	): number;
	fdatasync(fd: number): Promise<void>;
	fdatasyncSync(fd: number): void;
	fsyncSync(fd: number): void;
	ftruncateSync(fd: number, length: number): void;
	/** How many directory entries name the open file: 0 once it (or its whole directory) was deleted. */
	linkCount(fd: number): number;
	closeSync(fd: number): void;
	renameSync(from: string, to: string): void;
};

const writeAsync = promisify(write);

export const nodeFileSystem: FileSystem = {
	openSync: (path, flags) => openSync(path, flags),
	write: async (fd, buffer, offset, length, position) =>
		writeAsync(fd, buffer, offset, length, position),
	writeSync: (fd, buffer, offset, length, position) =>
		writeSync(fd, buffer, offset, length, position),
	fdatasync: promisify(fdatasync),
	fdatasyncSync: (fd) => fdatasyncSync(fd),
	fsyncSync: (fd) => fsyncSync(fd),
	ftruncateSync: (fd, length) => ftruncateSync(fd, length),
	linkCount: (fd) => fstatSync(fd).nlink,
	closeSync: (fd) => closeSync(fd),
	renameSync: (from, to) => renameSync(from, to),
};

/**
 * A write that failed on the disk. `sticky` when it was a sync (fsync/fdatasync): what failed to reach
 * the disk cannot be told any more (below), so the file takes no more writes until a restart.
 *
 * Why a failed sync is never retried: on Linux, when writeback of a dirty page fails the kernel reports
 * the error to the next fsync and then marks the page clean — its data may be gone — so a second fsync
 * can succeed without that data ever reaching the disk. Only a restart, which reads back what the file
 * really holds, knows what is stored.
 */
export class DiskWriteError extends Error {
	override readonly name = 'DiskWriteError';

	constructor(
		readonly what: string,
		override readonly cause: NodeJS.ErrnoException,
		readonly sticky: boolean,
	) {
		super(`${what}: ${describeCause(cause)}`, {cause});
	}

	/** The errno code (ENOSPC, EIO, EROFS, …), when there is one. */
	get code() {
		return this.cause.code;
	}
}

/** The cause in words a person at a terminal understands, with its errno code. */
function describeCause(cause: NodeJS.ErrnoException) {
	switch (cause.code) {
		case 'ENOSPC':
		case 'EDQUOT': {
			return `the disk is full (${cause.code})`;
		}

		case 'EROFS': {
			return 'the file system is read-only (EROFS)';
		}

		case 'ENOENT': {
			return 'the data directory has gone (ENOENT)';
		}

		case 'EACCES':
		case 'EPERM': {
			return `permission denied (${cause.code})`;
		}

		default: {
			return cause.message ?? String(cause);
		}
	}
}

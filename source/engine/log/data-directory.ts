/**
 * The engine's data directory: one owner process at a time (a lock the operating system releases when
 * the owner dies: directory-lock.ts), the stream metadata in one file that is only ever replaced
 * atomically, and a directory of segment files per shard.
 *
 * ```
 * DIR/owner.json                      {pid, startedAt, endpoint?}: who owns the directory and where it
 *                                     serves it; written by the lock's holder, read by the others
 * DIR/metadata.json                   streams, shards, lineage, counters, retention, tags
 * DIR/streams/NAME.CREATED/shardId-…/ that shard's segment files
 * ```
 */
import {
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	unlinkSync,
	writeFileSync,
} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {DirectoryLock, type LockKind, type OwnerRecord} from './directory-lock.js';
import {DiskWriteError, nodeFileSystem, type FileSystem} from './file-system.js';

export class DataDirectoryInUseError extends Error {
	override readonly name = 'DataDirectoryInUseError';

	constructor(
		readonly directory: string,
		/** Undefined when the lock's holder did not record itself in time (owner.json unreadable). */
		readonly ownerPid: number | undefined,
		readonly endpoint: string | undefined,
	) {
		super(
			(ownerPid === undefined
				? `the data directory ${directory} is in use by another kinesis-top process (its owner.json could not be read)`
				: `the data directory ${directory} is in use by kinesis-top process ${ownerPid}`) +
				(endpoint ? `, serving it at ${endpoint}` : ''),
		);
	}
}

export type Owner = {
	pid: number;
	startedAt: string;
	endpoint?: string;
	/** The socket-file lock's inode (directory-lock.ts), so a reader knows which binder wrote this. */
	lock?: string;
};

/** `$XDG_DATA_HOME/kinesis-top`, else `~/.local/share/kinesis-top`. */
export function defaultDataDirectory(environment = process.env) {
	const base = environment.XDG_DATA_HOME || join(homedir(), '.local', 'share');
	return join(base, 'kinesis-top');
}

function isAlive(pid: number) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** What `directory`'s owner.json says, whoever wrote it; undefined while it is missing or unreadable. */
function readOwnerRecord(directory: string): Owner | undefined {
	try {
		const owner = JSON.parse(readFileSync(join(directory, 'owner.json'), 'utf8')) as Owner;
		return Number.isInteger(owner.pid) ? owner : undefined;
	} catch {
		return undefined;
	}
}

/** The owner recorded in `directory`, if that process is still alive. */
export function readOwner(directory: string): Owner | undefined {
	const owner = readOwnerRecord(directory);
	return owner && isAlive(owner.pid) ? owner : undefined;
}

/**
 * How long a process that finds the directory locked waits for the lock's holder to name itself in
 * owner.json (it does so right after locking) before giving up without its pid.
 */
const OWNER_RECORD_MS = 2000;
/**
 * Socket-file lock: how long a socket's binder may take to record itself in owner.json before its
 * socket counts as left by a process killed in between (and is reclaimed).
 */
const UNRECORDED_OWNER_MS = 1000;

/** Blocks the thread for `ms`: opening a data directory is synchronous, and only waits at start-up. */
function sleepSync(ms: number) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export type DataDirectoryOptions = {
	/** Which lock to take (default: the platform's, see directory-lock.ts); tests try the others. */
	lockKind?: LockKind;
	/** The metadata writes' file operations (default node:fs); tests inject disk failures. */
	files?: FileSystem;
};

export class DataDirectory {
	private lockHeld: DirectoryLock | undefined;
	private lockId: string | undefined;

	private constructor(
		readonly path: string,
		private readonly files: FileSystem,
	) {}

	/** Takes ownership of `path` (creating it), or throws {@link DataDirectoryInUseError}. */
	static open(path: string, options: DataDirectoryOptions = {}): DataDirectory {
		mkdirSync(join(path, 'streams'), {recursive: true});
		const directory = new DataDirectory(path, options.files ?? nodeFileSystem);
		directory.lock(options.lockKind);
		return directory;
	}

	get ownerFile() {
		return join(this.path, 'owner.json');
	}

	readMetadata<T>(): T | undefined {
		try {
			return JSON.parse(readFileSync(join(this.path, 'metadata.json'), 'utf8')) as T;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
	}

	/** Replaces the metadata atomically: a crash leaves either the old file or the new one, whole. */
	writeMetadata(metadata: unknown) {
		this.writeAtomically('metadata.json', JSON.stringify(metadata));
	}

	/** Records the endpoint this owner serves the directory at, for other processes to connect to. */
	recordEndpoint(endpoint: string) {
		this.recordOwner(endpoint);
	}

	streamDirectory(name: string, createdAt: number) {
		return join(this.path, 'streams', `${name}.${createdAt}`);
	}

	/** Removes stream directories no stream in the metadata owns (left by a crash during delete). */
	removeOrphans(keep: Set<string>) {
		const streams = join(this.path, 'streams');
		for (const entry of readdirSync(streams)) {
			const path = join(streams, entry);
			if (!keep.has(path)) rmSync(path, {recursive: true, force: true});
		}
	}

	release() {
		const lock = this.lockHeld;
		if (!lock) return;
		this.lockHeld = undefined;
		// owner.json goes first: once the lock is free, the next owner writes its own.
		try {
			unlinkSync(this.ownerFile);
		} catch {
			// Already gone (the directory was removed): only the lock is left to release.
		}

		lock.release();
	}

	/**
	 * Takes the lock, or throws {@link DataDirectoryInUseError} naming its holder. An owner.json that is
	 * missing, unreadable or names a dead process while the lock is held belongs to a holder that has
	 * just locked and not yet written it (or to its dead predecessor): it is read again, and the lock
	 * tried again, until {@link OWNER_RECORD_MS} has passed — never taken for "no owner".
	 */
	private lock(kind: LockKind | undefined) {
		const deadline = Date.now() + OWNER_RECORD_MS;
		const record: OwnerRecord = {
			record: (lockId) => {
				this.lockId = lockId;
				this.recordOwner(undefined);
			},
			isAlive: (lockId) => {
				const giveUp = Date.now() + UNRECORDED_OWNER_MS;
				for (;;) {
					const recorded = readOwnerRecord(this.path);
					if (recorded?.lock === lockId) return isAlive(recorded.pid);
					if (Date.now() >= giveUp) return false;
					sleepSync(10);
				}
			},
		};

		for (;;) {
			const lock = DirectoryLock.tryAcquire(this.path, record, kind);
			if (lock) {
				this.lockHeld = lock;
				return;
			}

			const owner = readOwner(this.path);
			if (owner) throw new DataDirectoryInUseError(this.path, owner.pid, owner.endpoint);
			if (Date.now() >= deadline)
				throw new DataDirectoryInUseError(this.path, undefined, undefined);
			sleepSync(10);
		}
	}

	/**
	 * owner.json is replaced whole (a reader never sees it half-written) but not fsynced: it describes a
	 * running process, so after a machine crash it is stale whatever it says.
	 */
	private recordOwner(endpoint: string | undefined) {
		const owner: Owner = {
			pid: process.pid,
			startedAt: new Date().toISOString(),
			endpoint,
			lock: this.lockId,
		};
		const temporary = join(this.path, 'owner.json.tmp');
		writeFileSync(temporary, JSON.stringify(owner));
		renameSync(temporary, this.ownerFile);
	}

	/** Replaces `name` whole or not at all; a failure says what failed, and why, in a DiskWriteError. */
	private writeAtomically(name: string, text: string) {
		try {
			this.replaceFile(name, text);
		} catch (error) {
			throw new DiskWriteError(`could not save ${name}`, error as NodeJS.ErrnoException, false);
		}
	}

	private replaceFile(name: string, text: string) {
		const files = this.files;
		const temporary = join(this.path, `${name}.tmp`);
		const fd = files.openSync(temporary, 'w');
		try {
			const bytes = Buffer.from(text);
			let written = 0;
			while (written < bytes.length) {
				written += files.writeSync(fd, bytes, written, bytes.length - written);
			}

			files.fsyncSync(fd);
		} finally {
			files.closeSync(fd);
		}

		files.renameSync(temporary, join(this.path, name));
		const directory = files.openSync(this.path, 'r');
		try {
			files.fsyncSync(directory);
		} finally {
			files.closeSync(directory);
		}
	}
}

/**
 * The engine's data directory: one owner process at a time (a lock file naming its pid), the stream
 * metadata in one file that is only ever replaced atomically, and a directory of segment files per shard.
 *
 * ```
 * DIR/owner.json                      {pid, startedAt, endpoint?}: who owns the directory
 * DIR/metadata.json                   streams, shards, lineage, counters, retention, tags
 * DIR/streams/NAME.CREATED/shardId-…/ that shard's segment files
 * ```
 */
import {
	closeSync,
	fsyncSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	unlinkSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';

export class DataDirectoryInUseError extends Error {
	override readonly name = 'DataDirectoryInUseError';

	constructor(
		readonly directory: string,
		readonly ownerPid: number,
		readonly endpoint: string | undefined,
	) {
		super(
			`the data directory ${directory} is in use by kinesis-top process ${ownerPid}` +
				(endpoint ? `, serving it at ${endpoint}` : ''),
		);
	}
}

export type Owner = {pid: number; startedAt: string; endpoint?: string};

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

/** The owner recorded in `directory`, if that process is still alive. */
export function readOwner(directory: string): Owner | undefined {
	try {
		const owner = JSON.parse(readFileSync(join(directory, 'owner.json'), 'utf8')) as Owner;
		return Number.isInteger(owner.pid) && isAlive(owner.pid) ? owner : undefined;
	} catch {
		return undefined;
	}
}

export class DataDirectory {
	private owned = false;

	private constructor(readonly path: string) {}

	/** Takes ownership of `path` (creating it), or throws {@link DataDirectoryInUseError}. */
	static open(path: string): DataDirectory {
		mkdirSync(join(path, 'streams'), {recursive: true});
		const directory = new DataDirectory(path);
		directory.lock();
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
		const owner: Owner = {pid: process.pid, startedAt: new Date().toISOString(), endpoint};
		this.writeAtomically('owner.json', JSON.stringify(owner));
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
		if (!this.owned) return;
		this.owned = false;
		try {
			unlinkSync(this.ownerFile);
		} catch {
			// Already gone: nothing to release.
		}
	}

	private lock() {
		for (let attempt = 0; attempt < 3; attempt++) {
			try {
				const fd = openSync(this.ownerFile, 'wx');
				const owner: Owner = {pid: process.pid, startedAt: new Date().toISOString()};
				writeSync(fd, JSON.stringify(owner));
				closeSync(fd);
				this.owned = true;
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}

			const owner = readOwner(this.path);
			if (owner) throw new DataDirectoryInUseError(this.path, owner.pid, owner.endpoint);
			// The owner is gone (crashed or killed): its lock is stale.
			rmSync(this.ownerFile, {force: true});
		}

		throw new Error(`could not lock the data directory ${this.path}`);
	}

	private writeAtomically(name: string, text: string) {
		const temporary = join(this.path, `${name}.tmp`);
		const fd = openSync(temporary, 'w');
		try {
			writeFileSync(fd, text);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}

		renameSync(temporary, join(this.path, name));
		const directory = openSync(this.path, 'r');
		try {
			fsyncSync(directory);
		} finally {
			closeSync(directory);
		}
	}
}

/**
 * The data directory's lock: held by one process at a time and released by the operating system when
 * that process dies, however it dies (SIGKILL included), so a crashed owner never leaves a lock behind
 * that someone must judge stale.
 *
 * Why a listening socket: Node has no `flock`, and the maintained packages either emulate a lock with
 * file mtimes (proper-lockfile: not released by the OS, stale after a timeout, so a slow owner can lose
 * it) or need a native build (fs-ext), which npm no longer runs on install without an allow-list and a
 * compiler. Binding a socket name is atomic, a name is bound by at most one socket, and the kernel frees
 * it when the process's last descriptor to it closes — the properties a lock needs, with nothing to
 * install. The bind happens synchronously inside `listen()` (the outcome is readable at once from
 * `server.listening`), so taking the lock stays synchronous like the rest of opening an engine.
 *
 * - Linux: a name in the abstract socket namespace made from the directory's device and inode (two
 *   paths to the same directory get the same name). It has no file, so there is nothing stale to
 *   remove: the name exists exactly as long as the owner's socket. (Abstract names are per network
 *   namespace: two containers sharing a directory through a volume but not a network namespace do not
 *   see each other's lock. And a directory deleted while its owner runs frees its inode: a new directory
 *   given the same inode reads as locked until that owner exits — a refusal, never two owners.)
 * - Windows: a named pipe from the same device and inode, which behaves the same way.
 * - Elsewhere (macOS, the BSDs): a socket file in the directory. A dead owner's socket file remains and
 *   refuses connections; it is stale when owner.json, which names the socket file (its inode) its owner
 *   bound, names a dead process — or, naming another socket, has not been rewritten by the socket's
 *   binder within a second (it was killed between binding and recording). Two processes that both find
 *   it stale must not both unlink and bind (the second would unlink the first one's fresh socket), so a
 *   reclaim happens only while holding `owner.reclaim`, a directory whose creation is atomic; one left by
 *   a process killed mid-reclaim is removed after {@link ABANDONED_RECLAIM_MS}.
 */
import {createServer, type Server} from 'node:net';
import {mkdirSync, rmSync, statSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';

export type LockKind = 'abstract' | 'pipe' | 'socket-file';

/** A reclaim directory older than this was left by a process killed while reclaiming. */
const ABANDONED_RECLAIM_MS = 10_000;

export function defaultLockKind(): LockKind {
	if (process.platform === 'linux') return 'abstract';
	if (process.platform === 'win32') return 'pipe';
	return 'socket-file';
}

/** Whether a socket can be bound to `name` now; the server is listening if so. */
function bind(name: string): Server | undefined {
	// Nobody is meant to connect; one who does (a stale check) is hung up on at once.
	const server = createServer((socket) => socket.destroy());
	// A failed bind is also reported as an event a tick later; `listening` has already said so.
	server.on('error', () => undefined);
	server.listen(name);
	if (!server.listening) {
		server.close();
		return undefined;
	}

	// The lock must not keep the process alive.
	server.unref();
	return server;
}

function directoryIdentity(directory: string) {
	const {dev, ino} = statSync(directory, {bigint: true});
	return `${dev}-${ino}`;
}

/**
 * What the lock asks of the directory's owner record (owner.json): to write it, naming the lock it
 * holds, and — for the socket-file kind — whether the record names a live process for the socket now
 * at `lockId` (waiting a moment when it names none: its binder may not have written it yet).
 */
export type OwnerRecord = {
	record: (lockId: string | undefined) => void;
	isAlive: (lockId: string) => boolean;
};

export class DirectoryLock {
	private constructor(
		private readonly server: Server,
		private readonly socketFile: string | undefined,
		/** Which socket file this is (its inode), so owner.json can say whose record it is. */
		readonly id: string | undefined,
	) {}

	/**
	 * Takes the lock on `directory` and calls `owner.record` at once, or returns undefined when another
	 * process holds it.
	 */
	static tryAcquire(
		directory: string,
		owner: OwnerRecord,
		kind: LockKind = defaultLockKind(),
	): DirectoryLock | undefined {
		if (kind === 'socket-file') return DirectoryLock.tryAcquireSocketFile(directory, owner);
		const name =
			kind === 'abstract'
				? `\0kinesis-top-${directoryIdentity(directory)}`
				: `\\\\.\\pipe\\kinesis-top-${directoryIdentity(directory)}`;
		const server = bind(name);
		if (!server) return undefined;
		const lock = new DirectoryLock(server, undefined, undefined);
		lock.recordOrRelease(owner);
		return lock;
	}

	private static tryAcquireSocketFile(directory: string, owner: OwnerRecord) {
		const socketFile = join(directory, 'owner.sock');
		const held = (server: Server) => {
			const lock = new DirectoryLock(server, socketFile, socketId(socketFile));
			lock.recordOrRelease(owner);
			return lock;
		};

		let server = bind(socketFile);
		let id = server ? undefined : socketId(socketFile);
		// The owner may release the lock (unlink its socket) between a failed bind and the look at the
		// file: bind again. A socket that cannot be bound where no file stands is a real failure.
		for (let attempt = 0; !server && id === undefined && attempt < 3; attempt++) {
			server = bind(socketFile);
			if (!server) id = socketId(socketFile);
		}

		if (server) return held(server);
		if (id === undefined) {
			throw new Error(`cannot bind the data directory's lock socket ${socketFile}`);
		}

		if (owner.isAlive(id)) return undefined;
		const reclaim = join(directory, 'owner.reclaim');
		try {
			mkdirSync(reclaim);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			// Someone else is reclaiming; one killed while doing it left this behind.
			const since = statSync(reclaim, {throwIfNoEntry: false})?.mtimeMs ?? Date.now();
			if (Date.now() - since > ABANDONED_RECLAIM_MS)
				rmSync(reclaim, {recursive: true, force: true});
			return undefined;
		}

		try {
			// Checked again under the reclaim lock: another process may have reclaimed it meanwhile. The
			// new owner records itself before the reclaim lock goes, so the next one to check sees it.
			const again = bind(socketFile);
			if (again) return held(again);
			const current = socketId(socketFile);
			if (current !== undefined && owner.isAlive(current)) return undefined;
			rmSync(socketFile, {force: true});
			const reclaimed = bind(socketFile);
			return reclaimed && held(reclaimed);
		} finally {
			rmSync(reclaim, {recursive: true, force: true});
		}
	}

	/** A lock whose owner cannot be recorded (owner.json unwritable) is given up, not kept. */
	private recordOrRelease(owner: OwnerRecord) {
		try {
			owner.record(this.id);
		} catch (error) {
			this.release();
			throw error;
		}
	}

	release() {
		if (this.socketFile) {
			try {
				unlinkSync(this.socketFile);
			} catch {
				// Already gone (the directory was removed): nothing to release but the socket.
			}
		}

		this.server.close();
	}
}

/** The socket file's inode, or undefined when there is none. */
function socketId(socketFile: string) {
	return statSync(socketFile, {bigint: true, throwIfNoEntry: false})?.ino.toString();
}

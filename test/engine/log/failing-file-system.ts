/**
 * A FileSystem (source/engine/log/file-system.ts) over node:fs that fails chosen calls on demand, as a
 * full disk, a read-only or vanished directory or a failing device would, and can emulate a disk of a
 * given size (writes beyond it fail with ENOSPC, as a small tmpfs does).
 */
import {nodeFileSystem, type FileSystem} from '../../../source/engine/log/file-system.js';

type Call = keyof FileSystem;

export function errno(code: string, call: string) {
	return Object.assign(new Error(`${code}: simulated failure, ${call}`), {code});
}

export class FailingFileSystem implements FileSystem {
	/** How many times each call was made, failed or not. */
	readonly calls = new Map<Call, number>();
	/** The descriptor of every fdatasync asked for, failed or not, in order. */
	readonly synced: number[] = [];
	private readonly failing = new Map<Call, {code: string; times: number}>();
	/** Bytes written through `write`/`writeSync` at positions never written before, when emulating a size. */
	private used = 0;
	private readonly ends = new Map<number, number>();

	/** While set, `write` calls wait for it (and count in `held`): to act while a flush is under way. */
	private gate: Promise<void> | undefined;
	held = 0;

	constructor(private spaceBytes = Number.POSITIVE_INFINITY) {}

	/** Holds `write` calls until the returned function is called. */
	holdWrites() {
		let release!: () => void;
		this.gate = new Promise((resolve) => (release = resolve));
		return () => {
			this.gate = undefined;
			release();
		};
	}

	/** Makes the next `times` calls of `call` fail with `code` (every call, until {@link heal}, by default). */
	fail(call: Call, code: string, times = Number.POSITIVE_INFINITY) {
		this.failing.set(call, {code, times});
	}

	/** Stops failing `call` (every call when none is named), and gives the emulated disk `space` bytes. */
	heal(call?: Call, spaceBytes = Number.POSITIVE_INFINITY) {
		if (call) this.failing.delete(call);
		else this.failing.clear();
		this.spaceBytes = spaceBytes;
	}

	openSync(path: string, flags: string) {
		this.check('openSync');
		const fd = nodeFileSystem.openSync(path, flags);
		this.ends.set(fd, 0);
		return fd;
	}

	async write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number) {
		if (this.gate) {
			this.held++;
			await this.gate;
		}

		this.check('write');
		this.claim(fd, position, length, 'write');
		return nodeFileSystem.write(fd, buffer, offset, length, position);
	}

	writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position?: number) {
		this.check('writeSync');
		if (position !== undefined) this.claim(fd, position, length, 'writeSync');
		return nodeFileSystem.writeSync(fd, buffer, offset, length, position);
	}

	async fdatasync(fd: number) {
		this.synced.push(fd);
		this.check('fdatasync');
		return nodeFileSystem.fdatasync(fd);
	}

	fdatasyncSync(fd: number) {
		this.synced.push(fd);
		this.check('fdatasyncSync');
		nodeFileSystem.fdatasyncSync(fd);
	}

	fsyncSync(fd: number) {
		this.check('fsyncSync');
		nodeFileSystem.fsyncSync(fd);
	}

	ftruncateSync(fd: number, length: number) {
		this.check('ftruncateSync');
		const end = this.ends.get(fd) ?? 0;
		if (length < end) {
			this.used -= end - length;
			this.ends.set(fd, length);
		}

		nodeFileSystem.ftruncateSync(fd, length);
	}

	linkCount(fd: number) {
		this.check('linkCount');
		return nodeFileSystem.linkCount(fd);
	}

	closeSync(fd: number) {
		this.check('closeSync');
		this.ends.delete(fd);
		nodeFileSystem.closeSync(fd);
	}

	renameSync(from: string, to: string) {
		this.check('renameSync');
		nodeFileSystem.renameSync(from, to);
	}

	private check(call: Call) {
		this.calls.set(call, (this.calls.get(call) ?? 0) + 1);
		const failure = this.failing.get(call);
		if (!failure || failure.times <= 0) return;
		failure.times--;
		throw errno(failure.code, call);
	}

	/** The emulated disk's space: a write past what the file held takes new bytes, which may not fit. */
	private claim(fd: number, position: number, length: number, call: string) {
		const end = this.ends.get(fd) ?? 0;
		const grows = Math.max(0, position + length - end);
		if (this.used + grows > this.spaceBytes) throw errno('ENOSPC', call);
		this.used += grows;
		this.ends.set(fd, Math.max(end, position + length));
	}
}

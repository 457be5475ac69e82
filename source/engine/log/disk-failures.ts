/**
 * Tells listeners (serve's log) about disk failures without flooding them: a full disk fails every put
 * until space returns, so a failure is told when it starts — the first one, or one with a different
 * message — and again after writes have succeeded in between. A sticky failure (a failed sync) is told
 * once per file, being final.
 */
import type {DiskWriteError} from './file-system.js';

export class DiskFailures {
	private readonly listeners = new Set<(message: string) => void>();
	private readonly told = new Set<string>();

	listen(listener: (message: string) => void) {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}

	report(error: DiskWriteError) {
		if (this.told.has(error.message)) return;
		this.told.add(error.message);
		const message = error.sticky
			? `${error.message}; nothing more is written there until kinesis-top restarts`
			: `${error.message}; writes there fail until it is fixed`;
		for (const listener of this.listeners) listener(message);
	}

	/** Writes succeed again: the next failure is told even if it is the same as before. */
	recovered() {
		if (this.told.size > 0) this.told.clear();
	}
}

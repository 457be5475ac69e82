/**
 * Buffers kept for reuse, up to a bound. Here, for segments; serve's request bodies and answers are kept
 * the same way (server/message-buffers.ts).
 *
 * Buffers of memory-only segments that were dropped (retention, the memory budget, a deleted stream) or
 * outgrown, kept for new segments to take instead of fresh memory. Writing into fresh memory costs a
 * page fault per 4 KiB, which the kernel must also zero: under load, a fifth of `serve`'s CPU went there
 * (on a virtual machine, where a fault is dearer still). A log in steady state — trimming as it appends
 * — then writes into memory it already has.
 *
 * Safe because no one else holds a view into a segment's buffer: readers get copies of the frames they
 * read (shard-log.ts), and memory-only segments are never written to files.
 */
export class FreeBuffers {
	private readonly buffers: Buffer[] = [];
	private heldBytes = 0;

	/** `maxBytes`: the most this keeps; a buffer given beyond it is left to the garbage collector. */
	constructor(readonly maxBytes: number) {}

	/** Bytes held for reuse. */
	get bytes() {
		return this.heldBytes;
	}

	/**
	 * A buffer of at least `bytes` (at most four times as large: segments grow by that factor, and a
	 * small segment should not hold a large buffer), or undefined if none is held.
	 */
	take(bytes: number): Buffer | undefined {
		let best = -1;
		for (let i = 0; i < this.buffers.length; i++) {
			const length = this.buffers[i].length;
			if (
				length >= bytes &&
				length <= 4 * bytes &&
				(best === -1 || length < this.buffers[best].length)
			) {
				best = i;
			}
		}

		if (best === -1) return undefined;
		const [buffer] = this.buffers.splice(best, 1);
		this.heldBytes -= buffer.length;
		return buffer;
	}

	give(buffer: Buffer) {
		if (this.heldBytes + buffer.length > this.maxBytes) return;
		this.buffers.push(buffer);
		this.heldBytes += buffer.length;
	}
}

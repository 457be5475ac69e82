/**
 * stdout for the headless commands: text, JSON documents and NDJSON lines, written with back-pressure.
 * When the reader goes away (EPIPE: `kinesis-top tail s | head`) writing stops quietly and the command
 * is told to stop; any other write error is kept for the command's exit status.
 */
import type {Writable} from 'node:stream';

const GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export class Output {
	/** The reader went away or writing failed: nothing more is written. */
	closed = false;
	/** A write error other than the reader going away. */
	error: Error | undefined;
	private readonly waiters = new Set<() => void>();

	constructor(
		private readonly stream: Writable,
		private readonly onClosed: () => void = () => undefined,
	) {
		stream.on('error', this.onError);
	}

	/** Writes `text`; resolves once the stream can take more. */
	async write(text: string): Promise<void> {
		if (this.closed || text === '') return;
		let ready: boolean;
		try {
			ready = this.stream.write(text);
		} catch (error) {
			this.onError(error as Error);
			return;
		}

		if (!ready && !this.closed) await this.drained();
	}

	/** One NDJSON line. */
	line(value: unknown) {
		return this.write(JSON.stringify(value) + '\n');
	}

	/** One JSON document, indented for people and parsed the same by programs. */
	json(value: unknown) {
		return this.write(JSON.stringify(value, undefined, 2) + '\n');
	}

	dispose() {
		this.stream.off('error', this.onError);
		this.wakeWaiters();
	}

	private drained() {
		return new Promise<void>((resolve) => {
			const done = () => {
				this.stream.off('drain', done);
				this.stream.off('close', done);
				this.waiters.delete(done);
				resolve();
			};

			this.stream.on('drain', done);
			this.stream.on('close', done);
			this.waiters.add(done);
		});
	}

	private readonly onError = (error: Error) => {
		if (this.closed) return;
		this.closed = true;
		if (!GONE.has((error as NodeJS.ErrnoException).code ?? '')) this.error = error;
		this.wakeWaiters();
		this.onClosed();
	};

	private wakeWaiters() {
		for (const waiter of [...this.waiters]) waiter();
	}
}

/**
 * The batching of the put commands (`put`, `firehose put`): input items gathered into batches within the
 * API's limits and sent one batch at a time, in input order, so results print in input order too.
 */

/** How long a partly filled batch waits for more lines (stdin typed or trickling in). */
const LINGER_MS = 50;

export type BatchLimits<Item> = {
	maxRecords: number;
	maxBytes: number;
	/** What an item counts against `maxBytes`. */
	sizeOf(item: Item): number;
};

/**
 * Gathers items into batches within a put API's limits (PutRecords, PutRecordBatch) and sends them one batch at a time, in order. A
 * batch goes when it is full or when no line has come for {@link LINGER_MS}; reading waits while a
 * batch is already queued behind the one in flight.
 */
export class BatchPipeline<Item> {
	onFailure: () => void = () => undefined;
	private batch: Item[] = [];
	private batchBytes = 0;
	private sending: Promise<void> = Promise.resolve();
	private queued = 0;
	private timer: NodeJS.Timeout | undefined;
	private failure: {error: unknown} | undefined;

	constructor(
		private readonly send: (items: Item[]) => Promise<void>,
		private readonly limits: BatchLimits<Item>,
	) {}

	async add(item: Item) {
		this.throwIfFailed();
		const size = this.limits.sizeOf(item);
		if (this.batchBytes + size > this.limits.maxBytes) this.seal();
		this.batch.push(item);
		this.batchBytes += size;
		if (this.batch.length >= this.limits.maxRecords) this.seal();
		else this.timer ??= setTimeout(() => this.seal(), LINGER_MS);
		while (this.queued > 1 && !this.failure) await this.sending;
		this.throwIfFailed();
	}

	/** Sends what is left and waits for every batch. */
	async finish() {
		this.seal();
		await this.sending;
		this.throwIfFailed();
	}

	private seal() {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (this.batch.length === 0) return;
		const items = this.batch;
		this.batch = [];
		this.batchBytes = 0;
		this.queued++;
		this.sending = this.sending
			.then(async () => {
				if (!this.failure) await this.send(items);
			})
			.catch((error: unknown) => {
				this.failure ??= {error};
				this.onFailure();
			})
			.finally(() => {
				this.queued--;
			});
	}

	private throwIfFailed() {
		if (this.failure) {
			clearTimeout(this.timer);
			throw this.failure.error;
		}
	}
}

/** Rates over a sliding window: how fast a tail reads, in records, bytes and GetRecords calls per second. */
export type Rates = {recordsPerSecond: number; bytesPerSecond: number; callsPerSecond: number};

type Sample = {at: number; records: number; bytes: number; calls: number};

export class RateMeter {
	private readonly samples: Sample[] = [];
	private readonly startedAt: number;

	constructor(
		private readonly windowMs = 5000,
		private readonly now: () => number = Date.now,
	) {
		this.startedAt = now();
	}

	add(records: number, bytes: number, calls: number) {
		this.samples.push({at: this.now(), records, bytes, calls});
		this.prune();
	}

	/** Averages over the window, or over the meter's lifetime while that is shorter (at least 1 s). */
	rates(): Rates {
		this.prune();
		const now = this.now();
		const seconds = Math.max(1000, Math.min(this.windowMs, now - this.startedAt)) / 1000;
		let records = 0;
		let bytes = 0;
		let calls = 0;
		for (const sample of this.samples) {
			records += sample.records;
			bytes += sample.bytes;
			calls += sample.calls;
		}

		return {
			recordsPerSecond: records / seconds,
			bytesPerSecond: bytes / seconds,
			callsPerSecond: calls / seconds,
		};
	}

	/** Calls in the last second: what counts against Kinesis's 5 GetRecords per second per shard. */
	callsInLastSecond() {
		const since = this.now() - 1000;
		let calls = 0;
		for (const sample of this.samples) if (sample.at > since) calls += sample.calls;
		return calls;
	}

	private prune() {
		const cutoff = this.now() - this.windowMs;
		let drop = 0;
		while (drop < this.samples.length && this.samples[drop].at <= cutoff) drop++;
		if (drop > 0) this.samples.splice(0, drop);
	}
}

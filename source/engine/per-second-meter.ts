/**
 * Counts use within the current one-second window, as the per-shard throughput limits do. Kinesis
 * measures per second; a fresh window each second reproduces that closely enough to throttle exactly
 * the bursts AWS would.
 */
export class PerSecondMeter {
	private second = -1;
	count = 0;
	bytes = 0;

	/** Brings the window up to `nowMs`, resetting it when a new second has begun. */
	at(nowMs: number) {
		const second = Math.floor(nowMs / 1000);
		if (second !== this.second) {
			this.second = second;
			this.count = 0;
			this.bytes = 0;
		}

		return this;
	}
}

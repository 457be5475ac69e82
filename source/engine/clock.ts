/** Where the engine reads the time. Tests substitute a {@link ManualClock} to make time-based behaviour exact. */
export type Clock = {now(): number};

export const systemClock: Clock = {now: () => Date.now()};

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
	constructor(private current = Date.UTC(2026, 0, 1)) {}

	now() {
		return this.current;
	}

	advance(milliseconds: number) {
		this.current += milliseconds;
	}

	set(epochMilliseconds: number) {
		this.current = epochMilliseconds;
	}
}

/**
 * What successive readings of a lease table tell that one reading cannot: whether a lease is still being
 * renewed (KCL raises `leaseCounter` at every renewal, every third of the failover time — 10 s by
 * default — so a counter that stopped means its worker stopped), how often, and how often it changes
 * owner (a lease that changes hands every minute is being stolen back and forth). Everything is measured
 * from this process's own readings: "not renewed for 4m" means the counter has not moved in the 4
 * minutes it has been watched at that value.
 */
import type {KclLease} from './kcl-lease.js';

type Observation = {at: number; counter: number; owner?: string; ownerSwitches: number};

export type LeaseActivity = {
	/** How long the counter has stood at its value, as far as seen; absent after a single reading. */
	notRenewedForMillis?: number;
	/** Renewals per minute over the readings of the window; absent after a single reading. */
	renewalsPerMinute?: number;
	/** Owner changes seen in the window (KCL's own `ownerSwitchesSinceCheckpoint` when it counted more). */
	ownerChanges: number;
	/** How long the lease has been watched within the window. */
	watchedForMillis: number;
};

export class LeaseHistory {
	private readonly observations = new Map<string, Observation[]>();

	constructor(readonly windowMillis = 5 * 60_000) {}

	observe(table: string, lease: KclLease, at: number) {
		const key = `${table}\n${lease.leaseKey}`;
		const list = this.observations.get(key) ?? [];
		list.push({
			at,
			counter: lease.counter,
			owner: lease.owner,
			ownerSwitches: lease.ownerSwitchesSinceCheckpoint,
		});
		// Keep the window, and the last reading before it: it says since when the counter stood still.
		while (list.length > 2 && list[1].at < at - this.windowMillis) list.shift();
		this.observations.set(key, list);
	}

	activity(table: string, leaseKey: string, now: number): LeaseActivity {
		const list = this.observations.get(`${table}\n${leaseKey}`) ?? [];
		if (list.length < 2) return {ownerChanges: 0, watchedForMillis: 0};
		const last = list.at(-1)!;
		// The first reading at the current counter value: the counter has stood still since then.
		let still = list.length - 1;
		while (still > 0 && list[still - 1].counter === last.counter) still--;
		const windowStart = now - this.windowMillis;
		const inWindow = list.filter((each) => each.at >= windowStart);
		const first = inWindow.length >= 2 ? inWindow[0] : list.at(-2)!;
		const span = last.at - first.at;
		let seenChanges = 0;
		let countedSwitches = 0;
		for (let index = 1; index < list.length; index++) {
			if (list[index].at < windowStart) continue;
			if (list[index].owner !== list[index - 1].owner) seenChanges++;
			// A checkpoint resets KCL's count; only rises count.
			countedSwitches += Math.max(0, list[index].ownerSwitches - list[index - 1].ownerSwitches);
		}

		return {
			notRenewedForMillis: now - list[still].at,
			renewalsPerMinute: span > 0 ? ((last.counter - first.counter) * 60_000) / span : undefined,
			ownerChanges: Math.max(seenChanges, countedSwitches),
			watchedForMillis: Math.min(now - list[0].at, this.windowMillis),
		};
	}
}

/**
 * One consumers model per driver and stream, shared by the Consumers screen and a consumer's per-shard
 * view: the lease history, the lag samples and the trends live in the model, so opening a consumer
 * shows what the list has been measuring rather than starting over, and the two screens never poll the
 * same stream twice. The poller runs while at least one screen uses it.
 */
import {useEffect, useSyncExternalStore} from 'react';
import {ConsumerLag, type ConsumersSnapshot} from '../../consumers/consumer-lag.js';
import type {Driver} from '../../driver/driver.js';
import {Poller} from '../../monitor/poller.js';

type Shared = {poller: Poller<ConsumersSnapshot>; users: number};

const shared = new WeakMap<Driver, Map<string, Shared>>();

function sharedPoller(driver: Driver, stream: string, intervalMs: number) {
	const byStream = shared.get(driver) ?? new Map<string, Shared>();
	shared.set(driver, byStream);
	let entry = byStream.get(stream);
	if (!entry) {
		const model = new ConsumerLag(driver, stream);
		entry = {poller: new Poller((signal) => model.refresh(signal), {intervalMs}), users: 0};
		byStream.set(stream, entry);
	}

	return entry;
}

/** Between refreshes: a refresh reads up to 50 shards' lag (≈100 calls), so AWS is asked less often. */
export const consumersInterval = (driver: Driver, pollIntervalMs?: number) =>
	pollIntervalMs ?? (driver.target.backend === 'local' ? 3000 : 15_000);

/** Counts a screen in: the poller runs while anyone uses it. Returns the release. */
function acquire(entry: Shared) {
	entry.users++;
	entry.poller.start();
	return () => {
		entry.users--;
		if (entry.users === 0) entry.poller.stop();
	};
}

export function useConsumerLag(driver: Driver, stream: string, intervalMs: number) {
	const entry = sharedPoller(driver, stream, intervalMs);
	useEffect(() => acquire(entry), [entry]);
	return useSyncExternalStore(entry.poller.subscribe, entry.poller.getState);
}

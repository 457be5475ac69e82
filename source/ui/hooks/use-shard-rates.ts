/**
 * Per-shard incoming rates, hot keys and kinesis-top's own MillisBehindLatest, sampled by a
 * {@link ShardRateSampler} while mounted. Screens of the same stream share one sampler (the shard map
 * and the metrics screen above it), so kinesis-top reads each shard once however many screens show it:
 * its reads count against the same 5 GetRecords/s per shard as the real consumers'.
 */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver} from '../../driver/driver.js';
import {ShardRateSampler, type ShardRateSamplerOptions} from '../../monitor/shard-rates.js';

type Shared = {sampler: ShardRateSampler; users: number};

const shared = new WeakMap<Driver, Map<string, Shared>>();

/** The stream's sampler, started for its first user and stopped after its last. */
function acquire(driver: Driver, stream: string, options?: ShardRateSamplerOptions) {
	let byStream = shared.get(driver);
	if (!byStream) {
		byStream = new Map();
		shared.set(driver, byStream);
	}

	let entry = byStream.get(stream);
	if (!entry) {
		entry = {sampler: new ShardRateSampler(driver, stream, options), users: 0};
		byStream.set(stream, entry);
	}

	return entry;
}

export function useShardRates(driver: Driver, stream: string, options?: ShardRateSamplerOptions) {
	const entry = useMemo(() => acquire(driver, stream, options), [driver, stream, options]);
	useEffect(() => {
		// Back in the registry if its last user left in between (an effect run twice, say).
		const byStream = shared.get(driver);
		if (byStream && !byStream.has(stream)) byStream.set(stream, entry);
		entry.users++;
		entry.sampler.start();
		return () => {
			entry.users--;
			if (entry.users > 0) return;
			entry.sampler.stop();
			if (shared.get(driver)?.get(stream) === entry) shared.get(driver)!.delete(stream);
		};
	}, [entry, driver, stream]);
	return useSyncExternalStore(entry.sampler.subscribe, entry.sampler.getState);
}

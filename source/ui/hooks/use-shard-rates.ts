/**
 * Per-shard incoming rates, hot keys and kinesis-top's own MillisBehindLatest, sampled by a
 * {@link ShardRateSampler} while mounted. Screens of the same stream share one sampler (the shard map
 * and the metrics screen above it), so kinesis-top reads each shard once however many screens show it:
 * its reads count against the same 5 GetRecords/s per shard as the real consumers'.
 */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver} from '../../driver/driver.js';
import {ShardRateSampler, type ShardRateSamplerOptions} from '../../monitor/shard-rates.js';

const samplers = new WeakMap<Driver, Map<string, ShardRateSampler>>();
const users = new Map<ShardRateSampler, number>();

/** The stream's sampler, made for its first user. */
function samplerFor(driver: Driver, stream: string, options?: ShardRateSamplerOptions) {
	let byStream = samplers.get(driver);
	if (!byStream) {
		byStream = new Map();
		samplers.set(driver, byStream);
	}

	let sampler = byStream.get(stream);
	if (!sampler) {
		sampler = new ShardRateSampler(driver, stream, options);
		byStream.set(stream, sampler);
	}

	return sampler;
}

function retain(driver: Driver, sampler: ShardRateSampler) {
	samplers.get(driver)?.set(sampler.streamName, sampler);
	users.set(sampler, (users.get(sampler) ?? 0) + 1);
	sampler.start();
}

/** Stops the sampler after its last user, and forgets it. */
function release(driver: Driver, sampler: ShardRateSampler) {
	const left = (users.get(sampler) ?? 1) - 1;
	if (left > 0) {
		users.set(sampler, left);
		return;
	}

	users.delete(sampler);
	sampler.stop();
	const byStream = samplers.get(driver);
	if (byStream?.get(sampler.streamName) === sampler) byStream.delete(sampler.streamName);
}

export function useShardRates(driver: Driver, stream: string, options?: ShardRateSamplerOptions) {
	const sampler = useMemo(() => samplerFor(driver, stream, options), [driver, stream, options]);
	useEffect(() => {
		retain(driver, sampler);
		return () => release(driver, sampler);
	}, [driver, sampler]);
	return useSyncExternalStore(sampler.subscribe, sampler.getState);
}

/** Per-shard incoming rates, sampled by a {@link ShardRateSampler} while mounted. */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver} from '../../driver/driver.js';
import {ShardRateSampler, type ShardRateSamplerOptions} from '../../monitor/shard-rates.js';

export function useShardRates(driver: Driver, stream: string, options?: ShardRateSamplerOptions) {
	const sampler = useMemo(
		() => new ShardRateSampler(driver, stream, options),
		[driver, stream, options],
	);
	useEffect(() => {
		sampler.start();
		return () => sampler.stop();
	}, [sampler]);
	return useSyncExternalStore(sampler.subscribe, sampler.getState);
}

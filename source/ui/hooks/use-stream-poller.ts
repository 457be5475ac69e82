/** Connects a component to a StreamPoller: starts it while mounted, re-renders on its changes. */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver} from '../../driver/driver.js';
import {StreamPoller, type StreamPollerOptions} from '../../monitor/stream-poller.js';

export function useStreamPoller(driver: Driver, options: StreamPollerOptions = {}) {
	const {intervalMs, maxBackoffMs, concurrency, metricsIntervalMs} = options;
	const poller = useMemo(
		() => new StreamPoller(driver, {intervalMs, maxBackoffMs, concurrency, metricsIntervalMs}),
		[driver, intervalMs, maxBackoffMs, concurrency, metricsIntervalMs],
	);
	useEffect(() => {
		poller.start();
		return () => poller.stop();
	}, [poller]);
	return useSyncExternalStore(poller.subscribe, poller.getState);
}

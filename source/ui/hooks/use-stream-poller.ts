/** Connects a component to a StreamPoller: starts it while mounted, re-renders on its changes. */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver} from '../../driver/driver.js';
import {StreamPoller, type StreamPollerOptions} from '../../monitor/stream-poller.js';

export function useStreamPoller(driver: Driver, options: StreamPollerOptions = {}) {
	const {intervalMs, maxBackoffMs, concurrency} = options;
	const poller = useMemo(
		() => new StreamPoller(driver, {intervalMs, maxBackoffMs, concurrency}),
		[driver, intervalMs, maxBackoffMs, concurrency],
	);
	useEffect(() => {
		poller.start();
		return () => poller.stop();
	}, [poller]);
	return useSyncExternalStore(poller.subscribe, poller.getState);
}

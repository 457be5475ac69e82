/** A stream's description (all shards, open and closed), reloaded every few seconds while mounted. */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver, StreamDescription} from '../../driver/driver.js';
import {Poller} from '../../monitor/poller.js';

export function useStreamDescription(driver: Driver, stream: string, intervalMs?: number) {
	const poller = useMemo(
		() =>
			new Poller<StreamDescription>((signal) => driver.describeStream(stream, signal), {
				intervalMs,
			}),
		[driver, stream, intervalMs],
	);
	useEffect(() => {
		poller.start();
		return () => poller.stop();
	}, [poller]);
	return useSyncExternalStore(poller.subscribe, poller.getState);
}

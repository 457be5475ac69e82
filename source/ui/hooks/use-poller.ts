/**
 * Connects a component to a {@link Poller} made from `load`: a new poller whenever one of `deps`
 * changes (a range, a shard), started while mounted, the component re-rendered on its changes.
 */
import {useEffect, useMemo, useSyncExternalStore, type DependencyList} from 'react';
import {Poller, type PollerOptions} from '../../monitor/poller.js';

export function usePoller<T>(
	load: (signal: AbortSignal) => Promise<T>,
	options: PollerOptions<T>,
	deps: DependencyList,
) {
	// The poller is remade only when `deps` change: `load` and `options` are read then, by design.
	// eslint-disable-next-line react-hooks/exhaustive-deps, react-hooks/use-memo
	const poller = useMemo(() => new Poller(load, options), deps);
	useEffect(() => {
		poller.start();
		return () => poller.stop();
	}, [poller]);
	return useSyncExternalStore(poller.subscribe, poller.getState);
}

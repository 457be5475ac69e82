/**
 * Runs a {@link LiveTail} while mounted and re-renders with what it publishes (at most every ~100 ms).
 * A hidden tail keeps reading into its buffer but does not re-render until it is shown again.
 */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {Driver, IteratorStart} from '../../driver/driver.js';
import {LiveTail, type LiveTailOptions} from '../../tail/live-tail.js';

export type UseLiveTailOptions = {
	shardId?: string;
	from: IteratorStart;
	bufferSize?: number;
	visible: boolean;
	/** Passed to the tail (tests poll faster). */
	tailOptions?: Omit<LiveTailOptions, 'shardId' | 'from' | 'bufferSize'>;
};

const noSubscription = () => () => undefined;

export function useLiveTail(driver: Driver, stream: string, options: UseLiveTailOptions) {
	const {shardId, from, bufferSize, visible, tailOptions} = options;
	const tail = useMemo(
		() => new LiveTail(driver, stream, {...tailOptions, shardId, from, bufferSize}),
		[driver, stream, shardId, from, bufferSize, tailOptions],
	);
	useEffect(() => {
		tail.start();
		return () => tail.stop();
	}, [tail]);
	const subscribe = visible ? tail.subscribe : noSubscription;
	return useSyncExternalStore(subscribe, tail.getState);
}

/**
 * Runs a planned query over its stream while mounted (a QuerySession from LATEST, or `from`) and
 * re-renders on its results — at most every ~100 ms (QueryResults batches its notifications), never per
 * row. Pausing freezes what is drawn; the query keeps running underneath so no window is lost.
 */
import {useEffect, useRef, useState} from 'react';
import type {Driver, IteratorStart} from '../../driver/driver.js';
import type {QueryStats, QueryWarning} from '../../query/executor.js';
import type {QueryPlan} from '../../query/plan.js';
import {QueryResults} from '../../query/query-results.js';
import {QuerySession} from '../../query/query-session.js';
import type {TailOptions, TailOutage} from '../../tail/tail-session.js';

const STATS_REFRESH_MS = 1000;

export type LiveQueryState = {
	results?: QueryResults;
	stats?: QueryStats;
	lastWarning?: QueryWarning;
	/** Why the query stopped, when it did (an error reading the stream). */
	error?: string;
	/** Set while its reading rides out an outage (the endpoint unreachable, say). */
	retrying?: TailOutage;
	/** Bumped on every change the view should draw. */
	version: number;
};

export function useLiveQuery(
	driver: Driver,
	plan: QueryPlan | undefined,
	options: {paused: boolean; from?: IteratorStart; tailOptions?: Partial<TailOptions>},
): LiveQueryState {
	const [state, setState] = useState<LiveQueryState>({version: 0});
	const paused = useRef(options.paused);
	useEffect(() => {
		paused.current = options.paused;
	}, [options.paused]);
	const {from, tailOptions} = options;

	useEffect(() => {
		if (!plan) return;
		const session = new QuerySession(driver, plan, {
			...tailOptions,
			from: from ?? {type: 'LATEST'},
			follow: true,
		});
		const results = new QueryResults(session.executor);
		let lastWarning: QueryWarning | undefined;
		const publish = (patch: Partial<LiveQueryState> = {}) => {
			if (paused.current && !patch.error) return;
			setState((current) => ({
				results,
				stats: session.executor.stats(),
				lastWarning,
				retrying: session.tail.progress().retrying,
				error: current.error,
				...patch,
				version: current.version + 1,
			}));
		};

		const detach = [
			results.onChange(() => publish()),
			session.executor.onWarning((warning) => {
				lastWarning = warning;
			}),
		];
		publish();
		// The counts move even while no window emits: redraw them every second.
		const timer = setInterval(() => publish(), STATS_REFRESH_MS);
		session.run().then(
			(end) => {
				if (end.reason === 'error') {
					publish({error: end.error instanceof Error ? end.error.message : String(end.error)});
				}
			},
			(error: unknown) => publish({error: error instanceof Error ? error.message : String(error)}),
		);
		return () => {
			clearInterval(timer);
			for (const each of detach) each();
			session.stop();
			results.dispose();
		};
	}, [driver, plan, from, tailOptions]);

	return state;
}

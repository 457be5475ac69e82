/**
 * The console over one context at a time. A switch opens (or reuses) the new context's driver and mounts
 * the app afresh on it, so every poller, tail and query of the old context stops as its screen unmounts,
 * and the screens reload from the new one. A failed switch (an unknown context, a login needed) changes
 * nothing: the app says why and stays where it was.
 */
import {useMemo, useState} from 'react';
import {App, type AppProps} from '../app.js';
import type {ContextOpener} from '../contexts/context-opener.js';
import type {Context} from '../contexts/context.js';
import type {Driver} from '../driver/driver.js';
import type {Notice} from './components/footer.js';
import type {ContextSwitching} from './screens/contexts-screen.js';

export type ContextSwitcherProps = AppProps & {
	opener: Pick<ContextOpener, 'rows' | 'switchTo' | 'current'>;
	/** The context the console started in, for its screen and alert threshold. */
	initialContext?: Context;
};

type Mounted = {
	driver: Driver;
	generation: number;
	context?: Context;
	notice?: Notice;
};

/** What the bottom line says after a switch: production is said loudly. */
function arrivalNotice(driver: Driver, name: string, region: string | undefined): Notice {
	const context = driver.target.context;
	const where = (context?.label ?? name) + (region ? ` in ${region}` : '');
	if (context?.production) {
		const access = driver.target.readOnly ? 'read-only' : 'READ-WRITE';
		return {text: `Now in ${where}: PRODUCTION, ${access}`, tone: 'error'};
	}

	return {text: `Now in ${where}`, tone: 'info'};
}

export function ContextSwitcher(props: ContextSwitcherProps) {
	const {opener, initialContext, ...appProps} = props;
	const [mounted, setMounted] = useState<Mounted>(() => ({
		driver: props.driver,
		generation: 0,
		context: initialContext,
	}));
	const switching = useMemo<ContextSwitching>(
		() => ({
			rows: () => opener.rows(),
			current: () => opener.current,
			async switchTo(name, region) {
				const {driver, context} = await opener.switchTo(name, region);
				setMounted((previous) => ({
					driver,
					context,
					generation: previous.generation + 1,
					notice: arrivalNotice(driver, name, region),
				}));
			},
		}),
		[opener],
	);
	const {context} = mounted;
	return (
		<App
			{...appProps}
			key={mounted.generation}
			driver={mounted.driver}
			contexts={switching}
			initialNotice={mounted.notice}
			initialScreen={context?.screen}
			alertIteratorAgeMs={props.alertIteratorAgeMs ?? context?.alertIteratorAgeMs}
		/>
	);
}

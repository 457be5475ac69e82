/** Renders the console over a LocalDriver for the UI tests, with frame helpers and named keys. */
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import stringWidth from 'string-width';
import {App, type AppProps} from '../../source/app.js';
import {DriverError, type Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {createTheme} from '../../source/ui/theme.js';
import {waitFor} from '../helpers/wait-for.js';

export const keys = {
	arrowDown: '\u001B[B',
	arrowUp: '\u001B[A',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	backspace: '\u007F',
	ctrlC: '\u0003',
	ctrlU: '\u0015',
	space: ' ',
} as const;

/** Tails poll fast in tests (the engine's read limits are off). */
export const FAST_TAIL = {idlePollMs: 20, catchUpPollMs: 5, minBackoffMs: 5, maxBackoffMs: 20};
export const FAST_RATES = {intervalMs: 50, tailOptions: FAST_TAIL};

export type Harness = ReturnType<typeof renderConsole>;

const cleanups: Array<() => Promise<void> | void> = [];

/** Unmounts every app and closes every driver of the test: call from afterEach. */
/** Runs `cleanup` with the others after the test (last registered, first run). */
export function afterTest(cleanup: () => Promise<void> | void) {
	cleanups.push(cleanup);
}

export async function cleanUp() {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export async function localDriver(streams: Array<[string, number]> = []) {
	const driver = LocalDriver.open({enforceLimits: false});
	cleanups.push(() => driver.close());
	for (const [name, shardCount] of streams) {
		await driver.createStream(name, {mode: 'PROVISIONED', shardCount});
	}

	return driver;
}

/**
 * `local` with its reads refused while `outage.down` is set: what an unreachable endpoint looks like to
 * a screen that reads (the tail, a query).
 */
export function withReadOutage(local: Driver) {
	const outage = {down: false, driver: Object.create(local) as Driver};
	Object.defineProperty(outage.driver, 'getRecords', {
		value: async (...args: Parameters<Driver['getRecords']>) => {
			if (outage.down)
				throw new DriverError('NetworkingError', 'ECONNREFUSED 127.0.0.1:4567', true);
			return local.getRecords(...args);
		},
	});
	return outage;
}

export function renderApp(
	driver: Driver,
	props: Partial<AppProps> & {width?: number; height?: number} = {},
) {
	const width = props.width ?? 80;
	const height = props.height ?? 24;
	return renderConsole(
		<App
			driver={driver}
			theme={createTheme(true)}
			pollIntervalMs={50}
			tailOptions={FAST_TAIL}
			rateOptions={FAST_RATES}
			{...props}
			width={width}
			height={height}
		/>,
		width,
		height,
	);
}

/** The console as `element` draws it (the App, or what wraps it), with the same frame helpers. */
export function renderConsole(element: ReactElement, width: number, height: number) {
	const app = render(element);
	cleanups.push(() => app.unmount());
	const frame = () => app.lastFrame() ?? '';
	const lines = () => frame().split('\n');
	/** The bottom line: the footer's keys, or the open prompt. */
	const lastLine = () => lines().at(-1) ?? '';
	/** Waits for a frame that satisfies `check` (frames change asynchronously: polls, input). */
	const until = (check: (frame: string) => boolean, message: string, timeoutMs = 5000) =>
		waitFor(() => check(frame()) && frame(), {
			message: `${message}; last frame:\n${frame()}`,
			timeoutMs,
		});
	const untilText = (text: string | RegExp, timeoutMs?: number) =>
		until(
			(f) => (typeof text === 'string' ? f.includes(text) : text.test(f)),
			`${String(text)} on screen`,
			timeoutMs,
		);
	const selected = () => lines().find((line) => line.startsWith('› '));
	const press = (key: string) => app.stdin.write(key);
	/** Types text into an open prompt (one write, as a paste). */
	const type = (text: string) => app.stdin.write(text);
	/**
	 * Waits for the prompt on the last line to read `text`, its label and the answer so far (then
	 * the cursor and a dimmed hint, if any): the keys before have been taken and it takes the next.
	 */
	const untilPrompt = (text: string, timeoutMs?: number) =>
		until(
			() => {
				const last = lastLine();
				// A line's trailing blanks (the cursor, a label's space) are not drawn.
				return last.trimEnd() === text.trimEnd() || last.startsWith(`${text} `);
			},
			`the prompt ${JSON.stringify(text)}`,
			timeoutMs,
		);
	/** Runs a `:` command, each step once the screen shows the one before. */
	const command = async (text: string) => {
		press(':');
		await untilPrompt(':');
		type(text);
		await untilPrompt(`:${text}`);
		press(keys.enter);
	};
	/** Presses j until the selected row includes `text`, each press once the one before moved it. */
	const selectDown = async (text: string) => {
		while (!selected()?.includes(text)) {
			const before = selected();
			press('j');
			await until(() => selected() !== before, `j to move the selection from ${before}`);
		}
	};
	return {
		...app,
		frame,
		lines,
		lastLine,
		until,
		untilText,
		untilPrompt,
		command,
		selected,
		selectDown,
		press,
		type,
		width,
		height,
	};
}

/** Every line fits the width and the frame is exactly the height. */
export function expectFits(harness: Harness) {
	const lines = harness.lines();
	if (lines.length !== harness.height) {
		throw new Error(`${lines.length} lines, not ${harness.height}:\n${harness.frame()}`);
	}

	// Columns as the terminal draws them: a CJK character or an emoji takes two.
	for (const line of lines) {
		if (stringWidth(line) > harness.width)
			throw new Error(`too wide (${stringWidth(line)} columns): ${line}`);
	}
}

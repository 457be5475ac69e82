/**
 * The console's root: the header, a stack of screens (streams → a stream's shard map → a live tail →
 * one record; the help on top of any), and the bottom line — key hints generated from the keymap, a
 * notice, or the one-line prompt (`:` commands, `/` filters, short questions). It owns navigation, the
 * prompt and exit; the screens read the backend only through models over the Driver it is given.
 */
import {Box, useApp, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import type {Driver} from './driver/driver.js';
import type {ShardRateSamplerOptions} from './monitor/shard-rates.js';
import {hashKeyOf} from './kinesis/routing.js';
import type {LiveTailOptions} from './tail/live-tail.js';
import {FILTER_SYNTAX, parseRecordFilter} from './tail/record-filter.js';
import {COMMAND_PLACEHOLDER, completeCommandLine, parseCommandLine} from './ui/command-line.js';
import {Footer, type Notice} from './ui/components/footer.js';
import {Header, healthOf} from './ui/components/header.js';
import {Prompt, type PromptRequest} from './ui/components/prompt.js';
import {CommandRouterContext, useKeymap} from './ui/hooks/use-keymap.js';
import {useIteratorAgeAlert} from './ui/hooks/use-iterator-age-alert.js';
import {useStreamPoller} from './ui/hooks/use-stream-poller.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {availableBindings, type Command} from './ui/keymap.js';
import {
	isFilterable,
	SCREEN_SCOPE,
	type Navigation,
	type ScreenProps,
	type StackEntry,
} from './ui/navigation.js';
import {initialStack, nextStack, topOf} from './ui/screen-stack.js';
import {StackScreen, type ScreenContext} from './ui/screen-table.js';
import type {ContextSwitching} from './ui/screens/contexts-screen.js';
import {formatLag} from './ui/format.js';
import {createTheme, ThemeContext, type Theme} from './ui/theme.js';

export type AppProps = {
	driver: Driver;
	/** Demo traffic is being generated (shows a badge). */
	demo?: boolean;
	pollIntervalMs?: number;
	/** Fixed size (tests); by default the terminal's, following resizes. */
	width?: number;
	height?: number;
	theme?: Theme;
	/** Records a live tail keeps (default 5,000). */
	tailBufferSize?: number;
	/** Where audit.log records the splits, merges and scalings made here (the console passes its data directory). */
	auditDirectory?: string;
	/** Where `s` in a tail saves its NDJSON file (default: the current directory). */
	saveDirectory?: string;
	/** Passed to the tails and the rate sampling (tests poll faster). */
	tailOptions?: Omit<LiveTailOptions, 'shardId' | 'from' | 'bufferSize'>;
	rateOptions?: ShardRateSamplerOptions;
	/** Between refreshes of the overview's metrics (default 5 s locally, 60 s on CloudWatch). */
	metricsIntervalMs?: number;
	/** Iterator age above which a stream is highlighted and the bell rings (`:alert` changes it). */
	alertIteratorAgeMs?: number;
	/** Rings the terminal bell (default: BEL to Ink's stdout). */
	bell?: () => void;
	/** Switching contexts (`:ctx`, `X`), when the console was started with them. */
	contexts?: ContextSwitching;
	/** The screen to open on, over the streams table (a context's `screen`). */
	initialScreen?: 'streams' | 'firehose';
	/** Shown in the bottom line until the first key (switching into a context says which). */
	initialNotice?: Notice;
};

/** Header and bottom line. */
const CHROME_LINES = 2;
const FILTER_PLACEHOLDER = {
	streams: 'part of a stream name',
	stream: 'part of a shard id, OPEN or CLOSED',
	tail: FILTER_SYNTAX,
	firehose: 'part of a delivery stream name, its source or destination',
} as const;

let nextPromptId = 0;

export function App(props: AppProps) {
	const {driver, demo = false, pollIntervalMs, width, height, theme} = props;
	const {exit} = useApp();
	const terminal = useTerminalSize();
	const columns = Math.max(20, width ?? terminal.columns);
	// One line short of the terminal by default: Ink redraws a frame as tall as the terminal by
	// clearing the whole screen, which flickers at every update.
	const rows = Math.max(CHROME_LINES + 3, height ?? terminal.rows - 1);
	const bodyHeight = rows - CHROME_LINES;
	const activeTheme = useMemo(() => theme ?? createTheme(), [theme]);
	const readOnly = driver.target.readOnly;
	const keymap = useMemo(() => availableBindings(readOnly), [readOnly]);
	const streams = useStreamPoller(driver, {
		intervalMs: pollIntervalMs,
		metricsIntervalMs: props.metricsIntervalMs,
	});

	const [stack, changeStack] = useReducer(nextStack, props.initialScreen, (screen) =>
		screen === 'firehose'
			? nextStack(initialStack(), {type: 'push', screen: {kind: 'firehose'}})
			: initialStack(),
	);
	const [prompt, setPrompt] = useState<{id: number; request: PromptRequest}>();
	const [notice, setNotice] = useState<Notice | undefined>(props.initialNotice);
	// Where the last put went, per stream: the shard map marks that shard (and the key's hash).
	const [lastPut, setLastPut] = useState<Record<string, {shardId: string; hashKey?: bigint}>>({});
	const onPut = useCallback(
		(stream: string, outcome: {shardId: string; partitionKey?: string}) =>
			setLastPut((current) => ({
				...current,
				[stream]: {
					shardId: outcome.shardId,
					hashKey: outcome.partitionKey === undefined ? undefined : hashKeyOf(outcome.partitionKey),
				},
			})),
		[],
	);
	// The queries run in this console, oldest first: the query editor's ↑/↓ history.
	const [queryHistory] = useState<string[]>(() => []);
	const top = topOf(stack);

	// The iterator-age alert: the threshold (flag, then `:alert`), the bell once per crossing.
	const [alertMs, setAlertMs] = useState(props.alertIteratorAgeMs);
	const {stdout} = useStdout();
	const {bell} = props;
	const onCrossing = useCallback(
		(crossed: string[]) => {
			if (bell) bell();
			else stdout.write('\u0007');
			setNotice({
				text: `Iterator age above ${formatLag(alertMs)}: ${crossed.join(', ')}`,
				tone: 'error',
			});
		},
		[bell, stdout, alertMs],
	);
	useIteratorAgeAlert(streams.rows, alertMs, onCrossing);

	// The stream names as of now, for the `:` prompt (which stays open across refreshes). Until the
	// first listing, any name may be tried: the screen then shows what the backend says.
	const names = useRef<{all: string[]; known?: string[]}>({all: []});
	useEffect(() => {
		const all = streams.rows.map((row) => row.name);
		names.current = {all, known: streams.lastUpdated ? all : undefined};
	}, [streams.rows, streams.lastUpdated]);

	// Who has the keyboard, switched at once (not at the next render): the screens, or the prompt.
	const promptOpen = useRef(false);
	const openPrompt = useCallback((request: PromptRequest) => {
		promptOpen.current = true;
		setPrompt({id: nextPromptId++, request});
	}, []);
	const closePrompt = useCallback(() => {
		promptOpen.current = false;
		setPrompt(undefined);
	}, []);

	const setFilter = useCallback(
		(id: number, filter: string) => changeStack({type: 'filter', id, filter}),
		[],
	);

	// The filter belongs to the screen on top when the prompt opens.
	const openFilter = useCallback(() => {
		const {id, screen, filter} = top;
		if (!isFilterable(screen)) return;
		const kind = screen.kind as keyof typeof FILTER_PLACEHOLDER;
		openPrompt({
			label: '/',
			initial: filter,
			placeholder: FILTER_PLACEHOLDER[kind],
			onChange: (value) => setFilter(id, value),
			onSubmit: (value) => setFilter(id, value),
			onCancel: () => setFilter(id, ''),
			validate: kind === 'tail' ? (value) => parseRecordFilter(value).error : undefined,
		});
	}, [top, openPrompt, setFilter]);

	const navigation = useMemo<Navigation>(
		() => ({
			push(screen) {
				changeStack({type: 'push', screen});
			},
			openFilter,
			openPrompt,
			notify: setNotice,
		}),
		[openFilter, openPrompt],
	);

	const {contexts} = props;
	// A switch remounts the app on the new context's driver (ContextSwitcher); a failure leaves this one.
	const switchContext = useCallback(
		(name: string | undefined, region?: string) => {
			if (!contexts || name === undefined) {
				setNotice({text: 'Contexts are not available here', tone: 'error'});
				return;
			}

			setNotice({text: `Switching to ${name}${region ? ` in ${region}` : ''}…`, tone: 'info'});
			contexts.switchTo(name, region).catch((error: unknown) => {
				setNotice({
					text: `Could not switch to ${name}: ${(error as Error).message}`,
					tone: 'error',
				});
			});
		},
		[contexts],
	);

	const runCommand = useCallback(
		(text: string) => {
			const {command, error} = parseCommandLine(text, names.current.known);
			if (error) {
				setNotice({text: error, tone: 'error'});
				return;
			}

			if (!command) return;
			switch (command.name) {
				case 'quit': {
					exit();
					break;
				}

				case 'alert': {
					const {thresholdMs} = command;
					if (thresholdMs !== undefined) setAlertMs(thresholdMs ?? undefined);
					const current = thresholdMs === undefined ? alertMs : (thresholdMs ?? undefined);
					setNotice({
						text:
							current === undefined
								? 'Iterator-age alert off (:alert 60s turns it on)'
								: `Iterator-age alert above ${formatLag(current)} (:alert off turns it off)`,
						tone: 'info',
					});
					break;
				}

				case 'ctx': {
					if (command.context === undefined) {
						changeStack({type: 'command', command});
					} else {
						switchContext(command.context);
					}

					break;
				}

				case 'region': {
					const current = contexts?.current();
					if (current) switchContext(current.name, command.region);
					else switchContext(undefined);
					break;
				}

				case 'put': {
					if (readOnly) {
						setNotice({text: 'Read-only: putting records is turned off', tone: 'error'});
						break;
					}

					changeStack({type: 'command', command});
					break;
				}

				default: {
					changeStack({type: 'command', command});
				}
			}
		},
		[exit, readOnly, alertMs, contexts, switchContext],
	);

	const onCommand = useCallback(
		(command: Command) => {
			switch (command) {
				case 'quit': {
					exit();
					break;
				}

				case 'help': {
					changeStack({type: 'toggle-help'});
					break;
				}

				case 'back': {
					changeStack({type: 'back'});
					break;
				}

				case 'command': {
					openPrompt({
						label: ':',
						placeholder: COMMAND_PLACEHOLDER,
						complete: (value) => completeCommandLine(value, names.current.all),
						onSubmit: runCommand,
					});
					break;
				}
			}
		},
		[exit, openPrompt, runCommand],
	);
	const scopes = useMemo(
		() => [SCREEN_SCOPE[top.screen.kind], 'global' as const],
		[top.screen.kind],
	);
	const router = useKeymap(scopes, onCommand, {
		keymap,
		enabled: () => !promptOpen.current,
		// A notice stays until the next key.
		onKey: () => setNotice(undefined),
	});

	const context: ScreenContext = {
		driver,
		readOnly,
		keymap,
		streams,
		alertIteratorAgeMs: alertMs,
		lastPut,
		onPut,
		queryHistory,
		pollIntervalMs,
		rateOptions: props.rateOptions,
		tailOptions: props.tailOptions,
		tailBufferSize: props.tailBufferSize,
		saveDirectory: props.saveDirectory,
		auditDirectory: props.auditDirectory,
		contexts,
	};
	const commonProps = (each: StackEntry): ScreenProps => ({
		width: columns,
		height: bodyHeight,
		active: each === top && prompt === undefined,
		visible: each === top,
		filter: each.filter,
		navigation,
	});

	return (
		<ThemeContext.Provider value={activeTheme}>
			<CommandRouterContext.Provider value={router}>
				<Box flexDirection="column" width={columns} height={rows}>
					<Header
						target={driver.target}
						demo={demo}
						health={healthOf(streams)}
						width={columns}
						notice={streams.notice}
					/>
					<Box flexDirection="column" width={columns} height={bodyHeight}>
						{stack.entries.map((each) => (
							<Box
								key={each.id}
								display={each === top ? 'flex' : 'none'}
								flexDirection="column"
								width={columns}
								height={bodyHeight}
								overflow="hidden"
							>
								<StackScreen screen={each.screen} common={commonProps(each)} context={context} />
							</Box>
						))}
					</Box>
					{prompt ? (
						<Prompt
							key={prompt.id}
							request={prompt.request}
							width={columns}
							isActive
							keymap={keymap}
							onClose={closePrompt}
							onQuit={exit}
						/>
					) : (
						<Footer scopes={scopes} keymap={keymap} width={columns} notice={notice} />
					)}
				</Box>
			</CommandRouterContext.Provider>
		</ThemeContext.Provider>
	);
}

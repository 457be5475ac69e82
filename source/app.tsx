/**
 * The console's root: the header, a stack of screens (streams → a stream's shard map → a live tail →
 * one record; the help on top of any), and the bottom line — key hints generated from the keymap, a
 * notice, or the one-line prompt (`:` commands, `/` filters, short questions). It owns navigation, the
 * prompt and exit; the screens read the backend only through models over the Driver it is given.
 */
import {Box, useApp, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Driver} from './driver/driver.js';
import type {ShardRateSamplerOptions} from './monitor/shard-rates.js';
import {hashKeyOf} from './routing.js';
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
	type Screen,
	type StackEntry,
} from './ui/navigation.js';
import {HelpScreen} from './ui/screens/help-screen.js';
import {DeliveryScreen} from './ui/screens/delivery-screen.js';
import {FirehoseScreen} from './ui/screens/firehose-screen.js';
import {MetricsScreen} from './ui/screens/metrics-screen.js';
import {PutScreen} from './ui/screens/put-screen.js';
import {RecordScreen} from './ui/screens/record-screen.js';
import {QueryScreen} from './ui/screens/query-screen.js';
import {ReshardScreen} from './ui/screens/reshard-screen.js';
import {StreamScreen} from './ui/screens/stream-screen.js';
import {StreamsScreen} from './ui/screens/streams-screen.js';
import {TailScreen} from './ui/screens/tail-screen.js';
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
};

/** Header and bottom line. */
const CHROME_LINES = 2;
const FILTER_PLACEHOLDER = {
	streams: 'part of a stream name',
	stream: 'part of a shard id, OPEN or CLOSED',
	tail: FILTER_SYNTAX,
	firehose: 'part of a delivery stream name, its source or destination',
} as const;

let nextStackId = 0;
let nextPromptId = 0;
const stackEntry = (screen: Screen): StackEntry => ({id: nextStackId++, screen, filter: ''});
/** The help for the screen on top of `stack`. */
const helpEntry = (stack: readonly StackEntry[]) =>
	stackEntry({kind: 'help', scope: SCREEN_SCOPE[stack.at(-1)!.screen.kind]});

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

	const [stack, setStack] = useState<StackEntry[]>(() => [stackEntry({kind: 'streams'})]);
	const [prompt, setPrompt] = useState<{id: number; request: PromptRequest}>();
	const [notice, setNotice] = useState<Notice>();
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
	const top = stack.at(-1)!;

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

	const setFilter = useCallback((id: number, filter: string) => {
		setStack((current) =>
			current.map((each) => (each.id === id && each.filter !== filter ? {...each, filter} : each)),
		);
	}, []);

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
				setStack((current) => [...current, stackEntry(screen)]);
			},
			openFilter,
			openPrompt,
			notify: setNotice,
		}),
		[openFilter, openPrompt],
	);

	const runCommand = useCallback(
		(text: string) => {
			const {command, error} = parseCommandLine(text, names.current.known);
			if (error) {
				setNotice({text: error, tone: 'error'});
				return;
			}

			if (!command) return;
			const base = (current: StackEntry[]) => current.slice(0, 1);
			switch (command.name) {
				case 'quit': {
					exit();
					break;
				}

				case 'help': {
					setStack((current) =>
						current.at(-1)!.screen.kind === 'help' ? current : [...current, helpEntry(current)],
					);
					break;
				}

				case 'streams': {
					setStack(base);
					break;
				}

				case 'stream': {
					setStack((current) => [
						...base(current),
						stackEntry({kind: 'stream', stream: command.stream}),
					]);
					break;
				}

				case 'tail': {
					setStack((current) => [
						...base(current),
						stackEntry({kind: 'tail', stream: command.stream, shardId: command.shard}),
					]);
					break;
				}

				case 'metrics': {
					setStack((current) => [
						...base(current),
						stackEntry({kind: 'metrics', stream: command.stream, shardId: command.shard}),
					]);
					break;
				}

				case 'firehose': {
					const {deliveryStream} = command;
					setStack((current) => [
						...base(current),
						stackEntry({kind: 'firehose'}),
						...(deliveryStream ? [stackEntry({kind: 'delivery', deliveryStream})] : []),
					]);
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

				case 'query': {
					setStack((current) => [
						...base(current),
						stackEntry({kind: 'query', stream: command.stream}),
					]);
					break;
				}

				case 'put': {
					if (readOnly) {
						setNotice({text: 'Read-only: putting records is turned off', tone: 'error'});
						break;
					}

					setStack((current) => [...current, stackEntry({kind: 'put', stream: command.stream})]);
					break;
				}
			}
		},
		[exit, readOnly, alertMs],
	);

	const onCommand = useCallback(
		(command: Command) => {
			switch (command) {
				case 'quit': {
					exit();
					break;
				}

				case 'help': {
					setStack((current) =>
						current.at(-1)!.screen.kind === 'help'
							? current.slice(0, -1)
							: [...current, helpEntry(current)],
					);
					break;
				}

				case 'back': {
					setStack((current) => {
						const last = current.at(-1)!;
						if (last.filter !== '') {
							return [...current.slice(0, -1), {...last, filter: ''}];
						}

						return current.length > 1 ? current.slice(0, -1) : current;
					});
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

	const renderScreen = (each: StackEntry, isTop: boolean) => {
		const common = {
			width: columns,
			height: bodyHeight,
			active: isTop && prompt === undefined,
			visible: isTop,
			filter: each.filter,
			navigation,
		};
		const {screen} = each;
		switch (screen.kind) {
			case 'streams': {
				return (
					<StreamsScreen
						{...common}
						state={streams}
						region={driver.target.region}
						alertIteratorAgeMs={alertMs}
					/>
				);
			}

			case 'stream': {
				return (
					<StreamScreen
						{...common}
						driver={driver}
						stream={screen.stream}
						pollIntervalMs={pollIntervalMs}
						rateOptions={props.rateOptions}
						lastPut={lastPut[screen.stream]}
					/>
				);
			}

			case 'metrics': {
				return (
					<MetricsScreen
						{...common}
						driver={driver}
						stream={screen.stream}
						shardId={screen.shardId}
						pollIntervalMs={pollIntervalMs}
						alertIteratorAgeMs={alertMs}
						rateOptions={props.rateOptions}
					/>
				);
			}

			case 'firehose': {
				return <FirehoseScreen {...common} driver={driver} pollIntervalMs={pollIntervalMs} />;
			}

			case 'delivery': {
				return (
					<DeliveryScreen
						{...common}
						driver={driver}
						deliveryStream={screen.deliveryStream}
						pollIntervalMs={pollIntervalMs}
						chartsIntervalMs={pollIntervalMs}
					/>
				);
			}

			case 'put': {
				return (
					<PutScreen
						{...common}
						driver={driver}
						name={screen.stream}
						delivery={screen.delivery}
						onPut={onPut}
					/>
				);
			}

			case 'query': {
				return (
					<QueryScreen
						{...common}
						driver={driver}
						stream={screen.stream}
						streams={streams.rows.map((row) => row.name)}
						history={queryHistory}
						saveDirectory={props.saveDirectory}
						tailOptions={props.tailOptions}
					/>
				);
			}

			case 'reshard': {
				return (
					<ReshardScreen
						{...common}
						driver={driver}
						stream={screen.stream}
						action={screen.action}
						shardId={screen.shardId}
						hotKey={screen.hotKey}
						auditDirectory={props.auditDirectory}
						pollIntervalMs={pollIntervalMs}
					/>
				);
			}

			case 'tail': {
				return (
					<TailScreen
						{...common}
						driver={driver}
						stream={screen.stream}
						shardId={screen.shardId}
						bufferSize={props.tailBufferSize}
						saveDirectory={props.saveDirectory}
						tailOptions={props.tailOptions}
					/>
				);
			}

			case 'record': {
				return (
					<RecordScreen
						{...common}
						stream={screen.stream}
						entry={screen.entry}
						initialMode={screen.mode}
					/>
				);
			}

			case 'help': {
				return (
					<HelpScreen
						width={columns}
						height={bodyHeight}
						active={common.active}
						scope={screen.scope}
						readOnly={readOnly}
						keymap={keymap}
					/>
				);
			}
		}
	};

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
						{stack.map((each) => (
							<Box
								key={each.id}
								display={each === top ? 'flex' : 'none'}
								flexDirection="column"
								width={columns}
								height={bodyHeight}
								overflow="hidden"
							>
								{renderScreen(each, each === top)}
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

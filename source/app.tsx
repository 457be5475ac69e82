/**
 * The console's root: header, streams table (or the help screen), footer. It reads the backend only
 * through a StreamPoller over the Driver it is given, and maps keys to commands through the keymap.
 */
import {Box, useApp} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import type {Driver} from './driver/driver.js';
import {Footer} from './ui/components/footer.js';
import {Header, healthOf} from './ui/components/header.js';
import {HelpOverlay} from './ui/components/help-overlay.js';
import {StatusLine} from './ui/components/status-line.js';
import {StreamTable} from './ui/components/stream-table.js';
import {useKeymap} from './ui/hooks/use-keymap.js';
import {useSelection} from './ui/hooks/use-selection.js';
import {useStreamPoller} from './ui/hooks/use-stream-poller.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {availableBindings, type Command, type Scope} from './ui/keymap.js';
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
};

const STREAM_SCOPES: readonly Scope[] = ['streams', 'global'];
const HELP_SCOPES: readonly Scope[] = ['help', 'global'];
/** Header, status line and footer. */
const CHROME_LINES = 3;

export function App({driver, demo = false, pollIntervalMs, width, height, theme}: AppProps) {
	const {exit} = useApp();
	const terminal = useTerminalSize();
	const columns = width ?? terminal.columns;
	// One line short of the terminal by default: Ink redraws a frame as tall as the terminal by
	// clearing the whole screen, which flickers at every update.
	const rows = Math.max(CHROME_LINES + 2, height ?? terminal.rows - 1);
	const activeTheme = useMemo(() => theme ?? createTheme(), [theme]);
	const keymap = useMemo(() => availableBindings(driver.target.readOnly), [driver]);
	const state = useStreamPoller(driver, {intervalMs: pollIntervalMs});
	const names = useMemo(() => state.rows.map((row) => row.name), [state.rows]);
	const bodyHeight = rows - CHROME_LINES;
	// The table's own column header takes one of the body's lines.
	const selection = useSelection(names, bodyHeight - 1);
	const [helpOpen, setHelpOpen] = useState(false);
	const scopes = helpOpen ? HELP_SCOPES : STREAM_SCOPES;
	const {move} = selection;

	const onCommand = useCallback(
		(command: Command) => {
			switch (command) {
				case 'quit': {
					exit();
					break;
				}

				case 'help': {
					setHelpOpen((open) => !open);
					break;
				}

				case 'closeHelp': {
					setHelpOpen(false);
					break;
				}

				case 'down':
				case 'up':
				case 'top':
				case 'bottom': {
					move(command);
					break;
				}
			}
		},
		[exit, move],
	);
	useKeymap(scopes, onCommand, {keymap});

	const count = state.rows.length;
	const range =
		selection.start > 0 || selection.end < count
			? ` (${selection.start + 1}–${selection.end})`
			: '';
	const title = helpOpen ? 'Help' : `Streams ${count}${range}`;
	const empty = state.error
		? 'Could not list the streams (see above).'
		: state.lastUpdated
			? `No streams in ${driver.target.region}.`
			: 'Loading streams…';

	return (
		<ThemeContext.Provider value={activeTheme}>
			<Box flexDirection="column" width={columns} height={rows}>
				<Header target={driver.target} demo={demo} health={healthOf(state)} width={columns} />
				<StatusLine title={title} error={state.error} width={columns} />
				{helpOpen ? (
					<HelpOverlay
						keymap={keymap}
						readOnly={driver.target.readOnly}
						width={columns}
						height={bodyHeight}
					/>
				) : (
					<StreamTable
						rows={state.rows}
						selected={selection.index}
						start={selection.start}
						end={selection.end}
						width={columns}
						height={bodyHeight}
						empty={empty}
					/>
				)}
				<Footer scopes={scopes} keymap={keymap} width={columns} />
			</Box>
		</ThemeContext.Provider>
	);
}

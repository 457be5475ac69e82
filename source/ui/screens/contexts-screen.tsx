/**
 * The contexts: every AWS profile and the config file's own, with backend, region, account (once
 * known) and access; Enter switches to the selected one, and every screen reloads from it. Production
 * reads PROD and is drawn in its colour, so it is never picked by mistake.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo} from 'react';
import type {ContextRow} from '../../contexts/context-opener.js';
import {padToWidth, truncateToWidth} from '../../display-width.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {usePoller} from '../hooks/use-poller.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {useTheme} from '../theme.js';

/** What the console can do with contexts (none when it was started without them: tests, say). */
export type ContextSwitching = {
	rows(): Promise<ContextRow[]>;
	/** Switches (the app remounts on the new driver); rejects, changing nothing, when it cannot. */
	switchTo(name: string, region?: string): Promise<void>;
	current(): {name: string; region?: string};
};

export type ContextsScreenProps = ScreenProps & {contexts?: ContextSwitching};

const MARKER = 2;
const ACCESS_WIDTH = 16;
const REGION_WIDTH = 15;
const ACCOUNT_WIDTH = 13;

function columnsFor(width: number) {
	const rest = Math.max(20, width - MARKER - ACCESS_WIDTH - REGION_WIDTH - ACCOUNT_WIDTH);
	const name = Math.max(10, Math.floor(rest * 0.35));
	return {name, backend: rest - name};
}

const accessOf = (row: ContextRow) =>
	(row.production ? 'PROD ' : '') + (row.readOnly ? 'read-only' : 'read-write');

export function ContextsScreen(props: ContextsScreenProps) {
	const {contexts, width, height, active, navigation} = props;
	const theme = useTheme();
	const state = usePoller(async () => (contexts ? contexts.rows() : []), {intervalMs: 30_000}, [
		contexts,
	]);
	const rows = useMemo(() => state.value ?? [], [state.value]);
	const names = useMemo(() => rows.map((row) => row.name), [rows]);
	// The title and the column header take two lines; the hint under the list one more.
	const selection = useSelection(names, height - 3);
	const {move, name} = selection;
	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				move(command);
				return;
			}

			if (command === 'open' && name && contexts) {
				navigation.notify({text: `Switching to ${name}…`, tone: 'info'});
				contexts.switchTo(name).catch((error: unknown) => {
					navigation.notify({
						text: `Could not switch to ${name}: ${(error as Error).message}`,
						tone: 'error',
					});
				});
			}
		},
		[move, name, navigation, contexts],
	);
	useScreenCommands(onCommand, active);

	const columns = columnsFor(width);
	const header =
		' '.repeat(MARKER) +
		padToWidth('NAME', columns.name) +
		padToWidth('BACKEND', columns.backend) +
		padToWidth('REGION', REGION_WIDTH) +
		padToWidth('ACCOUNT', ACCOUNT_WIDTH) +
		'ACCESS';
	const empty = !contexts
		? 'Contexts are not available here.'
		: state.error
			? 'Could not read the contexts (see above).'
			: state.value === undefined
				? 'Reading the AWS config and kinesis-top config files…'
				: 'No contexts: no AWS profiles and no kinesis-top config file.';
	const selected = rows[selection.index];
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={`Contexts ${rows.length}`} error={state.error} width={width} />
			<Text bold color={theme.muted}>
				{truncateToWidth(header, width)}
			</Text>
			{rows.length === 0 ? (
				<Text color={theme.muted}> {empty}</Text>
			) : (
				rows.slice(selection.start, selection.end).map((row, offset) => {
					const isSelected = selection.start + offset === selection.index;
					const label =
						(row.current ? '● ' : '') +
						(row.label === row.name ? row.name : `${row.name} (${row.label})`);
					return (
						<Box key={row.name}>
							<Text inverse={isSelected} bold={isSelected || row.current}>
								{isSelected ? '› ' : '  '}
								{padToWidth(truncateToWidth(label, columns.name - 1), columns.name)}
								{padToWidth(truncateToWidth(row.backend, columns.backend - 1), columns.backend)}
								{padToWidth(truncateToWidth(row.region ?? '', REGION_WIDTH - 1), REGION_WIDTH)}
								{padToWidth(row.account ?? '—', ACCOUNT_WIDTH)}
							</Text>
							<Text
								inverse={isSelected}
								bold={row.production}
								color={row.production ? theme.danger : undefined}
							>
								{truncateToWidth(accessOf(row), ACCESS_WIDTH)}
							</Text>
						</Box>
					);
				})
			)}
			{selected?.login && (
				<Text color={theme.muted}>
					{' '}
					{truncateToWidth(`Needs a login first: ${selected.login}`, width - 1)}
				</Text>
			)}
		</Box>
	);
}

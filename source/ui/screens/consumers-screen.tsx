/**
 * `c` on a stream, `:consumers NAME`: every consumer of the stream — KCL applications (through their
 * lease tables), enhanced fan-out consumers, Lambda mappings — with its lag, a trend sparkline of it and
 * its status in words; Enter opens one shard by shard. What could not be read is said at the bottom.
 */
import {Box, Text} from 'ink';
import {useCallback, useEffect, useMemo, useRef} from 'react';
import {updateAlert, type AlertState} from '../../monitor/iterator-age-alert.js';
import type {Driver} from '../../driver/driver.js';
import {StatusLine} from '../components/status-line.js';
import {consumerHeader, consumerLine, consumerRows} from '../consumer-rows.js';
import {formatClock, formatLag, truncate} from '../format.js';
import {consumersInterval, useConsumerLag} from '../hooks/use-consumer-lag.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {useTheme} from '../theme.js';

export type ConsumersScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	pollIntervalMs?: number;
	/** The iterator-age alert's threshold, applied to each consumer's lag too. */
	alertIteratorAgeMs?: number;
};

export function ConsumersScreen(props: ConsumersScreenProps) {
	const {driver, stream, width, height, active, navigation} = props;
	const theme = useTheme();
	const state = useConsumerLag(driver, stream, consumersInterval(driver, props.pollIntervalMs));
	const rows = useMemo(() => (state.value ? consumerRows(state.value) : []), [state.value]);
	const notes = state.value?.notes ?? [];
	// The title, the column header, and the notes (at most two lines) below the list.
	const shownNotes = notes.slice(0, 2);
	const selection = useSelection(
		rows.map((row) => row.id),
		Math.max(1, height - 2 - shownNotes.length),
	);
	const {move, name} = selection;
	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				move(command);
				return;
			}

			if (command === 'open' && name) {
				const row = rows.find((each) => each.id === name);
				if (row) navigation.push({kind: 'consumer', stream, consumer: row.id});
			}
		},
		[move, name, navigation, rows, stream],
	);
	useScreenCommands(onCommand, active);

	// The iterator-age alert, per consumer: said once per crossing, as for the streams.
	const alert = useRef<AlertState | undefined>(undefined);
	const threshold = props.alertIteratorAgeMs;
	useEffect(() => {
		if (threshold === undefined) return;
		const next = updateAlert(
			alert.current,
			rows.map((row) => ({name: row.name, iteratorAgeMs: row.lagMillis})),
			threshold,
		);
		alert.current = next.state;
		if (next.crossed.length > 0) {
			navigation.notify({
				text: `⚠ consumer lag above ${formatLag(threshold)}: ${next.crossed.join(', ')}`,
				tone: 'error',
			});
		}
	}, [rows, threshold, navigation]);
	const isAlarming = (lagMillis: number | undefined) =>
		threshold !== undefined && lagMillis !== undefined && lagMillis > threshold;

	const refreshed = state.lastUpdated ? ` · ${formatClock(state.lastUpdated)}` : '';
	const title = `Consumers of ${stream}: ${rows.length}${refreshed}`;
	const empty = state.error
		? 'Could not read the consumers (see above).'
		: state.value === undefined
			? 'Finding consumers: lease tables, EFO, Lambda…'
			: 'No consumers found (no KCL lease table, EFO consumer or Lambda mapping).';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={state.error} width={width} />
			<Text bold color={theme.muted}>
				{truncate(consumerHeader(width), width)}
			</Text>
			{rows.length === 0 ? (
				<Text color={theme.muted}> {empty}</Text>
			) : (
				rows.slice(selection.start, selection.end).map((row, offset) => {
					const isSelected = selection.start + offset === selection.index;
					return (
						<Text
							key={row.id}
							inverse={isSelected}
							bold={isSelected}
							color={
								isAlarming(row.lagMillis) ? theme.danger : row.alarm ? theme.warning : undefined
							}
						>
							{isSelected ? '› ' : '  '}
							{consumerLine(row, width)}
						</Text>
					);
				})
			)}
			<Box flexGrow={1} />
			{shownNotes.map((note) => (
				<Text key={note} color={theme.muted}>
					{truncate(`note: ${note}`, width)}
				</Text>
			))}
		</Box>
	);
}

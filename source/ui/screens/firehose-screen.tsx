/**
 * The Firehose delivery streams: name, status, source (DirectPut or the Kinesis stream it reads),
 * buffer fill, buffering hints, destination and compression; Enter opens one. Polled while shown.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo} from 'react';
import type {DeliveryStreamStatus, Driver} from '../../driver/driver.js';
import {loadDeliveryStreams} from '../../monitor/delivery-streams.js';
import {
	deliveryCells,
	deliveryColumns,
	deliveryHeader,
	MARKER_WIDTH,
	trailingCells,
} from '../delivery-columns.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {usePoller} from '../hooks/use-poller.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import {filterLabel, filterList} from '../list-filter.js';
import type {ScreenProps} from '../navigation.js';
import {useTheme, type Theme} from '../theme.js';

export type FirehoseScreenProps = ScreenProps & {
	driver: Driver;
	/**
	 * Between refreshes (default 2 s locally; 60 s on AWS, where describing each delivery stream also
	 * reads CloudWatch for the buffer estimate, which is charged per metric).
	 */
	pollIntervalMs?: number;
};

function statusColor(status: DeliveryStreamStatus, theme: Theme) {
	if (status === 'ACTIVE') return theme.ok;
	if (status.endsWith('FAILED') || status === 'DELETING') return theme.danger;
	return theme.warning;
}

export function FirehoseScreen(props: FirehoseScreenProps) {
	const {driver, width, height, active, filter, navigation} = props;
	const theme = useTheme();
	const intervalMs = props.pollIntervalMs ?? (driver.target.backend === 'local' ? 2000 : 60_000);
	const state = usePoller((signal) => loadDeliveryStreams(driver, signal), {intervalMs}, [
		driver,
		intervalMs,
	]);
	const all = useMemo(() => state.value ?? [], [state.value]);
	const rows = useMemo(
		() => filterList(all, filter, (row) => [row.name, row.source, row.destination]),
		[all, filter],
	);
	const names = useMemo(() => rows.map((row) => row.name), [rows]);
	// The title line and the column header take two lines.
	const selection = useSelection(names, height - 2);
	const {move, name} = selection;
	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				move(command);
				return;
			}

			if (command === 'open' && name) navigation.push({kind: 'delivery', deliveryStream: name});
			if (command === 'filter') navigation.openFilter();
		},
		[move, name, navigation],
	);
	useScreenCommands(onCommand, active);

	const columns = deliveryColumns(width);
	const header = deliveryHeader(columns);
	const range =
		selection.start > 0 || selection.end < rows.length
			? ` (${selection.start + 1}–${selection.end})`
			: '';
	const count = rows.length === all.length ? `${rows.length}` : `${rows.length} of ${all.length}`;
	const title = `Firehose delivery streams ${count}${range}${filterLabel(filter)}`;
	const empty = state.error
		? 'Could not list the delivery streams (see above).'
		: state.value === undefined
			? 'Loading delivery streams…'
			: all.length > 0
				? 'No delivery stream matches the filter (esc clears it).'
				: `No delivery streams in ${driver.target.region}.`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={state.error} width={width} />
			<Text bold color={theme.muted}>
				{' '.repeat(MARKER_WIDTH)}
				{header.name}
				{trailingCells(header)}
			</Text>
			{rows.length === 0 ? (
				<Text color={theme.muted}> {empty}</Text>
			) : (
				rows.slice(selection.start, selection.end).map((row, offset) => {
					const isSelected = selection.start + offset === selection.index;
					const cells = deliveryCells(row, columns);
					return (
						<Box key={row.name}>
							<Text inverse={isSelected} bold={isSelected}>
								{isSelected ? '› ' : '  '}
								{cells.name}
							</Text>
							<Text inverse={isSelected} color={statusColor(row.status, theme)}>
								{cells.status}
							</Text>
							<Text inverse={isSelected}>{trailingCells({...cells, status: ''})}</Text>
						</Box>
					);
				})
			)}
		</Box>
	);
}

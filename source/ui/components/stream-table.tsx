/** The streams table: a header line and the visible rows, the selected one marked and inverted. */
import {Box, Text} from 'ink';
import type {StreamStatus} from '../../driver/driver.js';
import {isAbove} from '../../monitor/iterator-age-alert.js';
import type {StreamRow} from '../../monitor/stream-poller.js';
import {
	headerCells,
	MARKER_WIDTH,
	streamCells,
	streamColumns,
	trailingCells,
} from '../stream-columns.js';
import {useTheme, type Theme} from '../theme.js';

export type StreamTableProps = {
	rows: StreamRow[];
	selected: number;
	start: number;
	end: number;
	width: number;
	/** Lines available, the column header included. */
	height: number;
	/** Shown instead of rows when there are none. */
	empty: string;
	/** The iterator-age alert's threshold: rows above it are drawn in the danger colour, age marked `!`. */
	alertIteratorAgeMs?: number;
};

function statusColor(status: StreamStatus, theme: Theme) {
	if (status === 'ACTIVE') return theme.ok;
	if (status === 'DELETING') return theme.danger;
	return theme.warning;
}

export function StreamTable(props: StreamTableProps) {
	const {rows, selected, start, end, width, height, empty, alertIteratorAgeMs} = props;
	const theme = useTheme();
	const columns = streamColumns(
		width,
		rows.some((row) => row.rate !== undefined),
	);
	const header = headerCells(columns);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.muted}>
				{' '.repeat(MARKER_WIDTH)}
				{header.name}
				{header.status}
				{trailingCells(header)}
			</Text>
			{rows.length === 0 ? (
				<Text color={theme.muted}> {empty}</Text>
			) : (
				rows.slice(start, end).map((row, offset) => {
					const isSelected = start + offset === selected;
					const cells = streamCells(row, columns, alertIteratorAgeMs);
					const alarm = alertIteratorAgeMs !== undefined && isAbove(row, alertIteratorAgeMs);
					return (
						<Box key={row.name}>
							<Text
								inverse={isSelected}
								bold={isSelected || alarm}
								color={alarm ? theme.danger : undefined}
							>
								{isSelected ? '› ' : '  '}
								{cells.name}
							</Text>
							<Text inverse={isSelected} color={statusColor(row.status, theme)}>
								{cells.status}
							</Text>
							<Text inverse={isSelected} color={alarm ? theme.danger : undefined}>
								{trailingCells(cells)}
							</Text>
						</Box>
					);
				})
			)}
		</Box>
	);
}

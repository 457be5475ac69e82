/** The streams table: every stream with its status, mode, open shards and retention. */
import {Box} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import {isAbove} from '../../monitor/iterator-age-alert.js';
import type {StreamPollerState} from '../../monitor/stream-poller.js';
import {StatusLine} from '../components/status-line.js';
import {StreamTable} from '../components/stream-table.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import {formatLag} from '../format.js';
import {filterLabel, filterList} from '../list-filter.js';
import type {ScreenProps} from '../navigation.js';
import {nextOrder, ORDER_LABELS, sortStreams, type StreamOrder} from '../stream-order.js';

export type StreamsScreenProps = ScreenProps & {
	state: StreamPollerState;
	region: string;
	/** The iterator-age alert's threshold, when one is set. */
	alertIteratorAgeMs?: number;
};

export function StreamsScreen(props: StreamsScreenProps) {
	const {state, region, width, height, active, filter, navigation} = props;
	const [order, setOrder] = useState<StreamOrder>('name');
	const rows = useMemo(
		() =>
			sortStreams(
				filterList(state.rows, filter, (row) => [row.name]),
				order,
			),
		[state.rows, filter, order],
	);
	const names = useMemo(() => rows.map((row) => row.name), [rows]);
	// The title line and the table's column header take two of the lines.
	const selection = useSelection(names, height - 2);
	const {move, name} = selection;
	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				move(command);
				return;
			}

			switch (command) {
				case 'open': {
					if (name) navigation.push({kind: 'stream', stream: name});
					break;
				}

				case 'tail': {
					if (name) navigation.push({kind: 'tail', stream: name});
					break;
				}

				case 'filter': {
					navigation.openFilter();
					break;
				}

				case 'consumers': {
					if (name) navigation.push({kind: 'consumers', stream: name});
					break;
				}

				case 'query': {
					if (name) navigation.push({kind: 'query', stream: name});
					break;
				}

				case 'put': {
					if (name) navigation.push({kind: 'put', stream: name});
					break;
				}

				case 'sort': {
					setOrder(nextOrder);
					break;
				}

				case 'firehose': {
					navigation.push({kind: 'firehose'});
					break;
				}

				case 'contexts': {
					navigation.push({kind: 'contexts'});
					break;
				}
			}
		},
		[move, name, navigation],
	);
	useScreenCommands(onCommand, active);

	const count = rows.length;
	const total = state.rows.length;
	const range =
		selection.start > 0 || selection.end < count
			? ` (${selection.start + 1}–${selection.end})`
			: '';
	const sorted = order === 'name' ? '' : ` · by ${ORDER_LABELS[order]}`;
	const alertMs = props.alertIteratorAgeMs;
	const alarms =
		alertMs === undefined ? 0 : state.rows.filter((row) => isAbove(row, alertMs)).length;
	const alert =
		alertMs === undefined
			? ''
			: ` · age > ${formatLag(alertMs)}: ${alarms === 0 ? 'none' : `${alarms}!`}`;
	// An endpoint without CloudWatch (kinesalite, kinesis-mock): the rate columns stay empty, and say why.
	const metrics = state.metricsError?.notOffered ? ' · metrics: not offered by this endpoint' : '';
	const title = `Streams ${count === total ? count : `${count} of ${total}`}${range}${sorted}${filterLabel(filter)}${alert}${metrics}`;
	const empty = state.error
		? 'Could not list the streams (see above).'
		: !state.lastUpdated
			? 'Loading streams…'
			: total > 0
				? 'No stream matches the filter (esc clears it).'
				: `No streams in ${region}.`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={state.error} width={width} />
			<StreamTable
				rows={rows}
				selected={selection.index}
				start={selection.start}
				end={selection.end}
				width={width}
				height={height - 1}
				empty={empty}
				alertIteratorAgeMs={alertMs}
			/>
		</Box>
	);
}

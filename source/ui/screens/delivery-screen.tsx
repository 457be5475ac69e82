/**
 * One Firehose delivery stream: where it reads and writes, its buffer against the buffering hints (bytes
 * against SizeInMBs, the oldest record's age against IntervalInSeconds, time to the interval flush —
 * exact on the local engine, marked as an estimate on AWS), its recent deliveries, and its delivery
 * charts (DataFreshness, DeliveryToS3.Success, records delivered). Sections scroll with j/k.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import type {DeliveryRecord, Driver} from '../../driver/driver.js';
import {
	bufferGauges,
	deliveryStreamRow,
	fetchFirehoseCharts,
	type DeliveryStreamRow,
	type FirehoseCharts,
} from '../../monitor/delivery-streams.js';
import {chartsIntervalMs} from '../../monitor/stream-charts.js';
import {gaugeBar} from '../chart.js';
import {chartHeight, MetricChart, statisticLabel} from '../components/metric-chart.js';
import {StatusLine} from '../components/status-line.js';
import {hintsText} from '../delivery-columns.js';
import {truncateStartToWidth} from '../../display-width.js';
import {cell, formatClock, truncate} from '../format.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {usePoller} from '../hooks/use-poller.js';
import {isMovement, type Movement} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {panelWindow, scrollPanels} from '../panels.js';
import {useTheme} from '../theme.js';
import {compactBytes, compactDuration, compactNumber} from '../units.js';
import {plotRowsFor} from './metrics-screen.js';

export type DeliveryScreenProps = ScreenProps & {
	driver: Driver;
	deliveryStream: string;
	/** Between buffer refreshes (default 1 s locally, 30 s on AWS, where it reads CloudWatch). */
	pollIntervalMs?: number;
	/** Between chart refreshes (default 5 s locally, 60 s on AWS). */
	chartsIntervalMs?: number;
};

/** The deliveries listed at most (the engine keeps the last few). */
const MAX_DELIVERIES = 5;
const CHART_MINUTES = 60;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

const CHART_FORMAT = {
	seconds: (value: number) => compactDuration(value * 1000),
	ratio: (value: number) => percent(value),
	count: compactNumber,
} as const;

/**
 * The delivered object's key, cut from the left: its end (time and id) is what tells objects apart.
 * S3 keys are any UTF-8, so cut by columns.
 */
const keyTail = (key: string, width: number) => truncateStartToWidth(key, width);

function InfoSection({row, width}: {row: DeliveryStreamRow; width: number}) {
	const source = row.source === 'DirectPut' ? 'Direct PUT' : `Kinesis stream ${row.source}`;
	return (
		<Box flexDirection="column" width={width} height={3}>
			<Text>{truncate(`Source: ${source} · compression ${row.compression}`, width)}</Text>
			<Text>{truncate(`Destination: ${row.destination}`, width)}</Text>
			<Text>
				{truncate(
					`Buffering hints: ${compactBytes(row.sizeLimitBytes)} or ${seconds(row.intervalMillis)}, whichever comes first`,
					width,
				)}
			</Text>
		</Box>
	);
}

export const BUFFER_LINES = 4;

function BufferSection({row, width}: {row: DeliveryStreamRow; width: number}) {
	const theme = useTheme();
	const {buffer} = row;
	const gauges = bufferGauges(buffer);
	const barWidth = Math.max(6, Math.min(32, width - 36));
	const estimate = gauges.estimate ? ' (estimate)' : '';
	const size =
		gauges.size === undefined
			? 'size  unknown'
			: `size  ${gaugeBar(gauges.size, barWidth)} ${percent(gauges.size)} ${compactBytes(buffer.BufferedBytes!)} of ${compactBytes(buffer.SizeLimitBytes)}${buffer.BufferedRecords === undefined ? '' : ` · ${buffer.BufferedRecords} rec`}`;
	const age =
		gauges.age === undefined
			? `age   ${buffer.BufferedBytes === 0 ? 'empty' : 'unknown'}`
			: `age   ${gaugeBar(gauges.age, barWidth)} ${percent(gauges.age)} ${seconds(buffer.OldestRecordAgeMillis!)} of ${seconds(buffer.IntervalMillis)}`;
	const flush =
		gauges.nextFlushMillis === undefined
			? buffer.BufferedBytes === 0
				? 'Next flush: when records arrive'
				: 'Next flush: unknown'
			: `Next flush: in ${seconds(gauges.nextFlushMillis)} by the interval${estimate}, sooner if ${compactBytes(buffer.SizeLimitBytes)} fills`;
	const failed = buffer.FailedDeliveries ? ` · ${buffer.FailedDeliveries} failed deliveries` : '';
	return (
		<Box flexDirection="column" width={width} height={BUFFER_LINES}>
			<Text bold color={gauges.estimate ? theme.warning : undefined}>
				{truncate(
					gauges.estimate
						? `Buffer — estimate from CloudWatch (AWS has no API for it)${failed}`
						: `Buffer — exact${failed}`,
					width,
				)}
			</Text>
			<Text color={theme.accent}>{truncate(size, width)}</Text>
			<Text color={theme.accent}>{truncate(age, width)}</Text>
			<Text>{truncate(flush, width)}</Text>
		</Box>
	);
}

const deliveriesHeight = (deliveries: readonly DeliveryRecord[] | undefined) =>
	deliveries === undefined ? 0 : 2 + Math.max(1, Math.min(MAX_DELIVERIES, deliveries.length));

function DeliveriesSection({deliveries, width}: {deliveries: DeliveryRecord[]; width: number}) {
	const theme = useTheme();
	const newest = [...deliveries].reverse().slice(0, MAX_DELIVERIES);
	const keyWidth = Math.max(1, width - 28);
	return (
		<Box flexDirection="column" width={width} height={deliveriesHeight(deliveries)}>
			<Text bold>{truncate(`Recent deliveries (${deliveries.length})`, width)}</Text>
			<Text color={theme.muted}>
				{truncate(
					`${cell('TIME', 9)}${cell('RECORDS', 8, 'right')}${cell('BYTES', 10, 'right')} OBJECT KEY`,
					width,
				)}
			</Text>
			{newest.length === 0 ? (
				<Text color={theme.muted}>No deliveries yet.</Text>
			) : (
				newest.map((delivery) => (
					<Text
						key={`${delivery.ObjectKey}`}
						color={delivery.ErrorOutput ? theme.danger : undefined}
					>
						{truncate(
							`${cell(formatClock(delivery.DeliveredAt), 9)}${cell(String(delivery.Records), 8, 'right')}${cell(compactBytes(delivery.Bytes), 10, 'right')} ${keyTail(delivery.ErrorOutput ? `${delivery.ObjectKey} (error output)` : delivery.ObjectKey, keyWidth)}`,
							width,
						)}
					</Text>
				))
			)}
		</Box>
	);
}

export function DeliveryScreen(props: DeliveryScreenProps) {
	const {driver, deliveryStream, width, height, active} = props;
	const theme = useTheme();
	const local = driver.target.backend === 'local';
	const intervalMs = props.pollIntervalMs ?? (local ? 1000 : 30_000);
	const chartsEvery = props.chartsIntervalMs ?? chartsIntervalMs(driver);
	const detail = usePoller(
		async (signal) =>
			deliveryStreamRow(await driver.describeDeliveryStream(deliveryStream, signal)),
		{intervalMs},
		[driver, deliveryStream, intervalMs],
	);
	const charts = usePoller<FirehoseCharts>(
		(signal) => fetchFirehoseCharts(driver, deliveryStream, {minutes: CHART_MINUTES, signal}),
		{intervalMs: chartsEvery},
		[driver, deliveryStream, chartsEvery],
	);
	const [first, setFirst] = useState(0);
	const row = detail.value;
	const room = Math.max(1, height - 1);
	const plotRows = Math.min(3, plotRowsFor(room));
	const deliveries = row?.buffer.LastDeliveries;

	// The sections, in order, with their heights: scrolling moves by whole sections.
	const sections = useMemo(() => {
		const list: Array<{key: string; height: number}> = [];
		if (row) {
			list.push({key: 'info', height: 3}, {key: 'buffer', height: BUFFER_LINES});
			if (deliveries !== undefined) {
				list.push({key: 'deliveries', height: deliveriesHeight(deliveries)});
			}
		}

		for (const each of charts.value?.series ?? []) {
			list.push({key: each.metric.metricName, height: chartHeight(plotRows)});
		}

		return list;
	}, [row, deliveries, charts.value, plotRows]);
	const heights = sections.map((section) => section.height);

	const scroll = useCallback(
		(movement: Movement) => setFirst(scrollPanels(heights, room, first, movement)),
		[heights, room, first],
	);
	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) scroll(command);
			else if (command === 'put') {
				props.navigation.push({kind: 'put', stream: deliveryStream, delivery: true});
			}
		},
		[scroll, props.navigation, deliveryStream],
	);
	useScreenCommands(onCommand, active);

	const {start, end} = panelWindow(heights, first, room);
	const title = row
		? `Firehose ${deliveryStream} · ${row.status} · ${hintsText(row)}${detail.lastUpdated ? ` · ${formatClock(detail.lastUpdated)}` : ''}`
		: `Firehose ${deliveryStream} · loading…`;
	const renderSection = (key: string) => {
		if (!row) return null;
		if (key === 'info') return <InfoSection key={key} row={row} width={width} />;
		if (key === 'buffer') return <BufferSection key={key} row={row} width={width} />;
		if (key === 'deliveries') {
			return <DeliveriesSection key={key} deliveries={deliveries ?? []} width={width} />;
		}

		const series = charts.value?.series.find((each) => each.metric.metricName === key);
		if (!series || !charts.value) return null;
		const format = CHART_FORMAT[series.metric.unit];
		return (
			<MetricChart
				key={key}
				title={`${series.metric.title} · ${series.metric.metricName} (${statisticLabel(series.metric.statistic)}), last 1h`}
				values={series.values}
				start={charts.value.start}
				end={charts.value.end}
				latest={series.latest}
				format={format}
				width={width}
				plotRows={plotRows}
				aggregate={series.metric.unit === 'ratio' ? 'mean' : 'max'}
				alarm={series.metric.unit === 'ratio' && series.latest !== undefined && series.latest < 1}
			/>
		);
	};

	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={detail.error ?? charts.error} width={width} />
			{row ? (
				sections.slice(start, end).map((section) => renderSection(section.key))
			) : (
				<Text color={theme.muted}>
					{detail.error ? 'Could not describe the delivery stream.' : 'Loading…'}
				</Text>
			)}
		</Box>
	);
}

/**
 * A stream's metrics: iterator age, records and bytes in and out, write and read throttles, by minute
 * over 1 h … 24 h (`r`), for the stream or one shard at a time (`s`; shard level needs enhanced
 * monitoring), as charts scrolled one at a time (j/k); and the registered enhanced fan-out consumers.
 * Everything comes from Driver.getMetrics and Driver.listStreamConsumers, polled while the screen is up.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import type {Consumer, Driver} from '../../driver/driver.js';
import {
	CHART_RANGES,
	chartsIntervalMs,
	fetchStreamCharts,
	type ChartSeries,
	type ChartUnit,
} from '../../monitor/stream-charts.js';
import {chartHeight, MetricChart, statisticLabel} from '../components/metric-chart.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {usePoller} from '../hooks/use-poller.js';
import {useShardRates} from '../hooks/use-shard-rates.js';
import {useStreamDescription} from '../hooks/use-stream-description.js';
import {isMovement, type Movement} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {panelWindow, scrollPanels} from '../panels.js';
import {shortShardId} from '../shard-rows.js';
import {cell, formatLag, truncate} from '../format.js';
import type {ShardRate, ShardRateSamplerOptions} from '../../monitor/shard-rates.js';
import {useTheme} from '../theme.js';
import {compactBytes, compactDuration, compactNumber} from '../units.js';

export type MetricsScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	/** Opens on this shard's metrics rather than the stream's. */
	shardId?: string;
	/** Between refreshes (default: 5 s locally, 60 s on CloudWatch). */
	pollIntervalMs?: number;
	/** Iterator age above this is drawn as an alarm. */
	alertIteratorAgeMs?: number;
	/** kinesis-top's own sampling tail (shared with the shard map), for the live MillisBehindLatest. */
	rateOptions?: ShardRateSamplerOptions;
};

/** The shard's MillisBehindLatest, or the largest over the shards for the stream; undefined until read. */
export function liveMillisBehind(rates: ReadonlyMap<string, ShardRate>, shardId?: string) {
	const values = [...rates]
		.filter(([id]) => shardId === undefined || id === shardId)
		.map(([, rate]) => rate.millisBehindLatest)
		.filter((value): value is number => value !== undefined);
	return values.length === 0 ? undefined : Math.max(...values);
}

export const UNIT_FORMAT: Record<ChartUnit, (value: number) => string> = {
	count: compactNumber,
	bytes: compactBytes,
	ms: compactDuration,
};

/** Lines above the charts: the title and the consumers' summary. */
const HEAD_LINES = 2;

/**
 * Plot rows per chart: three charts to a screen, four to eight rows each (taller terminals get taller
 * charts); fewer rows on short terminals, one at the least.
 */
export function plotRowsFor(room: number) {
	if (room >= 3 * chartHeight(4)) return Math.min(8, Math.floor(room / 3) - 2);
	if (room >= 2 * chartHeight(3)) return 3;
	return Math.max(1, Math.min(4, room - 2));
}

/** A shard id from an exact id or its number (`3` for shardId-000000000003), once the shards are known. */
export function resolveShard(shardIds: readonly string[], shard: string | undefined) {
	if (shard === undefined || shardIds.length === 0 || shardIds.includes(shard)) return shard;
	if (!/^\d+$/.test(shard)) return shard;
	return shardIds.find((id) => Number(id.split('-').at(-1)) === Number(shard)) ?? shard;
}

const consumersHeight = (consumers: readonly Consumer[]) => 2 + consumers.length;

/** Every registered consumer: name, status, when it was registered. */
function ConsumersPanel({consumers, width}: {consumers: readonly Consumer[]; width: number}) {
	const theme = useTheme();
	const nameWidth = Math.max(8, Math.min(40, ...consumers.map((each) => each.ConsumerName.length)));
	const statusColor = (status: Consumer['ConsumerStatus']) =>
		status === 'ACTIVE' ? theme.ok : theme.warning;
	return (
		<Box flexDirection="column" width={width} height={consumersHeight(consumers)}>
			<Text bold>{truncate(`Enhanced fan-out consumers (${consumers.length})`, width)}</Text>
			<Text color={theme.muted}>
				{truncate(`${cell('NAME', nameWidth + 1)}${cell('STATUS', 10)}REGISTERED`, width)}
			</Text>
			{consumers.map((consumer) => (
				<Text key={consumer.ConsumerARN}>
					{truncate(cell(consumer.ConsumerName, nameWidth + 1), width)}
					<Text color={statusColor(consumer.ConsumerStatus)}>
						{truncate(cell(consumer.ConsumerStatus, 10), Math.max(0, width - nameWidth - 1))}
					</Text>
					{truncate(
						consumer.ConsumerCreationTimestamp.toISOString().replace('T', ' ').slice(0, 19),
						Math.max(0, width - nameWidth - 11),
					)}
				</Text>
			))}
		</Box>
	);
}

function consumersSummary(consumers: readonly Consumer[] | undefined) {
	if (consumers === undefined) return 'Enhanced fan-out consumers: loading…';
	if (consumers.length === 0) return 'Enhanced fan-out consumers: none registered';
	const each = consumers.map((consumer) => `${consumer.ConsumerName} ${consumer.ConsumerStatus}`);
	return `Enhanced fan-out consumers (${consumers.length}): ${each.join(' · ')}`;
}

export function MetricsScreen(props: MetricsScreenProps) {
	const {driver, stream, width, height, active, navigation} = props;
	const theme = useTheme();
	const [rangeIndex, setRangeIndex] = useState(0);
	const [chosenShard, setShardId] = useState(props.shardId);
	const [first, setFirst] = useState(0);
	const range = CHART_RANGES[rangeIndex];
	const intervalMs = props.pollIntervalMs ?? chartsIntervalMs(driver);
	// The shards to cycle through with `s`; their lineage does not matter here.
	const description = useStreamDescription(driver, stream, Math.max(intervalMs, 10_000));
	const shardIds = useMemo(
		() => description.value?.Shards.map((shard) => shard.ShardId) ?? [],
		[description.value],
	);

	// `:metrics NAME 3` names shard 3 by its number.
	const shardId = resolveShard(shardIds, chosenShard);
	// Next to CloudWatch's iterator age: how far kinesis-top's own tail is behind, live.
	const rates = useShardRates(driver, stream, props.rateOptions);
	const behind = useMemo(() => liveMillisBehind(rates.rates, shardId), [rates.rates, shardId]);
	const charts = usePoller(
		(signal) => fetchStreamCharts(driver, stream, {minutes: range.minutes, shardId, signal}),
		{intervalMs},
		[driver, stream, range.minutes, shardId, intervalMs],
	);
	const consumers = usePoller(
		(signal) => driver.listStreamConsumers(stream, signal),
		{intervalMs: Math.max(intervalMs, 10_000)},
		[driver, stream, intervalMs],
	);
	const room = Math.max(1, height - HEAD_LINES);
	const plotRows = plotRowsFor(room);
	const series = charts.value?.shardId === shardId ? charts.value?.series : undefined;
	const registered = useMemo(() => consumers.value ?? [], [consumers.value]);
	// The charts, then — when there are any — the consumers in full, as the last panel.
	const heights = useMemo(
		() => [
			...(series ?? []).map(() => chartHeight(plotRows)),
			...(series && registered.length > 0 ? [consumersHeight(registered)] : []),
		],
		[series, plotRows, registered],
	);

	const scroll = useCallback(
		(movement: Movement) => setFirst(scrollPanels(heights, room, first, movement)),
		[heights, room, first],
	);

	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				scroll(command);
				return;
			}

			switch (command) {
				case 'range': {
					setRangeIndex((index) => (index + 1) % CHART_RANGES.length);
					break;
				}

				case 'level': {
					if (shardIds.length === 0) {
						navigation.notify({text: 'No shards known yet', tone: 'error'});
						break;
					}

					// stream → each shard → the stream again.
					const index = shardId === undefined ? -1 : shardIds.indexOf(shardId);
					setShardId(index + 1 < shardIds.length ? shardIds[index + 1] : undefined);
					break;
				}
			}
		},
		[scroll, shardIds, shardId, navigation],
	);
	useScreenCommands(onCommand, active);

	// The shard count says `s` has somewhere to go (and that the shards are known).
	const shards = shardIds.length === 0 ? '' : ` of ${shardIds.length}`;
	const level =
		shardId === undefined
			? `stream${shardIds.length === 0 ? '' : ` (${shardIds.length} shard${shardIds.length === 1 ? '' : 's'})`}`
			: `shard ${shortShardId(shardId)}${shards} (${shardId})`;
	const title = `${stream} · metrics · ${level} · last ${range.label} by minute`;
	const noShardData =
		shardId !== undefined && series !== undefined && series.every((each) => !each.hasData);
	const {start, end} = panelWindow(heights, first, room);
	const shown = (series ?? []).slice(start, end);
	const showConsumers = series !== undefined && registered.length > 0 && end > series.length;
	const what = registered.length > 0 ? 'panels' : 'charts';
	const liveNote = (each: ChartSeries) =>
		each.metric.unit === 'ms' && behind !== undefined
			? `live MillisBehindLatest ${formatLag(behind)} (kinesis-top's tail)`
			: undefined;
	const alarm = (each: ChartSeries) =>
		each.metric.unit === 'ms'
			? props.alertIteratorAgeMs !== undefined && (each.latest ?? 0) > props.alertIteratorAgeMs
			: each.metric.title.endsWith('throttles') && (each.latest ?? 0) > 0;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine
				title={`${title}${series && heights.length > end - start ? ` · ${what} ${start + 1}–${end} of ${heights.length}` : ''}`}
				error={charts.error}
				width={width}
			/>
			<Text color={consumers.error ? theme.warning : theme.muted}>
				{truncate(
					consumers.error
						? `Enhanced fan-out consumers: ${consumers.error.code ?? 'error'}: ${consumers.error.message}`
						: noShardData
							? 'No shard-level datapoints: enhanced monitoring is off for this stream (s: next)'
							: consumersSummary(consumers.value),
					width,
				)}
			</Text>
			{series === undefined ? (
				<Text color={theme.muted}>
					{charts.error ? 'Could not read the metrics.' : 'Loading metrics…'}
				</Text>
			) : (
				shown.map((each) => (
					<MetricChart
						key={each.metric.metricName}
						title={
							// With the live figure beside it there is no room for the metric's name.
							liveNote(each) === undefined
								? `${each.metric.title} · ${shardId === undefined ? each.metric.metricName : each.metric.shardMetricName} (${statisticLabel(each.metric.statistic)})`
								: each.metric.title
						}
						values={each.values}
						start={charts.value!.start}
						end={charts.value!.end}
						latest={each.latest}
						format={UNIT_FORMAT[each.metric.unit]}
						width={width}
						plotRows={plotRows}
						alarm={alarm(each)}
						note={liveNote(each)}
					/>
				))
			)}
			{showConsumers && <ConsumersPanel consumers={registered} width={width} />}
		</Box>
	);
}

/**
 * One metric as a chart: a title line with its current value and the top of the scale, the plot
 * (block columns per minute, see renderChart) and the time axis. `chartHeight(plotRows)` lines tall.
 */
import {Box, Text} from 'ink';
import {renderChart, type Aggregate} from '../chart.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type MetricChartProps = {
	title: string;
	values: ReadonlyArray<number | undefined>;
	start: Date;
	end: Date;
	/** The current value (shown as "now"), undefined when unknown. */
	latest?: number;
	format: (value: number) => string;
	width: number;
	/** Rows of the plot itself. */
	plotRows: number;
	aggregate?: Aggregate;
	/** Drawn as a warning (a threshold crossed, throttling). */
	alarm?: boolean;
	/** Replaces the plot's meaning when there is nothing to show (e.g. no shard-level data). */
	note?: string;
};

/** A statistic as the chart titles say it: the sums are per one-minute period. */
export const statisticLabel = (statistic: string) => (statistic === 'Sum' ? 'Sum/min' : statistic);

/** Lines a chart takes: title, plot, time axis. */
export const chartHeight = (plotRows: number) => plotRows + 2;

export function MetricChart(props: MetricChartProps) {
	const {title, values, start, end, latest, format, width, plotRows, aggregate, alarm} = props;
	const theme = useTheme();
	const chart = renderChart({values, width, height: plotRows, start, end, format, aggregate});
	const now = latest === undefined ? '—' : format(latest);
	const heading = `${title}  now ${now}${props.note ? `  · ${props.note}` : ''}`;
	const plotColor = alarm ? theme.danger : theme.accent;
	return (
		<Box flexDirection="column" width={width} height={chartHeight(plotRows)}>
			<Text bold color={alarm ? theme.danger : undefined}>
				{truncate(heading, width)}
			</Text>
			{chart.lines.slice(0, -1).map((line, row) => (
				<Text key={row}>
					<Text color={theme.muted}>{line.slice(0, chart.plotStart)}</Text>
					<Text color={plotColor}>{line.slice(chart.plotStart)}</Text>
				</Text>
			))}
			<Text color={theme.muted}>{chart.lines.at(-1)}</Text>
		</Box>
	);
}

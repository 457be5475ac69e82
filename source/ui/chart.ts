/**
 * Terminal charts as plain strings, so they can be tested without rendering: a column chart of a
 * per-minute series drawn with the eight block heights (▁…█, so each text row holds eight steps), a
 * y axis labelled at the top, middle and bottom, and a time axis under it; and a one-line gauge.
 * Views only colour what these return.
 */

const BLOCKS = '▁▂▃▄▅▆▇█';

/** How several periods that share one column become one value. */
export type Aggregate = 'max' | 'mean';

export type ChartInput = {
	/** One value per period, oldest first; undefined where the period has no datapoint (drawn empty). */
	values: ReadonlyArray<number | undefined>;
	/** Columns of the whole chart, y labels included. */
	width: number;
	/** Text rows of the plot (the time axis adds one). */
	height: number;
	/** The first period's start and the last period's end: what the time axis spans. */
	start: Date;
	end: Date;
	/** A y-axis value as short text (e.g. 1.2k, 3.4 MiB, 12s). */
	format: (value: number) => string;
	/** Default max: a spike in a bucket of minutes stays visible when a column holds several. */
	aggregate?: Aggregate;
	/** Time labels (default HH:MM in local time). */
	formatTime?: (date: Date) => string;
};

export type Chart = {
	/** The plot rows, top first, then the time axis: `height + 1` lines of exactly `width` columns. */
	lines: string[];
	/** The value of the top of the scale (a round number at or above the largest value shown). */
	scaleMax: number;
	/** Where the plot starts in each line (after the y labels and the axis). */
	plotStart: number;
};

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (1 for 0 or less). */
export function niceCeiling(value: number) {
	if (!(value > 0)) return 1;
	const power = 10 ** Math.floor(Math.log10(value));
	for (const step of [1, 2, 2.5, 5, 10]) {
		if (value <= step * power * (1 + 1e-9)) return step * power;
	}

	return 10 * power;
}

/**
 * `values` bucketed into `columns`: each column takes the periods that fall in it (stretched when there
 * are fewer periods than columns); undefined when none of them has a value.
 */
export function bucket(
	values: ReadonlyArray<number | undefined>,
	columns: number,
	aggregate: Aggregate = 'max',
): Array<number | undefined> {
	const count = values.length;
	return Array.from({length: Math.max(0, columns)}, (_, column) => {
		if (count === 0) return undefined;
		const from = Math.floor((column * count) / columns);
		const to = Math.max(from + 1, Math.floor(((column + 1) * count) / columns));
		const known = values.slice(from, to).filter((value): value is number => value !== undefined);
		if (known.length === 0) return undefined;
		return aggregate === 'max'
			? Math.max(...known)
			: known.reduce((sum, value) => sum + value, 0) / known.length;
	});
}

/** HH:MM, local time. */
export const clockMinute = (date: Date) => date.toTimeString().slice(0, 5);

/** One column's character in plot row `row` (0 = top) of `height`: blank, a partial block, or full. */
function blockAt(value: number | undefined, scaleMax: number, row: number, height: number) {
	if (value === undefined || value <= 0) return ' ';
	// Any activity shows at least the lowest block, however small against the scale.
	const eighths = Math.max(1, Math.round((Math.min(value, scaleMax) / scaleMax) * height * 8));
	const fill = eighths - (height - 1 - row) * 8;
	if (fill <= 0) return ' ';
	return BLOCKS[Math.min(8, fill) - 1];
}

/** Places `labels` on a line of `width` at their columns, dropping any that would overlap another. */
function placeLabels(width: number, labels: ReadonlyArray<{at: number; text: string}>) {
	const line = Array.from({length: width}, () => ' ');
	let free = 0;
	for (const {at, text} of labels) {
		const start = Math.min(Math.max(0, at), width - text.length);
		if (start < free || text.length > width) continue;
		for (let i = 0; i < text.length; i++) line[start + i] = text[i];
		free = start + text.length + 1;
	}

	return line.join('');
}

/**
 * The chart's lines. Narrow widths still work: the plot keeps at least one column, labels that do not
 * fit are left out.
 */
export function renderChart(input: ChartInput): Chart {
	const {values, width, format, aggregate = 'max', formatTime = clockMinute} = input;
	const height = Math.max(1, input.height);
	const known = values.filter((value): value is number => value !== undefined);
	const scaleMax = niceCeiling(Math.max(0, ...known));
	// Top wins over bottom when the plot is one row tall.
	const labels = new Map<number, string>([
		[height - 1, format(0)],
		[0, format(scaleMax)],
	]);
	if (height >= 3) labels.set(Math.floor((height - 1) / 2), format(scaleMax / 2));
	const labelWidth = Math.min(
		Math.max(...[...labels.values()].map((label) => label.length)),
		Math.max(0, width - 2),
	);
	const plotStart = labelWidth + 1;
	const plotWidth = Math.max(1, width - plotStart);
	const columns = bucket(values, plotWidth, aggregate);
	const lines: string[] = [];
	for (let row = 0; row < height; row++) {
		const label = labels.get(row);
		const axis = label === undefined ? '│' : '┤';
		const text = (label ?? '').slice(0, labelWidth).padStart(labelWidth);
		const plot = columns.map((value) => blockAt(value, scaleMax, row, height)).join('');
		lines.push((text + axis + plot).slice(0, Math.max(width, 1)));
	}

	const startLabel = formatTime(input.start);
	const middle = new Date((input.start.getTime() + input.end.getTime()) / 2);
	const middleLabel = formatTime(middle);
	lines.push(
		' '.repeat(Math.min(plotStart, width)) +
			placeLabels(Math.max(0, width - plotStart), [
				{at: 0, text: startLabel},
				{at: Math.floor(plotWidth / 2 - middleLabel.length / 2), text: middleLabel},
				{at: plotWidth - 3, text: 'now'},
			]),
	);
	return {lines, scaleMax, plotStart};
}

/**
 * A gauge as `[█████·····]` of `width` columns (brackets included): `fraction` of it filled (clamped to
 * 0…1), with eighth blocks at the edge so small changes show.
 */
export function gaugeBar(fraction: number, width: number) {
	const inner = Math.max(1, width - 2);
	const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * inner * 8);
	const full = Math.floor(eighths / 8);
	const partial = eighths % 8;
	const filled = '█'.repeat(full) + (partial > 0 ? '▏▎▍▌▋▊▉'[partial - 1] : '');
	return `[${filled.padEnd(inner, '·')}]`;
}

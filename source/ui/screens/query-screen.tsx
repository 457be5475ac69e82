/**
 * Windowed SQL over a live stream: the query (edited in the prompt, with completion from the grammar
 * and ↑/↓ history), its error marked at the offending column, and the results updating per window —
 * the open windows highlighted at the bottom, closed ones scrolling up — or, when the result is one
 * number per window, a chart of it (`c`). Space pauses the view; `s` saves the rows as NDJSON.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import type {Driver} from '../../driver/driver.js';
import {complete} from '../../query/completion.js';
import {QueryError} from '../../query/query-error.js';
import {planQuery, type QueryPlan} from '../../query/plan.js';
import type {ResultWindow} from '../../query/query-results.js';
import {saveLines} from '../../tail/save-records.js';
import type {TailOptions} from '../../tail/tail-session.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {useLiveQuery} from '../hooks/use-live-query.js';
import type {Completion} from '../hooks/use-prompt.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {renderChart} from '../chart.js';
import {displayWidth} from '../../display-width.js';
import {cell, formatClock, formatOutage, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type QueryScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	/** Stream names, offered after FROM. */
	streams: readonly string[];
	/** Queries run before in this console, oldest first (↑ recalls them); a new one is appended. */
	history: string[];
	saveDirectory?: string;
	tailOptions?: Partial<TailOptions>;
};

export const defaultQuery = (stream: string) =>
	`SELECT partition_key, COUNT(*) AS records FROM ${stream} WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY partition_key ORDER BY records DESC LIMIT 5`;

function planOf(sql: string): {plan?: QueryPlan; error?: QueryError | Error} {
	try {
		return {plan: planQuery(sql)};
	} catch (error) {
		return {error: error as Error};
	}
}

/** The prompt's Tab: the grammar's candidates for the word at the end of the text. */
function completeQuery(text: string, streams: readonly string[]): Completion {
	const {from, candidates} = complete(text, text.length, {streams});
	const words = [...new Set(candidates.map((candidate) => candidate.text))];
	if (words.length === 1) return {value: text.slice(0, from) + words[0] + ' ', candidates: []};
	let prefix = words[0] ?? '';
	for (const word of words) {
		while (!word.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
	}

	const typed = text.slice(from);
	const value = prefix.length > typed.length ? text.slice(0, from) + prefix : text;
	return {value, candidates: words.slice(0, 12)};
}

const show = (value: unknown) =>
	value === undefined || value === null
		? '—'
		: typeof value === 'number'
			? Number.isInteger(value)
				? value.toLocaleString('en-US')
				: value.toLocaleString('en-US', {maximumFractionDigits: 2})
			: typeof value === 'string'
				? value
				: JSON.stringify(value);

const WINDOW_COLUMNS = new Set(['window_start', 'window_end']);

export function QueryScreen(props: QueryScreenProps) {
	const {driver, stream, width, height, active, navigation, history} = props;
	const theme = useTheme();
	const [sql, setSql] = useState(() => history.at(-1) ?? defaultQuery(stream));
	const [paused, setPaused] = useState(false);
	const [chart, setChart] = useState(false);
	const planned = useMemo(() => planOf(sql), [sql]);
	const live = useLiveQuery(driver, planned.plan, {paused, tailOptions: props.tailOptions});
	// A query that does not plan has no results: the last good query's are not shown under its error.
	const results = planned.plan ? live.results : undefined;

	const edit = useCallback(() => {
		navigation.openPrompt({
			label: 'SQL> ',
			initial: sql,
			history,
			placeholder: 'SELECT … FROM stream … (tab completes, ↑ earlier queries)',
			complete: (text) => completeQuery(text, props.streams),
			validate: (text) => {
				const {error} = planOf(text);
				return error instanceof QueryError
					? `col ${error.column}: ${error.reason}`
					: error?.message;
			},
			onSubmit: (text) => {
				if (text.trim() === '') return;
				if (history.at(-1) !== text) history.push(text);
				setSql(text);
				setPaused(false);
			},
		});
	}, [history, navigation, props.streams, sql]);

	const save = useCallback(() => {
		if (!results) return;
		const lines = [...results.windows().flatMap((window) => window.rows), ...results.rows()].map(
			(row) => JSON.stringify(row),
		);
		saveLines(lines, {
			directory: props.saveDirectory ?? process.cwd(),
			streamName: `${stream}-query`,
		}).then(
			(path) =>
				navigation.notify({
					text: truncate(`Saved ${lines.length} rows to ${path}`, width),
					tone: 'info',
				}),
			(error: Error) =>
				navigation.notify({text: `Could not save: ${error.message}`, tone: 'error'}),
		);
	}, [navigation, props.saveDirectory, results, stream, width]);

	const onCommand = useCallback(
		(command: Command) => {
			if (command === 'open') edit();
			else if (command === 'pause') setPaused((value) => !value);
			else if (command === 'save') save();
			else if (command === 'chart') setChart((value) => !value);
		},
		[edit, save],
	);
	useScreenCommands(onCommand, active);

	const stats = live.stats;
	const state = planned.error
		? '✖ not running'
		: live.error
			? '✖ stopped'
			: live.retrying
				? '⟳ retrying'
				: paused
					? '❚❚ paused'
					: '● running';
	const title = `Query ${stream} · ${state}${stats ? ` · ${stats.records.toLocaleString('en-US')} records · ${stats.openWindows} open windows${stats.late > 0 ? ` · ${stats.late} late` : ''}` : ''}`;
	const bodyHeight = Math.max(1, height - 4);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} width={width} />
			<Text color={theme.muted}>{truncate(`SQL> ${oneLine(sql)}`, width)}</Text>
			<ProblemLine
				sql={sql}
				error={planned.error ?? (live.error ? new Error(live.error) : undefined)}
				width={width}
				warning={live.retrying ? formatOutage(live.retrying) : live.lastWarning?.message}
			/>
			{results && chart && results.series() ? (
				<SeriesChart
					windows={results.windows()}
					column={results.series()!.column}
					width={width}
					height={bodyHeight}
				/>
			) : results ? (
				<ResultTable
					columns={results.columns}
					windows={results.windows()}
					rows={results.rows()}
					width={width}
					height={bodyHeight}
				/>
			) : (
				<Text color={theme.muted}>{planned.error ? '' : ' Starting…'}</Text>
			)}
		</Box>
	);
}

/** The error with a caret under its column (on the SQL as shown, one line), or the latest warning. */
function ProblemLine(props: {sql: string; error?: Error; warning?: string; width: number}) {
	const theme = useTheme();
	const {error, width} = props;
	if (error instanceof QueryError) {
		// The caret sits under the SQL line above, after "SQL> ": as many columns in as the SQL before
		// the error takes (a Japanese alias or an emoji string is two columns a character).
		const offset = 5 + displayWidth(oneLine(props.sql.slice(0, error.start)));
		const caret = offset < width - 1 ? `${' '.repeat(offset)}^ ` : '';
		return (
			<Text color={theme.danger}>
				{truncate(
					`${caret}line ${error.line}, column ${error.column}: ${problemText(error)}`,
					width,
				)}
			</Text>
		);
	}

	if (error) return <Text color={theme.danger}>{truncate(`✖ ${error.message}`, width)}</Text>;
	return (
		<Text color={theme.warning}>{truncate(props.warning ? `! ${props.warning}` : ' ', width)}</Text>
	);
}

/** The SQL on the one line the screen shows it on. */
const oneLine = (sql: string) => sql.replaceAll(/\s/g, ' ');

/** The suggestion first: on a narrow line it is what matters most. */
const problemText = (error: QueryError) =>
	error.suggestion === undefined
		? error.reason
		: `did you mean ${error.suggestion}? ${error.reason.replace(/ \(did you mean [^)]*\)$/, '')}`;

type TableProps = {
	columns: readonly string[];
	windows: readonly ResultWindow[];
	rows: ReadonlyArray<Record<string, unknown>>;
	width: number;
	height: number;
};

/** Windows oldest first, so the newest (open) ones sit at the bottom and closed ones scroll up. */
function ResultTable({columns, windows, rows, width, height}: TableProps) {
	const theme = useTheme();
	const shown = columns.filter((column) => !WINDOW_COLUMNS.has(column));
	const windowed = windows.length > 0;
	const windowWidth = windowed ? 18 : 0;
	const columnWidth = Math.max(6, Math.floor((width - windowWidth) / Math.max(1, shown.length)));
	const lines: Array<{
		key: string;
		window?: ResultWindow;
		row: Record<string, unknown>;
		first: boolean;
	}> = [];
	for (const window of windows) {
		window.rows.forEach((row, index) =>
			lines.push({key: `${window.start}-${window.end}-${index}`, window, row, first: index === 0}),
		);
	}

	rows.forEach((row, index) => lines.push({key: `row-${index}`, row, first: false}));
	const visible = lines.slice(-Math.max(1, height - 1));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.muted}>
				{truncate(
					(windowed ? cell('WINDOW', windowWidth) : '') +
						shown.map((column) => cell(column.toUpperCase(), columnWidth)).join(''),
					width,
				)}
			</Text>
			{visible.length === 0 ? (
				<Text color={theme.muted}> No rows yet: windows emit when they close (EMIT FINAL).</Text>
			) : (
				visible.map((line) => {
					const open = line.window !== undefined && !line.window.closed;
					const label =
						line.window && line.first
							? `${formatClock(new Date(line.window.start))}–${formatClock(new Date(line.window.end)).slice(3)}`
							: '';
					return (
						<Text key={line.key} bold={open} color={open ? theme.accent : undefined}>
							{truncate(
								(windowed ? cell(label, windowWidth) : '') +
									shown
										.map((column) => cell(show(line.row[column]), columnWidth - 1) + ' ')
										.join(''),
								width,
							)}
						</Text>
					);
				})
			)}
		</Box>
	);
}

/** One number per window, over time: a column chart of the windows kept. */
function SeriesChart(props: {
	windows: readonly ResultWindow[];
	column: string;
	width: number;
	height: number;
}) {
	const theme = useTheme();
	const {windows, column, width, height} = props;
	const values = windows.map((window) => {
		const value = window.rows[0]?.[column];
		return typeof value === 'number' ? value : undefined;
	});
	if (values.length === 0) return <Text color={theme.muted}> No windows yet.</Text>;
	const chart = renderChart({
		values,
		width,
		height: Math.max(1, height - 2),
		start: new Date(windows[0].start),
		end: new Date(windows.at(-1)!.end),
		format: (value) => show(value),
		formatTime: formatClock,
	});
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.muted}>
				{truncate(`${column} per window (c: back to the table)`, width)}
			</Text>
			{chart.lines.map((line, index) => (
				<Text key={index} color={index < chart.lines.length - 1 ? theme.accent : theme.muted}>
					{line}
				</Text>
			))}
		</Box>
	);
}

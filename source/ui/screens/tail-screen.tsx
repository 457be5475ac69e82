/**
 * A live tail of a stream (every shard, or one shard and its children): records as they arrive, newest
 * at the bottom, decoded (auto-detected, `d` cycles), filtered as you type (`/`), frozen with space,
 * saved with `s`, restarted from another position with `f`, marked with `v` and re-driven to a stream
 * with `R` (a preview and the destination's name typed to confirm; copy/redrive.ts does the work and
 * the audit line). Records are held in a capped ring buffer and the view refreshes at most every
 * ~100 ms; what the buffer had to drop is counted on screen.
 */
import {isAbsolute, relative, sep} from 'node:path';
import {Box, Text} from 'ink';
import {useCallback, useMemo, useRef, useState} from 'react';
import {executeRedrive, redrivePreview, selectForRedrive} from '../../copy/redrive.js';
import type {Driver, IteratorStart} from '../../driver/driver.js';
import {fitLine, nextDecodeMode, previewLine, type DecodeMode} from '../../decode/present.js';
import type {LiveTailOptions} from '../../tail/live-tail.js';
import {parseRecordFilter} from '../../tail/record-filter.js';
import {saveRecords} from '../../tail/save-records.js';
import type {BufferedRecord} from '../../tail/tail-buffer.js';
import {tailEntries} from '../../tail/tail-entries.js';
import {formatTailStart} from '../../tail/tail-start.js';
import {Segments} from '../components/segments.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {useLiveTail} from '../hooks/use-live-tail.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {shortShardId} from '../shard-rows.js';
import {parseStartInput, START_PLACEHOLDER} from '../start-input.js';
import {
	shardProgressLine,
	TAIL_MARKER_WIDTH,
	tailCells,
	tailColumns,
	tailHeader,
} from '../tail-columns.js';
import {displayWidth, truncateStartToWidth} from '../../display-width.js';
import {formatOutage, formatRate, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type TailScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	shardId?: string;
	bufferSize?: number;
	/** Where `s` writes its file (the current directory by default). */
	saveDirectory?: string;
	/** Where a re-drive's audit line goes (the data directory). */
	auditDirectory?: string;
	tailOptions?: Omit<LiveTailOptions, 'shardId' | 'from' | 'bufferSize'>;
};

/** Title, counters, per-shard progress, column header (and the filter, when there is one). */
const HEAD_LINES = 4;
const LATEST: IteratorStart = {type: 'LATEST'};

type Frozen = {records: readonly BufferedRecord[]; received: number};

const count = (value: number) => value.toLocaleString('en-US');

/** A path as short as it can be said: relative to the current directory when it is inside it. */
function displayPath(path: string) {
	const here = relative(process.cwd(), path);
	return here.startsWith('..') || isAbsolute(here) ? path : `.${sep}${here}`;
}

export function TailScreen(props: TailScreenProps) {
	const {driver, stream, shardId, width, height, active, visible, filter, navigation} = props;
	const theme = useTheme();
	const [from, setFrom] = useState<IteratorStart>(LATEST);
	const [mode, setMode] = useState<DecodeMode>('auto');
	const [frozen, setFrozen] = useState<Frozen>();
	/** Marked records, by their place in the buffer (BufferedRecord.seq). */
	const [marks, setMarks] = useState<ReadonlySet<number>>(new Set());
	/** A re-drive's preview, while its confirmation is asked for. */
	const [preview, setPreview] = useState<string>();
	const live = useLiveTail(driver, stream, {
		shardId,
		from,
		bufferSize: props.bufferSize,
		visible,
		tailOptions: props.tailOptions,
	});

	const parsed = useMemo(() => parseRecordFilter(filter), [filter]);
	const records = frozen?.records ?? live.records;
	const entries = useMemo(() => tailEntries(records, parsed.filter), [records, parsed.filter]);
	const keys = useMemo(() => entries.map((entry) => entry.key), [entries]);
	const filterSet = filter.trim() !== '';
	const listHeight = Math.max(1, height - HEAD_LINES - (filterSet ? 1 : 0));
	const selection = useSelection(keys, listHeight);
	const {move} = selection;
	const paused = frozen !== undefined;
	// Following: the newest records, the last one selected. Paused: where the selection is.
	const index = paused ? selection.index : entries.length - 1;
	const start = paused ? selection.start : Math.max(0, entries.length - listHeight);
	const end = paused ? selection.end : entries.length;

	// Keys can come faster than renders: whether the view is paused is known at once, from this ref.
	const pausedNow = useRef(false);
	const freeze = useCallback((value: Frozen | undefined) => {
		pausedNow.current = value !== undefined;
		setFrozen(value);
	}, []);
	const pause = useCallback(() => {
		if (pausedNow.current) return;
		freeze({records: live.records, received: live.received});
		move('bottom');
	}, [freeze, live.records, live.received, move]);

	const save = useCallback(() => {
		const buffered = live.records;
		saveRecords(buffered, {
			directory: props.saveDirectory ?? process.cwd(),
			streamName: stream,
		}).then(
			(path) => {
				// The file name is what matters: a long directory gives way at its start.
				const head = `Saved ${count(buffered.length)} records to `;
				const shown = displayPath(path);
				const room = Math.max(1, width - displayWidth(head));
				navigation.notify({text: head + truncateStartToWidth(shown, room), tone: 'info'});
			},
			(error: unknown) =>
				navigation.notify({
					text: `Could not save: ${error instanceof Error ? error.message : String(error)}`,
					tone: 'error',
				}),
		);
	}, [live.records, props.saveDirectory, stream, navigation, width]);

	const askStart = useCallback(() => {
		navigation.openPrompt({
			label: 'from: ',
			placeholder: START_PLACEHOLDER,
			validate: (value) => (parseStartInput(value) ? undefined : 'not a position'),
			onSubmit: (value) => {
				const start = parseStartInput(value);
				if (!start) return;
				freeze(undefined);
				setFrom(start);
			},
		});
	}, [navigation, freeze]);

	const toggleMark = useCallback(() => {
		const entry = entries[index];
		if (!entry) return;
		const {seq} = entry.buffered;
		setMarks((previous) => {
			const next = new Set(previous);
			if (next.has(seq)) next.delete(seq);
			else next.add(seq);
			return next;
		});
	}, [entries, index]);

	const redrive = useCallback(() => {
		// The filtered buffer, each record once (a KPL record lists once per user record).
		const seen = new Set<number>();
		const filtered = entries
			.map((entry) => entry.buffered)
			.filter((buffered) => !seen.has(buffered.seq) && seen.add(buffered.seq));
		const chosen = selectForRedrive(filtered, marks);
		if (chosen.length === 0) {
			navigation.notify({text: 'Nothing to re-drive: the buffer is empty.', tone: 'error'});
			return;
		}

		navigation.openPrompt({
			label: `re-drive ${count(chosen.length)} record${chosen.length === 1 ? '' : 's'} to stream: `,
			placeholder: 'the destination stream; esc cancels',
			validate: (value) => (/^[\w.-]{1,128}$/.test(value) ? undefined : 'a stream name'),
			onSubmit: (destination) => {
				const plan = {
					sourceStream: stream,
					records: chosen,
					destination,
					key: {kind: 'keep'} as const,
				};
				const preview = redrivePreview(plan);
				// The preview stands in the counters' line while the name is typed.
				setPreview(preview.sameStream ? `${preview.text}: INTO ITSELF` : preview.text);
				navigation.openPrompt({
					label: `type ${destination} to confirm: `,
					placeholder: 'the stream name, exactly; esc cancels',
					onCancel: () => setPreview(undefined),
					onSubmit: (typed) => {
						setPreview(undefined);
						if (typed !== destination) {
							navigation.notify({
								text: 'The name did not match: nothing was re-driven.',
								tone: 'error',
							});
							return;
						}

						navigation.notify({text: `Re-driving to ${destination}…`, tone: 'info'});
						// Progress at most every 200 ms: a notice per call would redraw for nothing.
						let saidAt = 0;
						void executeRedrive(driver, plan, {
							auditDirectory: props.auditDirectory,
							onProgress(progress) {
								if (Date.now() - saidAt < 200) return;
								saidAt = Date.now();
								navigation.notify({
									text: `Re-driving to ${destination}: ${count(progress.copied)} of ${count(chosen.length)}`,
									tone: 'info',
								});
							},
						}).then((outcome) => {
							if (outcome.ok) setMarks(new Set());
							const warning = outcome.warning ? ` (${outcome.warning})` : '';
							navigation.notify(
								outcome.ok
									? {
											text: `✓ re-drove ${count(outcome.progress.copied)} records to ${destination}${warning}`,
											tone: 'info',
										}
									: {text: `✖ re-drive failed: ${outcome.error}${warning}`, tone: 'error'},
							);
						});
					},
				});
			},
		});
	}, [entries, marks, navigation, stream, driver, props.auditDirectory]);

	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				pause();
				move(command);
				return;
			}

			switch (command) {
				case 'pause': {
					if (pausedNow.current) freeze(undefined);
					else pause();
					break;
				}

				case 'open': {
					const entry = entries[index];
					if (entry) navigation.push({kind: 'record', stream, entry, mode});
					break;
				}

				case 'decode': {
					setMode(nextDecodeMode);
					break;
				}

				case 'filter': {
					navigation.openFilter();
					break;
				}

				case 'from': {
					askStart();
					break;
				}

				case 'save': {
					save();
					break;
				}

				case 'mark': {
					pause();
					toggleMark();
					break;
				}

				case 'redrive': {
					redrive();
					break;
				}
			}
		},
		[
			pause,
			freeze,
			move,
			entries,
			index,
			navigation,
			stream,
			mode,
			askStart,
			save,
			toggleMark,
			redrive,
		],
	);
	useScreenCommands(onCommand, active);

	const scope = shardId ? `shard ${shortShardId(shardId)} (and children)` : 'all shards';
	const state = paused
		? `❚❚ PAUSED (+${count(live.received - frozen.received)} new) · space follows`
		: '● following';
	const end_ = live.end;
	const problem =
		end_?.reason === 'error'
			? `✖ ${end_.error instanceof Error ? end_.error.message : String(end_.error)}`
			: undefined;
	const title = `Tail ${stream} · ${scope} · from ${formatTailStart(from)} · ${state}`;
	// An outage the tail rides out replaces the title until a call is answered again, so a quiet screen
	// is never mistaken for a quiet stream.
	const outage = live.retrying && !problem ? `⟳ ${formatOutage(live.retrying)}` : undefined;
	const filterLine = parsed.error
		? `filter /${filter.trim()}: ${parsed.error}`
		: parsed.filter
			? `filter: ${count(entries.length)} match ${parsed.filter.description}`
			: '';
	const counters =
		`${count(live.records.length)}/${count(live.capacity)} buffered · ${count(live.dropped)} dropped · ` +
		`${formatRate(live.recordsPerSecond)} read · decode ${mode}` +
		(marks.size > 0 ? ` · ${count(marks.size)} marked` : '');
	const columns = tailColumns(width);
	const dataWidth = Math.max(
		1,
		width - TAIL_MARKER_WIDTH - columns.time - columns.shard - columns.key,
	);
	const empty = problem
		? 'The tail stopped (see above).'
		: records.length === 0
			? from.type === 'LATEST'
				? 'Waiting for new records…'
				: 'Reading…'
			: 'No record matches the filter (esc clears it).';

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text
				bold
				color={problem ? theme.danger : outage ? theme.warning : undefined}
				wrap="truncate-end"
			>
				{problem ?? outage ?? title}
			</Text>
			{preview ? (
				<Text bold color={theme.warning} wrap="truncate-end">
					{preview}
				</Text>
			) : (
				<Text wrap="truncate-end">{counters}</Text>
			)}
			{filterSet && (
				<Text color={parsed.error ? theme.warning : theme.accent} wrap="truncate-end">
					{filterLine}
				</Text>
			)}
			<Text color={theme.muted} wrap="truncate-end">
				{shardProgressLine(live.shards)}
			</Text>
			<Text bold color={theme.muted} wrap="truncate-end">
				{tailHeader(columns, mode)}
			</Text>
			{entries.length === 0 ? (
				<Text color={theme.muted}> {truncate(empty, width - 1)}</Text>
			) : (
				entries.slice(start, end).map((entry, offset) => {
					const isSelected = paused && start + offset === index;
					const isMarked = marks.has(entry.buffered.seq);
					return (
						<Box key={entry.key} width={width}>
							<Text inverse={isSelected} bold={isSelected}>
								{isSelected ? '›' : ' '}
								{isMarked ? '•' : ' '}
								{tailCells(entry, columns)}
							</Text>
							<Box width={dataWidth}>
								<Text wrap="truncate-end">
									<Segments
										line={fitLine(
											previewLine(entry.payload, mode, Math.max(16, dataWidth + 8)),
											dataWidth,
										)}
									/>
								</Text>
							</Box>
						</Box>
					);
				})
			)}
		</Box>
	);
}

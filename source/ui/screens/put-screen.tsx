/**
 * The put form: partition key (or random), data as text or JSON (checked as it is typed) or from a
 * file, an optional explicit hash key, and how many records at what rate — one test record, or a small
 * bounded load with a live count and a stop key. Each field is edited in the prompt; `p` puts. Where the
 * last record went (shard and sequence number) is shown here and handed to the app, which marks that
 * shard in the stream's shard map.
 */
import {Box, Text} from 'ink';
import {useCallback, useEffect, useMemo, useState, useSyncExternalStore} from 'react';
import type {Driver} from '../../driver/driver.js';
import {PutRun, type PutRunState, type PutTarget} from '../../put/put-run.js';
import {escapeControls} from '../../decode/text.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {cell, truncate} from '../format.js';
import {EMPTY_FORM, FIELDS, formProblem, putSpecOf, type PutFormValues} from '../put-form.js';
import {shortShardId} from '../shard-rows.js';
import {useTheme} from '../theme.js';

export type PutScreenProps = ScreenProps & {
	driver: Driver;
	/** The stream, or with `delivery` the Firehose delivery stream (which takes data only: no keys). */
	name: string;
	delivery?: boolean;
	/** Told which shard each put's last record went to (for the shard map's marker). */
	onPut?: (stream: string, outcome: {shardId: string; partitionKey?: string}) => void;
};

const LABEL_WIDTH = 19;
const STREAM_ONLY = new Set(['key', 'hashKey']);
const fieldsFor = (target: PutTarget) =>
	target.kind === 'stream' ? FIELDS : FIELDS.filter((spec) => !STREAM_ONLY.has(spec.field));
const IDLE: PutRunState = {running: false, sent: 0, failed: 0, throttled: 0, stopped: false};
const noRun = () => () => undefined;
const idle = () => IDLE;

export function PutScreen(props: PutScreenProps) {
	const {driver, name, delivery, width, height, active, navigation, onPut} = props;
	const theme = useTheme();
	const target = useMemo<PutTarget>(
		() => ({kind: delivery ? 'delivery' : 'stream', name}),
		[delivery, name],
	);
	const fields = useMemo(() => fieldsFor(target), [target]);
	const fieldIds = useMemo(() => fields.map((spec) => spec.field), [fields]);
	const [values, setValues] = useState<PutFormValues>(EMPTY_FORM);
	const [run, setRun] = useState<PutRun>();
	const [problem, setProblem] = useState<string>();
	const selection = useSelection(fieldIds, fields.length);
	const state = useSyncExternalStore(run?.subscribe ?? noRun, run?.getState ?? idle);

	// A run still going when the screen closes is stopped: nothing keeps putting behind the user's back.
	useEffect(() => () => void run?.stop(), [run]);
	const last = state.last;
	useEffect(() => {
		if (last && 'shardId' in last) {
			onPut?.(target.name, {shardId: last.shardId, partitionKey: values.key || undefined});
		}
		// Only a new outcome is news; the key typed since does not move the marker.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [last, onPut, target]);

	const edit = useCallback(() => {
		const spec = fields[selection.index];
		navigation.openPrompt({
			label: `${spec.label}: `,
			initial: values[spec.field],
			placeholder: spec.empty,
			validate: spec.check,
			onSubmit: (text) => {
				setValues((current) => ({...current, [spec.field]: text}));
				setProblem(undefined);
			},
		});
	}, [fields, navigation, selection.index, values]);

	const send = useCallback(() => {
		if (run?.getState().running) return;
		putSpecOf(values).then(
			(spec) => {
				const next = new PutRun(driver, target, spec);
				setRun(next);
				setProblem(undefined);
				void next.start();
			},
			(error: Error) => setProblem(error.message),
		);
	}, [driver, run, target, values]);

	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				selection.move(command);
				return;
			}

			if (command === 'open') edit();
			else if (command === 'send') send();
			else if (command === 'stop') void run?.stop();
		},
		[edit, run, selection, send],
	);
	useScreenCommands(onCommand, active);

	const formError = problem ?? formProblem(values);
	const progress = progressLine(state, values);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine
				title={`Put records to ${target.kind === 'delivery' ? 'delivery stream ' : ''}${target.name}`}
				width={width}
			/>
			{fields.map((spec, index) => {
				const isSelected = index === selection.index;
				const text = values[spec.field];
				const bad = spec.check(text);
				return (
					<Box key={spec.field}>
						<Text inverse={isSelected} bold={isSelected}>
							{isSelected ? '› ' : '  '}
							{cell(spec.label, LABEL_WIDTH)}
						</Text>
						<Text color={bad ? theme.danger : text === '' ? theme.muted : undefined}>
							{truncate(
								text === '' ? spec.empty : escapeControls(text),
								Math.max(1, width - LABEL_WIDTH - 3),
							)}
						</Text>
					</Box>
				);
			})}
			<Text> </Text>
			{formError ? (
				<Text color={theme.danger}>{truncate(`✖ ${formError}`, width)}</Text>
			) : (
				<Text color={theme.muted}>{truncate(progress, width)}</Text>
			)}
			{last && 'shardId' in last && (
				<>
					<Text>
						{truncate(`last record → shard ${shortShardId(last.shardId)} (${last.shardId})`, width)}
					</Text>
					<Text>{truncate(`  sequence number ${last.sequenceNumber}`, width)}</Text>
				</>
			)}
			{last && 'recordId' in last && (
				<Text>{truncate(`last record → RecordId ${last.recordId}`, width)}</Text>
			)}
			{state.error && <Text color={theme.danger}>{truncate(`✖ ${state.error}`, width)}</Text>}
		</Box>
	);
}

function progressLine(state: PutRunState, values: PutFormValues) {
	const total = values.count === '' ? 1 : Number(values.count);
	const counts = `${state.sent.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} put · ${state.failed} failed · ${state.throttled} throttled (retried)`;
	if (state.running) return `● putting: ${counts} · x stops`;
	if (state.stopped) return `■ stopped: ${counts}`;
	if (state.sent + state.failed > 0) return `✓ done: ${counts}`;
	return 'Enter edits the selected field; p puts.';
}

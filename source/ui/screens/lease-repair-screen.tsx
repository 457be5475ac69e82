/**
 * A repair of one KCL lease, guarded as resharding is: the preview of the one conditional UpdateItem —
 * each attribute before and after, the `leaseCounter` it is conditioned on, how a time was resolved —
 * and only then `c`, which asks for the shard id to be typed before anything is written. The result
 * (or why nothing was written) shows here, and goes to the audit log. Read-only mode never offers this
 * screen (and the driver refuses the write).
 */
import {Box, Text} from 'ink';
import {useCallback, useEffect, useRef, useState} from 'react';
import {CHECKPOINT_TARGET_HINT, parseCheckpointTarget} from '../../consumers/checkpoint-target.js';
import {
	executeRepair,
	planRepair,
	type LeaseRepair,
	type LeaseSnapshot,
	type RepairOutcome,
	type RepairPlan,
} from '../../consumers/lease-repairs.js';
import type {Driver} from '../../driver/driver.js';
import {errorText} from '../../reshard/execute.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import type {Command} from '../keymap.js';
import type {Navigation, ScreenProps} from '../navigation.js';
import {cell, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type LeaseRepairScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	lease: LeaseSnapshot;
	repair: LeaseRepair;
	/** Where audit.log is written; without one the repair is made but not logged (and the screen says so). */
	auditDirectory?: string;
};

/** Asks where to reset the checkpoint of `shardId`; `onRepair` gets the reset when the answer parses. */
export function askResetTarget(
	navigation: Navigation,
	shardId: string,
	onRepair: (repair: LeaseRepair) => void,
) {
	navigation.openPrompt({
		label: `reset ${shardId} to: `,
		placeholder: CHECKPOINT_TARGET_HINT,
		validate: (text) => {
			const parsed = parseCheckpointTarget(text);
			return typeof parsed === 'string' && text !== '' ? parsed : undefined;
		},
		onSubmit: (text) => {
			const target = parseCheckpointTarget(text);
			if (typeof target !== 'string') onRepair({action: 'reset', target});
		},
	});
}

type Stage =
	| {phase: 'planning'}
	| {phase: 'unplanned'; error: string}
	| {phase: 'planned'; plan: RepairPlan}
	| {phase: 'writing'; plan: RepairPlan}
	| {phase: 'done'; plan: RepairPlan; outcome: RepairOutcome};

const shown = (value: string | undefined) => value ?? '(none)';

export function LeaseRepairScreen(props: LeaseRepairScreenProps) {
	const {driver, stream, lease, width, height, active, navigation} = props;
	const theme = useTheme();
	const [repair, setRepair] = useState(props.repair);
	const [stage, setStage] = useState<Stage>({phase: 'planning'});
	const controller = useRef(new AbortController());
	useEffect(() => () => controller.current.abort(), []);

	// The preview: a time or a sequence number is resolved against the shard, once per target.
	useEffect(() => {
		let current = true;
		planRepair(driver, stream, lease, repair, controller.current.signal).then(
			(plan) => current && setStage({phase: 'planned', plan}),
			(error: unknown) => current && setStage({phase: 'unplanned', error: errorText(error)}),
		);
		return () => {
			current = false;
		};
	}, [driver, lease, repair, stream]);

	const started = stage.phase === 'writing' || stage.phase === 'done';
	const change = useCallback(() => {
		if (started || repair.action !== 'reset') return;
		askResetTarget(navigation, lease.shardId, (next) => {
			setStage({phase: 'planning'});
			setRepair(next);
		});
	}, [lease.shardId, navigation, repair.action, started]);

	const confirm = useCallback(() => {
		if (stage.phase !== 'planned') return;
		const {plan} = stage;
		navigation.openPrompt({
			label: `type ${lease.shardId} to confirm: `,
			placeholder: 'the shard id, exactly; esc cancels',
			onSubmit: (typed) => {
				if (typed !== lease.shardId) {
					navigation.notify({
						text: 'The shard id did not match: nothing was written.',
						tone: 'error',
					});
					return;
				}

				setStage({phase: 'writing', plan});
				void executeRepair(driver, plan, {
					auditDirectory: props.auditDirectory,
					signal: controller.current.signal,
				}).then((outcome) => setStage({phase: 'done', plan, outcome}));
			},
		});
	}, [driver, lease.shardId, navigation, props.auditDirectory, stage]);

	const onCommand = useCallback(
		(command: Command) => {
			if (command === 'open') change();
			else if (command === 'confirm') confirm();
		},
		[change, confirm],
	);
	useScreenCommands(onCommand, active);

	const title =
		repair.action === 'reset'
			? `Reset the checkpoint of ${lease.shardId} (${lease.table})`
			: `Release the lease of ${lease.shardId} (${lease.table})`;
	const plan = 'plan' in stage ? stage.plan : undefined;
	const lines: Array<{text: string; color?: string; bold?: boolean}> = [
		{text: `stream ${stream} · lease table ${lease.table} · leaseKey ${lease.leaseKey}`},
		{
			text:
				repair.action === 'reset' && !started
					? 'enter changes the new checkpoint'
					: 'the owner is cleared: another worker takes the lease',
			color: theme.muted,
		},
	];
	if (stage.phase === 'planning') lines.push({text: 'Reading the shard…', color: theme.muted});
	if (plan) {
		lines.push({
			text: `UpdateItem, only if leaseCounter is still ${lease.leaseCounter}:`,
			bold: true,
		});
		for (const change of plan.changes) {
			lines.push({
				text: `  ${cell(change.attribute, 28)}${shown(change.before)} → ${shown(change.after)}`,
			});
		}

		for (const note of plan.notes) lines.push({text: `· ${note}`, color: theme.muted});
	}

	if (stage.phase === 'unplanned') lines.push({text: `✖ ${stage.error}`, color: theme.danger});
	if (stage.phase === 'planned') {
		lines.push({text: 'c confirms: you will type the shard id', bold: true});
	}

	if (stage.phase === 'writing') lines.push({text: '● calling UpdateItem…', color: theme.ok});
	if (stage.phase === 'done') {
		const {outcome} = stage;
		if (outcome.ok) {
			const {item} = outcome;
			lines.push({
				text: `✓ written: checkpoint ${item.checkpoint?.S ?? '?'} · owner ${shown(item.leaseOwner?.S)} · leaseCounter ${item.leaseCounter?.N ?? '?'}`,
				color: theme.ok,
				bold: true,
			});
		} else {
			lines.push({text: `✖ ${outcome.error}`, color: theme.danger, bold: true});
		}

		if (outcome.warning) lines.push({text: outcome.warning, color: theme.warning});
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} width={width} />
			{lines.flatMap((line, index) =>
				wrap(line.text, width).map((part, offset) => (
					<Text key={`${index}-${offset}`} color={line.color} bold={line.bold}>
						{part}
					</Text>
				)),
			)}
		</Box>
	);
}

/** Long lines (an error, a note) broken at spaces to the width, so that nothing is cut off. */
function wrap(text: string, width: number): string[] {
	if (text.length <= width) return [text];
	const parts: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && line.length + 1 + word.length > width) {
			parts.push(line);
			line = word;
		} else {
			line = line ? `${line} ${word}` : word;
		}
	}

	parts.push(line);
	return parts.map((part) => truncate(part, width));
}

/**
 * Split, merge or scale, guarded: the preview of the open shards after the change (ranges as bars, new
 * shards marked), the capacity before and after, AWS's limits — and only then `c`, which asks for the
 * stream's name to be typed before anything is called. While the stream is UPDATING the progress shows;
 * the result goes to the audit log. Read-only mode never offers this screen (and the driver refuses).
 */
import {Box, Text} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Driver, Shard} from '../../driver/driver.js';
import {executeReshard, type ReshardProgress} from '../../reshard/execute.js';
import {
	isolationPoint,
	middleOf,
	openShardsOf,
	parseSplitPoint,
	previewReshard,
	shareOf,
	type Capacity,
	type ReshardPlan,
} from '../../reshard/preview.js';
import {hashKeyOf} from '../../kinesis/routing.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {useStreamDescription} from '../hooks/use-stream-description.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {cell, formatRate, truncate} from '../format.js';
import {barSpan, BAR_EMPTY, BAR_OPEN, shortShardId} from '../shard-rows.js';
import {useTheme} from '../theme.js';

export type ReshardAction = 'split' | 'merge' | 'scale';

export type ReshardScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	action: ReshardAction;
	/** The shard to split, or to merge with a neighbour. */
	shardId?: string;
	/** The hottest key going to the shard (from the sample), which a split can isolate. */
	hotKey?: string;
	/** Where audit.log is written; without one the change is made but not logged (and the screen says so). */
	auditDirectory?: string;
	pollIntervalMs?: number;
};

const MIB = 1024 * 1024;
const formatCapacity = (capacity: Capacity) =>
	`${capacity.openShards} open shards · write ${formatRate(capacity.writeRecords)}, ${capacity.writeBytes / MIB} MiB/s · read ${capacity.readBytes / MIB} MiB/s`;

/** The open neighbours of a shard in the hash-key space: the only shards it can merge with. */
function neighboursOf(shards: readonly Shard[], shardId: string | undefined) {
	const open = openShardsOf(shards);
	const index = open.findIndex((shard) => shard.ShardId === shardId);
	if (index < 0) return [];
	return [open[index - 1], open[index + 1]].filter((shard): shard is Shard => shard !== undefined);
}

function progressText(progress: ReshardProgress | undefined, action: ReshardAction) {
	if (!progress) return undefined;
	switch (progress.phase) {
		case 'calling': {
			return `● calling ${action === 'scale' ? 'UpdateShardCount' : action === 'split' ? 'SplitShard' : 'MergeShards'}…`;
		}

		case 'updating': {
			return `● the stream is UPDATING (${Math.round((Date.now() - progress.since) / 1000)} s)…`;
		}

		case 'done': {
			return '✓ done: the stream is ACTIVE again · esc returns to the shard map';
		}

		case 'failed': {
			return `✖ ${progress.error}`;
		}
	}
}

export function ReshardScreen(props: ReshardScreenProps) {
	const {driver, stream, action, shardId, width, height, active, navigation} = props;
	const theme = useTheme();
	const description = useStreamDescription(driver, stream, props.pollIntervalMs);
	const shards = description.value?.Shards;
	// The plan is fixed against the shards as first seen: the preview must not move under the user.
	const [snapshot, setSnapshot] = useState<readonly Shard[]>();
	// Taken during render (React's pattern for state derived from props), once.
	if (shards && !snapshot) setSnapshot(shards);
	const shard = snapshot?.find((each) => each.ShardId === shardId);
	const neighbours = useMemo(() => neighboursOf(snapshot ?? [], shardId), [snapshot, shardId]);
	const [splitAt, setSplitAt] = useState<bigint>();
	const [isolated, setIsolated] = useState<string>();
	const [neighbour, setNeighbour] = useState(0);
	const [target, setTarget] = useState<number>();
	const [progress, setProgress] = useState<ReshardProgress>();
	const controller = useRef(new AbortController());
	useEffect(() => () => controller.current.abort(), []);

	const open = snapshot ? openShardsOf(snapshot).length : 0;
	const plan = useMemo((): ReshardPlan | undefined => {
		if (!snapshot) return undefined;
		if (action === 'split') {
			return (
				shard && {action, shardId: shard.ShardId, newStartingHashKey: splitAt ?? middleOf(shard)}
			);
		}

		if (action === 'merge') {
			const other = neighbours[neighbour];
			return other && {action, shardId: shardId!, adjacentShardId: other.ShardId};
		}

		return {action, targetShardCount: target ?? open * 2};
	}, [action, neighbour, neighbours, open, shard, shardId, snapshot, splitAt, target]);
	const preview = useMemo(
		() => (plan && snapshot ? previewReshard(snapshot, plan) : undefined),
		[plan, snapshot],
	);
	const problem =
		snapshot && !plan
			? action === 'merge'
				? `Shard ${shardId} has no open neighbour to merge with`
				: `Shard ${shardId} is not an open shard`
			: preview?.problem;
	const started = progress !== undefined;

	const change = useCallback(() => {
		if (started || !snapshot) return;
		if (action === 'merge') {
			setNeighbour((index) => (index + 1) % Math.max(1, neighbours.length));
			return;
		}

		if (action === 'split' && shard) {
			navigation.openPrompt({
				label: 'split at: ',
				placeholder: 'a hash key, key:PARTITION_KEY (its hash starts the upper child), or 25%',
				validate: (text) => {
					const parsed = parseSplitPoint(text, shard);
					return typeof parsed === 'string' && text !== '' ? parsed : undefined;
				},
				onSubmit: (text) => {
					const parsed = parseSplitPoint(text, shard);
					if (typeof parsed === 'string') return;
					setSplitAt(parsed);
					setIsolated(undefined);
				},
			});
			return;
		}

		navigation.openPrompt({
			label: 'target open shards: ',
			placeholder: `between ${Math.ceil(open / 2)} and ${open * 2}`,
			validate: (text) => (/^\d+$/.test(text) || text === '' ? undefined : 'a whole number'),
			onSubmit: (text) => {
				if (/^\d+$/.test(text)) setTarget(Number(text));
			},
		});
	}, [action, navigation, neighbours.length, open, shard, snapshot, started]);

	const confirm = useCallback(() => {
		if (started || !plan || problem) return;
		navigation.openPrompt({
			label: `type ${stream} to confirm: `,
			placeholder: 'the stream name, exactly; esc cancels',
			onSubmit: (typed) => {
				if (typed !== stream) {
					navigation.notify({
						text: 'The name did not match: nothing was changed.',
						tone: 'error',
					});
					return;
				}

				void executeReshard(driver, stream, plan, {
					auditDirectory: props.auditDirectory,
					onProgress: setProgress,
					signal: controller.current.signal,
					pollMs: props.pollIntervalMs,
				});
			},
		});
	}, [
		driver,
		navigation,
		plan,
		problem,
		props.auditDirectory,
		props.pollIntervalMs,
		started,
		stream,
	]);

	const isolate = useCallback(() => {
		if (started || action !== 'split' || !shard || !props.hotKey) return;
		setSplitAt(isolationPoint(shard, hashKeyOf(props.hotKey)));
		setIsolated(props.hotKey);
	}, [action, props.hotKey, shard, started]);

	const onCommand = useCallback(
		(command: Command) => {
			if (command === 'open' || command === 'down' || command === 'up') change();
			else if (command === 'confirm') confirm();
			else if (command === 'isolate') isolate();
		},
		[change, confirm, isolate],
	);
	useScreenCommands(onCommand, active);

	// The UPDATING seconds count up while waiting.
	const [, tick] = useState(0);
	useEffect(() => {
		if (progress?.phase !== 'updating') return;
		const timer = setInterval(() => tick((n) => n + 1), 1000);
		return () => clearInterval(timer);
	}, [progress?.phase]);

	const title =
		action === 'split'
			? `Split shard ${shortShardId(shardId ?? '')} of ${stream}`
			: action === 'merge'
				? `Merge shard ${shortShardId(shardId ?? '')} of ${stream} with a neighbour`
				: `Scale ${stream} (UpdateShardCount, uniform)`;
	const parameter =
		plan?.action === 'split'
			? `split at hash key ${plan.newStartingHashKey}${splitAt === undefined ? ' (the middle)' : isolated === undefined ? '' : ` (isolates ${isolated})`}`
			: plan?.action === 'merge'
				? `with shard ${shortShardId(plan.adjacentShardId)} (${plan.adjacentShardId})`
				: plan?.action === 'scale'
					? `to ${plan.targetShardCount} open shards (now ${open})`
					: '';
	const how =
		action === 'split'
			? `enter changes the split point${props.hotKey && isolated === undefined ? ` · h isolates hot key ${props.hotKey}` : ''}`
			: action === 'merge'
				? neighbours.length > 1
					? 'enter picks the other neighbour'
					: 'the only open neighbour'
				: 'enter changes the target';
	const barWidth = Math.max(8, width - 22);
	const listHeight = Math.max(1, height - 11);
	const after = preview?.after ?? [];
	const status = progressText(progress, action);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={description.error} width={width} />
			<Text>{truncate(snapshot ? parameter : 'Loading the shards…', width)}</Text>
			<Text color={theme.muted}>{truncate(snapshot ? how : '', width)}</Text>
			{preview && (
				<>
					<Text color={theme.muted}>
						{truncate(`before ${formatCapacity(preview.before)}`, width)}
					</Text>
					<Text bold>{truncate(`after  ${formatCapacity(preview.afterCapacity)}`, width)}</Text>
				</>
			)}
			<Text bold color={theme.muted}>
				{cell('  SHARD', 12)}
				{cell('KEY RANGE AFTER', barWidth)}
				{cell('SHARE', 8, 'right')}
			</Text>
			{after.slice(0, listHeight).map((range, index) => {
				const {first, last} = barSpan(range.start, range.end, barWidth - 1);
				const bar = Array.from({length: barWidth - 1}, (_, i) =>
					i >= first && i <= last ? BAR_OPEN : BAR_EMPTY,
				).join('');
				const isNew = range.from !== undefined;
				const label = isNew
					? range.from![0] === 'uniform'
						? 'new'
						: `new←${range.from!.map((id) => shortShardId(id)).join('+')}`
					: shortShardId(range.shardId!);
				return (
					<Text key={`${String(range.start)}-${index}`} color={isNew ? theme.accent : undefined}>
						{cell(`  ${label}`, 12)}
						{bar} {cell(`${shareOf(range).toFixed(1)}%`, 8, 'right')}
					</Text>
				);
			})}
			{after.length > listHeight && (
				<Text color={theme.muted}>{`  … ${after.length - listHeight} more`}</Text>
			)}
			{problem ? (
				<Text color={theme.danger}>{truncate(`✖ ${problem}`, width)}</Text>
			) : status ? (
				<Text color={progress?.phase === 'failed' ? theme.danger : theme.ok} bold>
					{truncate(status, width)}
				</Text>
			) : (
				preview?.notes.map((note) => (
					<Text key={note} color={theme.muted}>
						{truncate(note, width)}
					</Text>
				))
			)}
			{progress && 'warning' in progress && progress.warning && (
				<Text color={theme.warning}>{truncate(progress.warning, width)}</Text>
			)}
			{!started && !problem && preview && (
				<Text bold>{truncate('c confirms: you will type the stream name', width)}</Text>
			)}
		</Box>
	);
}

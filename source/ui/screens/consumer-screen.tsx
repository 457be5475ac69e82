/**
 * One consumer of a stream. A KCL application shard by shard — owner, checkpoint, lag, lease renewals
 * per minute, diagnosis — sortable by lag (`s`), under its roll-up and its workers with the leases each
 * holds; an enhanced fan-out consumer's or a Lambda mapping's details. Shares the Consumers screen's
 * model, so its figures and trends carry on from there. On a KCL shard, `R` resets its checkpoint and
 * `O` releases its lease, each through the guarded repair screen (lease-repair-screen.tsx).
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import type {ConsumersSnapshot, KclApplication, ShardLag} from '../../consumers/consumer-lag.js';
import type {LeaseRepair, LeaseSnapshot} from '../../consumers/lease-repairs.js';
import {formatDuration} from '../../consumers/durations.js';
import type {Driver} from '../../driver/driver.js';
import {StatusLine} from '../components/status-line.js';
import {shardHeader, shardLine, sortShards, type ShardOrder} from '../consumer-rows.js';
import {formatLag, truncate} from '../format.js';
import {consumersInterval, useConsumerLag} from '../hooks/use-consumer-lag.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {shortShardId} from '../shard-rows.js';
import {useTheme} from '../theme.js';
import {askResetTarget} from './lease-repair-screen.js';

export type ConsumerScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	/** The consumer's row id: `kcl:NAME`, `efo:NAME` or `lambda:UUID`. */
	consumer: string;
	pollIntervalMs?: number;
};

/** The lines that describe an EFO consumer or a Lambda mapping, or undefined for a KCL application. */
function detailLines(snapshot: ConsumersSnapshot, id: string): string[] | undefined {
	const [kind, ...rest] = id.split(':');
	const key = rest.join(':');
	if (kind === 'efo') {
		const consumer = snapshot.efo.find((each) => each.name === key);
		if (!consumer) return [];
		return [
			`Status          ${consumer.status}`,
			`Lag             ${formatLag(consumer.lagMillis)} (SubscribeToShardEvent.MillisBehindLatest)`,
			`Rate exceeded   ${consumer.rateExceeded ?? '?'} in 10m`,
			`ARN             ${consumer.arn}`,
			...consumer.diagnoses.map((words) => `⚠ ${words}`),
		];
	}

	if (kind === 'lambda') {
		const lambda = snapshot.lambdas.find((each) => each.mapping.UUID === key);
		if (!lambda) return [];
		const {mapping} = lambda;
		const retries = (value: number | undefined) =>
			value === undefined ? '?' : value === -1 ? 'until expiry' : String(value);
		return [
			`State           ${mapping.State}${mapping.StateTransitionReason ? ` (${mapping.StateTransitionReason})` : ''}`,
			`Iterator age    ${formatLag(lambda.iteratorAgeMillis)} · errors ${lambda.errors ?? '?'} · throttles ${lambda.throttles ?? '?'} (10m)`,
			`Batch size      ${mapping.BatchSize ?? '?'} · parallelization ${mapping.ParallelizationFactor ?? 1}`,
			`Start           ${mapping.StartingPosition ?? '?'}`,
			`On error        bisect ${mapping.BisectBatchOnFunctionError ? 'on' : 'off'} · retries ${retries(mapping.MaximumRetryAttempts)} · max age ${mapping.MaximumRecordAgeInSeconds === -1 ? 'none' : `${mapping.MaximumRecordAgeInSeconds ?? '?'}s`}`,
			`On failure      ${mapping.OnFailureDestination ?? 'none'}`,
			`Last result     ${mapping.LastProcessingResult ?? '?'}`,
			`Function        ${mapping.FunctionArn}`,
			...lambda.diagnoses.map((words) => `⚠ ${words}`),
		];
	}

	return undefined;
}

function snapshotOf(application: KclApplication, shard: ShardLag): LeaseSnapshot {
	return {
		table: application.table,
		leaseKey: shard.leaseKey,
		shardId: shard.shardId,
		...(shard.owner ? {owner: shard.owner} : {}),
		leaseCounter: shard.leaseCounter,
		checkpoint: shard.checkpoint,
		subSequenceNumber: shard.subSequenceNumber,
	};
}

export function ConsumerScreen(props: ConsumerScreenProps) {
	const {driver, stream, consumer, width, height, active, navigation} = props;
	const theme = useTheme();
	const state = useConsumerLag(driver, stream, consumersInterval(driver, props.pollIntervalMs));
	const [order, setOrder] = useState<ShardOrder>('lag');
	const name = consumer.split(':').slice(1).join(':');
	const application = state.value?.applications.find((each) => each.name === name);
	const shards = useMemo(
		() => (application ? sortShards(application.shards, order) : []),
		[application, order],
	);
	// The title, the roll-up, the workers and the column header take four lines.
	const selection = useSelection(
		shards.map((shard) => shard.shardId),
		Math.max(1, height - 4),
	);
	const {move} = selection;
	const selected = shards.find((shard) => shard.shardId === selection.name);
	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) move(command);
			if (command === 'sort') setOrder((current) => (current === 'lag' ? 'shard' : 'lag'));
			if (!application || !selected) return;
			// The lease as shown now: the repair is conditioned on this very leaseCounter.
			const lease = snapshotOf(application, selected);
			const open = (repair: LeaseRepair) =>
				navigation.push({kind: 'repair', stream, lease, repair});
			if (command === 'resetCheckpoint') askResetTarget(navigation, selected.shardId, open);
			if (command === 'releaseLease') open({action: 'release'});
		},
		[application, move, navigation, selected, stream],
	);
	useScreenCommands(onCommand, active);

	const details = state.value ? detailLines(state.value, consumer) : undefined;
	if (details) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<StatusLine title={`${name} on ${stream}`} error={state.error} width={width} />
				{(details.length > 0 ? details : ['No longer found.']).map((line) => (
					<Text key={line} color={line.startsWith('⚠') ? theme.warning : undefined}>
						{truncate(line, width)}
					</Text>
				))}
			</Box>
		);
	}

	if (!application) {
		const waiting = state.value === undefined ? 'Reading the lease table…' : 'No longer found.';
		return (
			<Box flexDirection="column" width={width} height={height}>
				<StatusLine title={`${name} on ${stream}`} error={state.error} width={width} />
				<Text color={theme.muted}> {waiting}</Text>
			</Box>
		);
	}

	const {rollUp} = application;
	// "falling behind" is among the application's diagnoses when it is.
	const pace =
		rollUp.timeToCatchUpMillis === undefined
			? undefined
			: `catch up in ${formatDuration(rollUp.timeToCatchUpMillis)}`;
	const title = `${name} (KCL ${application.kclVersion}) on ${stream}: ${shards.length} shards, by ${order}`;
	const summary = [
		`max lag ${formatLag(rollUp.maxLagMillis)}${rollUp.shardId ? ` on ${shortShardId(rollUp.shardId)}` : ''}`,
		rollUp.trend === 'unknown' ? undefined : rollUp.trend,
		pace,
		...application.diagnoses,
	]
		.filter(Boolean)
		.join(' · ');
	const workers =
		application.workers.length === 0
			? 'workers: none holds a lease'
			: `workers: ${application.workers.map((worker) => `${worker.owner} ${worker.leases}`).join(' · ')}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={state.error} width={width} />
			<Text color={application.diagnoses.length > 0 ? theme.warning : undefined}>
				{truncate(summary, width)}
			</Text>
			<Text color={theme.muted}>{truncate(workers, width)}</Text>
			<Text bold color={theme.muted}>
				{truncate(shardHeader(), width)}
			</Text>
			{shards.slice(selection.start, selection.end).map((shard, offset) => {
				const isSelected = selection.start + offset === selection.index;
				return (
					<Text
						key={shard.shardId}
						inverse={isSelected}
						bold={isSelected}
						color={shard.diagnoses.length > 0 ? theme.warning : undefined}
					>
						{isSelected ? '› ' : '  '}
						{shardLine(shard, width)}
					</Text>
				);
			})}
		</Box>
	);
}

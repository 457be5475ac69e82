/**
 * The Consumers screen's rows as plain text cells, fitted to the terminal's width: a row per consumer
 * (KCL application, enhanced fan-out consumer, Lambda mapping) with its lag, a trend sparkline and its
 * status; and a consumer's per-shard rows (owner, checkpoint, lag, renewals, diagnosis), sortable by lag.
 */
import type {ConsumersSnapshot, ShardLag} from '../consumers/consumer-lag.js';
import {formatDuration} from '../consumers/durations.js';
import {cell, formatLag, sparkline} from './format.js';
import {shortShardId} from './shard-rows.js';

export type ConsumerRow = {
	/** `kcl:NAME`, `efo:NAME`, `lambda:UUID`: unique across kinds. */
	id: string;
	name: string;
	type: 'KCL' | 'EFO' | 'LAMBDA';
	lagMillis?: number;
	history: number[];
	status: string;
	/** Something is wrong: a diagnosis, a failed mapping. */
	alarm: boolean;
};

export function consumerRows(snapshot: ConsumersSnapshot): ConsumerRow[] {
	return [
		...snapshot.applications.map((app): ConsumerRow => {
			const catchUp =
				app.rollUp.timeToCatchUpMillis === undefined
					? undefined
					: `catch up in ${formatDuration(app.rollUp.timeToCatchUpMillis)}`;
			const workers = `${app.workers.length} worker${app.workers.length === 1 ? '' : 's'}`;
			return {
				id: `kcl:${app.name}`,
				name: app.name,
				type: 'KCL',
				lagMillis: app.rollUp.maxLagMillis,
				history: app.rollUp.history,
				status: [workers, catchUp, ...app.diagnoses].filter(Boolean).join(' · '),
				alarm: app.diagnoses.length > 0 || app.rollUp.fallingBehind,
			};
		}),
		...snapshot.efo.map((consumer): ConsumerRow => ({
			id: `efo:${consumer.name}`,
			name: consumer.name,
			type: 'EFO',
			lagMillis: consumer.lagMillis,
			history: consumer.history,
			status: [consumer.status, ...consumer.diagnoses].join(' · '),
			alarm: consumer.diagnoses.length > 0,
		})),
		...snapshot.lambdas.map((lambda): ConsumerRow => ({
			id: `lambda:${lambda.mapping.UUID}`,
			name: lambda.name,
			type: 'LAMBDA',
			lagMillis: lambda.iteratorAgeMillis,
			history: lambda.history,
			status: [lambda.mapping.State, ...lambda.diagnoses].join(' · '),
			alarm: lambda.diagnoses.length > 0,
		})),
	];
}

const TYPE_WIDTH = 7;
const LAG_WIDTH = 7;
const TREND_WIDTH = 10;

/** The list's column widths: the name takes a quarter of the width (12–28), the status the rest. */
export function consumerColumns(width: number) {
	const name = Math.max(12, Math.min(28, Math.floor(width / 4)));
	const status = Math.max(8, width - 2 - name - TYPE_WIDTH - LAG_WIDTH - TREND_WIDTH - 4);
	return {name, status};
}

export function consumerHeader(width: number) {
	const columns = consumerColumns(width);
	return (
		'  ' +
		[
			cell('CONSUMER', columns.name),
			cell('TYPE', TYPE_WIDTH),
			cell('LAG', LAG_WIDTH, 'right'),
			cell('TREND', TREND_WIDTH),
			'STATUS',
		].join(' ')
	);
}

export function consumerLine(row: ConsumerRow, width: number) {
	const columns = consumerColumns(width);
	return [
		cell(row.name, columns.name),
		cell(row.type, TYPE_WIDTH),
		cell(formatLag(row.lagMillis), LAG_WIDTH, 'right'),
		row.history.length > 0 ? sparkline(row.history, TREND_WIDTH) : ' '.repeat(TREND_WIDTH),
		cell(row.status, columns.status),
	].join(' ');
}

export type ShardOrder = 'shard' | 'lag';

/** The shards by id, or the most behind first (unmeasured last). */
export function sortShards(shards: readonly ShardLag[], order: ShardOrder) {
	if (order === 'shard') return [...shards];
	return [...shards].sort(
		(a, b) => (b.lagMillis ?? -1) - (a.lagMillis ?? -1) || a.shardId.localeCompare(b.shardId),
	);
}

const SHARD_WIDTH = 6;
const OWNER_WIDTH = 12;
const CHECKPOINT_WIDTH = 12;
const RENEW_WIDTH = 8;

/** A checkpoint in 12 columns: a sentinel as it is, a sequence number by its last digits. */
export const checkpointCell = (checkpoint: string) =>
	/^\d+$/.test(checkpoint) && checkpoint.length > CHECKPOINT_WIDTH
		? `…${checkpoint.slice(-(CHECKPOINT_WIDTH - 1))}`
		: checkpoint;

const diagnosisWidth = (width: number) =>
	Math.max(
		8,
		width - 2 - SHARD_WIDTH - OWNER_WIDTH - CHECKPOINT_WIDTH - LAG_WIDTH - RENEW_WIDTH - 5,
	);

export function shardHeader() {
	return (
		'  ' +
		[
			cell('SHARD', SHARD_WIDTH),
			cell('OWNER', OWNER_WIDTH),
			cell('CHECKPOINT', CHECKPOINT_WIDTH),
			cell('LAG', LAG_WIDTH, 'right'),
			cell('RENEW/M', RENEW_WIDTH, 'right'),
			'DIAGNOSIS',
		].join(' ')
	);
}

export function shardLine(shard: ShardLag, width: number) {
	return [
		cell(shortShardId(shard.shardId), SHARD_WIDTH),
		cell(shard.owner ?? '-', OWNER_WIDTH),
		cell(checkpointCell(shard.checkpoint), CHECKPOINT_WIDTH),
		cell(formatLag(shard.lagMillis), LAG_WIDTH, 'right'),
		cell(
			shard.renewalsPerMinute === undefined ? '-' : shard.renewalsPerMinute.toFixed(1),
			RENEW_WIDTH,
			'right',
		),
		cell(shard.diagnoses.join('; '), diagnosisWidth(width)),
	].join(' ');
}

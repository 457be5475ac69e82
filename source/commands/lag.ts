/**
 * `kinesis-top lag STREAM [--kcl-table NAME[,NAME…]] [--sample DURATION] [--json]`: every consumer of the
 * stream and how far behind it is — KCL applications per shard (owner, checkpoint, lag measured at the
 * checkpoint, lease renewals, diagnoses) with a roll-up per application, enhanced fan-out consumers and
 * Lambda mappings with their CloudWatch lag. The leases are read twice, `--sample` apart (default 10s):
 * one reading cannot tell a renewed lease from a dead one, nor a catching-up application from one
 * falling behind. `--json`: one NDJSON row per consumer and shard (see lag-rows.ts and the readme);
 * what could not be read is said on stderr. With `--reset-checkpoint` or `--release-lease` it repairs one
 * lease instead (lease-repair.ts).
 */
import {ConsumerLag} from '../consumers/consumer-lag.js';
import {formatDuration} from '../consumers/durations.js';
import {lagRows, type LagRow} from '../consumers/lag-rows.js';
import {parseAgeThreshold} from '../monitor/iterator-age-alert.js';
import {sleep} from '../sleep.js';
import {UsageError, type Command} from './command.js';
import {leaseRepairAction, repairRequest} from './lease-repair.js';
import {formatTable} from './table.js';

const DEFAULT_SAMPLE_MS = 10_000;
/** One read per leased shard and refresh: a one-off command measures every shard, twice. */
const PROBES_PER_REFRESH = 10_000;

function parseSample(text: string) {
	if (/^0+(ms|s|m)?$/.test(text.trim())) return 0;
	const milliseconds = parseAgeThreshold(text);
	if (milliseconds === undefined || milliseconds > 600_000) {
		throw new UsageError(
			`--sample must be 0 or a duration up to 10m such as 5s, 10s or 1m, not "${text}"`,
		);
	}

	return milliseconds;
}

/** A sequence number's last digits: enough to tell checkpoints apart in a table. */
const shortCheckpoint = (checkpoint: string) =>
	/^\d{13,}$/.test(checkpoint) ? `…${checkpoint.slice(-10)}` : checkpoint;

const duration = (value: unknown) => (typeof value === 'number' ? formatDuration(value) : '-');

function textRow(row: LagRow): string[] {
	const words = row.diagnoses.join('; ');
	if (row.type === 'KCL' && row.shardId !== null) {
		return [
			row.consumer,
			'KCL',
			row.shardId,
			typeof row.owner === 'string' ? row.owner : '-',
			shortCheckpoint(String(row.checkpoint)),
			duration(row.lagMillis),
			typeof row.renewalsPerMinute === 'number' ? `${row.renewalsPerMinute.toFixed(1)}/min` : '-',
			words,
		];
	}

	if (row.type === 'KCL') {
		// "falling behind" is among the application's diagnoses when it is.
		const catchUp =
			typeof row.timeToCatchUpMillis === 'number'
				? `catch up in ${formatDuration(row.timeToCatchUpMillis)}`
				: '';
		const summary = [
			`${String(row.kclVersion)}, max on ${String(row.maxLagShardId ?? '-')}`,
			catchUp,
		]
			.filter(Boolean)
			.join(', ');
		return [
			row.consumer,
			'KCL',
			'(all)',
			'',
			'',
			duration(row.lagMillis),
			'',
			[summary, words].filter(Boolean).join('; '),
		];
	}

	const status = row.type === 'EFO' ? String(row.status) : String(row.state);
	return [
		row.consumer,
		row.type,
		'-',
		'',
		'',
		duration(row.lagMillis),
		'',
		[status, words].filter(Boolean).join('; '),
	];
}

export const lagCommand: Command = {
	name: 'lag',
	arguments: ['STREAM'],
	flags: ['kclTable', 'sample', 'resetCheckpoint', 'releaseLease', 'yes'],
	prepare([stream], flags) {
		const sampleMs = flags.sample === undefined ? DEFAULT_SAMPLE_MS : parseSample(flags.sample);
		const kclTables = (flags.kclTable ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean);
		const repair = repairRequest(flags, kclTables);
		if (repair) return leaseRepairAction(stream, repair);
		return async ({driver, out, io, json, signal}) => {
			const model = new ConsumerLag(driver, stream, {
				kclTables,
				maxProbesPerRefresh: PROBES_PER_REFRESH,
			});
			let snapshot = await model.refresh(signal);
			if (sampleMs > 0) {
				await sleep(sampleMs, signal);
				snapshot = await model.refresh(signal);
			}

			for (const note of snapshot.notes) io.stderr.write(`note: ${note}\n`);
			const rows = lagRows(snapshot);
			if (json) {
				for (const row of rows) await out.line(row);
				return;
			}

			if (rows.length === 0) {
				await out.write(`No consumers of ${stream} found.\n`);
				return;
			}

			await out.write(
				formatTable(
					['CONSUMER', 'TYPE', 'SHARD', 'OWNER', 'CHECKPOINT', 'LAG', 'RENEWALS', 'DIAGNOSIS'],
					rows.map((row) => textRow(row)),
				),
			);
		};
	},
};

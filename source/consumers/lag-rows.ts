/**
 * A consumers snapshot as rows: one per consumer and shard — `kinesis-top lag`'s NDJSON lines and table
 * rows. KCL applications give a row per shard (`shardId` set) and a roll-up row (`shardId: null`);
 * enhanced fan-out consumers and Lambda mappings one row each (`shardId: null`). Durations are in
 * milliseconds; absent figures are null (not measured yet, or not published).
 */
import type {ConsumersSnapshot} from './consumer-lag.js';

export type LagRow = {
	type: 'KCL' | 'EFO' | 'LAMBDA';
	consumer: string;
	shardId: string | null;
	lagMillis: number | null;
	diagnoses: string[];
} & Record<string, unknown>;

const orNull = <T>(value: T | undefined) => (value === undefined ? null : value);

export function lagRows(snapshot: ConsumersSnapshot): LagRow[] {
	const rows: LagRow[] = [];
	for (const application of snapshot.applications) {
		for (const shard of application.shards) {
			rows.push({
				type: 'KCL',
				consumer: application.name,
				shardId: shard.shardId,
				owner: orNull(shard.owner),
				checkpoint: shard.checkpoint,
				subSequenceNumber: shard.subSequenceNumber,
				lagMillis: orNull(shard.lagMillis),
				millisBehindLatest: orNull(shard.millisBehindLatest),
				measuredAt:
					shard.measuredAt === undefined ? null : new Date(shard.measuredAt).toISOString(),
				leaseCounter: shard.leaseCounter,
				renewalsPerMinute: orNull(shard.renewalsPerMinute),
				notRenewedForMillis: orNull(shard.notRenewedForMillis),
				ownerChanges: shard.ownerChanges,
				parentShardIds: shard.parentShardIds,
				childShardIds: shard.childShardIds,
				diagnoses: shard.diagnoses,
			});
		}

		const {rollUp} = application;
		rows.push({
			type: 'KCL',
			consumer: application.name,
			shardId: null,
			table: application.table,
			kclVersion: application.kclVersion,
			multiStream: application.multiStream,
			match: application.match,
			workers: application.workers,
			lagMillis: orNull(rollUp.maxLagMillis),
			maxLagShardId: orNull(rollUp.shardId),
			trend: rollUp.trend,
			writeRecordsPerSecond: orNull(rollUp.writeRecordsPerSecond),
			readRecordsPerSecond: orNull(rollUp.readRecordsPerSecond),
			progressRate: orNull(rollUp.progressRate),
			timeToCatchUpMillis: orNull(rollUp.timeToCatchUpMillis),
			fallingBehind: rollUp.fallingBehind,
			diagnoses: application.diagnoses,
		});
	}

	for (const consumer of snapshot.efo) {
		rows.push({
			type: 'EFO',
			consumer: consumer.name,
			shardId: null,
			consumerArn: consumer.arn,
			status: consumer.status,
			lagMillis: orNull(consumer.lagMillis),
			rateExceeded: orNull(consumer.rateExceeded),
			diagnoses: consumer.diagnoses,
		});
	}

	for (const lambda of snapshot.lambdas) {
		const {mapping} = lambda;
		rows.push({
			type: 'LAMBDA',
			consumer: lambda.name,
			shardId: null,
			uuid: mapping.UUID,
			state: mapping.State,
			functionArn: mapping.FunctionArn,
			batchSize: orNull(mapping.BatchSize),
			parallelizationFactor: orNull(mapping.ParallelizationFactor),
			startingPosition: orNull(mapping.StartingPosition),
			bisectBatchOnFunctionError: orNull(mapping.BisectBatchOnFunctionError),
			maximumRecordAgeInSeconds: orNull(mapping.MaximumRecordAgeInSeconds),
			maximumRetryAttempts: orNull(mapping.MaximumRetryAttempts),
			lastProcessingResult: orNull(mapping.LastProcessingResult),
			onFailureDestination: orNull(mapping.OnFailureDestination),
			lagMillis: orNull(lambda.iteratorAgeMillis),
			errors: orNull(lambda.errors),
			throttles: orNull(lambda.throttles),
			diagnoses: lambda.diagnoses,
		});
	}

	return rows;
}

/** Runs a query over fixed batches of records with a manual clock, collecting rows and warnings. */
import type {KinesisRecord} from '../../source/driver/driver.js';
import {ManualClock} from '../../source/engine/clock.js';
import {
	QueryExecutor,
	type ExecutorOptions,
	type QueryRow,
	type QueryWarning,
} from '../../source/query/executor.js';
import {planQuery} from '../../source/query/plan.js';
import {T0} from './records.js';

export function executor(sql: string, options: ExecutorOptions = {}) {
	const clock = new ManualClock(T0);
	const executor = new QueryExecutor(planQuery(sql, {now: () => clock.now()}), {
		now: () => clock.now(),
		...options,
	});
	const rows: QueryRow[] = [];
	const warnings: QueryWarning[] = [];
	executor.onRow((row) => rows.push(row));
	executor.onWarning((warning) => warnings.push(warning));
	/** The rows emitted since the last call, as their values. */
	const take = () => rows.splice(0).map((row) => row.values);
	return {clock, executor, rows, warnings, take};
}

/** Every row of `sql` over `records` (one shard, one batch), the open windows flushed at the end. */
export function runQuery(sql: string, records: KinesisRecord[]) {
	const run = executor(sql);
	run.executor.push('shardId-000000000000', records);
	run.executor.flush();
	return run.take();
}

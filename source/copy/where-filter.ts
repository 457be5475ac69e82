/**
 * `--where EXPR`: the query engine's expression language over a copied record — `partition_key`,
 * `sequence_number`, `shard_id`, `arrival_ts`, `size`, and the payload as `data.field` — compiled once
 * by the query planner itself (as the WHERE of `SELECT * FROM source WHERE EXPR`), so a filter means
 * exactly what it means in `kinesis-top query`.
 */
import {planQuery} from '../query/plan.js';
import {QueryError} from '../query/query-error.js';
import {RecordRow} from '../query/record-row.js';
import {toBoolean} from '../query/values.js';
import type {CopyRecord} from './copy-record.js';

const PREFIX = 'SELECT * FROM source WHERE ';

/** A predicate over records; throws a QueryError (its position within `expression`) when it is wrong. */
export function compileWhere(expression: string): (record: CopyRecord) => boolean {
	let where;
	try {
		where = planQuery(PREFIX + expression).where;
	} catch (error) {
		if (error instanceof QueryError) {
			throw new QueryError(error.reason, {
				line: error.line,
				column: error.line === 1 ? Math.max(1, error.column - PREFIX.length) : error.column,
				start: Math.max(0, error.start - PREFIX.length),
				end: Math.max(0, error.end - PREFIX.length),
				expected: error.expected,
				// The reason already ends with the suggestion.
			});
		}

		throw error;
	}

	if (!where) return () => true;
	const row = new RecordRow();
	const now = Date.now();
	return (record) => {
		row.setRecord(
			record.partition,
			{
				PartitionKey: record.partitionKey,
				SequenceNumber: record.position,
				ApproximateArrivalTimestamp: record.arrival ?? new Date(now),
				Data: record.data,
			},
			now,
		);
		return toBoolean(where(row)) === true;
	};
}

/** The columns every record has, and the window columns an aggregate's rows have. */
import type {ValueType} from './values.js';

export type ColumnName =
	'partition_key' | 'sequence_number' | 'shard_id' | 'arrival_ts' | 'proc_ts' | 'data' | 'size';

export type ColumnInfo = {name: ColumnName; type: ValueType; description: string};

export const RECORD_COLUMNS: readonly ColumnInfo[] = [
	{name: 'partition_key', type: 'string', description: 'the partition key'},
	{name: 'sequence_number', type: 'string', description: 'the sequence number'},
	{name: 'shard_id', type: 'string', description: 'the shard the record was read from'},
	{name: 'arrival_ts', type: 'timestamp', description: 'ApproximateArrivalTimestamp'},
	{name: 'proc_ts', type: 'timestamp', description: 'when kinesis-top read it (ROWTIME)'},
	{name: 'data', type: 'json', description: 'the decoded payload: JSON, else text'},
	{name: 'size', type: 'number', description: 'the payload size in bytes'},
];

/** Other names for columns: KDA's ROWTIME (processing time). */
const ALIASES: Record<string, ColumnName> = {rowtime: 'proc_ts'};

export function recordColumn(name: string): ColumnInfo | undefined {
	const lower = name.toLowerCase();
	const resolved = ALIASES[lower] ?? lower;
	return RECORD_COLUMNS.find((column) => column.name === resolved);
}

export const WINDOW_COLUMNS = ['window_start', 'window_end'] as const;
export type WindowColumn = (typeof WINDOW_COLUMNS)[number];

/** window_start / window_end, and ksqlDB's WINDOWSTART / WINDOWEND. */
export function windowColumn(name: string): WindowColumn | undefined {
	switch (name.toLowerCase()) {
		case 'window_start':
		case 'windowstart': {
			return 'window_start';
		}

		case 'window_end':
		case 'windowend': {
			return 'window_end';
		}

		default: {
			return undefined;
		}
	}
}

/** Every name completion and "did you mean" offer for a column. */
export const COLUMN_NAMES: readonly string[] = [
	...RECORD_COLUMNS.map((column) => column.name),
	'rowtime',
	...WINDOW_COLUMNS,
];

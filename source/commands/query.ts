/**
 * `kinesis-top query STREAM "SQL"`: a windowed SQL query over the stream, its rows as NDJSON
 * (`{window_start, window_end, …columns}`) as windows emit. The SQL is parsed and planned before any
 * backend is opened, so a mistake is a usage error pointing at its line and column. Warnings (late
 * records, windows closed early by the caps, estimates) go to stderr.
 */
import {formatQueryError, QueryError} from '../query/query-error.js';
import {planQuery, type QueryPlan} from '../query/plan.js';
import {QuerySession} from '../query/query-session.js';
import {parseTailStart, TAIL_START_SYNTAX} from '../tail/tail-start.js';
import {UsageError, type Command} from './command.js';

function plan(stream: string, sql: string): QueryPlan {
	let planned: QueryPlan;
	try {
		planned = planQuery(sql);
	} catch (error) {
		if (error instanceof QueryError)
			throw new UsageError(`in the query, ${formatQueryError(sql, error)}`);
		throw error;
	}

	if (planned.stream !== stream) {
		throw new UsageError(
			`the query reads FROM ${planned.stream}, but the stream named is ${stream}: they must be the same`,
		);
	}

	return planned;
}

export const queryCommand: Command = {
	name: 'query',
	arguments: ['STREAM', 'SQL'],
	follows: (flags) => flags.follow,
	flags: ['shard', 'from', 'follow'],
	prepare([stream, sql], flags) {
		const from = flags.from === undefined ? {type: 'LATEST' as const} : parseTailStart(flags.from);
		if (!from) throw new UsageError(`--from must be ${TAIL_START_SYNTAX}, not "${flags.from}"`);
		const planned = plan(stream, sql);
		return async ({driver, out, io, signal}) => {
			let pending = '';
			let writing: Promise<void> | undefined;
			const writeAll = async () => {
				while (pending !== '') {
					const text = pending;
					pending = '';
					await out.write(text);
				}

				writing = undefined;
			};

			/** Writes what is pending; rows also come from the clock tick, between batches. */
			const drain = (): Promise<void> => {
				if (writing) return writing;
				if (pending === '') return Promise.resolve();
				writing = writeAll();
				return writing;
			};

			const session = new QuerySession(
				driver,
				planned,
				{from, shardId: flags.shard, follow: flags.follow, afterBatch: drain},
				signal,
			);
			session.executor.onRow((row) => {
				pending += JSON.stringify(row.values) + '\n';
				void drain();
			});
			session.executor.onWarning((warning) => io.stderr.write(`warning: ${warning.message}\n`));
			const end = await session.run();
			await drain();
			if (end.reason === 'error') throw end.error;
		};
	},
};

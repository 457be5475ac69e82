/**
 * `kinesis-top tail STREAM`: the stream's records as NDJSON, one per line, from a {@link TailSession}
 * (which does the reading, resharding and pacing); this only formats.
 */
import {TailSession, type TailOptions} from '../tail/tail-session.js';
import {tailLine} from '../tail/tail-line.js';
import {parseTailStart, TAIL_START_SYNTAX} from '../tail/tail-start.js';
import {parseTailStop, TAIL_STOP_SYNTAX} from '../tail/tail-stop.js';
import {parseCount, UsageError, type Command} from './command.js';

export const tailCommand: Command = {
	name: 'tail',
	arguments: ['STREAM'],
	follows: (flags) => flags.follow,
	flags: ['shard', 'from', 'to', 'follow', 'limit'],
	prepare([stream], flags) {
		const from = flags.from === undefined ? {type: 'LATEST' as const} : parseTailStart(flags.from);
		if (!from) throw new UsageError(`--from must be ${TAIL_START_SYNTAX}, not "${flags.from}"`);
		const to = flags.to === undefined ? undefined : parseTailStop(flags.to);
		if (flags.to !== undefined && !to) {
			throw new UsageError(`--to must be ${TAIL_STOP_SYNTAX}, not "${flags.to}"`);
		}

		const options: TailOptions = {
			from,
			to,
			shardId: flags.shard,
			follow: flags.follow,
			limit: flags.limit === undefined ? undefined : parseCount(flags.limit, '--limit'),
		};
		return async ({driver, out, signal}) => {
			const session = new TailSession(driver, stream, options, signal);
			for await (const batch of session) {
				let text = '';
				for (const record of batch.records) text += tailLine(batch.shardId, record) + '\n';
				await out.write(text);
			}
		};
	},
};

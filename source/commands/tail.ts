/**
 * `kinesis-top tail STREAM`: the stream's records as NDJSON, one per line, from a {@link TailSession}
 * (which does the reading, resharding and pacing); this only formats.
 */
import {TailSession, type TailOptions} from '../tail/tail-session.js';
import {tailLine} from '../tail/tail-line.js';
import {parseTailStart, TAIL_START_SYNTAX} from '../tail/tail-start.js';
import {parseCount, UsageError, type Command} from './command.js';

export const tailCommand: Command = {
	name: 'tail',
	arguments: ['STREAM'],
	follows: (flags) => flags.follow,
	flags: ['shard', 'from', 'follow', 'limit'],
	prepare([stream], flags) {
		const from = flags.from === undefined ? {type: 'LATEST' as const} : parseTailStart(flags.from);
		if (!from) throw new UsageError(`--from must be ${TAIL_START_SYNTAX}, not "${flags.from}"`);
		const options: TailOptions = {
			from,
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

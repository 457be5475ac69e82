/** `kinesis-top scale STREAM --shards N`: UpdateShardCount with uniform scaling. */
import {parseCount, UsageError, type Command} from './command.js';
import {isOpen} from './stream-text.js';

export const scaleCommand: Command = {
	name: 'scale',
	arguments: ['STREAM'],
	flags: ['shards'],
	prepare([stream], flags) {
		if (flags.shards === undefined) throw new UsageError('scale needs --shards N');
		const target = parseCount(flags.shards, '--shards');
		return async ({driver, out, json, signal}) => {
			const before = (await driver.describeStream(stream, signal)).Shards.filter(isOpen).length;
			await driver.updateShardCount(stream, target, signal);
			const after = await driver.describeStream(stream, signal);
			if (json) {
				await out.json(after);
			} else {
				const open = after.Shards.filter(isOpen).length;
				await out.write(
					after.StreamStatus === 'ACTIVE'
						? `scaled ${stream} from ${before} to ${open} open shards\n`
						: `scaling ${stream} from ${before} to ${target} open shards (the stream is ${after.StreamStatus})\n`,
				);
			}
		};
	},
};

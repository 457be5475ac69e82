/** `kinesis-top create STREAM --shards N | --on-demand`. */
import type {CreateStreamOptions} from '../driver/driver.js';
import {parseCount, UsageError, type Command} from './command.js';

export const createCommand: Command = {
	name: 'create',
	arguments: ['STREAM'],
	flags: ['shards', 'onDemand'],
	prepare([stream], flags) {
		if ((flags.shards === undefined) === !flags.onDemand) {
			throw new UsageError('create needs either --shards N or --on-demand');
		}

		const options: CreateStreamOptions = flags.onDemand
			? {mode: 'ON_DEMAND'}
			: {mode: 'PROVISIONED', shardCount: parseCount(flags.shards!, '--shards')};
		return async ({driver, out, json, signal}) => {
			await driver.createStream(stream, options, signal);
			if (json) {
				await out.json(await driver.describeStream(stream, signal));
			} else {
				const shape =
					options.mode === 'ON_DEMAND'
						? 'on-demand'
						: `${options.shardCount} shard${options.shardCount === 1 ? '' : 's'}`;
				await out.write(`created stream ${stream} (${shape})\n`);
			}
		};
	},
};

/** `kinesis-top describe STREAM`: the stream and every shard, open and closed, with lineage and hash ranges. */
import type {Command} from './command.js';
import {describeStreamText} from './stream-text.js';

export const describeCommand: Command = {
	name: 'describe',
	arguments: ['STREAM'],
	flags: [],
	prepare:
		([stream]) =>
		async ({driver, out, json, signal}) => {
			const description = await driver.describeStream(stream, signal);
			await (json ? out.json(description) : out.write(describeStreamText(description)));
		},
};

/** `kinesis-top delete STREAM`: the stream and all its records. */
import type {Command} from './command.js';

export const deleteCommand: Command = {
	name: 'delete',
	arguments: ['STREAM'],
	flags: [],
	prepare:
		([stream]) =>
		async ({driver, out, json, signal}) => {
			await driver.deleteStream(stream, signal);
			if (!json) await out.write(`deleted stream ${stream}\n`);
		},
};

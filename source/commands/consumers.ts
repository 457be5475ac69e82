/**
 * `kinesis-top consumers STREAM [--json]`: the stream's registered enhanced fan-out consumers with their
 * status (ListStreamConsumers) — what the console's metrics screen lists. `--json` prints AWS's
 * `Consumer` objects, the timestamp in ISO 8601.
 */
import type {Command} from './command.js';
import {formatTable} from './table.js';

export const consumersCommand: Command = {
	name: 'consumers',
	arguments: ['STREAM'],
	flags: [],
	prepare:
		([stream]) =>
		async ({driver, out, json, signal}) => {
			const consumers = await driver.listStreamConsumers(stream, signal);
			if (json) {
				await out.json(consumers);
			} else if (consumers.length === 0) {
				await out.write(`No enhanced fan-out consumers registered on ${stream}.\n`);
			} else {
				await out.write(
					formatTable(
						['NAME', 'STATUS', 'CREATED', 'ARN'],
						consumers.map((consumer) => [
							consumer.ConsumerName,
							consumer.ConsumerStatus,
							consumer.ConsumerCreationTimestamp.toISOString(),
							consumer.ConsumerARN,
						]),
					),
				);
			}
		},
};

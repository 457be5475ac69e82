/** `kinesis-top streams`: every stream with its status, mode and open shards. */
import {DriverError, type Driver, type StreamDescriptionSummary} from '../driver/driver.js';
import type {Command} from './command.js';
import {formatTable} from './table.js';

/** DescribeStreamSummary calls in flight at once (AWS allows 20 a second per account). */
const CONCURRENCY = 4;

export const streamsCommand: Command = {
	name: 'streams',
	arguments: [],
	flags: [],
	prepare:
		() =>
		async ({driver, out, json, signal}) => {
			const summaries = await describeAll(driver, await driver.listStreams(signal), signal);
			if (json) {
				await out.json(summaries);
			} else if (summaries.length === 0) {
				await out.write('No streams. Create one with: kinesis-top create NAME --shards 1\n');
			} else {
				await out.write(
					formatTable(
						['NAME', 'STATUS', 'MODE', 'OPEN SHARDS', 'RETENTION', 'CREATED'],
						summaries.map((summary) => [
							summary.StreamName,
							summary.StreamStatus,
							summary.StreamModeDetails.StreamMode,
							String(summary.OpenShardCount),
							`${summary.RetentionPeriodHours} h`,
							summary.StreamCreationTimestamp.toISOString(),
						]),
					),
				);
			}
		},
};

/** The summaries of `names`, in order; streams deleted meanwhile are left out. */
async function describeAll(driver: Driver, names: string[], signal: AbortSignal) {
	const summaries: Array<StreamDescriptionSummary | undefined> = new Array(names.length);
	let next = 0;
	const worker = async () => {
		while (next < names.length) {
			const index = next++;
			try {
				summaries[index] = await driver.describeStreamSummary(names[index], signal);
			} catch (error) {
				if (!(error instanceof DriverError && error.code === 'ResourceNotFoundException')) {
					throw error;
				}
			}
		}
	};

	await Promise.all(Array.from({length: Math.min(CONCURRENCY, names.length)}, worker));
	return summaries.filter((summary) => summary !== undefined);
}

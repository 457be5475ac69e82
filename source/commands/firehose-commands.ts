/**
 * `kinesis-top firehose list | describe NAME | put NAME`: Firehose delivery streams, with the same
 * conventions as the stream commands (text for people, `--json` for programs, AWS's shapes).
 */
import {createInterface} from 'node:readline';
import type {FirehoseRecord, PutRecordBatchResponseEntry} from '../driver/driver.js';
import {
	MAX_FIREHOSE_BATCH_BYTES,
	MAX_FIREHOSE_BATCH_RECORDS,
	MAX_FIREHOSE_RECORD_BYTES,
	putRecordBatchReliably,
} from '../put/put-record-batch-reliably.js';
import {BatchPipeline} from './batch-pipeline.js';
import type {Command, CommandContext} from './command.js';
import {describeDeliveryStreamText, formatBytes} from './firehose-text.js';

export const firehoseListCommand: Command = {
	name: 'firehose list',
	arguments: [],
	flags: [],
	prepare:
		() =>
		async ({driver, out, json, signal}) => {
			const names = await driver.listDeliveryStreams(signal);
			if (json) await out.json(names);
			else await out.write(names.map((name) => `${name}\n`).join(''));
		},
};

export const firehoseDescribeCommand: Command = {
	name: 'firehose describe',
	arguments: ['NAME'],
	flags: [],
	prepare:
		([name]) =>
		async ({driver, out, json, signal}) => {
			const detail = await driver.describeDeliveryStream(name, signal);
			await (json ? out.json(detail) : out.write(describeDeliveryStreamText(detail)));
		},
};

type Failure = {ErrorCode: string; ErrorMessage: string};
/** One input record: what to send, or why it cannot be sent. */
type Item =
	| {record: FirehoseRecord; line: number; failure?: undefined}
	| {record?: undefined; line: number; failure: Failure};

const PUT_RECORD_BATCH = {
	maxRecords: MAX_FIREHOSE_BATCH_RECORDS,
	maxBytes: MAX_FIREHOSE_BATCH_BYTES,
	sizeOf: (item: Item) => item.record?.Data.length ?? 0,
};

export const firehosePutCommand: Command = {
	name: 'firehose put',
	arguments: ['NAME'],
	flags: ['data'],
	prepare:
		([name], flags) =>
		(context) =>
			put(context, name, flags.data),
};

/**
 * One record from `--data`, or one per stdin line (blank lines skipped; the line end is not part of the
 * record, as with `put`), in PutRecordBatch calls of ≤ 500 records and ≤ 4 MiB; throttled records are
 * retried until accepted. Prints a summary (and each failure), or with --json one NDJSON result per
 * record in input order: `{"RecordId"}` or `{"ErrorCode","ErrorMessage"}`.
 */
async function put(context: CommandContext, name: string, data: string | undefined) {
	const {driver, out, io, json, signal} = context;
	let total = 0;
	let failed = 0;
	let bytes = 0;
	const pipeline = new BatchPipeline<Item>(async (items) => {
		const records = items.flatMap((item) => (item.record ? [item.record] : []));
		const results =
			records.length > 0 ? await putRecordBatchReliably(driver, name, records, {signal}) : [];
		let next = 0;
		let text = '';
		for (const item of items) {
			const result: PutRecordBatchResponseEntry | Failure = item.record
				? results[next++]
				: item.failure;
			total++;
			if (result.ErrorCode === undefined) {
				bytes += item.record!.Data.length;
				if (json) text += JSON.stringify({RecordId: result.RecordId}) + '\n';
			} else {
				failed++;
				const failure = {ErrorCode: result.ErrorCode, ErrorMessage: result.ErrorMessage ?? ''};
				// Input problems name their line already; the backend's answers do not.
				const where = item.failure ? '' : `line ${item.line}: `;
				text += json
					? JSON.stringify(failure) + '\n'
					: `${where}${failure.ErrorCode}: ${failure.ErrorMessage}\n`;
			}
		}

		await out.write(text);
	}, PUT_RECORD_BATCH);

	if (data === undefined) {
		if ((io.stdin as {isTTY?: boolean}).isTTY) {
			io.stderr.write('Reading records from stdin, one per line; end with Ctrl-D.\n');
		}

		const lines = createInterface({input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY});
		const stop = () => lines.close();
		signal.addEventListener('abort', stop, {once: true});
		pipeline.onFailure = stop;
		try {
			let lineNumber = 0;
			for await (const line of lines) {
				lineNumber++;
				if (line.trim() === '') continue;
				await pipeline.add(toItem(line, lineNumber));
			}
		} finally {
			signal.removeEventListener('abort', stop);
			lines.close();
		}
	} else {
		await pipeline.add(toItem(data, 1));
	}

	await pipeline.finish();
	signal.throwIfAborted();
	const put = total - failed;
	if (!json) {
		await out.write(
			`Put ${put} record${put === 1 ? '' : 's'} (${formatBytes(bytes)}) to ${name}` +
				(failed > 0 ? `; ${failed} failed.\n` : '.\n'),
		);
	}

	if (failed > 0) {
		io.stderr.write(
			`error: ${failed} of ${total} record${total === 1 ? ' was' : 's were'} not put (see the ${json ? 'ErrorCode lines' : 'lines above'})\n`,
		);
		return 1;
	}

	return 0;
}

function toItem(text: string, line: number): Item {
	const data = Buffer.from(text, 'utf8');
	if (data.length > MAX_FIREHOSE_RECORD_BYTES) {
		return {
			line,
			failure: {
				ErrorCode: 'InvalidArgumentException',
				ErrorMessage: `line ${line}: the record is ${data.length} bytes, over the 1,000 KiB limit`,
			},
		};
	}

	return {record: {Data: data}, line};
}

/**
 * `kinesis-top put STREAM`: one record from `--data`, or one per stdin line (blank lines skipped),
 * batched into PutRecords calls; throttled entries are retried until accepted. Prints one NDJSON result
 * per record, in input order: `{"ShardId","SequenceNumber"}` or `{"ErrorCode","ErrorMessage"}`.
 */
import {randomUUID} from 'node:crypto';
import {createInterface} from 'node:readline';
import type {PutRecordsRequestEntry} from '../driver/driver.js';
import {
	entrySize,
	MAX_BATCH_BYTES,
	MAX_BATCH_RECORDS,
	MAX_RECORD_BYTES,
	putReliably,
} from '../put/put-reliably.js';
import {BatchPipeline} from './batch-pipeline.js';
import {parseHashKey, UsageError, type Command, type CommandContext} from './command.js';

const MAX_PARTITION_KEY_LENGTH = 256;

type PutPlan = {
	stream: string;
	key?: string;
	keyPath?: string[];
	data?: string;
	explicitHashKey?: string;
};

type Failure = {ErrorCode: string; ErrorMessage: string};

/** PutRecords' limits; an input line that cannot be sent takes no room. */
const PUT_RECORDS_BATCH = {
	maxRecords: MAX_BATCH_RECORDS,
	maxBytes: MAX_BATCH_BYTES,
	sizeOf: (item: Item) => (item.entry ? entrySize(item.entry) : 0),
};
/** One input record: what to send, or why it cannot be sent. */
type Item =
	{entry: PutRecordsRequestEntry; failure?: undefined} | {entry?: undefined; failure: Failure};

export const putCommand: Command = {
	name: 'put',
	arguments: ['STREAM'],
	flags: ['key', 'keyField', 'data', 'explicitHashKey'],
	prepare([stream], flags) {
		if (flags.key !== undefined && flags.keyField !== undefined) {
			throw new UsageError('use either --key or --key-field, not both');
		}

		if (flags.key !== undefined && flags.key.length > MAX_PARTITION_KEY_LENGTH) {
			throw new UsageError(`--key must be 1 to ${MAX_PARTITION_KEY_LENGTH} characters long`);
		}

		const keyPath = flags.keyField?.split('.');
		if (keyPath?.some((part) => part === '')) {
			throw new UsageError(
				`--key-field must be a dotted path such as user.id, not "${flags.keyField}"`,
			);
		}

		const plan: PutPlan = {
			stream,
			key: flags.key,
			keyPath,
			data: flags.data,
			explicitHashKey:
				flags.explicitHashKey === undefined
					? undefined
					: parseHashKey(flags.explicitHashKey, '--explicit-hash-key'),
		};
		return (context) => put(context, plan);
	},
};

async function put(context: CommandContext, plan: PutPlan) {
	const {driver, out, io, signal} = context;
	let total = 0;
	let failed = 0;
	const pipeline = new BatchPipeline<Item>(async (items) => {
		const entries = items.flatMap((item) => (item.entry ? [item.entry] : []));
		const results =
			entries.length > 0 ? await putReliably(driver, plan.stream, entries, {signal}) : [];
		let next = 0;
		let text = '';
		for (const item of items) {
			const result = item.entry ? results[next++] : item.failure;
			total++;
			if (result.ErrorCode === undefined) {
				text += JSON.stringify({ShardId: result.ShardId, SequenceNumber: result.SequenceNumber});
			} else {
				failed++;
				text += JSON.stringify({ErrorCode: result.ErrorCode, ErrorMessage: result.ErrorMessage});
			}

			text += '\n';
		}

		await out.write(text);
	}, PUT_RECORDS_BATCH);

	if (plan.data === undefined) {
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
				await pipeline.add(toItem(plan, line, lineNumber));
			}
		} finally {
			signal.removeEventListener('abort', stop);
			lines.close();
		}
	} else {
		await pipeline.add(toItem(plan, plan.data, 1));
	}

	await pipeline.finish();
	signal.throwIfAborted();
	if (failed > 0) {
		io.stderr.write(
			`error: ${failed} of ${total} record${total === 1 ? ' was' : 's were'} not put (see the ErrorCode lines)\n`,
		);
		return 1;
	}

	return 0;
}

/** The record for one input line: its data, and its key from --key, --key-field or at random. */
function toItem(plan: PutPlan, text: string, lineNumber: number): Item {
	const invalid = (message: string): Item => ({
		failure: {
			ErrorCode: 'InvalidArgumentException',
			ErrorMessage: `line ${lineNumber}: ${message}`,
		},
	});
	let key = plan.key ?? randomUUID();
	if (plan.keyPath) {
		const found = keyAt(text, plan.keyPath);
		if (typeof found !== 'string') return invalid(found.problem);
		key = found;
	}

	if (key.length < 1 || key.length > MAX_PARTITION_KEY_LENGTH) {
		return invalid(`the partition key must be 1 to ${MAX_PARTITION_KEY_LENGTH} characters long`);
	}

	const data = Buffer.from(text, 'utf8');
	if (data.length > MAX_RECORD_BYTES) {
		return invalid(`the record is ${data.length} bytes, over the 1 MiB limit`);
	}

	const entry: PutRecordsRequestEntry = {Data: data, PartitionKey: key};
	if (plan.explicitHashKey !== undefined) entry.ExplicitHashKey = plan.explicitHashKey;
	return {entry};
}

/** The string or number at a dotted path in a JSON line, as a partition key. */
function keyAt(text: string, path: string[]): string | {problem: string} {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {problem: `not JSON, so --key-field ${path.join('.')} has no key to find`};
	}

	for (const part of path) {
		if (value === null || typeof value !== 'object') break;
		value = (value as Record<string, unknown>)[part];
	}

	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return {problem: `no string or number at ${path.join('.')} to use as the partition key`};
}

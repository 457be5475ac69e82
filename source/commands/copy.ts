/**
 * `kinesis-top copy SOURCE DESTINATION`: re-drive records — a stream's range, a saved `tail` file or
 * stdin, or a Firehose archive — into a stream or a delivery stream, with order per partition key kept,
 * throttling ridden out, and a checkpoint to resume from. The copying is the model's ({@link CopyRun});
 * this reads the flags, opens the source, and reports: progress on stderr, a summary at the end, and
 * with --json one NDJSON line per copied record then a summary line.
 */
import {createReadStream} from 'node:fs';
import {join} from 'node:path';
import {Checkpoint} from '../copy/checkpoint.js';
import type {CopySource} from '../copy/copy-record.js';
import {
	describeDestination,
	describeSource,
	isSameEndpoint,
	parseCopyDestination,
	parseCopySource,
	type CopySourceSpec,
} from '../copy/copy-endpoints.js';
import {CopyRun, type CopyProgress, type KeyPolicy} from '../copy/copy-run.js';
import {readFirehoseArchive, type ArchiveStore} from '../copy/firehose-archive.js';
import {readSavedLines} from '../copy/ndjson-source.js';
import {readStreamRange} from '../copy/stream-source.js';
import {compileWhere} from '../copy/where-filter.js';
import {DriverError, type Driver, type IteratorStart} from '../driver/driver.js';
import {LocalDriver} from '../driver/local-driver.js';
import {DirectoryObjectStore} from '../engine/firehose/object-store.js';
import {defaultDataDirectory} from '../engine/log/data-directory.js';
import {QueryError} from '../query/query-error.js';
import {parseTailStart, TAIL_START_SYNTAX} from '../tail/tail-start.js';
import {parseTailStop, TAIL_STOP_SYNTAX, type TailStop} from '../tail/tail-stop.js';
import {
	parseCount,
	parseHashKey,
	UsageError,
	type Command,
	type CommandContext,
} from './command.js';
import type {Flags} from './flags.js';

type CopyOptions = {
	source: CopySourceSpec;
	destination: ReturnType<typeof parseCopyDestination>;
	from: IteratorStart;
	to?: TailStop;
	shardId?: string;
	key: KeyPolicy;
	explicitHashKey?: 'keep' | string;
	where?: ReturnType<typeof compileWhere>;
	ratePerSecond?: number;
	dryRun: boolean;
	checkpointPath?: string;
	/** The backend is the bundled engine over a data directory (--local, maybe --data-dir): its buckets. */
	localData?: {dataDirectory?: string};
};

/** How often progress is said on stderr. */
const PROGRESS_EVERY_MS = 1000;

export const copyCommand: Command = {
	name: 'copy',
	arguments: ['SOURCE', 'DESTINATION'],
	flags: [
		'shard',
		'from',
		'to',
		'key',
		'keyField',
		'explicitHashKey',
		'where',
		'rate',
		'dryRun',
		'yes',
		'checkpoint',
	],
	prepare([sourceText, destinationText], flags) {
		const options = copyOptions(sourceText, destinationText, flags);
		return (context) => copy(context, options);
	},
};

function copyOptions(sourceText: string, destinationText: string, flags: Flags): CopyOptions {
	const source = parseCopySource(sourceText);
	const destination = parseCopyDestination(destinationText);
	if (isSameEndpoint(source, destination) && !flags.yes && !flags.dryRun) {
		throw new UsageError(
			`copying ${describeSource(source)} into itself puts its records in again: add --yes if that is what you want`,
		);
	}

	if (source.kind !== 'stream' && (flags.from ?? flags.to ?? flags.shard) !== undefined) {
		throw new UsageError('--from, --to and --shard choose a range of a stream source');
	}

	const from =
		flags.from === undefined ? {type: 'TRIM_HORIZON' as const} : parseTailStart(flags.from);
	if (!from) throw new UsageError(`--from must be ${TAIL_START_SYNTAX}, not "${flags.from}"`);
	const to = flags.to === undefined ? undefined : parseTailStop(flags.to);
	if (flags.to !== undefined && !to) {
		throw new UsageError(`--to must be ${TAIL_STOP_SYNTAX}, not "${flags.to}"`);
	}

	return {
		source,
		destination,
		from,
		to,
		shardId: flags.shard,
		key: keyPolicy(flags),
		explicitHashKey: explicitHashKey(flags.explicitHashKey),
		where: flags.where === undefined ? undefined : where(flags.where),
		ratePerSecond: flags.rate === undefined ? undefined : parseCount(flags.rate, '--rate'),
		dryRun: flags.dryRun,
		checkpointPath: flags.checkpoint,
		localData: flags.local && !flags.inMemory ? {dataDirectory: flags.dataDir} : undefined,
	};
}

function keyPolicy(flags: Flags): KeyPolicy {
	if (flags.key !== undefined && flags.keyField !== undefined) {
		throw new UsageError('use either --key or --key-field, not both');
	}

	if (flags.keyField !== undefined) {
		const path = flags.keyField.split('.');
		if (path.some((part) => part === '')) {
			throw new UsageError(
				`--key-field must be a dotted path such as user.id, not "${flags.keyField}"`,
			);
		}

		return {kind: 'field', path};
	}

	if (flags.key === undefined || flags.key === 'keep') return {kind: 'keep'};
	if (flags.key === 'random') return {kind: 'random'};
	throw new UsageError(`--key must be keep or random for a copy, not "${flags.key}"`);
}

function explicitHashKey(text: string | undefined) {
	if (text === undefined) return undefined;
	return text === 'keep' ? 'keep' : parseHashKey(text, '--explicit-hash-key');
}

function where(expression: string) {
	try {
		return compileWhere(expression);
	} catch (error) {
		if (error instanceof QueryError) throw new UsageError(`--where: ${error.message}`);
		throw error;
	}
}

async function copy(context: CommandContext, options: CopyOptions) {
	const {driver, io, out, json, signal} = context;
	if (driver.target.readOnly && !options.dryRun) {
		throw new DriverError(
			'AccessDeniedException',
			'kinesis-top is in read-only mode: copy is not allowed (started with --read-only); --dry-run only counts.',
		);
	}

	const sourceName = describeSource(options.source);
	const destinationName = describeDestination(options.destination);
	const checkpoint = Checkpoint.open(options.checkpointPath, sourceName, destinationName);
	const startedAt = Date.now();
	const run = new CopyRun(
		driver,
		{
			source: await openSource(context, options, checkpoint.resumePositions()),
			destination: options.destination,
			key: options.key,
			explicitHashKey: options.explicitHashKey,
			shardHashKeys:
				options.explicitHashKey === 'keep' && options.source.kind === 'stream'
					? await shardHashKeys(driver, options.source.name, signal)
					: undefined,
			where: options.where,
			ratePerSecond: options.ratePerSecond,
			dryRun: options.dryRun,
			checkpoint,
			endsAt:
				options.source.kind === 'stream'
					? options.to?.type === 'TIMESTAMP'
						? options.to.timestamp.getTime()
						: startedAt
					: undefined,
		},
		{
			async onWritten(batch) {
				if (!json) return;
				let text = '';
				batch.items.forEach((item, index) => {
					const result = batch.results[index];
					const source =
						options.source.kind === 'firehose'
							? {Object: item.origin.partition, Record: Number(item.origin.position)}
							: {ShardId: item.origin.partition, SequenceNumber: item.origin.position};
					text +=
						JSON.stringify(
							result.RecordId === undefined
								? {Source: source, ShardId: result.ShardId, SequenceNumber: result.SequenceNumber}
								: {Source: source, RecordId: result.RecordId},
						) + '\n';
				});
				await out.write(text);
			},
			onProgress: progressReporter(io.stderr),
		},
		signal,
	);
	const progress = await run.run();
	const summary = {
		Source: sourceName,
		Destination: destinationName,
		DryRun: options.dryRun,
		Copied: progress.copied,
		Filtered: progress.filtered,
		AlreadyCopied: progress.skipped,
		Throttled: progress.throttled,
		ElapsedMillis: progress.elapsedMs,
	};
	await (json ? out.line({Summary: summary}) : out.write(summaryText(progress, options) + '\n'));
}

async function openSource(
	{driver, io, signal}: CommandContext,
	options: CopyOptions,
	resumeAfter: ReadonlyMap<string, string>,
): Promise<CopySource> {
	const {source} = options;
	switch (source.kind) {
		case 'stream': {
			return readStreamRange(
				driver,
				{stream: source.name, from: options.from, to: options.to, shardId: options.shardId},
				{resumeAfter, signal},
			);
		}

		case 'file': {
			return readSavedLines(createReadStream(source.path), signal);
		}

		case 'stdin': {
			return readSavedLines(io.stdin, signal);
		}

		case 'firehose': {
			const detail = await driver.describeDeliveryStream(source.name, signal);
			const s3 = detail.Destinations[0]?.ExtendedS3DestinationDescription;
			if (!s3) {
				throw new DriverError(
					'InvalidArgumentException',
					`Delivery stream ${source.name} has no S3 destination to read back.`,
				);
			}

			const bucket = s3.BucketARN.slice(s3.BucketARN.lastIndexOf(':') + 1);
			const delimiter = s3.ProcessingConfiguration?.Processors?.find(
				(processor) => processor.Type === 'AppendDelimiterToRecord',
			);
			const delimiterText = delimiter
				? (delimiter.Parameters?.find((parameter) => parameter.ParameterName === 'Delimiter')
						?.ParameterValue ?? '\n')
				: undefined;
			// The stream's own prefix (up to its first expression) unless one is given.
			const prefix = source.prefix === '' ? (s3.Prefix ?? '').split('!{')[0] : source.prefix;
			return readFirehoseArchive(
				archiveStore(driver, bucket, options.localData, io.environment),
				prefix,
				delimiterText === undefined ? undefined : Buffer.from(delimiterText),
				signal,
			);
		}
	}
}

/** The bundled engine's bucket: through the engine in this process, or in the served data directory. */
function archiveStore(
	driver: Driver,
	bucket: string,
	localData: CopyOptions['localData'],
	environment: NodeJS.ProcessEnv | undefined,
): ArchiveStore {
	if (driver instanceof LocalDriver) {
		const {firehose} = driver.backend;
		return {
			list: (prefix) => firehose.listObjects(bucket, prefix).map((object) => object.key),
			get: (key) => firehose.getObject(bucket, key),
		};
	}

	if (!localData) {
		throw new DriverError(
			'InvalidArgumentException',
			'firehose: sources read the bundled engine’s local buckets: use --local (with --data-dir)',
		);
	}

	const store = new DirectoryObjectStore(
		join(localData.dataDirectory ?? defaultDataDirectory(environment), 'buckets'),
	);
	return {
		list: (prefix) => store.list(bucket, prefix).map((object) => object.key),
		get: (key) => store.get(bucket, key),
	};
}

async function shardHashKeys(driver: Driver, stream: string, signal: AbortSignal) {
	const {Shards} = await driver.describeStream(stream, signal);
	return new Map(Shards.map((shard) => [shard.ShardId, shard.HashKeyRange.StartingHashKey]));
}

/** Says progress on stderr at most once a second. */
function progressReporter(stderr: NodeJS.WritableStream) {
	let lastSaid = Date.now();
	return (progress: CopyProgress) => {
		const now = Date.now();
		if (now - lastSaid < PROGRESS_EVERY_MS) return;
		lastSaid = now;
		const eta = progress.etaMs === undefined ? '' : `, about ${formatSeconds(progress.etaMs)} left`;
		stderr.write(
			`copying: ${progress.copied.toLocaleString('en-US')} records (${Math.round(progress.recordsPerSecond).toLocaleString('en-US')}/s)` +
				`${progress.throttled > 0 ? `, ${progress.throttled} throttled and retried` : ''}${eta}\n`,
		);
	};
}

function summaryText(progress: CopyProgress, options: CopyOptions) {
	const to = describeDestination(options.destination);
	const count = (n: number) => `${n.toLocaleString('en-US')} record${n === 1 ? '' : 's'}`;
	const head = options.dryRun
		? `dry run: would copy ${count(progress.copied)} to ${to}`
		: `copied ${count(progress.copied)} to ${to} in ${formatSeconds(progress.elapsedMs)} (${Math.round(progress.recordsPerSecond).toLocaleString('en-US')}/s)`;
	const notes = [
		progress.filtered > 0 ? `${count(progress.filtered)} left out by --where` : '',
		progress.skipped > 0 ? `${count(progress.skipped)} already copied (checkpoint)` : '',
		progress.throttled > 0 ? `${progress.throttled} throttled and retried` : '',
	].filter((note) => note !== '');
	return notes.length > 0 ? `${head}; ${notes.join(', ')}` : head;
}

const formatSeconds = (ms: number) =>
	ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;

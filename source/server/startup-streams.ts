/**
 * `serve --create SPEC` (repeatable): streams and delivery streams made before the server takes its
 * first request, so a test set-up needs no calls of its own. SPEC is
 * - `NAME[:SHARDS][:on-demand|provisioned]`: a Kinesis stream (default 1 shard, provisioned; on-demand
 *   alone starts with AWS's 4 shards). `kinesis:` may prefix it, for a stream named `firehose`.
 * - `firehose:NAME[:SOURCE]`: a Firehose delivery stream delivering to the local bucket `kinesis-top`
 *   under the prefix `NAME/`; with SOURCE, reading the Kinesis stream SOURCE (KinesisStreamAsSource),
 *   else taking PutRecord/PutRecordBatch (DirectPut).
 * What already exists (a data directory from an earlier run) is left as it is, and said; the server
 * starts once everything created is ACTIVE.
 */
import type {KinesisEngine} from '../engine/engine.js';
import type {FirehoseEngine} from '../engine/firehose/firehose-engine.js';

export type StartupStream =
	| {kind: 'stream'; name: string; shards?: number; onDemand: boolean}
	| {kind: 'deliveryStream'; name: string; source?: string};

/** A spec that cannot be read, in words for the person who wrote it. */
export class StartupStreamSpecError extends Error {
	override readonly name = 'StartupStreamSpecError';
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const DELIVERY_STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
/** AWS's limit on a stream's shards at creation is the account's shard quota; this bounds typos. */
const MAX_SHARDS = 10_000;
export const STARTUP_BUCKET = 'kinesis-top';

const SYNTAX =
	'NAME[:SHARDS][:on-demand|provisioned] for a stream, or firehose:NAME[:SOURCE_STREAM] for a delivery stream';

export function parseStartupStream(spec: string): StartupStream {
	const refuse = (why: string): never => {
		throw new StartupStreamSpecError(`--create "${spec}": ${why} (${SYNTAX})`);
	};

	const parts = spec.trim().split(':');
	if (parts[0] === 'firehose') {
		const [, name, source, ...rest] = parts;
		if (name === undefined || !DELIVERY_STREAM_NAME.test(name)) {
			refuse('a delivery stream name is 1 to 64 letters, digits, _ . or -');
		}

		if (source !== undefined && !STREAM_NAME.test(source)) {
			refuse('the source is a stream name: 1 to 128 letters, digits, _ . or -');
		}

		if (rest.length > 0) refuse('too many parts');
		return {kind: 'deliveryStream', name, source};
	}

	if (parts[0] === 'kinesis') parts.shift();
	const [name, ...options] = parts;
	if (name === undefined || !STREAM_NAME.test(name)) {
		refuse('a stream name is 1 to 128 letters, digits, _ . or -');
	}

	let shards: number | undefined;
	let mode: string | undefined;
	for (const option of options) {
		if (/^\d+$/.test(option) && shards === undefined && mode === undefined) {
			shards = Number(option);
			if (shards < 1 || shards > MAX_SHARDS) refuse(`shards must be from 1 to ${MAX_SHARDS}`);
		} else if ((option === 'on-demand' || option === 'provisioned') && mode === undefined) {
			mode = option;
		} else {
			refuse(`"${option}" is neither a shard count nor a mode`);
		}
	}

	return {kind: 'stream', name, shards, onDemand: mode === 'on-demand'};
}

const shardCount = (count: number, kind = '') => `${count} ${kind}shard${count === 1 ? '' : 's'}`;

/** Polls until `isActive` holds, for up to `timeoutMs` (the engine's CREATING delay and some). */
async function untilActive(isActive: () => boolean, what: string, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	while (!isActive()) {
		if (Date.now() > deadline)
			throw new Error(`${what} did not become ACTIVE within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/**
 * Creates what `specs` name, Kinesis streams first (a delivery stream may read one), and resolves once
 * all are ACTIVE. `say` gets a line for each stream made or found.
 */
export async function createStartupStreams(
	specs: readonly StartupStream[],
	{
		kinesis,
		firehose,
		say,
		activeWithinMs,
	}: {
		kinesis: KinesisEngine;
		firehose: FirehoseEngine;
		say: (line: string) => void;
		activeWithinMs: number;
	},
) {
	const existing = new Set(kinesis.listStreams());
	const waits: Array<Promise<void>> = [];
	for (const spec of specs) {
		if (spec.kind !== 'stream') continue;
		if (existing.has(spec.name)) {
			const summary = kinesis.describeStreamSummary({StreamName: spec.name});
			say(
				`stream ${spec.name} already exists (${shardCount(summary.OpenShardCount, 'open ')}, ${summary.StreamModeDetails.StreamMode}): left as it is`,
			);
		} else {
			const mode = spec.onDemand ? 'ON_DEMAND' : 'PROVISIONED';
			// On-demand without a count starts with AWS's 4 shards; provisioned needs one.
			const shards = spec.shards ?? (spec.onDemand ? undefined : 1);
			kinesis.createStream({
				StreamName: spec.name,
				ShardCount: shards,
				StreamModeDetails: {StreamMode: mode},
			});
			existing.add(spec.name);
			const made = kinesis.describeStreamSummary({StreamName: spec.name});
			say(`created stream ${spec.name} (${shardCount(made.OpenShardCount)}, ${mode})`);
		}

		waits.push(
			untilActive(
				() => kinesis.describeStreamSummary({StreamName: spec.name}).StreamStatus === 'ACTIVE',
				`stream ${spec.name}`,
				activeWithinMs,
			),
		);
	}

	await Promise.all(waits);
	const deliveryStreams = new Set(
		firehose.listDeliveryStreams({Limit: 10_000}).DeliveryStreamNames,
	);
	const role = `arn:aws:iam::${kinesis.accountId}:role/kinesis-top-serve`;
	waits.length = 0;
	for (const spec of specs) {
		if (spec.kind !== 'deliveryStream') continue;
		if (deliveryStreams.has(spec.name)) {
			say(`delivery stream ${spec.name} already exists: left as it is`);
		} else {
			const source = spec.source
				? {
						KinesisStreamARN: kinesis.describeStreamSummary({StreamName: spec.source}).StreamARN,
						RoleARN: role,
					}
				: undefined;
			firehose.createDeliveryStream({
				DeliveryStreamName: spec.name,
				DeliveryStreamType: source ? 'KinesisStreamAsSource' : 'DirectPut',
				KinesisStreamSourceConfiguration: source,
				ExtendedS3DestinationConfiguration: {
					RoleARN: role,
					BucketARN: `arn:aws:s3:::${STARTUP_BUCKET}`,
					Prefix: `${spec.name}/`,
				},
			});
			deliveryStreams.add(spec.name);
			say(`created delivery stream ${spec.name}`);
		}

		waits.push(
			untilActive(
				() =>
					firehose.describeDeliveryStream({DeliveryStreamName: spec.name}).DeliveryStreamDescription
						.DeliveryStreamStatus === 'ACTIVE',
				`delivery stream ${spec.name}`,
				activeWithinMs,
			),
		);
	}

	await Promise.all(waits);
}

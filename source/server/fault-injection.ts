/**
 * The faults of `serve --faults` applied to one AWS call (faults.ts draws them): the delay, then, for a
 * throttled or failed call, the error AWS answers in that case, in the request's own protocol, before the
 * call reaches the engine. Only Kinesis and Firehose calls to actions the server knows, with a body that
 * parses, that carry a signature, are touched: anything else is left to the normal routing and its own
 * error. (With --verify-signatures, a call whose signature is wrong may still be the one throttled.)
 *
 * The throttling errors are each service's own, with AWS's texts:
 * - Kinesis's data-plane actions (PutRecord, PutRecords, GetRecords, GetShardIterator):
 *   ProvisionedThroughputExceededException (400), naming the shard the call goes to when it is known
 *   (`Rate exceeded for shard shardId-… in stream … under account ….`; GetRecords's own form
 *   `Rate exceeded for Shard - ACCOUNT:STREAM:SHARD in stream …`), else the stream.
 * - Kinesis's other actions: LimitExceededException (400) `Rate exceeded for stream … under account ….`,
 *   as AWS throttles its control plane; the SDKs retry both as throttling.
 * - Firehose: ServiceUnavailableException (503) `Slow down.`, as the local engine's own limits answer.
 * A failed call is InternalFailure (500) with AWS's message for it.
 */
import type {KinesisEngine} from '../engine/engine.js';
import {hashKeyToBigInt, parseHashKey, partitionKeyHash} from '../kinesis/hash-key.js';
import {decodeIterator} from '../engine/iterator.js';
import {shardIdOf} from '../engine/sequence-number.js';
import {firehoseActions} from './firehose-api.js';
import {kinesisActions} from './kinesis-api.js';
import type {AnyRequest} from './listener.js';
import {protocolFor} from './protocols.js';
import type {Faults} from './faults.js';

export type HookReply = {
	status: number;
	body: Buffer | string;
	contentType?: string;
	headers?: Record<string, string>;
};

type Input = Record<string, unknown>;

const SERVICES: Record<string, Record<string, unknown>> = {
	Kinesis_20131202: kinesisActions,
	Firehose_20150804: firehoseActions,
};

const PROVISIONED_THROUGHPUT_ACTIONS = new Set([
	'PutRecord',
	'PutRecords',
	'GetRecords',
	'GetShardIterator',
]);

const INTERNAL_FAILURE_MESSAGE =
	'The request processing has failed because of an unknown error, exception or failure.';

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The stream an ARN names: `arn:aws:kinesis:REGION:ACCOUNT:stream/NAME[/consumer/…]`. */
const streamOfArn = (arn: unknown) => /:stream\/([^/]+)/.exec(text(arn) ?? '')?.[1];

function iteratorOf(input: Input) {
	try {
		return decodeIterator(text(input.ShardIterator) ?? '');
	} catch {
		return undefined;
	}
}

/** The stream a call is about, as its input names it (GetRecords: through its iterator). */
function streamOf(service: string, operation: string, input: Input): string | undefined {
	if (service === 'Firehose_20150804') return text(input.DeliveryStreamName);
	if (operation === 'GetRecords') return iteratorOf(input)?.streamName;
	return (
		text(input.StreamName) ??
		streamOfArn(input.StreamARN) ??
		streamOfArn(input.ConsumerARN) ??
		streamOfArn(input.ResourceARN)
	);
}

/** The open shard a record with this key goes to, as the engine routes it; undefined when unknown. */
function shardOfRecord(engine: KinesisEngine, stream: string, record: unknown) {
	if (typeof record !== 'object' || record === null) return undefined;
	const {PartitionKey, ExplicitHashKey} = record as Input;
	try {
		const explicit = text(ExplicitHashKey);
		const key = text(PartitionKey);
		const hash = explicit
			? parseHashKey(explicit)
			: key === undefined
				? undefined
				: hashKeyToBigInt(partitionKeyHash(key));
		if (hash === undefined) return undefined;
		return engine
			.listShards({StreamName: stream})
			.find(
				(shard) =>
					shard.SequenceNumberRange.EndingSequenceNumber === undefined &&
					BigInt(shard.HashKeyRange.StartingHashKey) <= hash &&
					hash <= BigInt(shard.HashKeyRange.EndingHashKey),
			)?.ShardId;
	} catch {
		return undefined;
	}
}

function kinesisThrottle(engine: KinesisEngine, operation: string, input: Input, stream?: string) {
	const account = engine.accountId;
	if (!PROVISIONED_THROUGHPUT_ACTIONS.has(operation) || stream === undefined) {
		return {
			type: 'LimitExceededException',
			message:
				stream === undefined
					? `Rate exceeded for account ${account}.`
					: `Rate exceeded for stream ${stream} under account ${account}.`,
			status: 400,
		};
	}

	let shard: string | undefined;
	if (operation === 'GetRecords') {
		const iterator = iteratorOf(input);
		if (iterator) {
			shard = shardIdOf(iterator.shardIndex);
			return {
				type: 'ProvisionedThroughputExceededException',
				message: `Rate exceeded for Shard - ${account}:${stream}:${shard} in stream ${stream} under account ${account}.`,
				status: 400,
			};
		}
	} else if (operation === 'GetShardIterator') {
		shard = text(input.ShardId);
	} else {
		const first =
			operation === 'PutRecords' ? (input.Records as unknown[] | undefined)?.[0] : input;
		shard = shardOfRecord(engine, stream, first);
	}

	return {
		type: 'ProvisionedThroughputExceededException',
		message:
			shard === undefined
				? `Rate exceeded for stream ${stream} under account ${account}.`
				: `Rate exceeded for shard ${shard} in stream ${stream} under account ${account}.`,
		status: 400,
	};
}

/**
 * Applies the faults to one request: waits the latency, and answers the drawn error, if any (undefined:
 * the call goes on to the engine).
 */
export async function injectFault(
	faults: Faults,
	engine: KinesisEngine,
	request: AnyRequest,
	body: Buffer,
): Promise<HookReply | undefined> {
	if (!faults.active || request.method !== 'POST') return undefined;
	// An unsigned call gets its own error first, as from AWS, which authenticates before it throttles.
	const signed =
		request.headers.authorization !== undefined || request.url?.includes('X-Amz-Signature=');
	if (!signed) return undefined;
	const [service, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
	const actions = SERVICES[service];
	if (!actions || !operation || !Object.hasOwn(actions, operation)) return undefined;
	const protocol = protocolFor(request.headers['content-type']);
	if (!protocol) return undefined;
	let input: unknown;
	try {
		input = protocol.parse(body);
	} catch {
		return undefined;
	}

	if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
	const stream = streamOf(service, operation, input as Input);
	const {fault, latencyMs} = faults.draw(stream);
	if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
	if (!fault) return undefined;
	const error =
		fault === 'error'
			? {type: 'InternalFailure', message: INTERNAL_FAILURE_MESSAGE, status: 500}
			: service === 'Firehose_20150804'
				? {type: 'ServiceUnavailableException', message: 'Slow down.', status: 503}
				: kinesisThrottle(engine, operation, input as Input, stream);
	return {
		status: error.status,
		body: protocol.encodeError(error.type, error.message),
		contentType: protocol.contentType,
	};
}

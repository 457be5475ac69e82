/**
 * Event-stream answers (`application/vnd.amazon.eventstream`), as SubscribeToShard gives them: the
 * response stays open and carries binary event-stream messages — first an `initial-response` event
 * (the output's non-stream members), then one event per engine event, and an `exception` message if the
 * stream fails (`:exception-type` the AWS error name, payload `{"message": …}`). Payloads are encoded as
 * the request's protocol encodes any answer. Over HTTP/2 the messages go out as DATA frames, over
 * HTTP/1.1 in chunked encoding. The client going away cancels the engine's side.
 */
import {randomBytes, randomUUID} from 'node:crypto';
import {EventStreamCodec} from '@smithy/core/event-streams';
import {fromUtf8, toUtf8} from '@smithy/core/serde';
import {KinesisError} from '../engine/errors.js';
import type {AnyResponse} from './listener.js';
import type {Protocol} from './protocols.js';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** An action's answer that is an event stream rather than one document. */
export class EventStreamOutput {
	constructor(
		/** The output's members other than the event stream, sent as the `initial-response` event. */
		readonly initial: Record<string, unknown>,
		/** The events: the union member name (`:event-type`) and its payload. */
		readonly events: AsyncIterable<{type: string; payload: unknown}>,
		/** Stops the engine's side (the client went away, or the stream was never started). */
		readonly cancel: () => void,
	) {}
}

/** Each of `source`'s values as an event of one type. */
export async function* eventsOf<T>(type: string, source: AsyncIterable<T>) {
	for await (const payload of source) yield {type, payload};
}

/** The `:content-type` of event payloads in `protocol`'s encoding. */
const payloadType = (protocol: Protocol) =>
	protocol.format === 'cbor' ? 'application/cbor' : 'application/json';

export function encodeEvent(type: string, payload: unknown, protocol: Protocol): Uint8Array {
	return codec.encode({
		headers: {
			':message-type': {type: 'string', value: 'event'},
			':event-type': {type: 'string', value: type},
			':content-type': {type: 'string', value: payloadType(protocol)},
		},
		body: protocol.encode(payload),
	});
}

export function encodeException(code: string, message: string, protocol: Protocol): Uint8Array {
	return codec.encode({
		headers: {
			':message-type': {type: 'string', value: 'exception'},
			':exception-type': {type: 'string', value: code},
			':content-type': {type: 'string', value: payloadType(protocol)},
		},
		body: protocol.encode({message}),
	});
}

/** The part of an HTTP/1.1 or HTTP/2 response an event stream writes to. */
type Sink = {
	statusCode: number;
	readonly destroyed: boolean;
	readonly writableEnded: boolean;
	setHeader(name: string, value: string): unknown;
	write(chunk: Uint8Array): boolean;
	end(): unknown;
	once(event: 'drain' | 'close', listener: () => void): unknown;
	off(event: 'drain' | 'close', listener: () => void): unknown;
};

/** Writes one message, waiting for the connection to drain when it is full (or to close). */
function write(sink: Sink, chunk: Uint8Array) {
	return new Promise<void>((resolve) => {
		if (sink.write(chunk)) {
			resolve();
			return;
		}

		const done = () => {
			sink.off('drain', done);
			sink.off('close', done);
			resolve();
		};

		sink.once('drain', done);
		sink.once('close', done);
	});
}

/**
 * Answers 200 with the event stream and writes its events until it ends, fails (an exception message)
 * or the client goes away. Never throws.
 */
export async function sendEventStream(
	response: AnyResponse,
	output: EventStreamOutput,
	protocol: Protocol,
): Promise<void> {
	const sink = response as unknown as Sink;
	let closed = false;
	const onClose = () => {
		closed = true;
		output.cancel();
	};

	sink.once('close', onClose);
	try {
		if (sink.destroyed || sink.writableEnded) return;
		sink.statusCode = 200;
		sink.setHeader('x-amzn-RequestId', randomUUID());
		sink.setHeader('x-amz-id-2', randomBytes(72).toString('base64'));
		sink.setHeader('Content-Type', EVENT_STREAM_CONTENT_TYPE);
		await write(sink, encodeEvent('initial-response', output.initial, protocol));
		try {
			for await (const event of output.events) {
				if (closed) break;
				await write(sink, encodeEvent(event.type, event.payload, protocol));
			}
		} catch (error) {
			if (!closed) {
				const known = error instanceof KinesisError;
				await write(
					sink,
					encodeException(
						known ? error.code : 'InternalFailureException',
						known ? error.message : 'Internal service failure.',
						protocol,
					),
				);
			}
		}
	} catch {
		// The connection failed under us: nothing more can be sent.
	} finally {
		sink.off('close', onClose);
		output.cancel();
		if (!closed && !sink.destroyed && !sink.writableEnded) sink.end();
	}
}

/**
 * The two body encodings Kinesis speaks, behind one small interface so the server only routes:
 *
 * - AWS JSON 1.1 (`application/x-amz-json-1.1`): every SDK but Java's, the AWS CLI, boto3.
 * - CBOR (`application/x-amz-cbor-1.1`): the AWS SDK for Java (v1 and v2) and so the KCL and KPL, by
 *   default. Same actions and members as JSON; blobs are CBOR byte strings and timestamps epoch
 *   milliseconds. The Java SDK v1 writes a timestamp as tag 1 over the milliseconds (not the seconds
 *   RFC 8949 gives tag 1) and both SDK generations read any number as milliseconds
 *   (`UNIX_TIMESTAMP_MILLIS` is the CBOR payload default of the v2 SDK's AwsCborProtocolFactory), so
 *   requests may carry tagged or untagged milliseconds, and answers carry tag 1 over the milliseconds
 *   (a CBOR timestamp, as the Java SDK itself writes them).
 *
 * Errors are `{__type, message}` in either encoding, with the HTTP status the error carries; in CBOR as
 * AWS writes them, an indefinite-length map (`bf … ff`).
 */
import {isAscii} from 'node:buffer';
import {addExtension, Decoder, Encoder, type Options} from 'cbor-x';
import {SerializationError, type WireFormat, toWire} from './shapes.js';

export type Protocol = {
	readonly contentType: string;
	/** How blobs and timestamps travel: the shape decoder needs to know. */
	readonly format: WireFormat;
	/** The request body as plain values; a body that is not one well-formed document throws SerializationError. */
	parse(body: Buffer): unknown;
	/** An action's output (engine values: Dates, byte arrays) as a response body. */
	encode(output: unknown): Buffer;
	/** An AWS error as a response body; `message` is left out when undefined, as AWS does for some. */
	encodeError(type: string, message?: string): Buffer;
	/** Headers an error answer carries besides its body (CloudWatch's `x-amzn-query-error`). */
	errorHeaders?(type: string, status: number): Record<string, string>;
	/** Headers every answer carries (Smithy RPC v2's `smithy-protocol`). */
	readonly headers?: Record<string, string>;
};

/** AWS writes `message`, except in a SerializationException, which its JSON front end writes `Message`. */
const errorBody = (type: string, message: string | undefined) =>
	message === undefined
		? {__type: type}
		: type === 'SerializationException'
			? {__type: type, Message: message}
			: {__type: type, message};

export const jsonProtocol: Protocol = {
	contentType: 'application/x-amz-json-1.1',
	format: 'json',
	parse(body) {
		try {
			// ASCII (nearly every request: JSON escapes aside, base64 and names) is its own UTF-8, and
			// copied as Latin-1 it skips the UTF-8 decoder's work.
			return JSON.parse(isAscii(body) ? body.toString('latin1') : body.toString('utf8'));
		} catch {
			throw new SerializationError();
		}
	},
	encode: (output) => Buffer.from(JSON.stringify(toWire(output, 'json'))),
	encodeError: (type, message) => Buffer.from(JSON.stringify(errorBody(type, message))),
};

// Tag 1 carries epoch milliseconds in AWS's CBOR (see above): keep the number as it is and let the
// shape decoder read it as a timestamp, instead of cbor-x's seconds-to-Date conversion. cbor-x keeps
// tag decoders per process; kinesis-top decodes CBOR only here.
// (Decoding only: without a Class, cbor-x's addExtension leaves encoding alone; its typings ask for both.)
addExtension({tag: 1, decode: (value: unknown) => value} as unknown as Parameters<
	typeof addExtension
>[0]);

const decoderOptions: Options & {int64AsNumber: boolean} = {
	mapsAsObjects: true,
	useRecords: false,
	// 64-bit integers as numbers (timestamps in milliseconds fit exactly), not BigInts.
	int64AsNumber: true,
};
const cborDecoder = new Decoder(decoderOptions);
const cborEncoder = new Encoder({
	mapsAsObjects: true,
	useRecords: false,
	// Plain byte strings (major type 2), never cbor-x's typed-array tags.
	tagUint8Array: false,
	// Strings as plain text strings, never bundled.
	bundleStrings: false,
});

const INDEFINITE_MAP = Buffer.from([0xbf]);
const BREAK = Buffer.from([0xff]);

/**
 * An error as AWS's CBOR front end writes it: an indefinite-length map (`bf`, the pairs, `ff`), the way
 * Jackson streams an object, which clients comparing bytes (and AWS's recorded answers) expect.
 */
function encodeCborError(type: string, message?: string): Buffer {
	const pairs = Object.entries(errorBody(type, message)).flatMap(([key, value]) => [
		cborEncoder.encode(key),
		cborEncoder.encode(value),
	]);
	return Buffer.concat([INDEFINITE_MAP, ...pairs, BREAK]);
}

export const cborProtocol: Protocol = {
	contentType: 'application/x-amz-cbor-1.1',
	format: 'cbor',
	parse(body) {
		try {
			return cborDecoder.decode(body);
		} catch {
			// Truncated, trailing or otherwise malformed CBOR: all one SerializationException.
			throw new SerializationError();
		}
	},
	encode: (output) => cborEncoder.encode(toWire(output, 'cbor')),
	encodeError: encodeCborError,
};

/**
 * Smithy RPC v2 CBOR (`POST /service/<Service>/operation/<Action>`, `smithy-protocol: rpc-v2-cbor`), what
 * current botocore (boto3, AWS CLI v2) sends to services that list it first, CloudWatch among them.
 * Timestamps are tag 1 over epoch seconds both ways; errors `{__type, message}` as in AWS's CBOR.
 */
export const rpcV2CborProtocol: Protocol = {
	contentType: 'application/cbor',
	format: 'rpcv2',
	headers: {'smithy-protocol': 'rpc-v2-cbor'},
	parse: cborProtocol.parse,
	encode: (output) => cborEncoder.encode(toWire(output, 'rpcv2')),
	encodeError: (type, message) => cborEncoder.encode(errorBody(type, message)),
};

const PROTOCOLS = new Map(
	[jsonProtocol, cborProtocol].map((protocol) => [protocol.contentType, protocol]),
);

/** A Content-Type's media type, lower case, without parameters such as `charset`. */
export const mediaTypeOf = (contentType: string | undefined) =>
	String(contentType ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();

/** The Kinesis protocol a request's Content-Type names, if any. */
export function protocolFor(contentType: string | undefined): Protocol | undefined {
	return PROTOCOLS.get(mediaTypeOf(contentType));
}

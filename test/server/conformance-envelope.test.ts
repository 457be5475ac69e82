/**
 * Conformance of `serve`'s HTTP envelope with AWS's (issue 16 §2): how Kinesis answers a request by its
 * method, content type, target, body, authentication and Origin before any action runs — statuses,
 * headers and bodies byte for byte, as kinesalite recorded them from AWS (its connection tests). Each
 * case is sent raw over HTTP/1.1 and h2c; where kinesalite answers the case as AWS does, the same
 * request goes to kinesalite too and its answer must match ours (its CBOR maps are definite-length where
 * AWS's are not, so CBOR bodies are compared decoded there). Presigned (query-string) requests are
 * verified with `--verify-signatures` as headers are.
 */
import {createHash, createHmac} from 'node:crypto';
import {request as http1Request} from 'node:http';
import {connect as http2Connect} from 'node:http2';
import {Decoder, Encoder} from 'cbor-x';
import {SignatureV4} from '@smithy/signature-v4';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {SIGNATURE_MISMATCH} from '../../source/server/signature.js';
import {startKinesalite, type Emulator} from '../helpers/emulators.js';

type Raw = {
	method?: string;
	path?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
};
type Answer = {status: number; headers: Record<string, string | undefined>; body: Buffer};

const JSON_11 = 'application/x-amz-json-1.1';
const CBOR_11 = 'application/x-amz-cbor-1.1';
const LIST_STREAMS = 'Kinesis_20131202.ListStreams';
const SIGNED = {
	authorization:
		'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
	'x-amz-date': '20260101T000000Z',
};
const EXPOSED =
	'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';
const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

/** AWS's CBOR error bytes: an indefinite-length map `{__type}` (`bf … ff`). */
const cborError = (type: string) =>
	Buffer.concat([
		Buffer.from('bf66', 'hex'),
		Buffer.from('__type'),
		Buffer.from(type.length < 24 ? [0x60 + type.length] : [0x78, type.length]),
		Buffer.from(type),
		Buffer.from('ff', 'hex'),
	]);
/** The same with a message, its strings as any CBOR encoder writes them. */
const cborErrorWithMessage = (type: string, message: string) => {
	const encoder = new Encoder();
	return Buffer.concat([
		Buffer.from('bf', 'hex'),
		...['__type', type, 'message', message].map((text) => encoder.encode(text)),
		Buffer.from('ff', 'hex'),
	]);
};

const xml = (type: string, message: string) =>
	`<${type}>\n  <Message>${message}</Message>\n</${type}>\n`;
const ACCESS_DENIED = xml(
	'AccessDeniedException',
	'Unable to determine service/operation name to be authorized',
);
const INCOMPLETE_HEADER_X =
	"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
	"Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
	"'X-Amz-Date' or a 'Date' header. Authorization=X";
const INCOMPLETE_QUERY_ALL =
	"AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include " +
	"'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string " +
	"parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. " +
	'Re-examine the query-string parameters.';
const FOUND_BOTH =
	"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
	typeof data === 'string'
		? Buffer.from(data)
		: ArrayBuffer.isView(data)
			? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
			: Buffer.from(data);

/** SHA-256 and HMAC-SHA256 for the SDK's signer, over node:crypto. */
class Sha256 {
	private readonly hash;
	constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
		this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
	}

	update(data: string | ArrayBuffer | ArrayBufferView) {
		this.hash.update(bytes(data));
	}

	async digest() {
		return new Uint8Array(this.hash.digest());
	}
}

/** What AWS answers: status, content type (null: none), body, and headers beyond the usual ones. */
type Expected = {
	status: number;
	contentType: string | null;
	body: string | Buffer;
	headers?: Record<string, string | undefined>;
};

type Case = {
	name: string;
	request: Raw;
	expected: Expected;
	/** kinesalite answers it as AWS does (else it is not asked). */
	kinesalite: boolean;
	/**
	 * Not expressible over HTTP/2: a field value with leading or trailing whitespace is malformed there
	 * (RFC 9113 §8.2.1), and Node's HTTP/2 drops it before the server sees it.
	 */
	http1Only?: boolean;
};

const json = (type: string, message?: string): Expected => ({
	status: 400,
	contentType: JSON_11,
	body: JSON.stringify(message === undefined ? {__type: type} : {__type: type, message}),
});
const cbor = (type: string): Expected => ({
	status: 400,
	contentType: CBOR_11,
	body: cborError(type),
});
const accessDenied: Expected = {status: 403, contentType: null, body: ACCESS_DENIED};
const coral = (type: string, status: number): Expected => ({
	status,
	contentType: 'application/json',
	body: `{"Output":{"__type":"com.amazon.coral.service#${type}"},"Version":"1.0"}`,
});

const listStreams = (headers: Record<string, string> = {}, extra: Raw = {}): Raw => ({
	headers: {'content-type': JSON_11, 'x-amz-target': LIST_STREAMS, ...headers},
	body: '{}',
	...extra,
});

const CASES: Case[] = [
	// Methods: AWS routes only POST.
	...['GET', 'PUT', 'DELETE', 'PATCH'].map((method) => ({
		name: `${method} is AccessDeniedException in XML`,
		request: {method, headers: SIGNED},
		expected: accessDenied,
		kinesalite: method !== 'PATCH',
	})),
	{
		name: 'OPTIONS without an Origin is AccessDeniedException in XML',
		request: {method: 'OPTIONS'},
		expected: accessDenied,
		kinesalite: true,
	},
	// Bodiless POSTs are answered in CBOR unless they ask for JSON 1.1.
	{
		name: 'a bare POST is CBOR UnknownOperationException',
		request: {},
		expected: cbor('UnknownOperationException'),
		kinesalite: true,
	},
	...[
		['x-amz-json-1.0 content type', {'content-type': 'application/x-amz-json-1.0'}],
		['random content type', {'content-type': 'application/x-amz-json-1.1asdf'}],
		['random target', {'x-amz-target': 'Whatever'}],
		['real service, empty action', {'x-amz-target': 'Kinesis_20131202.'}],
		['random action', {'x-amz-target': 'Kinesis_20131202.Whatever'}],
		['random service and action', {'x-amz-target': 'Whatever.Whatever'}],
		['incomplete action', {'x-amz-target': 'Kinesis_20131202.ListStream'}],
		['application/json without a target', {'content-type': 'application/json'}],
	].map(([what, headers]) => ({
		name: `a bodiless POST with a ${String(what)} is CBOR UnknownOperationException`,
		request: {headers: {...SIGNED, ...(headers as Record<string, string>)}},
		expected: cbor('UnknownOperationException'),
		kinesalite: true,
	})),
	{
		name: 'a bodiless POST with a valid target and no content type is CBOR SerializationException',
		request: {headers: {'x-amz-target': LIST_STREAMS}},
		expected: cbor('SerializationException'),
		kinesalite: true,
	},
	{
		name: 'a bodiless application/json POST with a valid target is CBOR SerializationException',
		request: {headers: {'content-type': 'application/json', 'x-amz-target': LIST_STREAMS}},
		expected: cbor('SerializationException'),
		kinesalite: true,
	},
	{
		name: 'a bodiless JSON 1.1 POST without a target is JSON UnknownOperationException, signed or not',
		request: {headers: {'content-type': JSON_11}},
		expected: json('UnknownOperationException'),
		kinesalite: true,
	},
	{
		name: 'a bodiless JSON 1.1 POST with a valid target is JSON SerializationException',
		request: {headers: {'content-type': JSON_11, 'x-amz-target': LIST_STREAMS}},
		expected: json('SerializationException'),
		kinesalite: true,
	},
	// With a body, a content type AWS does not speak is answered in XML.
	{
		name: 'a body without a content type or target is AccessDeniedException in XML',
		request: {headers: SIGNED, body: '{}'},
		expected: accessDenied,
		kinesalite: true,
	},
	{
		name: 'a body in x-amz-json-1.0 with a valid target is UnknownOperationException in XML, 404',
		request: listStreams({'content-type': 'application/x-amz-json-1.0', ...SIGNED}),
		expected: {status: 404, contentType: null, body: '<UnknownOperationException/>\n'},
		kinesalite: true,
	},
	// application/json: parsed, then routed nowhere, in Coral's envelope.
	{
		name: 'application/json with a valid target and a JSON body is Coral UnknownOperationException, 404',
		request: listStreams({'content-type': 'application/json'}),
		expected: coral('UnknownOperationException', 404),
		kinesalite: true,
	},
	{
		name: 'application/json with a body that is no JSON is Coral SerializationException, 400',
		request: listStreams({'content-type': 'application/json'}, {body: 'hello'}),
		expected: coral('SerializationException', 400),
		kinesalite: true,
	},
	{
		name: 'application/json with spaces and an empty parameter is still application/json',
		request: listStreams({'content-type': '     application/json     ;'}, {body: 'hello'}),
		expected: coral('SerializationException', 400),
		kinesalite: true,
		http1Only: true,
	},
	{
		name: 'a JSON 1.1 body that is no JSON is SerializationException',
		request: listStreams({}, {body: 'hello'}),
		expected: json('SerializationException'),
		kinesalite: true,
	},
	// Authentication, checked after routing, without --verify-signatures too.
	{
		name: 'no authentication is MissingAuthenticationTokenException',
		request: listStreams(),
		expected: json('MissingAuthenticationTokenException', 'Missing Authentication Token'),
		kinesalite: true,
	},
	{
		name: 'no authentication in a content type with spaces and parameters',
		request: listStreams({'content-type': '   application/x-amz-json-1.1   ;whatever'}),
		expected: json('MissingAuthenticationTokenException', 'Missing Authentication Token'),
		kinesalite: true,
		http1Only: true,
	},
	{
		name: 'no authentication in CBOR is MissingAuthenticationTokenException in CBOR',
		request: {
			headers: {'content-type': CBOR_11, 'x-amz-target': LIST_STREAMS},
			body: new Encoder().encode({}),
		},
		expected: {
			status: 400,
			contentType: CBOR_11,
			body: Buffer.concat([
				Buffer.from('bf66', 'hex'),
				Buffer.from('__type'),
				Buffer.from([0x78, 35]),
				Buffer.from('MissingAuthenticationTokenException'),
				Buffer.from([0x67]),
				Buffer.from('message'),
				Buffer.from([0x78, 28]),
				Buffer.from('Missing Authentication Token'),
				Buffer.from('ff', 'hex'),
			]),
		},
		kinesalite: true,
	},
	...(
		[
			[
				'an incomplete Authorization header',
				{authorization: 'X'},
				'/',
				'IncompleteSignatureException',
				INCOMPLETE_HEADER_X,
			],
			[
				'both header and query authentication',
				{authorization: 'X'},
				'/?X-Amz-Algorithm',
				'InvalidSignatureException',
				FOUND_BOTH,
			],
			[
				'an incomplete query string',
				{},
				'/?X-Amz-Algorithm',
				'IncompleteSignatureException',
				INCOMPLETE_QUERY_ALL,
			],
		] as const
	).map(([what, headers, path, type, message]) => ({
		name: `${what} in CBOR is ${type} in CBOR`,
		request: {
			path,
			headers: {'content-type': CBOR_11, 'x-amz-target': LIST_STREAMS, ...headers},
			body: new Encoder().encode({}),
		},
		expected: {status: 400, contentType: CBOR_11, body: cborErrorWithMessage(type, message)},
		kinesalite: true,
	})),
	{
		name: 'a CBOR body that is no CBOR is SerializationException in CBOR',
		request: {
			headers: {'content-type': CBOR_11, 'x-amz-target': LIST_STREAMS, ...SIGNED},
			body: 'hello',
		},
		expected: cbor('SerializationException'),
		kinesalite: true,
	},
	{
		name: 'a CBOR request for an unknown action is UnknownOperationException in CBOR',
		request: {
			headers: {'content-type': CBOR_11, 'x-amz-target': 'Kinesis_20131202.Whatever', ...SIGNED},
			body: new Encoder().encode({}),
		},
		expected: cbor('UnknownOperationException'),
		kinesalite: true,
	},
	{
		name: 'an Authorization header lacking everything names each part and itself',
		request: listStreams({authorization: 'X'}),
		expected: json('IncompleteSignatureException', INCOMPLETE_HEADER_X),
		kinesalite: true,
	},
	{
		name: 'a query string without X-Amz-Algorithm is no query-string authentication',
		request: listStreams({authorization: 'X'}, {path: '/?X-Amz-Algorith'}),
		expected: json('IncompleteSignatureException', INCOMPLETE_HEADER_X),
		kinesalite: true,
	},
	...[
		'AWS4- Signature=b Credential=a',
		'AWS4- Signature=b,Credential=a',
		'AWS4- Signature=b, Credential=a',
	].map((authorization) => ({
		name: `"${authorization}" lacks only SignedHeaders`,
		request: listStreams({authorization, date: 'a'}),
		expected: json(
			'IncompleteSignatureException',
			`Authorization header requires 'SignedHeaders' parameter. Authorization=${authorization}`,
		),
		kinesalite: true,
	})),
	{
		name: 'query parameters without X-Amz-Algorithm are no authentication',
		request: listStreams(
			{},
			{path: '/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d'},
		),
		expected: json('MissingAuthenticationTokenException', 'Missing Authentication Token'),
		kinesalite: true,
	},
	{
		name: 'both an Authorization header and X-Amz-Algorithm is InvalidSignatureException',
		request: listStreams({authorization: 'X'}, {path: '/?X-Amz-Algorithm'}),
		expected: json('InvalidSignatureException', FOUND_BOTH),
		kinesalite: true,
	},
	{
		name: 'an empty X-Amz-Algorithm query names every query parameter',
		request: listStreams({}, {path: '/?X-Amz-Algorithm'}),
		expected: json('IncompleteSignatureException', INCOMPLETE_QUERY_ALL),
		kinesalite: true,
	},
	{
		name: 'a query string lacking X-Amz-SignedHeaders names it',
		request: listStreams(
			{},
			{path: '/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d'},
		),
		expected: json(
			'IncompleteSignatureException',
			"AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
		),
		kinesalite: true,
	},
	{
		name: 'a complete query string is accepted without --verify-signatures',
		request: listStreams(
			{},
			{
				path: '/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-SignedHeaders=d&X-Amz-Date=e',
			},
		),
		expected: {
			status: 200,
			contentType: JSON_11,
			body: '{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}',
		},
		// kinesalite predates StreamSummaries (today's AWS returns it).
		kinesalite: false,
	},
	// CORS.
	{
		name: 'a preflight is answered 200, empty, whatever its authentication',
		request: {method: 'OPTIONS', headers: {origin: 'whatever'}},
		expected: {
			status: 200,
			contentType: null,
			body: '',
			headers: {
				'access-control-allow-origin': '*',
				'access-control-max-age': '172800',
				'access-control-allow-headers': undefined,
				'access-control-allow-methods': undefined,
				'access-control-expose-headers': undefined,
				'x-amz-id-2': undefined,
			},
		},
		kinesalite: true,
	},
	{
		name: 'a preflight echoes the headers and method asked for',
		request: {
			method: 'OPTIONS',
			headers: {
				origin: 'whatever',
				'access-control-request-headers': 'a, b, c',
				'access-control-request-method': 'd',
				...SIGNED,
			},
		},
		expected: {
			status: 200,
			contentType: null,
			body: '',
			headers: {
				'access-control-allow-origin': '*',
				'access-control-allow-headers': 'a, b, c',
				'access-control-allow-methods': 'd',
				'access-control-max-age': '172800',
				'x-amz-id-2': undefined,
			},
		},
		kinesalite: true,
	},
	{
		name: 'an error to a request with an Origin carries CORS headers',
		request: {headers: {origin: 'whatever'}},
		expected: {
			...cbor('UnknownOperationException'),
			headers: {
				'access-control-allow-origin': '*',
				'access-control-expose-headers': EXPOSED,
				'access-control-max-age': undefined,
			},
		},
		kinesalite: true,
	},
	{
		name: 'an XML answer to a request with an Origin carries CORS headers',
		request: {method: 'GET', headers: {origin: 'whatever'}},
		expected: {
			...accessDenied,
			headers: {'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED},
		},
		kinesalite: true,
	},
	{
		name: 'a successful call with an Origin carries CORS headers',
		request: listStreams({origin: 'https://example.com', ...SIGNED}),
		expected: {
			status: 200,
			contentType: JSON_11,
			body: '{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}',
			headers: {'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED},
		},
		kinesalite: false,
	},
	{
		name: 'a request without an Origin carries no CORS headers',
		request: listStreams(SIGNED),
		expected: {
			status: 200,
			contentType: JSON_11,
			body: '{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}',
			headers: {
				'access-control-allow-origin': undefined,
				'access-control-expose-headers': undefined,
			},
		},
		kinesalite: false,
	},
];

/** One raw request over HTTP/1.1. */
function sendHttp1(endpoint: string, raw: Raw): Promise<Answer> {
	const url = new URL(endpoint);
	const body = raw.body ?? '';
	return new Promise((resolve, reject) => {
		const outgoing = http1Request(
			{
				host: url.hostname,
				port: url.port,
				method: raw.method ?? 'POST',
				path: raw.path ?? '/',
				headers: {...raw.headers, 'content-length': String(Buffer.byteLength(body))},
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode!,
						headers: response.headers as Record<string, string>,
						body: Buffer.concat(chunks),
					}),
				);
				response.on('error', reject);
			},
		);
		outgoing.on('error', reject);
		outgoing.end(body);
	});
}

/** One raw request over cleartext HTTP/2. */
function sendHttp2(endpoint: string, raw: Raw): Promise<Answer> {
	const session = http2Connect(endpoint);
	return new Promise<Answer>((resolve, reject) => {
		session.on('error', reject);
		const stream = session.request(
			{':method': raw.method ?? 'POST', ':path': raw.path ?? '/', ...raw.headers},
			{endStream: false},
		);
		const chunks: Buffer[] = [];
		let headers: Record<string, string | undefined> = {};
		let status = 0;
		stream.on('response', (received) => {
			status = Number(received[':status']);
			headers = received as Record<string, string>;
		});
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => resolve({status, headers, body: Buffer.concat(chunks)}));
		stream.on('error', reject);
		stream.end(raw.body ?? '');
	}).finally(() => session.close());
}

/** The answer is AWS's: status, body, content type and length, request ids, and the case's headers. */
function expectAnswer(answer: Answer, expected: Expected) {
	expect(answer.status).toBe(expected.status);
	const body = Buffer.from(expected.body);
	expect(answer.body.toString('hex')).toBe(body.toString('hex'));
	expect(answer.headers['content-type']).toBe(expected.contentType ?? undefined);
	expect(answer.headers['content-length']).toBe(String(body.length));
	expect(answer.headers['x-amzn-requestid']).toMatch(UUID);
	if (!expected.headers || !('x-amz-id-2' in expected.headers)) {
		expect(Buffer.from(answer.headers['x-amz-id-2'] ?? '', 'base64')).toHaveLength(72);
	}

	for (const [name, value] of Object.entries(expected.headers ?? {})) {
		expect(answer.headers[name], name).toBe(value);
	}
}

/** CBOR bodies as their values (kinesalite writes definite-length maps where AWS does not). */
function comparable(answer: Answer) {
	const body =
		answer.headers['content-type'] === CBOR_11
			? (new Decoder({mapsAsObjects: true}).decode(answer.body) as unknown)
			: answer.body.toString();
	return {status: answer.status, contentType: answer.headers['content-type'], body};
}

let engine: KinesisEngine;
let server: KinesisServer;
let endpoint: string;
let kinesalite: Emulator;

beforeAll(async () => {
	engine = new KinesisEngine({enforceLimits: false});
	server = new KinesisServer({engine, port: 0});
	endpoint = await server.start();
	kinesalite = await startKinesalite();
});

afterAll(async () => {
	await server?.stop();
	await engine?.close();
	await kinesalite?.stop();
});

describe('the envelope as AWS answers it', () => {
	describe.each([
		['HTTP/1.1', sendHttp1, CASES],
		['h2c', sendHttp2, CASES.filter((each) => !each.http1Only)],
	] as const)('over %s', (_protocol, send, cases) => {
		test.each(cases.map((each) => [each.name, each] as const))('%s', async (_name, each) => {
			expectAnswer(await send(endpoint, each.request), each.expected);
		});
	});

	const shared = CASES.filter((each) => each.kinesalite);
	test.each(shared.map((each) => [each.name, each] as const))(
		'kinesalite answers the same: %s',
		async (_name, each) => {
			const ours = await sendHttp1(endpoint, each.request);
			const theirs = await sendHttp1(kinesalite.endpoint, each.request);
			expect(comparable(ours)).toEqual(comparable(theirs));
			for (const name of Object.keys(each.expected.headers ?? {})) {
				expect(ours.headers[name], name).toBe(theirs.headers[name]);
			}
		},
	);
});

/** mulberry32: a small seeded generator, so the random cases below are the same on every run. */
function prng(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

describe('authentication as kinesalite recorded it', () => {
	const random = prng(16_002);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const some = (items: readonly string[]) => items.filter(() => random() < 0.5);
	/** Authorization headers and query strings, well-formed (as SDKs send them) and not. */
	function randomAuthentication(): Raw {
		const headers: Record<string, string> = {};
		if (random() < 0.7) {
			const parts =
				random() < 0.3
					? [
							'Credential=AKID/20260101/us-east-1/kinesis/aws4_request',
							'SignedHeaders=host;x-amz-date',
							'Signature=abc',
						]
					: some([
							'Credential=AKID/20260101/us-east-1/kinesis/aws4_request',
							'SignedHeaders=host;x-amz-date',
							'Signature=abc',
							'Credential=',
							'Signature=',
							'SignedHeaders=a=b',
							'Foo=bar',
						]);
			const algorithm = pick(['AWS4-HMAC-SHA256', 'AWS4-', 'X', 'Credential=a']);
			headers.authorization = [algorithm, parts.join(pick([', ', ',', ' ']))]
				.join(pick([' ', ',']))
				.trim();
		}

		if (random() < 0.7) headers[pick(['x-amz-date', 'date'])] = pick(['20260101T000000Z', 'a']);
		const query = some([
			'X-Amz-Algorithm=AWS4-HMAC-SHA256',
			'X-Amz-Credential=a',
			'X-Amz-Signature=b',
			'X-Amz-SignedHeaders=host',
			'X-Amz-Date=20260101T000000Z',
			'X-Amz-Algorithm',
			'X-Amz-Date=',
		]);
		return listStreams(headers, {path: random() < 0.5 ? `/?${query.join('&')}` : '/'});
	}

	/** An answer as far as authentication decides it: the error, or that there was none. */
	const outcome = (answer: Answer) =>
		answer.status === 200
			? 'accepted'
			: (JSON.parse(answer.body.toString()) as {__type: string; message?: string});

	test('200 random Authorization headers and query strings are answered as kinesalite answers them', async () => {
		const outcomes = new Set<string>();
		for (let i = 0; i < 200; i++) {
			const request = randomAuthentication();
			const ours = outcome(await sendHttp1(endpoint, request));
			const theirs = outcome(await sendHttp1(kinesalite.endpoint, request));
			expect(ours, JSON.stringify(request)).toEqual(theirs);
			outcomes.add(typeof ours === 'string' ? ours : ours.__type);
		}

		// Every outcome was reached.
		expect([...outcomes].sort()).toEqual([
			'IncompleteSignatureException',
			'InvalidSignatureException',
			'MissingAuthenticationTokenException',
			'accepted',
		]);
	});
});

describe('SubscribeToShard from a browser', () => {
	test("the event stream's answer carries CORS headers, over h2c", async () => {
		const call = (action: string, input: unknown) =>
			sendHttp1(endpoint, {
				headers: {
					'content-type': JSON_11,
					'x-amz-target': `Kinesis_20131202.${action}`,
					...SIGNED,
				},
				body: JSON.stringify(input),
			});
		expect((await call('CreateStream', {StreamName: 'browser', ShardCount: 1})).status).toBe(200);
		const {StreamDescriptionSummary} = JSON.parse(
			(await call('DescribeStreamSummary', {StreamName: 'browser'})).body.toString(),
		) as {StreamDescriptionSummary: {StreamARN: string}};
		const registered = JSON.parse(
			(
				await call('RegisterStreamConsumer', {
					StreamARN: StreamDescriptionSummary.StreamARN,
					ConsumerName: 'page',
				})
			).body.toString(),
		) as {Consumer: {ConsumerARN: string}};
		const {ConsumerARN} = registered.Consumer;
		let status = '';
		for (let attempt = 0; attempt < 100 && status !== 'ACTIVE'; attempt++) {
			const described = JSON.parse(
				(await call('DescribeStreamConsumer', {ConsumerARN})).body.toString(),
			) as {ConsumerDescription: {ConsumerStatus: string}};
			status = described.ConsumerDescription.ConsumerStatus;
			if (status !== 'ACTIVE') await new Promise((resolve) => setImmediate(resolve));
		}

		expect(status).toBe('ACTIVE');
		const session = http2Connect(endpoint);
		try {
			const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
				session.on('error', reject);
				const stream = session.request({
					':method': 'POST',
					':path': '/',
					'content-type': JSON_11,
					'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
					origin: 'https://example.com',
					...SIGNED,
				});
				stream.on('response', (received) => {
					resolve(received);
					stream.close();
				});
				stream.on('error', reject);
				stream.end(
					JSON.stringify({
						ConsumerARN,
						ShardId: 'shardId-000000000000',
						StartingPosition: {Type: 'LATEST'},
					}),
				);
			});
			expect(headers[':status']).toBe(200);
			expect(headers['content-type']).toBe('application/vnd.amazon.eventstream');
			expect(headers['access-control-allow-origin']).toBe('*');
			expect(headers['access-control-expose-headers']).toBe(EXPOSED);
		} finally {
			session.close();
		}
	});
});

describe('query-string (presigned) authentication with --verify-signatures', () => {
	const KEY = {accessKeyId: 'AKIAPRESIGNTEST00001', secretAccessKey: 'presigned/secret+key'};
	let verifying: KinesisServer;
	let verifyingEndpoint: string;

	beforeAll(async () => {
		verifying = new KinesisServer({engine, port: 0, verifySignatures: [KEY]});
		verifyingEndpoint = await verifying.start();
	});

	afterAll(async () => {
		await verifying?.stop();
	});

	/** A ListStreams presigned as the SDK's signer presigns it (the target and content type as headers). */
	async function presigned(
		options: {body?: string; secretAccessKey?: string; signingDate?: Date; expiresIn?: number} = {},
	): Promise<Raw> {
		const url = new URL(verifyingEndpoint);
		const body = options.body ?? '{}';
		const headers = {
			host: url.host,
			'content-type': JSON_11,
			'x-amz-target': LIST_STREAMS,
		};
		const signer = new SignatureV4({
			credentials: {...KEY, secretAccessKey: options.secretAccessKey ?? KEY.secretAccessKey},
			region: 'eu-west-1',
			service: 'kinesis',
			sha256: Sha256,
		});
		const request = await signer.presign(
			{method: 'POST', protocol: 'http:', hostname: url.hostname, path: '/', headers, body},
			{
				signingDate: options.signingDate,
				expiresIn: options.expiresIn ?? 300,
				unhoistableHeaders: new Set(['x-amz-target']),
			},
		);
		const query = new URLSearchParams(request.query as Record<string, string>).toString();
		const {host: _host, ...sent} = headers;
		return {path: `/?${query}`, headers: sent, body: options.body ?? body};
	}

	test.each([
		['HTTP/1.1', sendHttp1],
		['h2c', sendHttp2],
	])('a correctly presigned request is accepted over %s', async (_protocol, send) => {
		const answer = await send(verifyingEndpoint, await presigned());
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body.toString())).toHaveProperty('StreamNames');
	});

	test('a presigned request with a wrong secret is InvalidSignatureException', async () => {
		const answer = await sendHttp1(
			verifyingEndpoint,
			await presigned({secretAccessKey: 'not the secret'}),
		);
		expect(answer.status).toBe(403);
		expect(JSON.parse(answer.body.toString())).toEqual({
			__type: 'InvalidSignatureException',
			message: SIGNATURE_MISMATCH,
		});
	});

	test('a presigned request whose body changed does not verify', async () => {
		const request = await presigned();
		const answer = await sendHttp1(verifyingEndpoint, {...request, body: '{"Limit":1}'});
		expect(answer.status).toBe(403);
		expect(JSON.parse(answer.body.toString())).toEqual({
			__type: 'InvalidSignatureException',
			message: SIGNATURE_MISMATCH,
		});
	});

	test('a presigned request past its X-Amz-Expires is "Signature expired"', async () => {
		const answer = await sendHttp1(
			verifyingEndpoint,
			await presigned({signingDate: new Date(Date.now() - 10 * 60_000), expiresIn: 60}),
		);
		expect(answer.status).toBe(403);
		const error = JSON.parse(answer.body.toString()) as {__type: string; message: string};
		expect(error.__type).toBe('InvalidSignatureException');
		expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than /);
	});

	test('a presigned request within its X-Amz-Expires, made 10 minutes ago, is accepted', async () => {
		const answer = await sendHttp1(
			verifyingEndpoint,
			await presigned({signingDate: new Date(Date.now() - 10 * 60_000), expiresIn: 3600}),
		);
		expect(answer.status).toBe(200);
	});

	test('a presigned request with an Authorization header too is refused before verification', async () => {
		const request = await presigned();
		const answer = await sendHttp1(verifyingEndpoint, {
			...request,
			headers: {...request.headers, authorization: SIGNED.authorization},
		});
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body.toString())).toEqual({
			__type: 'InvalidSignatureException',
			message: FOUND_BOTH,
		});
	});
});

/**
 * Fuzzing the wire server: thousands of random, mostly malformed requests — random targets, methods and
 * content types; truncated JSON and CBOR, wrong member types, huge numbers, random bytes, deep nesting;
 * clients that disconnect mid-request or stall — over HTTP/1.1 and HTTP/2. The envelope is fuzzed too:
 * random methods, content types, targets, `Authorization` headers, query strings (presigned or not) and
 * browsers' `Origin` headers and preflights. Every answer must be a well-formed AWS answer (a JSON or
 * CBOR document, an error with its `__type`, Coral's `application/json` envelope, one of the documented
 * XML / 413 answers, or a CORS preflight's; never an InternalFailure, which would be a bug reaching the
 * engine), carry CORS headers whenever the request had an Origin, no request may be left hanging, and
 * afterwards the server must still serve correct data, and the data directory must reopen with every
 * record it held before.
 *
 * Deterministic: the seed is fixed unless FUZZ_SEED is set; a failure names the seed and the request.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {Agent, request as http1Request} from 'node:http';
import {connect as http2Connect, type ClientHttp2Session} from 'node:http2';
import {connect as tcpConnect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Decoder, Encoder, Tag} from 'cbor-x';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {kinesisActions} from '../../source/server/kinesis-api.js';
import {KinesisServer} from '../../source/server/server.js';
import type {Shape} from '../../source/server/shapes.js';
import {waitFor} from '../helpers/wait-for.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122);
const REQUESTS = 3000;
const CONCURRENCY = 32;
const JSON_TYPE = 'application/x-amz-json-1.1';
const CBOR_TYPE = 'application/x-amz-cbor-1.1';
const AUTHORIZATION =
	'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

/** mulberry32: small, fast and good enough to drive a fuzzer reproducibly. */
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

const random = prng(SEED);
const chance = (p: number) => random() < p;
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const bytes = (length: number) => Buffer.from(Array.from({length}, () => int(0, 255)));
/** Printable ASCII: what an HTTP client lets through in a header (raw sockets send the rest). */
const ascii = (length: number) => String.fromCodePoint(...Array.from({length}, () => int(32, 126)));
const text = (length: number) =>
	String.fromCodePoint(...Array.from({length}, () => pick([int(32, 126), int(0, 0x2fff), 0xd800])));

const cborEncoder = new Encoder({useRecords: false, mapsAsObjects: true, tagUint8Array: false});
const cborDecoder = new Decoder({useRecords: false, mapsAsObjects: true});
const ACTIONS = Object.keys(kinesisActions);
/** The fuzzer's streams: it may create, reshard and delete these, never `guard`. */
const STREAMS = ['fuzz-0', 'fuzz-1', 'fuzz-2'];

function wrongValue(): unknown {
	return pick([
		null,
		true,
		0,
		-1,
		1.5,
		2 ** 53 + 1,
		1e308,
		'',
		'text',
		[],
		{},
		[1, 'a', null],
		{nested: {deeper: [{}]}},
	]);
}

function stringValue(): string {
	return pick([
		() => pick(STREAMS),
		() => `fuzz-${int(0, 5)}`,
		() => '',
		() => 'x'.repeat(int(100, 300)),
		() => text(int(1, 40)),
		() => `shardId-${String(int(0, 5)).padStart(12, '0')}`,
		() =>
			pick([
				'TRIM_HORIZON',
				'LATEST',
				'AT_SEQUENCE_NUMBER',
				'AFTER_SEQUENCE_NUMBER',
				'AT_TIMESTAMP',
			]),
		() =>
			pick([
				'0',
				'1',
				'-1',
				'340282366920938463463374607431768211455',
				'3402823669209384634633746074317682114560',
			]),
		() => '4'.repeat(int(1, 70)),
		() => bytes(int(1, 60)).toString('base64'),
		() => pick(['PROVISIONED', 'ON_DEMAND', 'UNIFORM_SCALING', 'AT_LATEST', 'FROM_TRIM_HORIZON']),
		() => `arn:aws:kinesis:us-east-1:000000000000:stream/${pick(STREAMS)}`,
	])();
}

/** A value for `shape` — usually of the right type, with hostile contents — for JSON or CBOR. */
function valueFor(shape: Shape, cbor: boolean, depth = 0): unknown {
	if (chance(0.15)) return wrongValue();
	if (typeof shape === 'object') {
		if ('list' in shape) {
			const length = chance(0.05) ? int(400, 600) : int(0, 6);
			return Array.from({length}, () => valueFor(shape.list, cbor, depth + 1));
		}

		const object: Record<string, unknown> = {};
		for (const [member, memberShape] of Object.entries(shape.structure)) {
			if (chance(0.6)) object[member] = valueFor(memberShape, cbor, depth + 1);
		}

		if (chance(0.2)) object[text(int(1, 10))] = wrongValue();
		return object;
	}

	switch (shape) {
		case 'string': {
			return stringValue();
		}

		case 'integer': {
			return pick([
				0,
				1,
				2,
				3,
				-1,
				24,
				168,
				8760,
				10_000,
				2 ** 31 - 1,
				2 ** 31,
				1e15,
				1.5,
				int(1, 20),
			]);
		}

		case 'boolean': {
			return chance(0.5);
		}

		case 'blob': {
			const data = bytes(chance(0.02) ? 1024 * 1024 + int(-10, 10) : int(0, 300));
			if (cbor) return chance(0.9) ? data : data.toString('base64');
			return chance(0.9) ? data.toString('base64') : pick(['***', 'abc', 'YQ', '=']);
		}

		case 'timestamp': {
			const milliseconds = pick([Date.now(), Date.now() - int(0, 100_000_000), 0, -1, 1e20]);
			if (cbor) return chance(0.5) ? new Tag(milliseconds, 1) : milliseconds;
			return milliseconds / 1000;
		}

		case 'map': {
			return Object.fromEntries(
				Array.from({length: int(0, 60)}, () => [
					text(int(0, 130)),
					chance(0.9) ? text(int(0, 300)) : 1,
				]),
			);
		}
	}
}

type Fuzzed = {
	description: string;
	method: string;
	/** The path and query string. */
	path: string;
	headers: Record<string, string>;
	body: Buffer;
	http2: boolean;
};

function deeplyNested(depth: number) {
	return '['.repeat(depth) + ']'.repeat(depth);
}

/** One random request. */
function fuzzedRequest(index: number): Fuzzed {
	const action = chance(0.9)
		? pick(ACTIONS)
		: pick(['MakeCoffee', '', 'describeStream', 'ListStreams.x']);
	const target = chance(0.93)
		? `Kinesis_20131202.${action}`
		: pick([
				'',
				'Kinesis_20131202',
				'Firehose_20150804.ListDeliveryStreams',
				ascii(int(1, 30)),
				'.',
			]);
	const kind = pick([
		'shaped',
		'shaped',
		'shaped',
		'shaped-cbor',
		'shaped-cbor',
		'truncated',
		'truncated-cbor',
		'random-bytes',
		'weird-json',
		'headers',
	]);
	const shape: Shape = {structure: kinesisActions[action]?.shape ?? {}};
	let contentType = kind.includes('cbor') ? CBOR_TYPE : JSON_TYPE;
	let body: Buffer;
	switch (kind) {
		case 'shaped': {
			body = Buffer.from(JSON.stringify(valueFor(shape, false)));
			break;
		}

		case 'shaped-cbor': {
			body = cborEncoder.encode(valueFor(shape, true));
			break;
		}

		case 'truncated': {
			const whole = JSON.stringify(valueFor(shape, false));
			body = Buffer.from(whole.slice(0, int(0, Math.max(0, whole.length - 1))));
			break;
		}

		case 'truncated-cbor': {
			const whole = cborEncoder.encode(valueFor(shape, true));
			body = whole.subarray(0, int(0, Math.max(0, whole.length - 1)));
			break;
		}

		case 'random-bytes': {
			body = chance(0.5)
				? bytes(int(0, 2000))
				: Buffer.concat([Buffer.from([pick([0xbf, 0xa1, 0x9f, 0xd9])]), bytes(int(0, 50))]);
			contentType = pick([JSON_TYPE, CBOR_TYPE, 'application/octet-stream']);
			break;
		}

		case 'weird-json': {
			body = Buffer.from(
				pick([
					'null',
					'"a string"',
					'[1,2,3]',
					'1e999',
					'-0',
					'12345678901234567890123456789',
					'{"StreamName": "\\ud800"}',
					'{"__proto__": {"polluted": true}, "StreamName": "fuzz-0"}',
					'{"constructor": {"prototype": {"polluted": true}}}',
					'{"ShardCount": 1e400, "StreamName": "fuzz-1"}',
					'{"Limit": -9007199254740993}',
					deeplyNested(int(100, 20_000)),
					`{"StreamName": "${'s'.repeat(100_000)}"}`,
					'{"a":1,"a":2}',
					'\u00ef\u00bb\u00bf{}',
					'{} {}',
				]),
			);
			break;
		}

		default: {
			body = Buffer.from(JSON.stringify(valueFor(shape, false)));
			contentType = pick([
				'',
				'application/json',
				'text/plain',
				'application/x-amz-json-1.0',
				`${JSON_TYPE}; charset=utf-8`,
				'APPLICATION/X-AMZ-JSON-1.1',
				'application/x-amz-cbor-1.1; x=y',
				'     application/json     ;',
				'application/x-amz-json-1.1asdf',
				'application/cbor',
			]);
		}
	}

	if (chance(0.03)) body = Buffer.alloc(0);
	const headers: Record<string, string> = {};
	if (contentType) headers['content-type'] = contentType;
	if (target || chance(0.5)) headers['x-amz-target'] = target;
	let path = '/';
	const authentication = pick(['header', 'header', 'header', 'header', 'envelope']);
	if (authentication === 'header') {
		if (!chance(0.05)) {
			headers.authorization = AUTHORIZATION;
			headers['x-amz-date'] = '20260101T000000Z';
		}
	} else {
		// What AWS checks of a signature before computing it: its presence, its parts, its date.
		if (chance(0.6)) headers.authorization = fuzzedAuthorization();
		if (chance(0.5)) headers[pick(['x-amz-date', 'date'])] = pick(['20260101T000000Z', 'a', '']);
		if (chance(0.5)) path = fuzzedQuery();
	}

	const method = chance(0.95)
		? 'POST'
		: pick(['GET', 'PUT', 'DELETE', 'OPTIONS', 'OPTIONS', 'HEAD', 'PATCH']);
	// From a browser: mostly its preflights, and some of its calls.
	if (chance(method === 'OPTIONS' ? 0.7 : 0.12)) {
		headers.origin = pick(['https://example.com', 'null', 'whatever', 'whatever', '']);
		if (chance(0.5)) headers['access-control-request-headers'] = pick(['a, b, c', 'x-amz-target']);
		if (chance(0.5)) headers['access-control-request-method'] = pick(['POST', 'd']);
	}

	const http2 = chance(0.15);
	return {
		description: `#${index} ${http2 ? 'h2' : 'http/1.1'} ${method} ${path} ${kind} ${target} ${contentType} ${body.length} bytes ${JSON.stringify(headers.authorization ?? null)} origin ${JSON.stringify(headers.origin ?? null)}`,
		method,
		path,
		headers,
		body,
		http2,
	};
}

/** An Authorization header as clients get it wrong: parts missing, empty, out of order, or junk. */
function fuzzedAuthorization(): string {
	const parts = [
		'Credential=AKID/20260101/us-east-1/kinesis/aws4_request',
		'SignedHeaders=host;x-amz-date',
		'Signature=abc',
		'Credential=',
		'Signature=b',
		'SignedHeaders=',
	].filter(() => chance(0.5));
	return pick([
		() => 'X',
		() => `${pick(['AWS4-HMAC-SHA256', 'AWS4-', 'Bearer'])} ${parts.join(pick([', ', ',', ' ']))}`,
		() => parts.join(', '),
		() => ascii(int(1, 100)),
	])();
}

/** A query string as presigned requests (and junk) have them. */
function fuzzedQuery(): string {
	const parameters = [
		'X-Amz-Algorithm=AWS4-HMAC-SHA256',
		'X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fkinesis%2Faws4_request',
		'X-Amz-Signature=abc',
		'X-Amz-SignedHeaders=host',
		'X-Amz-Date=20260101T000000Z',
		'X-Amz-Algorithm',
		'X-Amz-Algorith',
		'X-Amz-Expires=300',
	].filter(() => chance(0.6));
	return pick([
		() => `/?${parameters.join('&')}`,
		() => `/whatever?${parameters.join('&')}`,
		() => `/?${encodeURIComponent(ascii(int(1, 40)))}`,
		() => '/?a=%zz&X-Amz-Algorithm=%',
	])();
}

type Answer = {
	status: number;
	contentType: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
};

const ACCESS_DENIED_XML =
	'<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n';
const CORAL_JSON = {
	404: '{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}',
	400: '{"Output":{"__type":"com.amazon.coral.service#SerializationException"},"Version":"1.0"}',
} as Record<number, string>;
const EXPOSED =
	'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';

const isPreflight = (request: Fuzzed) => request.method === 'OPTIONS' && request.headers.origin;

/** Why the answer's CORS headers are not AWS's for this request, if they are not. */
function corsProblem(request: Fuzzed, answer: Answer): string | undefined {
	const {headers} = answer;
	if (!request.headers.origin) {
		return headers['access-control-allow-origin'] === undefined
			? undefined
			: 'CORS headers without an Origin';
	}

	if (headers['access-control-allow-origin'] !== '*') return 'no Access-Control-Allow-Origin: *';
	if (!isPreflight(request)) {
		return headers['access-control-expose-headers'] === EXPOSED
			? undefined
			: `Access-Control-Expose-Headers ${String(headers['access-control-expose-headers'])}`;
	}

	const echoed = [
		['access-control-request-headers', 'access-control-allow-headers'],
		['access-control-request-method', 'access-control-allow-methods'],
	].find(([asked, allowed]) => headers[allowed] !== request.headers[asked]);
	if (echoed) return `${echoed[1]} is not the ${echoed[0]} asked for`;
	if (headers['access-control-max-age'] !== '172800') return 'no Access-Control-Max-Age: 172800';
	return headers['x-amz-id-2'] === undefined ? undefined : 'a preflight answer with x-amz-id-2';
}

/** What the answer is, or why it is not a well-formed AWS answer. */
function classify(request: Fuzzed, answer: Answer): {type: string} | {problem: string} {
	const {status, contentType, body} = answer;
	const cors = corsProblem(request, answer);
	if (cors) return {problem: cors};
	if (status === 413) return body.length === 0 ? {type: '413'} : {problem: '413 with a body'};
	// A browser's preflight is answered whatever else the request holds.
	if (isPreflight(request)) {
		return status === 200 && body.length === 0 && contentType === ''
			? {type: 'CORS preflight'}
			: {problem: 'not a preflight answer'};
	}

	// AWS routes nothing but a POST.
	if (request.method !== 'POST') {
		const expected = request.method === 'HEAD' ? '' : ACCESS_DENIED_XML;
		return status === 403 && body.toString() === expected && contentType === ''
			? {type: `${request.method} xml AccessDeniedException`}
			: {problem: `${request.method} not answered AccessDeniedException`};
	}

	if (status === 404 && body.toString() === '<UnknownOperationException/>\n') {
		return {type: 'xml UnknownOperationException'};
	}

	const xml = /^<(\w+)>\n {2}<Message>[^<]*<\/Message>\n<\/\1>\n$/.exec(body.toString());
	if (status === 403 && xml) return {type: `xml ${xml[1]}`};
	// Coral's older JSON envelope: parsed, never routed.
	if (contentType === 'application/json') {
		return CORAL_JSON[status] === body.toString()
			? {type: `${status} coral json`}
			: {problem: 'not one of the Coral JSON answers'};
	}

	let document: unknown;
	try {
		if (contentType === JSON_TYPE) document = JSON.parse(body.toString('utf8'));
		else if (contentType === CBOR_TYPE) document = cborDecoder.decode(body);
		else return {problem: `unexpected content type "${contentType}"`};
	} catch {
		return {problem: `a ${contentType} body that does not parse`};
	}

	if (typeof document !== 'object' || document === null || Array.isArray(document)) {
		return {problem: 'a body that is not an object'};
	}

	if (status === 200) return {type: '200'};
	const type = (document as {__type?: unknown}).__type;
	if (status < 400 || status > 599 || typeof type !== 'string') {
		return {problem: `status ${status} without an AWS error`};
	}

	// The engine raising something unexpected (a bug) shows as InternalFailure: not acceptable.
	if (status >= 500) return {problem: `${status} ${type}`};

	return {type: `${status} ${type}`};
}

let dataDirectory: string;
let engine: KinesisEngine;
let server: KinesisServer;
let url: URL;
const agent = new Agent({keepAlive: true, maxSockets: CONCURRENCY});
let session: ClientHttp2Session;

beforeAll(async () => {
	dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-fuzz-'));
	engine = new KinesisEngine({dataDirectory});
	server = new KinesisServer({engine, port: 0, bodyTimeoutMs: 1000, idleTimeoutMs: 3000});
	url = new URL(await server.start());
	session = http2Connect(url.origin);
	session.on('error', () => undefined);
});

afterAll(async () => {
	agent.destroy();
	session?.destroy();
	await server?.stop();
	await engine?.close();
	rmSync(dataDirectory, {recursive: true, force: true});
});

function send(request: Fuzzed): Promise<Answer> {
	if (request.http2) {
		return new Promise((resolve, reject) => {
			// Even a GET carries its body here (Node would end a GET's stream at once by default).
			const stream = session.request(
				{':method': request.method, ':path': request.path, ...request.headers},
				{endStream: false},
			);
			const chunks: Buffer[] = [];
			let status = 0;
			let contentType = '';
			let received: Answer['headers'] = {};
			stream.on('response', (headers) => {
				status = Number(headers[':status']);
				contentType = String(headers['content-type'] ?? '');
				received = headers;
			});
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () =>
				resolve({status, contentType, headers: received, body: Buffer.concat(chunks)}),
			);
			stream.on('error', reject);
			stream.end(request.body);
		});
	}

	return new Promise((resolve, reject) => {
		const outgoing = http1Request(
			{
				host: url.hostname,
				port: url.port,
				method: request.method,
				path: request.path,
				// Node sends a GET's body without framing unless told its length: that would be bad HTTP.
				headers: {...request.headers, 'content-length': String(request.body.length)},
				agent,
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode!,
						contentType: String(response.headers['content-type'] ?? ''),
						headers: response.headers,
						body: Buffer.concat(chunks),
					}),
				);
				response.on('error', reject);
			},
		);
		outgoing.on('error', reject);
		outgoing.end(request.body);
	});
}

/** Raw TCP: bytes then a hang-up, as a client that dies mid-request does. */
function hangUp(chunks: Buffer[]): Promise<void> {
	return new Promise((resolve) => {
		const socket = tcpConnect(Number(url.port), url.hostname, () => {
			for (const chunk of chunks) socket.write(chunk);
			setTimeout(() => socket.destroy(), int(0, 3));
		});
		socket.on('error', () => undefined);
		socket.on('close', () => resolve());
	});
}

function abruptRequest(): Buffer[] {
	const head = (length: number) =>
		Buffer.from(
			`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${JSON_TYPE}\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\n` +
				`Authorization: ${AUTHORIZATION}\r\nContent-Length: ${length}\r\n\r\n`,
		);
	return pick([
		() => [head(1000), Buffer.from('{"StreamName": "fuzz-0", "Data": "')],
		() => [head(10)],
		() => [head(50).subarray(0, int(1, 60))],
		() => [Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), bytes(int(0, 200))],
		() => [bytes(int(1, 500))],
		() => [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n')],
		() => [Buffer.from('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nabc')],
	])();
}

/**
 * A client that sends half a body and then nothing: the server must drop it by itself (the client never
 * ends or destroys its socket, so a close is the server's doing). Resolves when it is closed.
 */
function stall(): Promise<void> {
	return new Promise((resolve) => {
		const socket = tcpConnect(Number(url.port), url.hostname, () => {
			socket.write(
				`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${JSON_TYPE}\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n` +
					`Authorization: ${AUTHORIZATION}\r\nContent-Length: 100\r\n\r\n{"Li`,
			);
		});
		socket.on('error', () => undefined);
		socket.on('close', () => resolve());
	});
}

async function readAll(stream: string) {
	const shards = JSON.parse(
		(await send(plain('ListShards', {StreamName: stream}))).body.toString(),
	) as {Shards: Array<{ShardId: string}>};
	const records: Array<{Data: string; SequenceNumber: string}> = [];
	for (const {ShardId} of shards.Shards) {
		let {ShardIterator} = JSON.parse(
			(
				await send(
					plain('GetShardIterator', {
						StreamName: stream,
						ShardId,
						ShardIteratorType: 'TRIM_HORIZON',
					}),
				)
			).body.toString(),
		) as {ShardIterator?: string};
		for (let page = 0; ShardIterator && page < 5; page++) {
			const output = JSON.parse(
				(await send(plain('GetRecords', {ShardIterator}))).body.toString(),
			) as {Records: typeof records; NextShardIterator?: string; MillisBehindLatest: number};
			records.push(...output.Records);
			ShardIterator =
				output.MillisBehindLatest === 0 && output.Records.length === 0
					? undefined
					: output.NextShardIterator;
		}
	}

	return records
		.map(({Data, SequenceNumber}) => ({Data, SequenceNumber}))
		.sort((a, b) => a.Data.localeCompare(b.Data));
}

const plain = (action: string, input: unknown): Fuzzed => ({
	description: action,
	method: 'POST',
	path: '/',
	headers: {
		'content-type': JSON_TYPE,
		'x-amz-target': `Kinesis_20131202.${action}`,
		authorization: AUTHORIZATION,
		'x-amz-date': '20260101T000000Z',
	},
	body: Buffer.from(JSON.stringify(input)),
	http2: false,
});

describe(`fuzzing the wire server (seed ${SEED})`, () => {
	test(`${REQUESTS} random malformed requests are all answered as AWS would, and nothing breaks`, async () => {
		const started = Date.now();
		// A stream the fuzzer never names, whose records must come through untouched.
		expect((await send(plain('CreateStream', {StreamName: 'guard', ShardCount: 2}))).status).toBe(
			200,
		);
		for (let i = 0; i < 40; i++) {
			const put = await send(
				plain('PutRecord', {
					StreamName: 'guard',
					PartitionKey: `k${i}`,
					Data: Buffer.from(`guard ${i}`).toString('base64'),
				}),
			);
			expect(put.status).toBe(200);
		}

		for (const stream of STREAMS) {
			await send(plain('CreateStream', {StreamName: stream, ShardCount: 2}));
		}

		const guard = await readAll('guard');
		expect(guard).toHaveLength(40);

		const counts = new Map<string, number>();
		const problems: string[] = [];
		const stalls: Array<Promise<void>> = [];
		let sent = 0;
		while (sent < REQUESTS) {
			const wave: Array<Promise<void>> = [];
			for (let i = 0; i < CONCURRENCY && sent < REQUESTS; i++, sent++) {
				if (chance(0.06)) {
					wave.push(hangUp(abruptRequest()));
					counts.set('hang-up', (counts.get('hang-up') ?? 0) + 1);
					continue;
				}

				if (stalls.length < 8 && chance(0.01)) stalls.push(stall());
				const request = fuzzedRequest(sent);
				wave.push(
					send(request).then(
						(answer) => {
							const verdict = classify(request, answer);
							if ('problem' in verdict) {
								problems.push(
									`${request.description}: ${verdict.problem} (status ${answer.status}: ${answer.body.subarray(0, 200).toString()}) ` +
										`for ${request.headers['content-type'] === CBOR_TYPE ? JSON.stringify(cborDecoder.decode(request.body), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)) : request.body.subarray(0, 300).toString()}`,
								);
							} else {
								counts.set(verdict.type, (counts.get(verdict.type) ?? 0) + 1);
							}
						},
						(error: Error) => {
							problems.push(`${request.description}: no answer (${error.message})`);
						},
					),
				);
			}

			await Promise.all(wave);
		}

		expect(problems, `seed ${SEED}`).toEqual([]);
		// The envelope's cases were all reached: preflights, Coral's JSON, refused signatures.
		for (const type of [
			'CORS preflight',
			'404 coral json',
			'400 IncompleteSignatureException',
			'400 InvalidSignatureException',
			'400 MissingAuthenticationTokenException',
			'GET xml AccessDeniedException',
		]) {
			expect(counts.get(type) ?? 0, type).toBeGreaterThan(0);
		}

		// Oversized bodies: declared, and actually sent.
		const oversized = plain('PutRecords', {});
		const huge = await send({...oversized, body: Buffer.alloc(8 * 1024 * 1024, 0x20)});
		expect(huge.status).toBe(413);
		const hugeOverHttp2 = await send({
			...oversized,
			body: Buffer.alloc(8 * 1024 * 1024, 0x20),
			http2: true,
		});
		expect(hugeOverHttp2.status).toBe(413);

		// Every stalled client was dropped by the server. How soon after the body timeout is the machine's
		// to say (robustness.test.ts checks it is not before); a server that never drops one fails here.
		let dropped = 0;
		for (const stalled of stalls) void stalled.then(() => dropped++);
		await waitFor(() => dropped === stalls.length, {
			timeoutMs: 20_000,
			message: `the server dropping ${stalls.length} stalled clients`,
		});

		// The server still serves correct data, over both HTTP versions and both protocols.
		expect(await readAll('guard')).toEqual(guard);
		const put = await send(
			plain('PutRecord', {
				StreamName: 'guard',
				PartitionKey: 'after',
				Data: Buffer.from('after the storm').toString('base64'),
			}),
		);
		expect(put.status).toBe(200);
		const {SequenceNumber, ShardId} = JSON.parse(put.body.toString()) as {
			SequenceNumber: string;
			ShardId: string;
		};
		const iterator = await send({
			...plain('GetShardIterator', {
				StreamName: 'guard',
				ShardId,
				ShardIteratorType: 'AT_SEQUENCE_NUMBER',
				StartingSequenceNumber: SequenceNumber,
			}),
			http2: true,
		});
		const records = await send({
			...plain('GetRecords', {}),
			headers: {...plain('GetRecords', {}).headers, 'content-type': CBOR_TYPE},
			body: cborEncoder.encode({ShardIterator: JSON.parse(iterator.body.toString()).ShardIterator}),
		});
		const [record] = (cborDecoder.decode(records.body) as {Records: Array<{Data: Uint8Array}>})
			.Records;
		expect(Buffer.from(record.Data).toString()).toBe('after the storm');

		// Nothing was left hanging: a graceful stop has no in-flight request to wait for. (A hung-up
		// client's request may still be unwinding; one stuck for good fails here, not after a grace.)
		await waitFor(() => server.requestsInFlight === 0, {message: 'no request in flight'});
		await server.stop();
		await engine.close();

		// …and the data directory reopens whole.
		engine = new KinesisEngine({dataDirectory});
		server = new KinesisServer({engine, port: 0});
		url = new URL(await server.start());
		agent.destroy();
		const reopened = await readAll('guard');
		expect(reopened).toHaveLength(41);
		expect(
			reopened.filter((entry) =>
				guard.some((before) => before.SequenceNumber === entry.SequenceNumber),
			),
		).toEqual(guard);

		const summary = [...counts.entries()]
			.sort((a, b) => b[1] - a[1])
			.map(([type, count]) => `${count} ${type}`);
		console.log(
			`fuzz seed ${SEED}: ${sent} requests in ${Date.now() - started} ms\n  ${summary.join('\n  ')}`,
		);
	}, 60_000);
});

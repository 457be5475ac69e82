/**
 * Fuzzing the Firehose and CloudWatch sides of the wire server: random, mostly malformed requests —
 * Firehose JSON 1.1, CloudWatch JSON 1.0 and RPC v2 CBOR with wrong member types, truncated and odd JSON, unknown
 * actions; CloudWatch awsQuery forms with broken percent-encoding, invalid UTF-8, missing or unknown
 * Actions, wrong value types and absurd list indices. Every answer must be a well-formed AWS answer
 * (JSON with `__type`, plus `x-amzn-query-error` for CloudWatch; or an XML `…Response` / `ErrorResponse`
 * document), never a 5xx (an engine error leaking through), and afterwards the server must still work.
 *
 * Deterministic: the seed is fixed unless FUZZ_SEED is set; a failure names the request.
 */
import {Decoder, Encoder} from 'cbor-x';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {cloudWatchActions} from '../../source/server/cloudwatch-api.js';
import {firehoseActions} from '../../source/server/firehose-api.js';
import {KinesisServer} from '../../source/server/server.js';
import type {Shape} from '../../source/server/shapes.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
const REQUESTS = 1000;
const CONCURRENCY = 16;
const AUTHORIZATION =
	'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/firehose/aws4_request, SignedHeaders=host, Signature=abc';

/** mulberry32, as fuzz.test.ts. */
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
const text = (length: number) =>
	String.fromCodePoint(...Array.from({length}, () => pick([int(32, 126), int(0, 0x2fff), 0xd800])));

const STREAMS = ['fuzz-a', 'fuzz-b'];
const cborEncoder = new Encoder({useRecords: false, mapsAsObjects: true, tagUint8Array: false});
const cborDecoder = new Decoder({useRecords: false, mapsAsObjects: true});

function wrongValue(): unknown {
	return pick([null, true, 0, -1, 1.5, 2 ** 53 + 1, '', 'text', [], {}, [1, 'a'], {a: {b: [{}]}}]);
}

function stringValue(): string {
	return pick([
		...STREAMS,
		'AWS/Kinesis',
		'AWS/Firehose',
		'IncomingRecords',
		'StreamName',
		'Sum',
		'p99',
		'm1 + m2 *',
		'a',
		'arn:aws:s3:::landing',
		'arn:aws:iam::000000000000:role/r',
		'GZIP',
		'DirectPut',
		'1',
		'destinationId-000000000001',
		text(int(0, 40)),
		'x'.repeat(int(60, 3000)),
	]);
}

/** A value for `shape`, usually of the right type with hostile contents. */
function valueFor(shape: Shape, depth = 0): unknown {
	if (chance(0.15) || depth > 6) return wrongValue();
	if (typeof shape === 'object') {
		if ('list' in shape) {
			return Array.from({length: chance(0.05) ? int(400, 600) : int(0, 5)}, () =>
				valueFor(shape.list, depth + 1),
			);
		}

		const object: Record<string, unknown> = {};
		for (const [member, memberShape] of Object.entries(shape.structure)) {
			if (chance(0.6)) object[member] = valueFor(memberShape, depth + 1);
		}

		return object;
	}

	switch (shape) {
		case 'string': {
			return stringValue();
		}

		case 'integer': {
			return pick([0, 1, 60, 61, 300, 900, 901, -1, 2 ** 31, 1.5, 1e15]);
		}

		case 'boolean': {
			return chance(0.5);
		}

		case 'blob': {
			return chance(0.9)
				? Buffer.alloc(chance(0.02) ? 1_100_000 : int(0, 200), 65).toString('base64')
				: '***';
		}

		case 'timestamp': {
			return pick([Date.now() / 1000, 0, -1, 1e20, Date.UTC(2026, 0, 1) / 1000]);
		}

		case 'map': {
			return {[text(5)]: text(5)};
		}

		case 'any': {
			return chance(0.5) ? wrongValue() : {Nested: [stringValue()]};
		}
	}
}

/** The awsQuery flattening of `value` (lists as `.member.N`), with random corruptions. */
function flatten(value: unknown, prefix: string, into: Array<[string, string]>) {
	if (Array.isArray(value)) {
		value.forEach((item, index) => flatten(item, `${prefix}.member.${index + 1}`, into));
	} else if (value && typeof value === 'object') {
		for (const [key, member] of Object.entries(value)) {
			flatten(member, prefix ? `${prefix}.${key}` : key, into);
		}
	} else {
		into.push([prefix, String(value)]);
	}
}

/** Form encoding byte by byte (encodeURIComponent throws on the lone surrogates the fuzzer makes). */
const formEncode = (value: string) =>
	[...Buffer.from(value, 'utf8')]
		.map((byte) =>
			/[\w.~-]/.test(String.fromCodePoint(byte)) && byte < 0x80
				? String.fromCodePoint(byte)
				: `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
		)
		.join('');
const encode = (pairs: Array<[string, string]>) =>
	pairs.map(([key, value]) => `${formEncode(key)}=${formEncode(value)}`).join('&');

type Fuzzed = {
	description: string;
	path: string;
	headers: Record<string, string>;
	body: Buffer;
	kind: Kind;
};
type Kind = 'firehose' | 'cloudwatch-json' | 'cloudwatch-cbor' | 'query';

function fuzzedRequest(index: number): Fuzzed {
	const kind = pick<Kind>(['firehose', 'cloudwatch-json', 'cloudwatch-cbor', 'query']);
	let path = '/';
	const actions: Record<string, {shape: Record<string, Shape>}> =
		kind === 'firehose' ? firehoseActions : cloudWatchActions;
	const action = chance(0.92)
		? pick(Object.keys(actions))
		: pick(['MakeCoffee', '', 'describeDeliveryStream', 'PutMetricData', 'toString', '__proto__']);
	const shape: Shape = {structure: actions[action]?.shape ?? {}};
	const headers: Record<string, string> = {};
	if (!chance(0.03)) {
		headers.authorization = AUTHORIZATION;
		headers['x-amz-date'] = '20260101T000000Z';
	}

	let body: Buffer;
	let variant: string;
	if (kind === 'query') {
		headers['content-type'] = pick([
			'application/x-www-form-urlencoded',
			'application/x-www-form-urlencoded; charset=utf-8',
		]);
		const pairs: Array<[string, string]> = [];
		if (!chance(0.05)) pairs.push(['Action', action]);
		if (chance(0.9)) pairs.push(['Version', chance(0.95) ? '2010-08-01' : '2009-01-01']);
		flatten(valueFor(shape), '', pairs);
		variant = pick(['plain', 'plain', 'plain', 'bad-percent', 'bad-utf8', 'indices', 'junk']);
		let encoded = encode(pairs);
		switch (variant) {
			case 'bad-percent': {
				encoded += pick(['&Namespace=%', '&%zz=1', '&Period=%E0%A4%A', '&&&=&=']);
				break;
			}

			case 'indices': {
				encoded += pick([
					'&Statistics.member.0=Sum',
					'&Statistics.member.99999999999999999999=Sum',
					'&Dimensions.member.1.Name.member.1=x',
					'&MetricDataQueries.member.1=flat',
					'&Statistics=',
					'&Dimensions.member.-1.Name=x',
				]);
				break;
			}

			case 'junk': {
				encoded = pick(['', '=', '&', 'Action', '%', '{"Action": "ListMetrics"}', text(50)]);
				break;
			}

			default:
		}

		body = Buffer.from(encoded);
		if (variant === 'bad-utf8')
			body = Buffer.concat([body, Buffer.from([0x26, 0x41, 0x3d, 0xff, 0xfe])]);
	} else if (kind === 'cloudwatch-cbor') {
		// Smithy RPC v2 CBOR: routed by its path; a request without input has no body.
		path = `/service/GraniteServiceVersion20100801/operation/${encodeURIComponent(action)}`;
		headers['smithy-protocol'] = 'rpc-v2-cbor';
		if (chance(0.9)) headers['content-type'] = 'application/cbor';
		variant = pick(['shaped', 'shaped', 'shaped', 'truncated', 'random', 'empty']);
		const whole = cborEncoder.encode(valueFor(shape));
		body =
			variant === 'shaped'
				? whole
				: variant === 'truncated'
					? whole.subarray(0, int(0, Math.max(0, whole.length - 1)))
					: variant === 'random'
						? Buffer.from(Array.from({length: int(1, 60)}, () => int(0, 255)))
						: Buffer.alloc(0);
	} else {
		headers['content-type'] =
			kind === 'firehose' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
		headers['x-amz-target'] =
			`${kind === 'firehose' ? 'Firehose_20150804' : 'GraniteServiceVersion20100801'}.${action}`;
		variant = pick(['shaped', 'shaped', 'shaped', 'truncated', 'weird']);
		const whole = JSON.stringify(valueFor(shape));
		body = Buffer.from(
			variant === 'shaped'
				? whole
				: variant === 'truncated'
					? whole.slice(0, int(0, Math.max(0, whole.length - 1)))
					: pick([
							'null',
							'[1]',
							'"x"',
							'1e999',
							'{"__proto__": {"polluted": true}}',
							'{"DeliveryStreamName": "\\ud800"}',
							'{"Records": [{"Data": null}], "DeliveryStreamName": "fuzz-a"}',
							'{"MetricDataQueries": [{"Id": "a", "Expression": "((((((((((1"}], "StartTime": 0, "EndTime": 1}',
							'['.repeat(5000) + ']'.repeat(5000),
						]),
		);
	}

	return {
		description: `#${index} ${kind} ${variant} ${action} ${body.subarray(0, 200).toString()}`,
		path,
		headers,
		body,
		kind,
	};
}

type Answer = {status: number; contentType: string; queryError: string | null; bytes: Buffer};

const CONTENT_TYPES: Record<Kind, string> = {
	firehose: 'application/x-amz-json-1.1',
	'cloudwatch-json': 'application/x-amz-json-1.0',
	'cloudwatch-cbor': 'application/cbor',
	query: 'text/xml',
};

/** What the answer is, or why it is not a well-formed AWS answer. */
function classify(request: Fuzzed, answer: Answer): {type: string} | {problem: string} {
	const {status, contentType, bytes} = answer;
	const body = bytes.toString();
	if (status >= 500) return {problem: `status ${status}: ${body.slice(0, 300)}`};
	if (status === 404 && body === '<UnknownOperationException/>\n') return {type: '404 xml'};
	// A request naming no service at all (an RPC v2 path without an operation): AWS's 403 XML answer.
	if (
		status === 403 &&
		/^<AccessDeniedException>\n {2}<Message>[^<]*<\/Message>\n<\/AccessDeniedException>\n$/.test(
			body,
		)
	) {
		return {type: '403 xml'};
	}

	// An empty request naming no service (an RPC v2 path without an operation): AWS's CBOR answer.
	if (
		status === 400 &&
		contentType === 'application/x-amz-cbor-1.1' &&
		request.body.length === 0 &&
		!/\/operation\/[^/]+$/.test(request.path)
	) {
		const document = cborDecoder.decode(bytes) as {__type?: unknown};
		if (document.__type === 'UnknownOperationException') return {type: '400 cbor unknown'};
	}

	if (request.kind === 'query') {
		if (contentType !== 'text/xml') return {problem: `content type ${contentType}`};
		if (status === 200) {
			return /^<(\w+)Response xmlns="[^"]+">\n[\s\S]*<RequestId>[\da-f-]{36}<\/RequestId>[\s\S]*<\/\1Response>\n$/.test(
				body,
			)
				? {type: '200 xml'}
				: {problem: 'a 200 that is not a Response document'};
		}

		const error =
			/^<ErrorResponse xmlns="[^"]+">\n {2}<Error>\n {4}<Type>Sender<\/Type>\n {4}<Code>(\w+)<\/Code>\n( {4}<Message>[^<]*<\/Message>\n)? {2}<\/Error>\n {2}<RequestId>[\da-f-]{36}<\/RequestId>\n<\/ErrorResponse>\n$/.exec(
				body,
			);
		return error ? {type: `${status} ${error[1]}`} : {problem: 'not an ErrorResponse document'};
	}

	if (contentType !== CONTENT_TYPES[request.kind]) return {problem: `content type ${contentType}`};
	let document: unknown;
	try {
		document = request.kind === 'cloudwatch-cbor' ? cborDecoder.decode(bytes) : JSON.parse(body);
	} catch {
		return {problem: 'a body that does not parse'};
	}

	if (typeof document !== 'object' || document === null || Array.isArray(document)) {
		return {problem: 'a body that is not an object'};
	}

	if (status === 200) return {type: '200'};
	const type = (document as {__type?: unknown}).__type;
	if (typeof type !== 'string') return {problem: `status ${status} without __type`};
	if (request.kind.startsWith('cloudwatch') && !/^\w+;Sender$/.test(answer.queryError ?? '')) {
		return {problem: `a CloudWatch error without x-amzn-query-error (${answer.queryError})`};
	}

	return {type: `${status} ${type}`};
}

const clock = new ManualClock(Date.now());
let backend: LocalBackend;
let server: KinesisServer;
let url: string;

beforeAll(async () => {
	backend = LocalBackend.open({clock, enforceLimits: false});
	server = new KinesisServer({
		engine: backend.kinesis,
		firehose: backend.firehose,
		port: 0,
		bodyTimeoutMs: 2000,
	});
	url = await server.start();
});

afterAll(async () => {
	await server?.stop();
	await backend?.close();
});

async function send(request: Fuzzed): Promise<Answer> {
	const response = await fetch(new URL(request.path, url), {
		method: 'POST',
		headers: request.headers,
		body: request.body,
	});
	return {
		status: response.status,
		contentType: response.headers.get('content-type') ?? '',
		queryError: response.headers.get('x-amzn-query-error'),
		bytes: Buffer.from(await response.arrayBuffer()),
	};
}

const firehoseCall = (action: string, input: unknown): Fuzzed => ({
	description: action,
	path: '/',
	kind: 'firehose',
	headers: {
		'content-type': 'application/x-amz-json-1.1',
		'x-amz-target': `Firehose_20150804.${action}`,
		authorization: AUTHORIZATION,
		'x-amz-date': '20260101T000000Z',
	},
	body: Buffer.from(JSON.stringify(input)),
});

describe(`fuzzing Firehose and CloudWatch on the wire (seed ${SEED})`, () => {
	test(`${REQUESTS} random malformed requests get well-formed AWS answers`, async () => {
		const destination = {
			RoleARN: 'arn:aws:iam::000000000000:role/r',
			BucketARN: 'arn:aws:s3:::landing',
			BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0},
		};
		for (const name of [...STREAMS, 'guard']) {
			const created = await send(
				firehoseCall('CreateDeliveryStream', {
					DeliveryStreamName: name,
					ExtendedS3DestinationConfiguration: {...destination, Prefix: `${name}/`},
				}),
			);
			expect(created.status).toBe(200);
		}

		const counts = new Map<string, number>();
		const problems: string[] = [];
		let next = 0;
		const worker = async () => {
			while (next < REQUESTS) {
				const request = fuzzedRequest(next++);
				try {
					const verdict = classify(request, await send(request));
					if ('problem' in verdict) problems.push(`${request.description}: ${verdict.problem}`);
					else counts.set(verdict.type, (counts.get(verdict.type) ?? 0) + 1);
				} catch (error) {
					problems.push(`${request.description}: ${(error as Error).message}`);
				}
			}
		};

		await Promise.all(Array.from({length: CONCURRENCY}, worker));
		// For the reader of the test output: what the fuzzer reached.
		const seen = [...counts].sort((a, b) => b[1] - a[1]);
		console.log(`answers: ${seen.map(([type, count]) => `${type} ×${count}`).join(', ')}`);
		expect(problems.slice(0, 10)).toEqual([]);
		// The fuzzer reached past the decoders into the engines, and got errors of many kinds.
		expect(counts.get('200') ?? 0).toBeGreaterThan(5);
		expect(counts.get('200 xml') ?? 0).toBeGreaterThan(5);
		expect(counts.size).toBeGreaterThan(12);

		// Still serving correctly: a record put into the untouched delivery stream is delivered.
		const put = await send(
			firehoseCall('PutRecord', {
				DeliveryStreamName: 'guard',
				Record: {Data: Buffer.from('still here').toString('base64')},
			}),
		);
		expect(put.status).toBe(200);
		await backend.firehose.tick();
		const objects = backend.firehose.listObjects('landing', 'guard/');
		expect(objects).toHaveLength(1);
		expect(backend.firehose.getObject('landing', objects[0].key)?.toString()).toBe('still here');
	}, 120_000);
});

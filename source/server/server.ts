/**
 * `kinesis-top serve`: the engine on the network, speaking the Kinesis wire protocol
 * (`X-Amz-Target: Kinesis_20131202.<Action>`, bodies in AWS JSON 1.1 or CBOR — see protocols.ts) over
 * HTTP/1.1 and cleartext HTTP/2 on one port, so any AWS SDK, the AWS CLI, boto3 and the Java SDK/KCL can
 * use it unmodified. The same port answers Firehose (`Firehose_20150804.<Action>`, JSON 1.1 — see
 * firehose-api.ts) and CloudWatch's metric reads (`GraniteServiceVersion20100801.<Action>` in JSON 1.0,
 * the same service and action in a Smithy RPC v2 CBOR request's path, or a form-encoded awsQuery POST
 * routed by its `Action` parameter — see cloudwatch-api.ts). SigV4 checks apply to all, each scoped to
 * its service's signing name (`kinesis`, `firehose`, `monitoring`). With an embedded DynamoDB, the same
 * port also answers DynamoDB (`DynamoDB_20120810.<Action>`, JSON 1.0 — see embedded-dynamodb.ts), for the
 * lease tables of KCL applications, signed as `dynamodb`. This layer
 * only translates: requests into engine calls, engine errors into the error responses AWS sends. A bad
 * request never reaches the engine: it is answered with an AWS error.
 */
import {randomBytes, randomUUID} from 'node:crypto';
import type {OutgoingHttpHeaders} from 'node:http';
import {constants as http2Constants, type Http2ServerResponse} from 'node:http2';
import type {KinesisEngine} from '../engine/engine.js';
import type {FirehoseEngine} from '../engine/firehose/firehose-engine.js';
import {KinesisError} from '../engine/errors.js';
import type {Input, ServiceAction} from './action.js';
import {
	CLOUDWATCH_TARGET,
	CLOUDWATCH_VERSION,
	CLOUDWATCH_XMLNS,
	cloudWatchActions,
	cloudWatchCborProtocol,
	cloudWatchJsonProtocol,
	queryCode,
} from './cloudwatch-api.js';
import {credentialsOf, queryOf} from './authentication.js';
import {giveBack, giveBackOnceWritten, takeBuffer} from './message-buffers.js';
import {CORS_ANSWER_HEADERS, hasOrigin, isPreflight} from './cors.js';
import {accessDenied, fallbackProtocol, preflight, unroutable} from './envelope.js';
import {EventStreamOutput, sendEventStream} from './event-stream.js';
import {firehoseActions} from './firehose-api.js';
import {kinesisActions} from './kinesis-api.js';
import {listen, type AnyRequest, type AnyResponse, type Listener} from './listener.js';
import {
	cborProtocol,
	jsonProtocol,
	mediaTypeOf,
	protocolFor,
	rpcV2CborProtocol,
	type Protocol,
} from './protocols.js';
import {
	FORM_CONTENT_TYPE,
	fromQuery,
	MalformedQueryError,
	parseForm,
	queryError,
	queryResponse,
	XML_CONTENT_TYPE,
} from './query-protocol.js';
import {decode, SerializationError, type Shape} from './shapes.js';
import {DYNAMODB_TARGET, type EmbeddedDynamoDb} from './embedded-dynamodb.js';
import type {RequestHook} from './serve-endpoints.js';
import {SignatureVerifier, type SignatureFailure, type SigningCredentials} from './signature.js';

/** `x-amz-id-2` is 72 random bytes in base64, as AWS's; they are drawn for 64 answers at a time. */
const ID2_BYTES = 72;
let id2Pool = Buffer.alloc(0);
let id2Offset = 0;
function id2() {
	if (id2Offset + ID2_BYTES > id2Pool.length) {
		id2Pool = randomBytes(64 * ID2_BYTES);
		id2Offset = 0;
	}

	id2Offset += ID2_BYTES;
	return id2Pool.toString('base64', id2Offset - ID2_BYTES, id2Offset);
}

/** Larger bodies are refused with 413 before they are read, as AWS does. */
const MAX_REQUEST_BYTES = 7 * 1024 * 1024;

export type ServerOptions = {
	engine: KinesisEngine;
	/** The Firehose engine answering `Firehose_20150804.*` requests (none: those are unknown operations). */
	firehose?: FirehoseEngine;
	host?: string;
	port?: number;
	/**
	 * Check every request's SigV4 signature against these keys (`serve --verify-signatures`); without
	 * them only the presence of a signature is checked, as kinesalite and LocalStack do.
	 */
	verifySignatures?: readonly SigningCredentials[];
	/** A request body must arrive whole within this time (default 60 s); else the request is dropped. */
	bodyTimeoutMs?: number;
	/** Idle connections are closed after this time (default 120 s). */
	idleTimeoutMs?: number;
	/** A certificate and key (PEM): the port then speaks TLS too (listener.ts), and the URL is https. */
	tls?: {cert: string; key: string};
	/**
	 * Asked first with every request and its body, before the AWS routing: serve's own endpoints
	 * (`/_health`, `/_faults`) and its injected faults (serve-endpoints.ts). An answer ends the request.
	 */
	beforeRouting?: RequestHook;
	/** Answers `DynamoDB_20120810.*` requests (none: those are unknown operations). */
	dynamodb?: EmbeddedDynamoDb;
};

/** DynamoDB's protocol: JSON 1.1's encoding under JSON 1.0's content type. */
const dynamoDbProtocol: Protocol = {...jsonProtocol, contentType: 'application/x-amz-json-1.0'};

type Reply = {
	status: number;
	body: Buffer | string;
	contentType?: string;
	headers?: Record<string, string>;
	/** An event-stream answer (SubscribeToShard), written by event-stream.ts instead of `body`. */
	events?: {output: EventStreamOutput; protocol: Protocol};
	/** Without the `x-amz-id-2` header (a CORS preflight's answer). */
	withoutId2?: boolean;
};

const errorReply = (
	type: string,
	message?: string,
	status = 400,
	protocol: Protocol = jsonProtocol,
): Reply => ({
	status,
	body: protocol.encodeError(type, message),
	contentType: protocol.contentType,
	headers: {...protocol.headers, ...protocol.errorHeaders?.(type, status)},
});

/** An awsQuery (XML) error, the query code named whichever way the error was raised. */
const queryErrorReply = (
	type: string,
	message: string | undefined,
	status: number,
	requestId: string,
): Reply => ({
	status,
	body: queryError(queryCode(type), message, status, CLOUDWATCH_XMLNS, requestId),
	contentType: XML_CONTENT_TYPE,
});

/** The path of a Smithy RPC v2 request: `/service/<Service>/operation/<Action>`. */
const RPC_V2_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

/**
 * Which service and operation a request names, and in which media type: from its X-Amz-Target, or,
 * for a Smithy RPC v2 request, from its path (its body, when it has one, is CBOR).
 */
function addressOf(request: AnyRequest) {
	const contentType = mediaTypeOf(request.headers['content-type']);
	const rpc =
		request.headers['smithy-protocol'] === 'rpc-v2-cbor'
			? RPC_V2_PATH.exec((request.url ?? '').split('?')[0])
			: null;
	if (rpc) {
		return {
			target: rpc[1],
			operation: rpc[2],
			mediaType: contentType || rpcV2CborProtocol.contentType,
			rpcV2: true,
		};
	}

	const [target, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
	return {target, operation, mediaType: contentType, rpcV2: false};
}

/** An action of one service, bound to the engine that answers it. */
type BoundAction = {
	shape: Record<string, Shape>;
	run(input: Input): unknown;
	json?(output: unknown): Buffer;
	direct?(body: Buffer): (() => Promise<Buffer>) | undefined;
};

/** What answers one `X-Amz-Target` service prefix. */
type Service = {
	/** The service the SigV4 credential scope must name. */
	signingName: string;
	protocols: readonly Protocol[];
	action(operation: string): BoundAction | undefined;
};

function bind<Engine>(
	actions: Record<string, ServiceAction<Engine>>,
	engine: Engine,
): Service['action'] {
	return (operation) => {
		if (!Object.hasOwn(actions, operation)) return undefined;
		const action = actions[operation];
		return {
			shape: action.shape,
			run: (input) => action.run(engine, input),
			json: action.json,
			direct: action.direct && ((body) => action.direct!(engine, body)),
		};
	};
}

/**
 * The whole body, or undefined when it is larger than AWS accepts (413). Rejects when the client goes
 * away before the end, or sends the body too slowly, so a half-received request never reaches the engine.
 */
function readBody(request: AnyRequest, timeoutMs: number): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const declared = Number(request.headers['content-length']);
		if (declared > MAX_REQUEST_BYTES) {
			resolve(undefined);
			return;
		}

		const chunks: Buffer[] = [];
		let length = 0;
		// From its second chunk, a body of declared length is gathered into reused memory
		// (message-buffers.ts) as it comes, instead of concatenated at the end.
		let gathered: Buffer | undefined;
		let gatheredLength = 0;
		let settled = false;
		// An error is made only if it settles the read: 'close' comes after every request, and an
		// Error captures a stack trace, which cost more per put than its records' validation.
		const settle = (body: Buffer | undefined, error?: Error | string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (error) reject(typeof error === 'string' ? new Error(error) : error);
			else resolve(body);
		};

		const timer = setTimeout(() => settle(undefined, 'request body timed out'), timeoutMs);
		request.on('data', (chunk: Buffer) => {
			length += chunk.length;
			if (length > MAX_REQUEST_BYTES) {
				settle(undefined);
				request.removeAllListeners('data');
				request.resume();
				return;
			}

			if (gathered === undefined && chunks.length === 1 && declared >= length) {
				gathered = takeBuffer(declared);
				if (gathered) {
					gathered.set(chunks[0]);
					gatheredLength = chunks[0].length;
					chunks.length = 0;
				}
			}

			if (gathered && chunks.length === 0 && length <= gathered.length) {
				gathered.set(chunk, gatheredLength);
				gatheredLength = length;
			} else {
				chunks.push(chunk);
			}
		});
		request.on('end', () => {
			if (!gathered) {
				// A body that came in one chunk is that chunk: no copy.
				settle(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
			} else if (chunks.length === 0) {
				settle(gathered.subarray(0, gatheredLength));
			} else {
				// More than declared (Node's parsers allow none; kept whole all the same).
				settle(Buffer.concat([gathered.subarray(0, gatheredLength), ...chunks], length));
			}
		});
		request.on('error', (error) => settle(undefined, error));
		request.on('aborted', () => settle(undefined, 'client went away'));
		// A connection that closes before the end of the body (no 'aborted' on every Node version).
		request.on('close', () => settle(undefined, 'client went away'));
	});
}

/**
 * An answer over HTTP/2, written on the stream itself: the same headers the compatibility API would
 * send (its lower-cased names, in the same order; `date` added by the stream), without its per-header
 * checks and without the empty trailing DATA frame it sends to end every answer.
 */
function sendHttp2(response: Http2ServerResponse, reply: Reply, requestId: string) {
	const stream = response.stream;
	if (stream.destroyed || stream.closed || stream.headersSent) return;
	const headers: OutgoingHttpHeaders = {'x-amzn-requestid': requestId};
	if (!reply.withoutId2) headers['x-amz-id-2'] = id2();
	if (reply.contentType) headers['content-type'] = reply.contentType;
	if (reply.headers) {
		for (const name in reply.headers) headers[name.toLowerCase()] = reply.headers[name];
	}

	headers['content-length'] = Buffer.byteLength(reply.body);
	headers[':status'] = reply.status;
	stream.respond(headers);
	giveBackOnceWritten(stream, reply.body);
	stream.end(reply.body);
}

export class KinesisServer {
	private listener: Listener | undefined;
	private inFlight = 0;
	private stopping = false;
	private readonly verifier: SignatureVerifier | undefined;
	private readonly services = new Map<string, Service>();

	constructor(private readonly options: ServerOptions) {
		this.verifier = options.verifySignatures
			? new SignatureVerifier(options.verifySignatures)
			: undefined;
		this.services.set('Kinesis_20131202', {
			signingName: 'kinesis',
			protocols: [jsonProtocol, cborProtocol],
			action: bind(kinesisActions, options.engine),
		});
		// Without a Firehose engine its targets stay unknown operations, as to a Kinesis-only server.
		if (options.firehose) {
			this.services.set('Firehose_20150804', {
				signingName: 'firehose',
				protocols: [jsonProtocol, cborProtocol],
				action: bind(firehoseActions, options.firehose),
			});
		}

		this.services.set(CLOUDWATCH_TARGET, {
			signingName: 'monitoring',
			protocols: [cloudWatchJsonProtocol, cloudWatchCborProtocol],
			action: bind(cloudWatchActions, options.engine.metrics),
		});
	}

	get url() {
		return this.listener?.url;
	}

	/** Requests being answered now: what a graceful stop waits for. */
	get requestsInFlight() {
		return this.inFlight;
	}

	async start(): Promise<string> {
		this.listener = await listen((request, response) => void this.handle(request, response), {
			host: this.options.host ?? '127.0.0.1',
			port: this.options.port ?? 4567,
			idleTimeoutMs: this.options.idleTimeoutMs,
			tls: this.options.tls,
		});
		return this.listener.url;
	}

	/**
	 * Graceful shutdown: no new connection is accepted, requests arriving on open ones are answered 503
	 * (the SDKs retry those), and in-flight requests (a put waiting for its group commit, say) are answered
	 * first, for up to `graceMs`, so no put is half-acknowledged; then every connection is closed.
	 */
	async stop(graceMs = 5000) {
		this.stopping = true;
		this.listener?.stopAccepting();
		const deadline = Date.now() + graceMs;
		while (this.inFlight > 0 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}

		await this.listener?.close();
	}

	private async handle(request: AnyRequest, response: AnyResponse) {
		this.inFlight++;
		// The id the answer carries in its header and, for awsQuery, in its body.
		const requestId = randomUUID();
		try {
			let reply = this.stopping
				? this.unavailable(request, requestId)
				: await this.reply(request, requestId);
			// A browser's request: every answer lets its page read it (a preflight's has its own headers).
			if (hasOrigin(request.headers) && !reply.headers?.['Access-Control-Allow-Origin'])
				reply = {...reply, headers: {...CORS_ANSWER_HEADERS, ...reply.headers}};
			if (reply.events) {
				for (const [name, value] of Object.entries(reply.headers ?? {}))
					response.setHeader(name, value);
				// It answers for minutes: it goes on by itself and holds up no graceful stop.
				void sendEventStream(response, reply.events.output, reply.events.protocol);
				return;
			}

			if ('stream' in response && request.method === 'POST') {
				sendHttp2(response, reply, requestId);
				return;
			}

			if (response.destroyed || response.writableEnded) return;
			response.statusCode = reply.status;
			response.setHeader('x-amzn-RequestId', requestId);
			if (!reply.withoutId2) response.setHeader('x-amz-id-2', id2());
			if (reply.contentType) response.setHeader('Content-Type', reply.contentType);
			for (const [name, value] of Object.entries(reply.headers ?? {}))
				response.setHeader(name, value);
			response.setHeader('Content-Length', Buffer.byteLength(reply.body));
			// The rest of an oversized body is not worth reading, and a stopping server keeps no
			// connection: end the HTTP/1.1 connection instead.
			if ((reply.status === 413 || this.stopping) && request.httpVersionMajor === 1)
				response.setHeader('Connection', 'close');
			giveBackOnceWritten(response, reply.body);
			response.end(reply.body);
		} catch {
			// The client went away mid-request, or sent its body too slowly: nobody is answered. Over
			// HTTP/2 the stream is reset with CANCEL, so a client still there sees an error, not an end.
			if ('stream' in response) {
				if (!response.stream.closed) response.stream.close(http2Constants.NGHTTP2_CANCEL);
			} else if (!response.destroyed) {
				response.destroy();
			}
		} finally {
			this.inFlight--;
		}
	}

	/** The 503 a stopping server answers, in the protocol the request speaks. */
	private unavailable(request: AnyRequest, requestId: string): Reply {
		const message = 'kinesis-top serve is shutting down.';
		const {target, mediaType} = addressOf(request);
		if (mediaType === FORM_CONTENT_TYPE)
			return queryErrorReply('ServiceUnavailable', message, 503, requestId);
		const protocol =
			this.services.get(target)?.protocols.find((each) => each.contentType === mediaType) ??
			(target === DYNAMODB_TARGET ? dynamoDbProtocol : protocolFor(mediaType));
		return errorReply('ServiceUnavailable', message, 503, protocol);
	}

	private async reply(request: AnyRequest, requestId: string): Promise<Reply> {
		const body = await readBody(request, this.options.bodyTimeoutMs ?? 60_000);
		if (body === undefined) return {status: 413, body: ''};
		// Undefined at once for an AWS call when no fault is set: no extra turn of the event loop then.
		const early = this.options.beforeRouting?.(request, body);
		const answered = early && (await early);
		if (answered) return answered;
		// A browser's CORS preflight is answered before anything else is looked at, signature included.
		if (isPreflight(request.method, request.headers)) return preflight(request.headers);
		if (request.method !== 'POST') return accessDenied();
		const {target, operation, mediaType, rpcV2} = addressOf(request);
		if (target === DYNAMODB_TARGET && this.options.dynamodb && !rpcV2)
			return this.replyDynamoDb(this.options.dynamodb, request, body);
		if (mediaType === FORM_CONTENT_TYPE) return this.replyQuery(request, body, requestId);
		const service = this.services.get(target);
		// A known service in a protocol it does not speak is answered like an unknown content type.
		const protocol = service
			? service.protocols.find((each) => each.contentType === mediaType)
			: protocolFor(mediaType);
		const action = service && operation ? service.action(operation) : undefined;
		// An empty body is refused before its content type is looked at, in JSON 1.1 if asked for, else
		// CBOR (an RPC v2 request without input has no body at all).
		if (body.length === 0 && !rpcV2) {
			const type = action ? 'SerializationException' : 'UnknownOperationException';
			return errorReply(type, undefined, 400, protocol ?? fallbackProtocol(mediaType));
		}

		if (!protocol) return unroutable(mediaType, target, operation, body);
		const error = (type: string, message?: string, status?: number) =>
			errorReply(type, message, status, protocol);
		// A body the action answers in place is well-formed JSON of its input (action.ts says when).
		const direct = protocol === jsonProtocol ? action?.direct?.(body) : undefined;
		let input: unknown = {};
		try {
			if (body.length > 0 && !direct) input = protocol.parse(body);
		} catch {
			return error('SerializationException');
		}

		if (typeof input !== 'object' || input === null || Array.isArray(input)) {
			return error('SerializationException');
		}

		if (!action) return error('UnknownOperationException');
		const denied = await this.authenticate(request, body, service!.signingName);
		if (denied) return error(denied.type, denied.message, denied.status);
		try {
			if (direct) {
				try {
					return {status: 200, body: await direct(), contentType: protocol.contentType};
				} finally {
					// Its records are in the log, its answer written from what the engine did: nothing
					// holds the body any more, and its memory serves the next request.
					giveBack(body);
				}
			}

			const decoded = decode(input, {structure: action.shape}, '', protocol.format) as Input;
			const output = await action.run(decoded);
			if (output instanceof EventStreamOutput)
				return {status: 200, body: '', events: {output, protocol}};
			return {
				status: 200,
				body:
					protocol === jsonProtocol && action.json ? action.json(output) : protocol.encode(output),
				contentType: protocol.contentType,
				headers: protocol.headers,
			};
		} catch (error_) {
			if (error_ instanceof SerializationError)
				return error('SerializationException', error_.message);
			if (error_ instanceof KinesisError)
				return error(error_.code, error_.message, error_.statusCode);
			return error('InternalFailure', undefined, 500);
		}
	}

	/**
	 * A DynamoDB request: its signature checked as every service's (scoped to `dynamodb`), then answered
	 * by the embedded DynamoDB, which validates the input and answers errors in DynamoDB's own shapes.
	 */
	private async replyDynamoDb(
		dynamodb: EmbeddedDynamoDb,
		request: AnyRequest,
		body: Buffer,
	): Promise<Reply> {
		const denied = await this.authenticate(request, body, 'dynamodb');
		if (denied) return errorReply(denied.type, denied.message, denied.status, dynamoDbProtocol);
		const answer = await dynamodb.handle({
			method: request.method ?? 'POST',
			url: request.url ?? '/',
			headers: request.headers,
			body,
		});
		return {
			status: answer.status,
			body: answer.body,
			contentType: answer.contentType,
			headers: answer.headers,
		};
	}

	/**
	 * A form-encoded awsQuery POST: CloudWatch's metric reads as the AWS CLI and boto3 send them, routed
	 * by the `Action` parameter (no X-Amz-Target), answered in XML.
	 */
	private async replyQuery(request: AnyRequest, body: Buffer, requestId: string): Promise<Reply> {
		const error = (type: string, message: string | undefined, status = 400) =>
			queryErrorReply(type, message, status, requestId);
		let parameters: Map<string, string>;
		try {
			parameters = parseForm(body);
		} catch (error_) {
			if (error_ instanceof MalformedQueryError)
				return error('MalformedQueryString', error_.message, 404);
			throw error_;
		}

		const name = parameters.get('Action');
		if (!name)
			return error('MissingAction', 'The request is missing an action or a required parameter.');
		const version = parameters.get('Version') ?? CLOUDWATCH_VERSION;
		if (version !== CLOUDWATCH_VERSION || !Object.hasOwn(cloudWatchActions, name)) {
			return error('InvalidAction', `Could not find operation ${name} for version ${version}`);
		}

		const denied = await this.authenticate(request, body, 'monitoring');
		if (denied) return error(denied.type, denied.message, denied.status);
		const action = cloudWatchActions[name];
		try {
			const input = fromQuery(parameters, {structure: action.shape}, '') as Input;
			const output = await action.run(this.options.engine.metrics, input);
			return {
				status: 200,
				body: queryResponse(name, output, CLOUDWATCH_XMLNS, requestId),
				contentType: XML_CONTENT_TYPE,
			};
		} catch (error_) {
			if (error_ instanceof KinesisError)
				return error(error_.code, error_.message, error_.statusCode);
			return error('InternalFailure', undefined, 500);
		}
	}

	/**
	 * The signature checks every service shares: a signature must be present and complete, in the
	 * `Authorization` header or the query string (see authentication.ts), and, with `verifySignatures`,
	 * verify, its credential scope naming `service`. Undefined when it passes.
	 */
	private async authenticate(
		request: AnyRequest,
		body: Buffer,
		service: string,
	): Promise<SignatureFailure | undefined> {
		const credentials = credentialsOf(request.headers, queryOf(request.url));
		if ('type' in credentials) return credentials;
		if (!this.verifier) return undefined;
		return this.verifier.verify(
			{method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers},
			body,
			service,
		);
	}
}

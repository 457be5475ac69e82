/**
 * `kinesis-top serve`: the engine on the network, speaking the Kinesis wire protocol
 * (`X-Amz-Target: Kinesis_20131202.<Action>`, bodies in AWS JSON 1.1 or CBOR — see protocols.ts) over
 * HTTP/1.1 and cleartext HTTP/2 on one port, so any AWS SDK, the AWS CLI, boto3 and the Java SDK/KCL can
 * use it unmodified. This layer only translates: requests into engine calls, engine errors into the
 * error responses AWS sends. A bad request never reaches the engine: it is answered with an AWS error.
 */
import {randomBytes, randomUUID} from 'node:crypto';
import {constants as http2Constants} from 'node:http2';
import type {KinesisEngine} from '../engine/engine.js';
import {KinesisError} from '../engine/errors.js';
import {EventStreamOutput, sendEventStream} from './event-stream.js';
import {kinesisActions, type Action} from './kinesis-api.js';
import {listen, type AnyRequest, type AnyResponse, type Listener} from './listener.js';
import {jsonProtocol, protocolFor, type Protocol} from './protocols.js';
import {decode, SerializationError} from './shapes.js';
import {SignatureVerifier, type SigningCredentials} from './signature.js';

/** Larger bodies are refused with 413 before they are read, as AWS does. */
const MAX_REQUEST_BYTES = 7 * 1024 * 1024;

export type ServerOptions = {
	engine: KinesisEngine;
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
};

type Reply = {
	status: number;
	body: Buffer | string;
	contentType?: string;
	/** An event-stream answer (SubscribeToShard), written by event-stream.ts instead of `body`. */
	events?: {output: EventStreamOutput; protocol: Protocol};
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
});

/** The 403 XML answers AWS gives a request it cannot even route to an operation. */
const xmlError = (type: string, message: string): Reply => ({
	status: 403,
	body: `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`,
});

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
		let settled = false;
		const settle = (body: Buffer | undefined, error?: Error) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			if (error) reject(error);
			else resolve(body);
		};

		const timer = setTimeout(
			() => settle(undefined, new Error('request body timed out')),
			timeoutMs,
		);
		request.on('data', (chunk: Buffer) => {
			length += chunk.length;
			if (length > MAX_REQUEST_BYTES) {
				settle(undefined);
				request.removeAllListeners('data');
				request.resume();
				return;
			}

			chunks.push(chunk);
		});
		request.on('end', () => settle(Buffer.concat(chunks, length)));
		request.on('error', (error) => settle(undefined, error));
		request.on('aborted', () => settle(undefined, new Error('client went away')));
		// A connection that closes before the end of the body (no 'aborted' on every Node version).
		request.on('close', () => settle(undefined, new Error('client went away')));
	});
}

export class KinesisServer {
	private listener: Listener | undefined;
	private inFlight = 0;
	private stopping = false;
	private readonly verifier: SignatureVerifier | undefined;

	constructor(private readonly options: ServerOptions) {
		this.verifier = options.verifySignatures
			? new SignatureVerifier(options.verifySignatures)
			: undefined;
	}

	get url() {
		return this.listener?.url;
	}

	async start(): Promise<string> {
		this.listener = await listen((request, response) => void this.handle(request, response), {
			host: this.options.host ?? '127.0.0.1',
			port: this.options.port ?? 4567,
			idleTimeoutMs: this.options.idleTimeoutMs,
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
		try {
			const reply = this.stopping
				? errorReply(
						'ServiceUnavailable',
						'kinesis-top serve is shutting down.',
						503,
						protocolFor(request.headers['content-type']),
					)
				: await this.reply(request);
			if (reply.events) {
				// It answers for minutes: it goes on by itself and holds up no graceful stop.
				void sendEventStream(response, reply.events.output, reply.events.protocol);
				return;
			}

			if (response.destroyed || response.writableEnded) return;
			response.statusCode = reply.status;
			response.setHeader('x-amzn-RequestId', randomUUID());
			response.setHeader('x-amz-id-2', randomBytes(72).toString('base64'));
			if (reply.contentType) response.setHeader('Content-Type', reply.contentType);
			response.setHeader('Content-Length', Buffer.byteLength(reply.body));
			// The rest of an oversized body is not worth reading, and a stopping server keeps no
			// connection: end the HTTP/1.1 connection instead.
			if ((reply.status === 413 || this.stopping) && request.httpVersionMajor === 1)
				response.setHeader('Connection', 'close');
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

	private async reply(request: AnyRequest): Promise<Reply> {
		const body = await readBody(request, this.options.bodyTimeoutMs ?? 60_000);
		if (body === undefined) return {status: 413, body: ''};
		if (request.method !== 'POST') {
			return xmlError(
				'AccessDeniedException',
				'Unable to determine service/operation name to be authorized',
			);
		}

		const protocol = protocolFor(request.headers['content-type']);
		const [service, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
		const action: Action | undefined =
			service === 'Kinesis_20131202' && operation && Object.hasOwn(kinesisActions, operation)
				? kinesisActions[operation]
				: undefined;
		if (!protocol) {
			if (!service || !operation) {
				return xmlError(
					'AccessDeniedException',
					'Unable to determine service/operation name to be authorized',
				);
			}

			return {status: 404, body: '<UnknownOperationException/>\n'};
		}

		const error = (type: string, message?: string, status?: number) =>
			errorReply(type, message, status, protocol);
		if (body.length === 0)
			return error(action ? 'SerializationException' : 'UnknownOperationException');
		let input: unknown;
		try {
			input = protocol.parse(body);
		} catch {
			return error('SerializationException');
		}

		if (typeof input !== 'object' || input === null || Array.isArray(input)) {
			return error('SerializationException');
		}

		if (!action) return error('UnknownOperationException');
		const authorization = request.headers.authorization;
		if (!authorization)
			return error('MissingAuthenticationTokenException', 'Missing Authentication Token');
		if (!/Credential=/.test(authorization) || !/Signature=/.test(authorization)) {
			return error(
				'IncompleteSignatureException',
				`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${authorization.split(' ')[0]}`,
			);
		}

		if (this.verifier) {
			const failure = await this.verifier.verify(
				{method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers},
				body,
			);
			if (failure) return error(failure.type, failure.message, failure.status);
		}

		try {
			const decoded = decode(input, {structure: action.shape}, '', protocol.format) as Record<
				string,
				unknown
			>;
			const output = await action.run(this.options.engine, decoded);
			if (output instanceof EventStreamOutput)
				return {status: 200, body: '', events: {output, protocol}};
			return {status: 200, body: protocol.encode(output), contentType: protocol.contentType};
		} catch (error_) {
			if (error_ instanceof SerializationError)
				return error('SerializationException', error_.message);
			if (error_ instanceof KinesisError)
				return error(error_.code, error_.message, error_.statusCode);
			return error('InternalFailure', undefined, 500);
		}
	}
}

/**
 * `kinesis-top serve`: the engine on the network, speaking the Kinesis wire protocol (AWS JSON 1.1,
 * `X-Amz-Target: Kinesis_20131202.<Action>`) over HTTP/1.1 and cleartext HTTP/2 on one port, so any AWS
 * SDK, the AWS CLI and boto3 can use it unmodified. This layer only translates: requests into engine
 * calls, engine errors into the error responses AWS sends.
 */
import {randomBytes, randomUUID} from 'node:crypto';
import type {KinesisEngine} from '../engine/engine.js';
import {KinesisError} from '../engine/errors.js';
import {kinesisActions, type Action} from './kinesis-api.js';
import {listen, type AnyRequest, type AnyResponse, type Listener} from './listener.js';
import {decode, SerializationError, toWire} from './shapes.js';

/** Larger bodies are refused with 413 before they are read, as AWS does. */
const MAX_REQUEST_BYTES = 7 * 1024 * 1024;
const JSON_1_1 = 'application/x-amz-json-1.1';

export type ServerOptions = {
	engine: KinesisEngine;
	host?: string;
	port?: number;
};

type Reply = {status: number; body: string; contentType?: string};

const errorReply = (type: string, message?: string, status = 400): Reply => ({
	status,
	body: JSON.stringify(message === undefined ? {__type: type} : {__type: type, message}),
	contentType: JSON_1_1,
});

/** The 403 XML answers AWS gives a request it cannot even route to an operation. */
const xmlError = (type: string, message: string): Reply => ({
	status: 403,
	body: `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`,
});

function readBody(request: AnyRequest): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const declared = Number(request.headers['content-length']);
		if (declared > MAX_REQUEST_BYTES) {
			resolve(undefined);
			return;
		}

		const chunks: Buffer[] = [];
		let length = 0;
		request.on('data', (chunk: Buffer) => {
			length += chunk.length;
			if (length > MAX_REQUEST_BYTES) {
				resolve(undefined);
				request.removeAllListeners('data');
				request.resume();
				return;
			}

			chunks.push(chunk);
		});
		request.on('end', () => resolve(Buffer.concat(chunks, length)));
		request.on('error', reject);
		request.on('aborted', () => reject(new Error('client went away')));
	});
}

export class KinesisServer {
	private listener: Listener | undefined;
	private inFlight = 0;
	private stopping = false;

	constructor(private readonly options: ServerOptions) {}

	get url() {
		return this.listener?.url;
	}

	async start(): Promise<string> {
		this.listener = await listen((request, response) => void this.handle(request, response), {
			host: this.options.host ?? '127.0.0.1',
			port: this.options.port ?? 4567,
		});
		return this.listener.url;
	}

	/**
	 * Graceful shutdown: in-flight requests (a put waiting for its group commit, say) are answered first,
	 * for up to `graceMs`, so no put is half-acknowledged; then every connection is closed.
	 */
	async stop(graceMs = 5000) {
		this.stopping = true;
		const deadline = Date.now() + graceMs;
		while (this.inFlight > 0 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 5));
		}

		await this.listener?.close();
	}

	private async handle(request: AnyRequest, response: AnyResponse) {
		if (this.stopping) {
			response.statusCode = 503;
			response.end();
			return;
		}

		this.inFlight++;
		try {
			const reply = await this.reply(request);
			if (response.destroyed || response.writableEnded) return;
			response.statusCode = reply.status;
			response.setHeader('x-amzn-RequestId', randomUUID());
			response.setHeader('x-amz-id-2', randomBytes(72).toString('base64'));
			if (reply.contentType) response.setHeader('Content-Type', reply.contentType);
			response.setHeader('Content-Length', Buffer.byteLength(reply.body));
			// The rest of an oversized body is not worth reading: end the HTTP/1.1 connection instead.
			if (reply.status === 413 && request.httpVersionMajor === 1)
				response.setHeader('Connection', 'close');
			response.end(reply.body);
		} catch {
			// The client went away mid-request: there is nobody to answer.
			if (!response.destroyed) response.destroy();
		} finally {
			this.inFlight--;
		}
	}

	private async reply(request: AnyRequest): Promise<Reply> {
		const body = await readBody(request);
		if (body === undefined) return {status: 413, body: ''};
		if (request.method !== 'POST') {
			return xmlError(
				'AccessDeniedException',
				'Unable to determine service/operation name to be authorized',
			);
		}

		const contentType = String(request.headers['content-type'] ?? '')
			.split(';')[0]
			.trim();
		const [service, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
		const action: Action | undefined =
			service === 'Kinesis_20131202' && operation && Object.hasOwn(kinesisActions, operation)
				? kinesisActions[operation]
				: undefined;
		if (contentType !== JSON_1_1) {
			if (!service || !operation) {
				return xmlError(
					'AccessDeniedException',
					'Unable to determine service/operation name to be authorized',
				);
			}

			return {status: 404, body: '<UnknownOperationException/>\n'};
		}

		if (body.length === 0)
			return errorReply(action ? 'SerializationException' : 'UnknownOperationException');
		let input: unknown;
		try {
			input = JSON.parse(body.toString('utf8'));
		} catch {
			return errorReply('SerializationException');
		}

		if (typeof input !== 'object' || input === null || Array.isArray(input)) {
			return errorReply('SerializationException');
		}

		if (!action) return errorReply('UnknownOperationException');
		const authorization = request.headers.authorization;
		if (!authorization)
			return errorReply('MissingAuthenticationTokenException', 'Missing Authentication Token');
		if (!/Credential=/.test(authorization) || !/Signature=/.test(authorization)) {
			return errorReply(
				'IncompleteSignatureException',
				`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${authorization.split(' ')[0]}`,
			);
		}

		try {
			const decoded = decode(input, {structure: action.shape}, '') as Record<string, unknown>;
			const output = await action.run(this.options.engine, decoded);
			return {status: 200, body: JSON.stringify(toWire(output)), contentType: JSON_1_1};
		} catch (error) {
			if (error instanceof SerializationError)
				return errorReply('SerializationException', error.message);
			if (error instanceof KinesisError)
				return errorReply(error.code, error.message, error.statusCode);
			return errorReply('InternalFailure', undefined, 500);
		}
	}
}

/**
 * The HTTP handler of every SDK client the AWS driver makes: HTTP/2 where the endpoint speaks it,
 * HTTP/1.1 where it does not, decided once per endpoint and remembered for the process.
 *
 * Why not the SDK's own handlers: the Kinesis client's HTTP/2 handler speaks HTTP/2 with prior knowledge
 * to every `http://` endpoint, so an HTTP/1.1-only one (kinesalite) fails every call with a protocol
 * error, and it opens one HTTP/2 connection per request and closes it as the answer starts, which
 * kinesis-mock answers with a protocol error now and then (measured: ~5% of requests) — the SDK's retry
 * of a PutRecords whose answer was lost so stores its records twice. Here:
 * - AWS's own endpoints keep the SDK's choice (Kinesis over HTTP/2, Firehose and CloudWatch over
 *   HTTP/1.1): nothing to detect.
 * - Any other endpoint is asked first (ALPN for https, the HTTP/2 preface for http: see
 *   http-protocol-probe.ts); its HTTP/2 calls share one connection.
 * - An endpoint whose HTTP/2 fails with a protocol error is spoken to over HTTP/1.1 from then on, and
 *   the failed call is marked transient so the SDK retries it, signed anew, over HTTP/1.1.
 * - A put whose answer was lost after it was sent may have been stored: each is counted in the shared
 *   {@link ConnectionLog}, so a command can say that a retry may have stored records twice.
 * - Answers are read whole before the SDK sees them (event streams excepted), so a connection that breaks
 *   mid-answer fails here, where it can be classified, and not later in the SDK's deserializer.
 */
import {HttpResponse, type HttpHandler, type HttpRequest} from '@smithy/core/protocols';
import {NodeHttp2Handler, NodeHttpHandler} from '@smithy/node-http-handler';
import {Agent as HttpAgent} from 'node:http';
import {Agent as HttpsAgent} from 'node:https';
import {probeHttpVersion, type HttpVersion} from './http-protocol-probe.js';

export type {HttpVersion} from './http-protocol-probe.js';
/** `auto` detects per endpoint; a version forces it (`--http1`, `--http2`). */
export type HttpVersionChoice = 'auto' | HttpVersion;

/** What the driver's clients learnt about their connections, shared by its three clients. */
export type ConnectionLog = {
	/** Put requests (PutRecord, PutRecords, PutRecordBatch) sent whose answers were lost. */
	lostPutAnswers: number;
};

export type EndpointHttpHandlerOptions = {
	choice: HttpVersionChoice;
	/** The client talks to an endpoint of its own (`--endpoint`, AWS_ENDPOINT_URL…), not AWS. */
	customEndpoint: boolean;
	/** What AWS serves this client's service over (the SDK's own default for it). */
	awsVersion: HttpVersion;
	log: ConnectionLog;
};

type HandleOptions = NonNullable<Parameters<NodeHttp2Handler['handle']>[1]>;

/** Endpoint origin → the version it speaks (or the probe finding out), for the life of the process. */
const knownVersions = new Map<string, HttpVersion | Promise<HttpVersion | undefined>>();

/** Failures before anything was sent: the request cannot have reached the endpoint. */
const NOT_SENT =
	/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_TLS_.*|CERT_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_.*)$/;
const PUT_TARGET = /\.(PutRecord|PutRecords|PutRecordBatch)$/;

export class EndpointHttpHandler implements HttpHandler<Record<string, unknown>> {
	private http1: NodeHttpHandler | undefined;
	private http2: NodeHttp2Handler | undefined;
	/** The version of this handler's most recent request: how the SDK should address the next one. */
	private current: HttpVersion;

	constructor(private readonly options: EndpointHttpHandlerOptions) {
		this.current =
			options.choice === 'auto'
				? options.customEndpoint
					? '1.1'
					: options.awsVersion
				: options.choice;
	}

	/**
	 * Read by the SDK as it builds each request: HTTP/2 requests are addressed by `:authority`, HTTP/1.1
	 * ones by `Host` (and signed so). Until an endpoint is known, `Host`, which HTTP/2 also carries.
	 */
	get metadata() {
		return {handlerProtocol: this.current === '2' ? 'h2' : 'http/1.1'};
	}

	async handle(request: HttpRequest, options: HandleOptions = {}) {
		const origin = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
		// The SDK's own AbortSignal type is a subset of Node's; the signal itself is Node's.
		const signal = options.abortSignal as AbortSignal | undefined;
		const version = await this.versionOf(origin, signal);
		this.current = version;
		try {
			return await this.exchange(version, request, options);
		} catch (error) {
			throw this.classify(error, version, origin, request, signal);
		}
	}

	updateHttpClientConfig() {
		// The SDK calls this for per-client settings; both inner handlers keep their own.
	}

	httpHandlerConfigs() {
		return {};
	}

	destroy() {
		this.http1?.destroy();
		this.http2?.destroy();
	}

	private async versionOf(origin: string, signal: AbortSignal | undefined): Promise<HttpVersion> {
		const {choice, customEndpoint, awsVersion} = this.options;
		if (choice !== 'auto') return choice;
		if (!customEndpoint) return awsVersion;
		let known = knownVersions.get(origin);
		if (known === undefined) {
			// One probe per endpoint however many calls wait for it; a failed or silent probe is not kept,
			// so the next call asks again (the endpoint may be starting).
			const probe = probeHttpVersion(new URL(origin)).then(
				(version) => {
					if (version) knownVersions.set(origin, version);
					else knownVersions.delete(origin);
					return version;
				},
				(error: unknown) => {
					knownVersions.delete(origin);
					throw error;
				},
			);
			// Its callers may all have been aborted meanwhile: a refusal nobody waits for is not unhandled.
			probe.catch(() => undefined);
			knownVersions.set(origin, probe);
			known = probe;
		}

		return (await abortable(Promise.resolve(known), signal)) ?? '1.1';
	}

	private async exchange(version: HttpVersion, request: HttpRequest, options: HandleOptions) {
		if (version === '1.1') {
			// Built for HTTP/2 before this endpoint fell back: HTTP/1.1 carries the authority as Host.
			const authority = request.headers[':authority'];
			if (authority !== undefined) {
				delete request.headers[':authority'];
				request.headers.host ??= authority;
			}
		}

		const handler = version === '2' ? this.http2Handler() : this.http1Handler();
		const {response} = await handler.handle(request, options);
		const body = response.body as NodeJS.ReadableStream | undefined;
		if (options.isEventStream || !body || typeof body.pipe !== 'function') return {response};
		// A Buffer body is taken as it is by the SDK's deserializers, without a second copy.
		const chunks: Buffer[] = [];
		for await (const chunk of body) chunks.push(chunk as Buffer);
		const whole = new HttpResponse({...response, body: Buffer.concat(chunks)});
		return {response: whole};
	}

	/** Notes what a failure says about the endpoint and returns the error for the SDK to handle. */
	private classify(
		error: unknown,
		version: HttpVersion,
		origin: string,
		request: HttpRequest,
		signal: AbortSignal | undefined,
	) {
		if (signal?.aborted || !(error instanceof Error)) return error;
		const codes = causeCodes(error);
		const {choice, customEndpoint} = this.options;
		if (version === '2' && choice === 'auto' && customEndpoint && isHttp2ProtocolFailure(error)) {
			knownVersions.set(origin, '1.1');
			this.current = '1.1';
			// The SDK retries what it takes as transient; this call will work over HTTP/1.1.
			Object.assign(error, {$retryable: {}});
		}

		const target = request.headers['x-amz-target'] ?? '';
		if (PUT_TARGET.test(target) && !codes.some((code) => NOT_SENT.test(code))) {
			this.options.log.lostPutAnswers++;
		}

		return error;
	}

	private http1Handler() {
		this.http1 ??= new NodeHttpHandler({
			httpAgent: new HttpAgent({keepAlive: true, maxSockets: 50}),
			httpsAgent: new HttpsAgent({keepAlive: true, maxSockets: 50}),
		});
		return this.http1;
	}

	private http2Handler() {
		// AWS keeps the SDK's own choice for Kinesis, a connection per call, each with its own flow-control
		// window (a shared connection's 64 KiB window would cap a far-away tail of many shards). Other
		// endpoints share one connection: kinesis-mock breaks answers on connections closed as they start.
		this.http2 ??= new NodeHttp2Handler({disableConcurrentStreams: !this.options.customEndpoint});
		return this.http2;
	}
}

/** The `code`s along an error's cause chain (the SDK and the HTTP/2 handler wrap the socket's error). */
function causeCodes(error: Error): string[] {
	const codes: string[] = [];
	for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
		const {code} = cause as {code?: unknown};
		if (typeof code === 'string') codes.push(code);
	}

	return codes;
}

/**
 * The endpoint broke HTTP/2 itself: nghttp2's protocol error, a session or stream closed with an error
 * code of the protocol's. Not a server going away (GOAWAY, a refused or cancelled stream, a frame that
 * could not be sent on a closing connection), which is only transient.
 */
function isHttp2ProtocolFailure(error: Error) {
	for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
		const {code} = cause as {code?: unknown};
		if (code === 'ERR_HTTP2_ERROR' || code === 'ERR_HTTP2_SESSION_ERROR') return true;
		if (
			code === 'ERR_HTTP2_STREAM_ERROR' &&
			/PROTOCOL_ERROR|FRAME_SIZE_ERROR|COMPRESSION_ERROR|FLOW_CONTROL_ERROR/.test(cause.message)
		) {
			return true;
		}
	}

	return false;
}

/** `promise`, or the signal's abort, whichever comes first. */
async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return promise;
	signal.throwIfAborted();
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => {
			reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
		};

		signal.addEventListener('abort', onAbort, {once: true});
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort!);
	}
}

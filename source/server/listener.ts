/**
 * One TCP port that speaks both HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c), as the AWS
 * SDK v3 Kinesis client uses HTTP/2 by default and older clients (the AWS CLI, boto3, kinesalite users)
 * use HTTP/1.1. Each connection's first bytes decide: the HTTP/2 connection preface goes to the HTTP/2
 * server, anything else to the HTTP/1.1 server; both hand requests to the same handler.
 *
 * With a certificate (`serve --tls`) the same port also speaks TLS, as LocalStack's does: a connection
 * opening with a TLS handshake record is decrypted, and ALPN then picks h2 or http/1.1 for it, so
 * clients that insist on HTTPS (the KPL, some SDK set-ups) and the cleartext ones share one port.
 */
import {
	createServer as createHttp1Server,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import {
	createServer as createHttp2Server,
	type Http2ServerRequest,
	type Http2ServerResponse,
} from 'node:http2';
import {createServer as createNetServer, type Socket} from 'node:net';
import {createServer as createTlsServer, type TLSSocket} from 'node:tls';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export type RequestHandler = (request: AnyRequest, response: AnyResponse) => void;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** A TLS record of type handshake (RFC 8446 §5.1): how every TLS connection's first byte reads. */
const TLS_HANDSHAKE = 0x16;
const HTTP2_WINDOW = 8 * 1024 * 1024;

export type Listener = {
	url: string;
	host: string;
	port: number;
	/** Stops accepting new connections; the open ones carry on (graceful shutdown's first step). */
	stopAccepting(): void;
	/** Stops accepting connections and closes every open one (call once in-flight requests are answered). */
	close(): Promise<void>;
};

export type ListenOptions = {
	host: string;
	port: number;
	/**
	 * A connection with nothing sent or received for this long is closed; an HTTP/1.1 request's headers
	 * must arrive within it too (default 120 s, AWS's own idle timeout being 350 s).
	 */
	idleTimeoutMs?: number;
	/** A certificate and its key (PEM): the port then speaks TLS too, and the URL is https. */
	tls?: {cert: string; key: string};
};

export async function listen(handler: RequestHandler, options: ListenOptions): Promise<Listener> {
	const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
	// Bodies have their own deadline in the server; these bound the headers and the whole request.
	const http1 = createHttp1Server(
		{
			keepAliveTimeout: Math.min(60_000, idleTimeoutMs),
			headersTimeout: idleTimeoutMs,
			requestTimeout: 2 * idleTimeoutMs,
			connectionsCheckingInterval: Math.max(50, Math.min(30_000, idleTimeoutMs / 4)),
		},
		handler,
	);
	// Windows large enough for a whole PutRecords body (5 MiB) without a WINDOW_UPDATE round trip per 64 KiB.
	const http2 = createHttp2Server({settings: {initialWindowSize: HTTP2_WINDOW}}, handler);
	const sockets = new Set<Socket>();
	const sessions = new Set<import('node:http2').ServerHttp2Session>();
	http2.on('session', (session) => {
		sessions.add(session);
		session.on('connect', () => {
			try {
				session.setLocalWindowSize(2 * HTTP2_WINDOW);
			} catch {
				// The session is already gone (a client that sent only garbage): nothing to size.
			}
		});
		session.on('close', () => sessions.delete(session));
		session.on('error', () => undefined);
	});
	// Slow or silent clients must not hold a connection forever.
	http2.setTimeout(idleTimeoutMs);
	const secure = options.tls ? tlsServer(options.tls, http1, http2, idleTimeoutMs) : undefined;
	// Closed with the others at the end: destroying the TCP socket under one may leave it waiting.
	secure?.on('secureConnection', (socket: TLSSocket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	const tcp = createNetServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		socket.setTimeout(idleTimeoutMs, () => socket.destroy());
		// Small frames (HTTP/2 WINDOW_UPDATEs, a response's headers) go out at once, not after Nagle's wait.
		socket.setNoDelay(true);
		let received: Buffer = Buffer.alloc(0);
		const route = (chunk: Buffer) => {
			if (secure && received.length === 0 && chunk[0] === TLS_HANDSHAKE) {
				socket.off('data', route);
				// The TLS socket reads this socket's handle itself, as the HTTP/2 session does below.
				socket.setTimeout(0);
				socket.pause();
				socket.unshift(chunk);
				secure.emit('connection', socket);
				return;
			}

			// Usually the first chunk holds the whole preface: no copy of it then.
			received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
			const compared = Math.min(received.length, PREFACE.length);
			const isHttp2 = received.subarray(0, compared).equals(PREFACE.subarray(0, compared));
			if (isHttp2 && received.length < PREFACE.length) return;
			socket.off('data', route);
			if (isHttp2) {
				// The session reads the socket's native handle, but first takes what its readable buffer
				// holds (Node emulates receiving it): so the bytes read here go back there, paused.
				// Its reads no longer pass through this socket's events, so they would not reset its idle
				// timer: the session's own timeout (http2.setTimeout above) watches it instead.
				socket.setTimeout(0);
				socket.pause();
				socket.unshift(received);
				http2.emit('connection', socket);
			} else {
				socket.pause();
				socket.unshift(received);
				http1.emit('connection', socket);
				socket.resume();
			}
		};

		socket.on('data', route);
	});
	await new Promise<void>((resolve, reject) => {
		tcp.once('error', reject);
		tcp.listen(options.port, options.host, () => {
			tcp.off('error', reject);
			resolve();
		});
	});
	const address = tcp.address();
	const port = typeof address === 'object' && address ? address.port : options.port;
	const host = options.host.includes(':') ? `[${options.host}]` : options.host;
	const closed = new Promise<void>((resolve) => tcp.once('close', resolve));
	const stopAccepting = () => {
		if (tcp.listening) tcp.close();
	};

	return {
		url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
		host: options.host,
		port,
		stopAccepting,
		async close() {
			stopAccepting();
			for (const session of sessions) session.destroy();
			for (const socket of sockets) socket.destroy();
			await closed;
		},
	};
}

/**
 * The TLS side of the port: it decrypts, and hands each connection to the HTTP/2 or HTTP/1.1 server by
 * what ALPN agreed (a client offering no ALPN speaks HTTP/1.1).
 */
function tlsServer(
	credentials: {cert: string; key: string},
	http1: ReturnType<typeof createHttp1Server>,
	http2: ReturnType<typeof createHttp2Server>,
	idleTimeoutMs: number,
) {
	const server = createTlsServer({
		...credentials,
		ALPNProtocols: ['h2', 'http/1.1'],
		handshakeTimeout: Math.min(idleTimeoutMs, 120_000),
	});
	server.on('secureConnection', (socket: TLSSocket) => {
		socket.on('error', () => socket.destroy());
		if (socket.alpnProtocol === 'h2') {
			http2.emit('connection', socket);
		} else {
			socket.setTimeout(idleTimeoutMs, () => socket.destroy());
			http1.emit('connection', socket);
		}
	});
	// A client that does not trust the certificate, or speaks no TLS we know, just goes.
	server.on('tlsClientError', (_error, socket) => socket.destroy());
	return server;
}

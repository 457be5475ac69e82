/**
 * Which HTTP version an endpoint speaks, asked once before the first request to it:
 * - `https://`: TLS's ALPN says, as a browser learns it (we offer h2 and http/1.1, the server picks).
 * - `http://`: there is no negotiation for cleartext, so we send HTTP/2's connection preface (prior
 *   knowledge, RFC 9113 §3.3) and look at the first bytes back: an HTTP/2 server answers with a SETTINGS
 *   frame, an HTTP/1.1-only one (kinesalite) with an HTTP/1.1 error or by closing the connection. The
 *   preface is no request to an HTTP/1.1 server, so probing never changes anything on the endpoint.
 */
import {connect as connectTcp, isIP, type Socket} from 'node:net';
import {connect as connectTls, type ConnectionOptions, type TLSSocket} from 'node:tls';

export type HttpVersion = '1.1' | '2';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** An empty SETTINGS frame: length 0, type 0x4, no flags, stream 0. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
const FRAME_HEADER_BYTES = 9;
const SETTINGS_FRAME = 4;

/** How long a probe waits for the endpoint to answer before it gives up and assumes HTTP/1.1. */
export const PROBE_TIMEOUT_MS = 5000;

/**
 * The version `url`'s endpoint speaks. Rejects with the connection's own error (ECONNREFUSED, a TLS
 * certificate error, …) when it cannot be reached, so the request fails as it would have without the
 * probe; resolves `undefined` when the endpoint accepted but said nothing within `timeoutMs`.
 */
export async function probeHttpVersion(
	url: URL,
	{
		signal,
		timeoutMs = PROBE_TIMEOUT_MS,
		tls,
	}: {
		signal?: AbortSignal;
		timeoutMs?: number;
		/** TLS options beyond Node's defaults (a certificate authority to trust). */
		tls?: Pick<ConnectionOptions, 'ca'>;
	} = {},
): Promise<HttpVersion | undefined> {
	const secure = url.protocol === 'https:';
	const host = url.hostname.replace(/^\[(.*)]$/, '$1');
	const port = Number(url.port || (secure ? 443 : 80));
	return new Promise((resolve, reject) => {
		const socket: Socket = secure
			? connectTls({
					...tls,
					host,
					port,
					ALPNProtocols: ['h2', 'http/1.1'],
					// SNI takes host names only (RFC 6066 §3).
					...(isIP(host) ? {} : {servername: host}),
				})
			: connectTcp({host, port});
		let answer = Buffer.alloc(0);
		/** The preface went out: from here a reset is the endpoint's answer to it. */
		let prefaceSent = false;
		const finish = (version: HttpVersion | undefined, error?: Error) => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			socket.destroy();
			if (error) reject(error);
			else resolve(version);
		};

		const onAbort = () => {
			finish(undefined, signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
		};

		const timer = setTimeout(() => {
			finish(undefined);
		}, timeoutMs);
		signal?.addEventListener('abort', onAbort, {once: true});
		if (signal?.aborted) onAbort();

		socket.once('error', (error) => {
			// Reset after the preface: an HTTP/1.1 server refusing it, not a dead endpoint.
			if (!secure && prefaceSent && (error as {code?: string}).code === 'ECONNRESET') {
				finish('1.1');
			} else {
				finish(undefined, error);
			}
		});
		if (secure) {
			socket.once('secureConnect', () => {
				finish((socket as TLSSocket).alpnProtocol === 'h2' ? '2' : '1.1');
			});
			return;
		}

		socket.once('connect', () => {
			prefaceSent = true;
			socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS]));
		});
		socket.on('data', (chunk: Buffer) => {
			answer = Buffer.concat([answer, chunk]);
			if (answer.length >= FRAME_HEADER_BYTES) finish(isSettingsFrame(answer) ? '2' : '1.1');
		});
		socket.once('end', () => {
			finish(isSettingsFrame(answer) ? '2' : '1.1');
		});
	});
}

/** The first bytes are an HTTP/2 frame header of a SETTINGS frame on stream 0. */
function isSettingsFrame(bytes: Buffer) {
	return (
		bytes.length >= FRAME_HEADER_BYTES &&
		bytes[3] === SETTINGS_FRAME &&
		bytes.readUInt32BE(5) === 0 &&
		bytes.readUIntBE(0, 3) % 6 === 0
	);
}

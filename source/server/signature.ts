/**
 * `serve --verify-signatures`: checks a request's AWS Signature Version 4 for real, as Kinesis does. The
 * signature is recomputed with @smithy/signature-v4 (the signer the AWS SDK for JavaScript uses) over
 * the request as received — method, path, query, the headers the client says it signed, and the SHA-256
 * of the body — with the secret configured for the access key named in the credential scope, and
 * compared with the one sent. Errors use AWS's exception names, wording and 403 status.
 *
 * Query-string (presigned) authentication is verified the same way: the `X-Amz-*` parameters stand
 * for the header, the request is valid from 5 minutes before its `X-Amz-Date` to `X-Amz-Expires`
 * seconds after it, and the signature is recomputed with the signer's `presign`.
 *
 * Not checked: the region in the credential scope (any region is accepted, so clients configured for
 * another region still work) and session tokens (only static keys are configured).
 */
import {createHash, createHmac, timingSafeEqual, type Hash, type Hmac} from 'node:crypto';
import type {IncomingHttpHeaders} from 'node:http';
import {queryOf} from './authentication.js';

export type SigningCredentials = {accessKeyId: string; secretAccessKey: string};

/** What the server answers when a signature does not verify. */
export type SignatureFailure = {type: string; message: string; status: number};

/** What the verifier reads from a request: nothing HTTP-version specific. */
export type SignedRequest = {method: string; url: string; headers: IncomingHttpHeaders};

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a request's date may be from the server's clock, as AWS allows. */
const MAX_SKEW_MS = 5 * 60_000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** A presigned request's lifetime when it names none, and the longest allowed (a week), as the signer's. */
const DEFAULT_PRESIGNED_SECONDS = 3600;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
/** The query parameters the signer's `presign` writes itself: the rest of the query is signed as sent. */
const PRESIGN_PARAMETERS = [
	'X-Amz-Algorithm',
	'X-Amz-Credential',
	'X-Amz-Date',
	'X-Amz-Expires',
	'X-Amz-SignedHeaders',
	'X-Amz-Signature',
];

export const SIGNATURE_MISMATCH =
	'The request signature we calculated does not match the signature you provided. Check your AWS ' +
	'Secret Access Key and signing method. Consult the service documentation for details.';
export const UNRECOGNIZED_CLIENT = 'The security token included in the request is invalid.';

const fail = (type: string, message: string): SignatureFailure => ({type, message, status: 403});
const invalid = (message: string) => fail('InvalidSignatureException', message);
const incomplete = (message: string) => fail('IncompleteSignatureException', message);

/** The hash the signer is given: SHA-256, or HMAC-SHA256 with a key, over node:crypto. */
class Sha256 {
	private readonly hash: Hash | Hmac;

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

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
	if (typeof data === 'string') return Buffer.from(data, 'utf8');
	if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
	return Buffer.from(data);
}

/** `20260101T120000Z` ↔ Date. */
const formatAmzDate = (time: number) =>
	new Date(time)
		.toISOString()
		.replaceAll(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
function parseAmzDate(text: string): Date | undefined {
	const parts = AMZ_DATE.exec(text);
	if (!parts) return undefined;
	const [year, month, day, hours, minutes, seconds] = parts.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
	return formatAmzDate(date.getTime()) === text ? date : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name] ?? (name === 'host' ? headers[':authority'] : undefined);
	return Array.isArray(value) ? value.join(',') : value;
}

type Authorization = {
	accessKeyId: string;
	scopeDate: string;
	region: string;
	service: string;
	signedHeaders: string[];
	signature: string;
	/** The signing time, `20260101T120000Z`: the X-Amz-Date header, or the query parameter. */
	amzDate: string | undefined;
	/** A presigned request's parameters, without its signature; undefined for a signed header. */
	presigned?: {query: URLSearchParams; expiresIn: number};
};

/** Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; a failure when it cannot. */
function parseAuthorization(
	text: string,
	headers: IncomingHttpHeaders,
): Authorization | SignatureFailure {
	const [algorithm, ...rest] = text.trim().split(/\s+/);
	if (algorithm !== ALGORITHM) return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'`);
	const parameters = new Map<string, string>();
	for (const part of rest.join(' ').split(',')) {
		const equals = part.indexOf('=');
		if (equals > 0) parameters.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
	}

	const credential = parameters.get('Credential');
	const signedHeaders = parameters.get('SignedHeaders');
	const signature = parameters.get('Signature');
	if (!credential || !signedHeaders || !signature) {
		return incomplete(
			`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${algorithm}`,
		);
	}

	return parseScope(credential, signedHeaders, signature, header(headers, 'x-amz-date'));
}

/** The query string's `X-Amz-*` parameters of a presigned request; a failure when they cannot be one. */
function parsePresigned(query: URLSearchParams): Authorization | SignatureFailure {
	const algorithm = query.get('X-Amz-Algorithm') ?? '';
	if (algorithm !== ALGORITHM) return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'`);
	const credential = query.get('X-Amz-Credential') ?? '';
	const signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
	const signature = query.get('X-Amz-Signature') ?? '';
	const amzDate = query.get('X-Amz-Date') ?? undefined;
	const expires = query.get('X-Amz-Expires');
	const expiresIn = expires === null ? DEFAULT_PRESIGNED_SECONDS : Number(expires);
	if (!Number.isInteger(expiresIn) || expiresIn < 0 || expiresIn > MAX_PRESIGNED_SECONDS) {
		// Our wording: AWS's answer to this one was not recorded.
		return incomplete(
			`X-Amz-Expires must be a non-negative integer of at most ${MAX_PRESIGNED_SECONDS} seconds.`,
		);
	}

	const parsed = parseScope(credential, signedHeaders, signature, amzDate);
	if ('type' in parsed) return parsed;
	const unsigned = new URLSearchParams(query);
	for (const name of PRESIGN_PARAMETERS) unsigned.delete(name);
	return {...parsed, presigned: {query: unsigned, expiresIn}};
}

/** The credential scope `keyid/date/region/service/aws4_request` and the rest, checked. */
function parseScope(
	credential: string,
	signedHeaders: string,
	signature: string,
	amzDate: string | undefined,
): Authorization | SignatureFailure {
	const scope = credential.split('/');
	if (scope.length !== 5 || scope.some((element) => element === '')) {
		return incomplete(
			`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
		);
	}

	const [accessKeyId, scopeDate, region, service, terminator] = scope;
	if (terminator !== 'aws4_request') {
		return invalid(
			`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
		);
	}

	return {
		accessKeyId,
		scopeDate,
		region,
		service,
		signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()),
		signature: signature.toLowerCase(),
		amzDate,
	};
}

export class SignatureVerifier {
	private readonly secrets: Map<string, string>;
	private signer: Promise<typeof import('@smithy/signature-v4')> | undefined;

	constructor(
		credentials: readonly SigningCredentials[],
		private readonly now: () => number = Date.now,
	) {
		this.secrets = new Map(
			credentials.map(({accessKeyId, secretAccessKey}) => [accessKeyId, secretAccessKey]),
		);
	}

	/**
	 * Undefined when the request's signature is the one its access key's secret gives. `service` is the
	 * signing name the credential scope must name (`kinesis`, `firehose`, `monitoring`).
	 */
	async verify(
		request: SignedRequest,
		body: Buffer,
		service = 'kinesis',
	): Promise<SignatureFailure | undefined> {
		const query = queryOf(request.url);
		const authorization = query?.has('X-Amz-Algorithm')
			? parsePresigned(query)
			: parseAuthorization(header(request.headers, 'authorization') ?? '', request.headers);
		if ('type' in authorization) return authorization;
		const secretAccessKey = this.secrets.get(authorization.accessKeyId);
		if (secretAccessKey === undefined) {
			return fail('UnrecognizedClientException', UNRECOGNIZED_CLIENT);
		}

		const {amzDate} = authorization;
		if (amzDate === undefined) {
			return incomplete(
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
			);
		}

		const date = parseAmzDate(amzDate);
		if (!date) {
			return incomplete(
				`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
			);
		}

		const now = this.now();
		// A header's date may be 5 minutes old; a presigned request is good for its X-Amz-Expires.
		const {presigned} = authorization;
		const lifetimeMs = presigned ? presigned.expiresIn * 1000 : MAX_SKEW_MS;
		if (date.getTime() < now - lifetimeMs) {
			const lifetime = presigned ? `${presigned.expiresIn} sec.` : '5 min.';
			return invalid(
				`Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - lifetimeMs)} (${formatAmzDate(now)} - ${lifetime})`,
			);
		}

		if (date.getTime() > now + MAX_SKEW_MS) {
			return invalid(
				`Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
			);
		}

		if (authorization.scopeDate !== amzDate.slice(0, 8)) {
			return invalid(
				`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
			);
		}

		if (authorization.service !== service) {
			return invalid(`Credential should be scoped to correct service: '${service}'.`);
		}

		// A client may send the body's hash; the signer would trust it, so it must be the body's.
		const claimedHash = header(request.headers, 'x-amz-content-sha256');
		if (
			claimedHash !== undefined &&
			claimedHash !== createHash('sha256').update(body).digest('hex')
		) {
			return invalid(SIGNATURE_MISMATCH);
		}

		const expected = await this.signature(request, body, date, authorization, secretAccessKey);
		const given = Buffer.from(authorization.signature);
		const matches =
			expected !== undefined &&
			given.length === expected.length &&
			timingSafeEqual(given, Buffer.from(expected));
		return matches ? undefined : invalid(SIGNATURE_MISMATCH);
	}

	/** The signature of `request` as received, or undefined when it cannot be what the client signed. */
	private async signature(
		request: SignedRequest,
		body: Buffer,
		signingDate: Date,
		authorization: Authorization,
		secretAccessKey: string,
	): Promise<string | undefined> {
		const headers: Record<string, string> = {};
		for (const name of authorization.signedHeaders) {
			const value = header(request.headers, name);
			if (value === undefined) return undefined;
			headers[name] = value;
		}

		const queryStart = request.url.indexOf('?');
		const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
		let path: string;
		try {
			path = decodeURIComponent(rawPath) || '/';
		} catch {
			return undefined;
		}

		const query: Record<string, string | string[]> = {};
		const parameters = authorization.presigned
			? authorization.presigned.query
			: queryStart === -1
				? []
				: new URLSearchParams(request.url.slice(queryStart + 1));
		for (const [key, value] of parameters) {
			const previous = query[key];
			query[key] =
				previous === undefined
					? value
					: [...(Array.isArray(previous) ? previous : [previous]), value];
		}

		this.signer ??= import('@smithy/signature-v4');
		const {SignatureV4} = await this.signer;
		const signer = new SignatureV4({
			credentials: {accessKeyId: authorization.accessKeyId, secretAccessKey},
			region: authorization.region,
			service: authorization.service,
			sha256: Sha256,
			// Sign only what the client signed: no X-Amz-Content-Sha256 header of the signer's own.
			applyChecksum: false,
		});
		const unsigned = {
			method: request.method,
			protocol: 'http:',
			hostname: headers.host ?? 'localhost',
			path,
			query,
			headers,
			body,
		};
		const options = {
			signingDate,
			signingRegion: authorization.region,
			signingService: authorization.service,
			// Exactly the headers the client signed, even those a signer would not sign by default.
			signableHeaders: new Set(authorization.signedHeaders),
		};
		if (authorization.presigned) {
			const presigned = await signer.presign(unsigned, {
				...options,
				expiresIn: authorization.presigned.expiresIn,
				// The signed headers came as headers: none is moved into the query as presign would.
				unhoistableHeaders: new Set(authorization.signedHeaders),
			});
			const produced = presigned.query ?? {};
			if (produced['X-Amz-SignedHeaders'] !== authorization.signedHeaders.join(';'))
				return undefined;
			return String(produced['X-Amz-Signature']);
		}

		const signed = await signer.sign(unsigned, options);
		const produced = String(signed.headers.authorization ?? signed.headers.Authorization ?? '');
		const signedHeaders = /SignedHeaders=([^,\s]+)/.exec(produced)?.[1];
		// The signer adds X-Amz-Date itself: a request that did not sign it cannot match.
		if (signedHeaders !== authorization.signedHeaders.join(';')) return undefined;
		return /Signature=([\da-f]+)/.exec(produced)?.[1];
	}
}

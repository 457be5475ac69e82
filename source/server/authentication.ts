/**
 * The checks AWS makes of a request's authentication before any signature is computed, with or without
 * `serve --verify-signatures`: there must be one, either an `Authorization` header or query-string
 * parameters (`X-Amz-Algorithm` and the rest, a presigned request), never both, and it must name every
 * part a signature needs. The order of the checks, the exception names and their texts are AWS's, as
 * kinesalite recorded them; all are 400s in the request's protocol.
 */
import type {IncomingHttpHeaders} from 'node:http';
import type {SignatureFailure} from './signature.js';

/** What a request authenticates with: its `Authorization` header, or its query string. */
export type Credentials =
	{kind: 'header'; authorization: string} | {kind: 'query'; query: URLSearchParams};

const HEADER_PARAMETERS = ['Credential', 'Signature', 'SignedHeaders'] as const;
const QUERY_PARAMETERS = [
	'X-Amz-Algorithm',
	'X-Amz-Credential',
	'X-Amz-Signature',
	'X-Amz-SignedHeaders',
	'X-Amz-Date',
] as const;

const failure = (type: string, message: string): SignatureFailure => ({type, message, status: 400});

/**
 * The header as every SDK writes it, all three parts present and non-empty: one regular expression
 * settles it on the PutRecords hot path, before the general reading in {@link missingFromHeader}.
 */
const WELL_FORMED = /^[^\s,]+ Credential=[^\s,=]+, ?SignedHeaders=[^\s,=]+, ?Signature=[^\s,=]+$/;

/** A request URL's query string as parameters; undefined when it has none (the usual case). */
export function queryOf(url: string | undefined): URLSearchParams | undefined {
	const start = url?.indexOf('?') ?? -1;
	return start === -1 ? undefined : new URLSearchParams(url!.slice(start + 1));
}

/**
 * The request's credentials, or AWS's answer when they are missing, doubled or incomplete. `query` is
 * the URL's query string ({@link queryOf}).
 */
export function credentialsOf(
	headers: IncomingHttpHeaders,
	query: URLSearchParams | undefined,
): Credentials | SignatureFailure {
	const authorization = headers.authorization;
	// Named at all, even empty, the query parameter means query-string authentication.
	const byQuery = query?.has('X-Amz-Algorithm') ?? false;
	if (authorization && byQuery) {
		return failure(
			'InvalidSignatureException',
			"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
		);
	}

	if (authorization) {
		if ((headers['x-amz-date'] || headers.date) && WELL_FORMED.test(authorization))
			return {kind: 'header', authorization};
		const missing = missingFromHeader(authorization, headers);
		return missing
			? failure('IncompleteSignatureException', `${missing}Authorization=${authorization}`)
			: {kind: 'header', authorization};
	}

	if (byQuery) {
		const missing = QUERY_PARAMETERS.filter((name) => !query!.get(name))
			.map((name) => `AWS query-string parameters must include '${name}'. `)
			.join('');
		return missing
			? failure('IncompleteSignatureException', `${missing}Re-examine the query-string parameters.`)
			: {kind: 'query', query: query!};
	}

	return failure('MissingAuthenticationTokenException', 'Missing Authentication Token');
}

/**
 * AWS's sentences for what an `Authorization` header lacks, each ending in a space; empty when it
 * lacks nothing. Its parameters are read as AWS reads them: words split at commas and spaces, the first
 * (the algorithm) skipped, each `name=value`; an empty value is a missing one.
 */
function missingFromHeader(authorization: string, headers: IncomingHttpHeaders): string {
	const parameters = new Map<string, string>();
	for (const word of authorization.split(/[, ]/).slice(1)) {
		if (!word) continue;
		const [name, value = ''] = word.split('=');
		parameters.set(name, value);
	}

	let missing = '';
	for (const name of HEADER_PARAMETERS) {
		if (!parameters.get(name)) missing += `Authorization header requires '${name}' parameter. `;
	}

	if (!headers['x-amz-date'] && !headers.date) {
		missing +=
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
	}

	return missing;
}

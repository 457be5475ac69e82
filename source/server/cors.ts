/**
 * CORS, as Kinesis answers browsers (the AWS SDK for JavaScript in a web page): a preflight `OPTIONS`
 * with an `Origin` is answered 200 with an empty body, whatever its signature, allowing any origin and
 * echoing the headers and method the browser asks for; every other answer to a request with an
 * `Origin` allows any origin and exposes the headers the SDK reads. The texts are AWS's, as kinesalite
 * and kinesis-mock recorded them.
 */
import type {IncomingHttpHeaders} from 'node:http';

/** The response headers a browser may let the SDK read. */
export const CORS_EXPOSED_HEADERS =
	'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';

/** How long (seconds) a browser may keep a preflight's answer: two days, as AWS says. */
export const CORS_MAX_AGE = '172800';

const single = (value: string | string[] | undefined) =>
	Array.isArray(value) ? value.join(', ') : value;

/** A request from a browser page: it has a non-empty `Origin` (AWS ignores an empty one). */
export const hasOrigin = (headers: IncomingHttpHeaders) => Boolean(headers.origin);

/** Whether the request is a CORS preflight, answered by {@link preflightHeaders} alone. */
export const isPreflight = (method: string | undefined, headers: IncomingHttpHeaders) =>
	method === 'OPTIONS' && hasOrigin(headers);

/** The headers of a preflight's answer (200, empty body, no content type). */
export function preflightHeaders(headers: IncomingHttpHeaders): Record<string, string> {
	const answer: Record<string, string> = {'Access-Control-Allow-Origin': '*'};
	const requestedHeaders = single(headers['access-control-request-headers']);
	if (requestedHeaders) answer['Access-Control-Allow-Headers'] = requestedHeaders;
	const requestedMethod = single(headers['access-control-request-method']);
	if (requestedMethod) answer['Access-Control-Allow-Methods'] = requestedMethod;
	answer['Access-Control-Max-Age'] = CORS_MAX_AGE;
	return answer;
}

/** The headers every other answer to a browser's request carries. */
export const CORS_ANSWER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS,
});

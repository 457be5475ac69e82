/**
 * AWS's answers to requests that never reach an action because their envelope — method, content type,
 * target, body — does not let them be routed: the 403 and 404 XML answers of AWS's front end, the
 * `application/json` answers of its older Coral envelope, the protocol an empty request's error is
 * written in, and a browser's CORS preflight. Statuses, headers and bodies are AWS's, as kinesalite
 * recorded them (its index.js and connection tests).
 */
import type {IncomingHttpHeaders} from 'node:http';
import {preflightHeaders} from './cors.js';
import {cborProtocol, jsonProtocol, type Protocol} from './protocols.js';

/** An answer as the server writes it (the server's Reply, less what only actions need). */
export type EnvelopeAnswer = {
	status: number;
	body: Buffer | string;
	contentType?: string;
	headers?: Record<string, string>;
	/** Without the `x-amz-id-2` header every other answer has (a CORS preflight's answer). */
	withoutId2?: boolean;
};

/** The content type of Coral's older JSON envelope, which AWS still answers but never routes. */
const CORAL_JSON_CONTENT_TYPE = 'application/json';

/** A 403 XML error, with no content type, as AWS's front end sends it. */
const xmlError = (type: string, message: string): EnvelopeAnswer => ({
	status: 403,
	body: `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`,
});

/** Any method but POST, or a request naming no service or operation in a content type AWS does not speak. */
export const accessDenied = (): EnvelopeAnswer =>
	xmlError('AccessDeniedException', 'Unable to determine service/operation name to be authorized');

/** A request naming a service and operation, with a body, in a content type AWS does not speak. */
const unknownOperationXml = (): EnvelopeAnswer => ({
	status: 404,
	body: '<UnknownOperationException/>\n',
});

/** A browser's CORS preflight: 200, empty, no content type and no `x-amz-id-2`, whatever it is signed with. */
export const preflight = (headers: IncomingHttpHeaders): EnvelopeAnswer => ({
	status: 200,
	body: '',
	headers: preflightHeaders(headers),
	withoutId2: true,
});

/**
 * The protocol an error is written in when the request's content type is none its service speaks:
 * JSON 1.1 when it asked for that, else CBOR (`application/json` and a missing content type included),
 * as AWS answers a request without a body.
 */
export const fallbackProtocol = (mediaType: string): Protocol =>
	mediaType === jsonProtocol.contentType ? jsonProtocol : cborProtocol;

const coralJson = (type: string, status: number): EnvelopeAnswer => ({
	status,
	body: JSON.stringify({Output: {__type: `com.amazon.coral.service#${type}`}, Version: '1.0'}),
	contentType: CORAL_JSON_CONTENT_TYPE,
});

/**
 * A request with a body in `application/json`: AWS parses it, then routes it nowhere, whatever its
 * target — a SerializationException when the body is no JSON object (400), else an
 * UnknownOperationException (404), in Coral's `{Output, Version}` envelope.
 */
function coralJsonAnswer(body: Buffer): EnvelopeAnswer {
	let document: unknown;
	try {
		document = JSON.parse(body.toString('utf8'));
	} catch {
		return coralJson('SerializationException', 400);
	}

	// A JSON array passes as an object here, as it does at AWS.
	return typeof document === 'object' && document !== null
		? coralJson('UnknownOperationException', 404)
		: coralJson('SerializationException', 400);
}

/**
 * A request with a body in a content type its service does not speak (nor any service, when it names
 * none): Coral's JSON envelope for `application/json`, else an XML answer.
 */
export function unroutable(
	mediaType: string,
	target: string | undefined,
	operation: string | undefined,
	body: Buffer,
): EnvelopeAnswer {
	if (mediaType === CORAL_JSON_CONTENT_TYPE) return coralJsonAnswer(body);
	if (!target || !operation) return accessDenied();
	return unknownOperationXml();
}

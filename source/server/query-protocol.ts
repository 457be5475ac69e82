/**
 * The AWS Query protocol (awsQuery), as the older CloudWatch clients speak it — Debian's AWS CLI and
 * boto3 among them: a form-encoded POST (`Action=GetMetricStatistics&Version=2010-08-01&…`) whose
 * nested members are flattened into dotted names (`Dimensions.member.1.Name`), answered in XML
 * (`<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`), errors as `<ErrorResponse>`.
 *
 * Three small jobs, no dependency: reading the form ({@link parseForm}), rebuilding an action's input
 * from it against the same shapes the JSON protocols decode with ({@link fromQuery}), and writing the
 * answer ({@link queryResponse}, {@link queryError}).
 */
import {KinesisError} from '../engine/errors.js';
import type {Shape} from './shapes.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const XML_CONTENT_TYPE = 'text/xml';

/** A form body whose percent-encoding is broken: AWS's MalformedQueryString, which it sends as 404. */
export class MalformedQueryError extends Error {}

const utf8 = new TextDecoder('utf-8', {fatal: true});

/** The form's parameters, in order; later duplicates win, as AWS keeps one value per name. */
export function parseForm(body: Buffer): Map<string, string> {
	const parameters = new Map<string, string>();
	let text: string;
	try {
		text = utf8.decode(body);
	} catch {
		throw new MalformedQueryError('The request body is not UTF-8.');
	}

	for (const pair of text.split('&')) {
		if (pair === '') continue;
		const equals = pair.indexOf('=');
		const [rawName, rawValue] =
			equals === -1 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
		parameters.set(formDecode(rawName), formDecode(rawValue));
	}

	return parameters;
}

function formDecode(text: string) {
	try {
		return decodeURIComponent(text.replaceAll('+', ' '));
	} catch {
		throw new MalformedQueryError(`Invalid percent-encoding: ${text.slice(0, 100)}`);
	}
}

const invalidValue = (name: string, value: string) =>
	new KinesisError('InvalidParameterValue', `Value (${value}) for parameter ${name} is invalid.`);

/**
 * The input for `shape` read from the parameters under `prefix`: lists as `prefix.member.N` (1-based, up
 * to the first missing index; `prefix=` alone is an empty list), maps as `prefix.entry.N.key/value`,
 * numbers, booleans and timestamps (ISO 8601) parsed from their text. A value that does not parse is
 * InvalidParameterValue, as AWS answers it; unknown parameters are ignored.
 */
export function fromQuery(
	parameters: ReadonlyMap<string, string>,
	shape: Shape,
	prefix: string,
): unknown {
	if (typeof shape === 'object') {
		if ('list' in shape) {
			const items: unknown[] = [];
			for (let index = 1; ; index++) {
				const at = `${prefix}.member.${index}`;
				if (!hasUnder(parameters, at)) break;
				items.push(fromQuery(parameters, shape.list, at));
			}

			if (items.length === 0 && parameters.get(prefix) !== '') return undefined;
			return items;
		}

		if (prefix !== '' && !hasUnder(parameters, prefix)) return undefined;
		const structure: Record<string, unknown> = {};
		for (const [member, memberShape] of Object.entries(shape.structure)) {
			const value = fromQuery(parameters, memberShape, prefix ? `${prefix}.${member}` : member);
			if (value !== undefined) structure[member] = value;
		}

		return structure;
	}

	if (shape === 'map') {
		const map: Record<string, string> = {};
		for (let index = 1; parameters.has(`${prefix}.entry.${index}.key`); index++) {
			map[parameters.get(`${prefix}.entry.${index}.key`)!] =
				parameters.get(`${prefix}.entry.${index}.value`) ?? '';
		}

		return hasUnder(parameters, prefix) ? map : undefined;
	}

	const text = parameters.get(prefix);
	if (text === undefined) return undefined;
	switch (shape) {
		case 'integer': {
			const value = Number(text);
			if (!/^-?\d{1,10}$/.test(text) || value < -(2 ** 31) || value > 2 ** 31 - 1) {
				throw invalidValue(prefix, text);
			}

			return value;
		}

		case 'boolean': {
			if (text !== 'true' && text !== 'false') throw invalidValue(prefix, text);
			return text === 'true';
		}

		case 'timestamp': {
			// ISO 8601 as the clients send it; epoch seconds too, which some write.
			const time = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
			const date = new Date(time);
			if (!/^[\d.:+\-TZtz ]+$/.test(text) || Number.isNaN(date.getTime())) {
				throw invalidValue(prefix, text);
			}

			return date;
		}

		case 'blob': {
			return Buffer.from(text, 'base64');
		}

		default: {
			return text;
		}
	}
}

function hasUnder(parameters: ReadonlyMap<string, string>, prefix: string) {
	if (parameters.has(prefix)) return true;
	for (const name of parameters.keys()) if (name.startsWith(`${prefix}.`)) return true;
	return false;
}

// ─── XML ──────────────────────────────────────────────────────────────────────────────────────

/** Characters XML 1.0 cannot carry even escaped (controls, lone surrogates) become U+FFFD. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string) {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&apos;')
		.replaceAll('\r', '&#13;')
		.replace(NOT_XML, '\uFFFD');
}

/** ISO 8601 in UTC, without milliseconds when there are none, as AWS writes timestamps. */
const isoTime = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/**
 * `value` as the XML element `name`: structures as nested elements, lists as `<member>` items (the
 * awsQuery default; CloudWatch has no flattened lists), Dates in ISO 8601, bytes in base64.
 */
export function toXml(name: string, value: unknown, indent = ''): string {
	if (value === undefined || value === null) return '';
	const open = `${indent}<${name}>`;
	const close = `</${name}>\n`;
	if (value instanceof Date) return `${open}${isoTime(value)}${close}`;
	if (value instanceof Uint8Array) {
		return `${open}${Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64')}${close}`;
	}

	if (Array.isArray(value)) {
		if (value.length === 0) return `${indent}<${name}/>\n`;
		const items = value.map((item) => toXml('member', item, `${indent}  `)).join('');
		return `${open}\n${items}${indent}${close}`;
	}

	if (typeof value === 'object') {
		const members = Object.entries(value)
			.map(([member, memberValue]) => toXml(member, memberValue, `${indent}  `))
			.join('');
		return members === '' ? `${indent}<${name}/>\n` : `${open}\n${members}${indent}${close}`;
	}

	return `${open}${escapeXml(String(value))}${close}`;
}

/** `<ActionResponse xmlns>` with the action's result and the request id. */
export function queryResponse(
	action: string,
	output: unknown,
	namespace: string,
	requestId: string,
): string {
	return (
		`<${action}Response xmlns="${namespace}">\n` +
		toXml(`${action}Result`, output ?? {}, '  ') +
		`  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
		`</${action}Response>\n`
	);
}

/** AWS's awsQuery error document: Type Sender for the client's faults, Receiver for the server's. */
export function queryError(
	code: string,
	message: string | undefined,
	status: number,
	namespace: string,
	requestId: string,
): string {
	return (
		`<ErrorResponse xmlns="${namespace}">\n  <Error>\n` +
		`    <Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>\n` +
		`    <Code>${escapeXml(code)}</Code>\n` +
		(message === undefined ? '' : `    <Message>${escapeXml(message)}</Message>\n`) +
		`  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
	);
}

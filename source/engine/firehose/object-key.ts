/**
 * S3 object keys as Firehose names them (developer guide, "Configure Amazon S3 object name format" and
 * "Understand custom prefixes for Amazon S3 objects"):
 *
 * ```
 * key    = <evaluated prefix><suffix>
 * suffix = <stream name>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><file extension>
 * ```
 *
 * Times come from the approximate arrival time of the oldest record in the object, in UTC unless the
 * destination sets `CustomTimeZone`. A prefix may hold `!{timestamp:<Java DateTimeFormatter pattern>}`
 * and `!{firehose:random-string}` expressions (the error output prefix also
 * `!{firehose:error-output-type}`); a `Prefix` without a timestamp expression gets
 * `!{timestamp:yyyy/MM/dd/HH/}` appended, so the default layout is `Prefix + yyyy/MM/dd/HH/`.
 *
 * Without an `ErrorOutputPrefix` (allowed only when `Prefix` has no expressions) failed records go to
 * `Prefix + <error-output-type>/yyyy/MM/dd/HH/`. A literal `ErrorOutputPrefix` (no expressions, a case
 * the guide leaves open) is treated the same way: `ErrorOutputPrefix + <error-output-type>/yyyy/MM/dd/HH/`.
 */
import {randomUUID} from 'node:crypto';
import {invalidArgument} from './errors.js';

type Part =
	| {kind: 'text'; text: string}
	| {kind: 'timestamp'; format: string}
	| {kind: 'random-string'}
	| {kind: 'error-output-type'};

/** A prefix parsed and checked once, evaluated for every object. */
export type PrefixTemplate = Part[];

const DEFAULT_TIME_PREFIX = 'yyyy/MM/dd/HH/';
const SUPPORTED_PATTERN_LETTERS = new Set(['y', 'u', 'M', 'd', 'H', 'm', 's']);

export type TimeParts = {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
};

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string) {
	let format = zoneFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		zoneFormats.set(timeZone, format);
	}

	return format;
}

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isKnownTimeZone(timeZone: string) {
	try {
		zoneFormat(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The calendar fields of `epochMs` in UTC, or in `timeZone` when given. */
export function timeParts(epochMs: number, timeZone?: string): TimeParts {
	if (!timeZone || timeZone === 'UTC') {
		const date = new Date(epochMs);
		return {
			year: date.getUTCFullYear(),
			month: date.getUTCMonth() + 1,
			day: date.getUTCDate(),
			hour: date.getUTCHours(),
			minute: date.getUTCMinutes(),
			second: date.getUTCSeconds(),
		};
	}

	const fields: Record<string, number> = {};
	for (const part of zoneFormat(timeZone).formatToParts(new Date(epochMs))) {
		if (part.type !== 'literal') fields[part.type] = Number(part.value);
	}

	return {
		year: fields.year,
		month: fields.month,
		day: fields.day,
		hour: fields.hour,
		minute: fields.minute,
		second: fields.second,
	};
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * Formats `time` with a Java DateTimeFormatter pattern, for the letters Firehose prefixes use: y/u
 * (year; `yy` two digits), M, d, H, m, s (one letter: no padding, two: zero-padded). Text in single
 * quotes is literal (`''` is a quote); other non-letters are literal.
 */
export function formatJavaPattern(pattern: string, time: TimeParts): string {
	let out = '';
	let i = 0;
	while (i < pattern.length) {
		const char = pattern[i];
		if (char === "'") {
			if (pattern[i + 1] === "'") {
				out += "'";
				i += 2;
				continue;
			}

			const end = pattern.indexOf("'", i + 1);
			out += pattern.slice(i + 1, end);
			i = end + 1;
			continue;
		}

		if (!/[a-zA-Z]/.test(char)) {
			out += char;
			i++;
			continue;
		}

		let run = 1;
		while (pattern[i + run] === char) run++;
		i += run;
		switch (char) {
			case 'y':
			case 'u': {
				out += run === 2 ? pad(time.year % 100, 2) : pad(time.year, Math.max(run, 1));
				break;
			}

			case 'M': {
				out += pad(time.month, run);
				break;
			}

			case 'd': {
				out += pad(time.day, run);
				break;
			}

			case 'H': {
				out += pad(time.hour, run);
				break;
			}

			case 'm': {
				out += pad(time.minute, run);
				break;
			}

			default: {
				out += pad(time.second, run);
			}
		}
	}

	return out;
}

/** Why `pattern` is not a timestamp pattern the engine can evaluate, or undefined when it is. */
function patternProblem(pattern: string): string | undefined {
	let i = 0;
	while (i < pattern.length) {
		const char = pattern[i];
		if (char === "'") {
			if (pattern[i + 1] === "'") {
				i += 2;
				continue;
			}

			const end = pattern.indexOf("'", i + 1);
			if (end < 0) return `unterminated quote in timestamp pattern '${pattern}'`;
			i = end + 1;
			continue;
		}

		if (/[a-zA-Z]/.test(char) && !SUPPORTED_PATTERN_LETTERS.has(char)) {
			return `unsupported pattern letter '${char}' in timestamp pattern '${pattern}'`;
		}

		let run = 1;
		while (pattern[i + run] === char) run++;
		if (char === 'M' && run > 2) {
			return `unsupported pattern '${char.repeat(run)}' in timestamp pattern '${pattern}'`;
		}

		i += run;
	}

	return undefined;
}

/**
 * Parses `prefix` (a `Prefix` or `ErrorOutputPrefix` value), enforcing the guide's semantic rules for
 * its field; throws InvalidArgumentException. `field` is the member name used in messages.
 */
export function parsePrefix(prefix: string, field: 'Prefix' | 'ErrorOutputPrefix'): PrefixTemplate {
	const parts: Part[] = [];
	let text = '';
	let i = 0;
	while (i < prefix.length) {
		const start = prefix.indexOf('!{', i);
		if (start < 0) {
			text += prefix.slice(i);
			break;
		}

		text += prefix.slice(i, start);
		const end = prefix.indexOf('}', start);
		const body = end < 0 ? '' : prefix.slice(start + 2, end);
		const colon = body.indexOf(':');
		if (end < 0 || colon <= 0 || colon === body.length - 1) {
			throw invalidArgument(
				`The ${field} "${prefix}" is invalid: the sequence !{ can only appear in !{namespace:value} expressions.`,
			);
		}

		if (text) parts.push({kind: 'text', text});
		text = '';
		const namespace = body.slice(0, colon);
		const value = body.slice(colon + 1);
		if (namespace === 'timestamp') {
			const problem = patternProblem(value);
			if (problem) throw invalidArgument(`The ${field} "${prefix}" is invalid: ${problem}.`);
			parts.push({kind: 'timestamp', format: value});
		} else if (namespace === 'firehose' && value === 'random-string') {
			parts.push({kind: 'random-string'});
		} else if (namespace === 'firehose' && value === 'error-output-type') {
			if (field === 'Prefix') {
				throw invalidArgument(
					`The Prefix "${prefix}" is invalid: !{firehose:error-output-type} can only be used in the ErrorOutputPrefix.`,
				);
			}

			parts.push({kind: 'error-output-type'});
		} else if (namespace === 'partitionKeyFromQuery' || namespace === 'partitionKeyFromLambda') {
			throw invalidArgument(
				`The ${field} "${prefix}" is invalid: !{${namespace}:…} expressions need dynamic partitioning, which the local engine does not support.`,
			);
		} else {
			throw invalidArgument(
				`The ${field} "${prefix}" is invalid: unknown expression !{${body}}; use the timestamp or firehose namespace.`,
			);
		}

		i = end + 1;
	}

	if (text) parts.push({kind: 'text', text});
	return parts;
}

const hasExpressions = (template: PrefixTemplate) => template.some((part) => part.kind !== 'text');

/**
 * The templates a destination's objects are named with: `Prefix` (with the default time prefix when it
 * has no timestamp expression) and the error output prefix, per the guide's rules. Throws
 * InvalidArgumentException for the combinations the guide calls invalid.
 */
export function prefixTemplates(prefix = '', errorOutputPrefix?: string) {
	const main = parsePrefix(prefix, 'Prefix');
	const errorOutput =
		errorOutputPrefix === undefined || errorOutputPrefix === ''
			? undefined
			: parsePrefix(errorOutputPrefix, 'ErrorOutputPrefix');
	if (hasExpressions(main) && !errorOutput) {
		throw invalidArgument(
			'ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.',
		);
	}

	if (
		errorOutput &&
		hasExpressions(errorOutput) &&
		!errorOutput.some((part) => part.kind === 'error-output-type')
	) {
		throw invalidArgument(
			`The ErrorOutputPrefix "${errorOutputPrefix}" is invalid: an ErrorOutputPrefix with expressions must include at least one !{firehose:error-output-type}.`,
		);
	}

	const timePrefix: Part = {kind: 'timestamp', format: DEFAULT_TIME_PREFIX};
	const mainTemplate = main.some((part) => part.kind === 'timestamp')
		? main
		: [...main, timePrefix];
	const errorTemplate =
		errorOutput && hasExpressions(errorOutput)
			? errorOutput
			: [
					...(errorOutput ?? main),
					{kind: 'error-output-type'} as Part,
					{kind: 'text', text: '/'} as Part,
					timePrefix,
				];
	return {main: mainTemplate, errorOutput: errorTemplate};
}

/** Evaluates a template for an object whose oldest record arrived at `time`. */
export function evaluatePrefix(
	template: PrefixTemplate,
	time: TimeParts,
	errorOutputType?: string,
): string {
	let out = '';
	for (const part of template) {
		switch (part.kind) {
			case 'text': {
				out += part.text;
				break;
			}

			case 'timestamp': {
				out += formatJavaPattern(part.format, time);
				break;
			}

			case 'random-string': {
				out += randomUUID().slice(0, 11);
				break;
			}

			default: {
				out += errorOutputType ?? '';
			}
		}
	}

	return out;
}

/** `<stream name>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><extension>`. */
export function objectSuffix(
	deliveryStreamName: string,
	versionId: string,
	time: TimeParts,
	extension: string,
	uuid: string = randomUUID(),
) {
	const stamp = [
		pad(time.year, 4),
		pad(time.month, 2),
		pad(time.day, 2),
		pad(time.hour, 2),
		pad(time.minute, 2),
		pad(time.second, 2),
	].join('-');
	return `${deliveryStreamName}-${versionId}-${stamp}-${uuid}${extension}`;
}

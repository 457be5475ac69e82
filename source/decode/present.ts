/**
 * How a payload is shown, per view: `auto` picks by what the payload is (JSON, text, else a hex dump);
 * the other modes force one representation. Output is lines of segments tagged by kind, which the view
 * colours (or not, under NO_COLOR); every segment is already safe to write to a terminal.
 */
import {displayWidth, splitAtWidth} from '../display-width.js';
import {base64Lines, toBase64} from './base64.js';
import {bytesPerLineFor, hexDump, hexInline, hexLineCount} from './hex.js';
import {layoutJson, parseJson, type JsonTokenKind} from './json.js';
import type {Payload} from './payload.js';
import {decodeUtf8Lenient, escapeControls, safeLines} from './text.js';

export type DecodeMode = 'auto' | 'json' | 'text' | 'hex' | 'base64';
/** The order `d` cycles through. */
export const DECODE_MODES: readonly DecodeMode[] = ['auto', 'json', 'text', 'hex', 'base64'];

export function nextDecodeMode(mode: DecodeMode): DecodeMode {
	return DECODE_MODES[(DECODE_MODES.indexOf(mode) + 1) % DECODE_MODES.length];
}

export type SegmentKind = JsonTokenKind | 'text' | 'note';
export type Segment = {kind: SegmentKind; text: string};
export type Line = Segment[];

/** What a mode comes to for one payload. */
export type Representation = 'json' | 'text' | 'hex' | 'base64';

/** The representation `mode` gives this payload: forced JSON that is not JSON falls back to text. */
export function representationOf(payload: Payload, mode: DecodeMode): Representation {
	switch (mode) {
		case 'auto': {
			const format = payload.format;
			return format === 'binary' ? 'hex' : format;
		}

		case 'json': {
			return jsonText(payload) === undefined ? 'text' : 'json';
		}

		default: {
			return mode;
		}
	}
}

/** The payload's text when it parses as JSON (any JSON value, once forced). */
function jsonText(payload: Payload): string | undefined {
	if (payload.json) return payload.text;
	const {text} = payload;
	return text !== undefined && parseJson(text) ? text : undefined;
}

const textOf = (payload: Payload) => payload.text ?? decodeUtf8Lenient(payload.bytes);

/** The payload on one line (at most about `maxChars` columns): for lists. */
export function previewLine(payload: Payload, mode: DecodeMode, maxChars = 240): Line {
	switch (representationOf(payload, mode)) {
		case 'json': {
			return layoutJson(jsonText(payload)!, {pretty: false, maxChars})[0];
		}

		case 'text': {
			// Cut before escaping, between characters (a .slice could halve an emoji), and only roughly:
			// fitLine cuts the escaped text to its column.
			const text = textOf(payload);
			const {head, rest} = splitAtWidth(text, maxChars);
			const shown = escapeControls(head);
			return [{kind: 'text', text: rest === '' ? shown : `${shown}…`}];
		}

		case 'hex': {
			return [{kind: 'text', text: hexInline(payload.bytes, Math.ceil(maxChars / 3))}];
		}

		case 'base64': {
			const bytes = payload.bytes.subarray(0, Math.ceil((maxChars * 3) / 4));
			const more = bytes.length < payload.bytes.length ? '…' : '';
			return [{kind: 'text', text: toBase64(bytes) + more}];
		}
	}
}

/**
 * The line cut to `width` columns, ending in `…` when something was cut. A list row cut here fits
 * as it is, so Ink need not slice its coloured text to the width, which costs more than drawing it.
 */
export function fitLine(line: Line, width: number): Line {
	let length = 0;
	for (const segment of line) length += displayWidth(segment.text);
	if (length <= width) return line;
	const fitted: Line = [];
	let room = width - 1;
	for (const segment of line) {
		if (room <= 0) break;
		const {head, width: used, rest} = splitAtWidth(segment.text, room);
		if (head !== '') fitted.push(rest === '' ? segment : {kind: segment.kind, text: head});
		// A wide character that did not fit ends the line: one after it might fit, out of order.
		if (rest !== '') break;
		room -= used;
	}

	fitted.push({kind: 'note', text: '…'});
	return fitted;
}

/** A payload's full rendering as lines, formatted only as far as asked for (a hex dump can be long). */
export type LineSource = {
	readonly representation: Representation;
	readonly count: number;
	lines(from: number, to: number): Line[];
};

export type PayloadLayout = {pretty: boolean; width: number};

/** Every line of the payload in `mode`, cut to `width` columns. */
export function payloadLines(
	payload: Payload,
	mode: DecodeMode,
	layout: PayloadLayout,
): LineSource {
	const width = Math.max(8, layout.width);
	const representation = representationOf(payload, mode);
	if (representation === 'hex') {
		const perLine = bytesPerLineFor(width);
		return {
			representation,
			count: hexLineCount(payload.bytes.length, perLine),
			lines: (from, to) =>
				hexDump(payload.bytes, perLine, from, to - from).map((text) => [{kind: 'text', text}]),
		};
	}

	let lines: Line[];
	if (representation === 'json') {
		lines = layoutJson(jsonText(payload)!, {pretty: layout.pretty}).flatMap((line) =>
			wrapLine(line, width),
		);
	} else if (representation === 'base64') {
		lines = base64Lines(payload.bytes, width).map((text) => [{kind: 'text', text}]);
	} else {
		lines = safeLines(textOf(payload)).flatMap((text) => wrapLine([{kind: 'text', text}], width));
	}

	return {representation, count: lines.length, lines: (from, to) => lines.slice(from, to)};
}

/**
 * A line cut into lines of at most `width` columns, segments split where the cut falls (between
 * characters: a wide one that would straddle the edge starts the next line).
 */
export function wrapLine(line: Line, width: number): Line[] {
	const out: Line[] = [[]];
	let used = 0;
	for (const segment of line) {
		let rest = segment.text;
		while (rest.length > 0) {
			let taken = splitAtWidth(rest, width - used);
			if (taken.head === '') {
				if (used > 0) {
					out.push([]);
					used = 0;
					continue;
				}

				// A character wider than the whole line goes on one alone, or this would never end.
				taken = splitAtWidth(rest, 2);
			}

			out.at(-1)!.push({kind: segment.kind, text: taken.head});
			used += taken.width;
			rest = taken.rest;
		}
	}

	return out;
}

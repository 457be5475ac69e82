/**
 * Text measured as a terminal draws it: in columns, not UTF-16 code units. A CJK character or an emoji
 * takes two columns, a combining mark or a zero-width joiner none, and a ZWJ family (👩‍👩‍👧) is one
 * two-column character made of eight code units. Every cut here falls between grapheme clusters
 * (Intl.Segmenter), so no character is split into broken halves, and an escape sequence is one
 * zero-width unit that is never cut and always kept (it may set or reset the colour of what is kept).
 *
 * Widths are string-width's, the rules Ink lays its boxes out by, so a cell measured here is the cell
 * Ink draws. Most text (stream names, numbers, JSON keys, hex) is printable ASCII, where a character is
 * a column: that is checked first, because the tail measures every visible row of every frame.
 */
import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** CSI (colours, cursor moves), OSC (titles, links, ended by BEL or ST) and two-character escapes. */
const ESCAPE =
	// eslint-disable-next-line no-control-regex
	/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]|\u009b[0-?]*[ -/]*[@-~]/g;

const segmenter = new Intl.Segmenter();

/** A grapheme cluster or an escape sequence, with the columns it takes. */
type Unit = {text: string; width: number};

const isAscii = (text: string) => PRINTABLE_ASCII.test(text);

function graphemeWidth(grapheme: string) {
	if (grapheme.length === 1) {
		const code = grapheme.charCodeAt(0);
		if (code >= 0x20 && code <= 0x7e) return 1;
	}

	return stringWidth(grapheme);
}

function* units(text: string): Generator<Unit> {
	let from = 0;
	for (const match of text.matchAll(ESCAPE)) {
		yield* graphemes(text.slice(from, match.index));
		yield {text: match[0], width: 0};
		from = match.index + match[0].length;
	}

	yield* graphemes(text.slice(from));
}

function* graphemes(text: string): Generator<Unit> {
	if (text === '') return;
	for (const {segment} of segmenter.segment(text)) {
		yield {text: segment, width: graphemeWidth(segment)};
	}
}

/** The columns `text` takes. */
export function displayWidth(text: string): number {
	if (isAscii(text)) return text.length;
	let width = 0;
	for (const unit of units(text)) width += unit.width;
	return width;
}

/**
 * `text` cut after at most `room` columns, between characters: the head, its width and the rest. A wide
 * character that would straddle the cut goes to the rest, so the head may be a column short.
 */
export function splitAtWidth(
	text: string,
	room: number,
): {head: string; width: number; rest: string} {
	if (room <= 0) return {head: '', width: 0, rest: text};
	if (isAscii(text)) {
		const head = text.slice(0, room);
		return {head, width: head.length, rest: text.slice(head.length)};
	}

	let width = 0;
	let end = 0;
	for (const unit of units(text)) {
		if (width + unit.width > room) break;
		width += unit.width;
		end += unit.text.length;
	}

	return {head: text.slice(0, end), width, rest: text.slice(end)};
}

/**
 * What truncating `text` to `width` columns comes to: the answer itself when no cut is needed (it fits,
 * or not even the ellipsis does), else the room the kept text has beside the ellipsis.
 */
function truncation(text: string, width: number, ellipsis: string): string | {room: number} {
	if (width <= 0) return '';
	if (isAscii(text) && text.length <= width) return text;
	if (displayWidth(text) <= width) return text;
	const room = width - displayWidth(ellipsis);
	return room < 0 ? splitAtWidth(ellipsis, width).head : {room};
}

/** `text` in at most `width` columns, ending in `ellipsis` when something was cut. */
export function truncateToWidth(text: string, width: number, ellipsis = '…'): string {
	const cut = truncation(text, width, ellipsis);
	if (typeof cut === 'string') return cut;
	const {head, rest} = splitAtWidth(text, cut.room);
	return head + ellipsis + escapesIn(rest);
}

/**
 * `text` in at most `width` columns, its start given way to `ellipsis`: for what is read from the end
 * (a file name at the end of a path, the text being typed at the end of a prompt).
 */
export function truncateStartToWidth(text: string, width: number, ellipsis = '…'): string {
	const cut = truncation(text, width, ellipsis);
	if (typeof cut === 'string') return cut;
	const {room} = cut;
	if (isAscii(text)) return ellipsis + text.slice(text.length - room);
	const kept: string[] = [];
	let used = 0;
	let full = false;
	for (const unit of [...units(text)].reverse()) {
		// Once a character does not fit, none before it is kept (out of order); escapes still are.
		full ||= used + unit.width > room;
		if (!full) used += unit.width;
		if (!full || isEscape(unit.text)) kept.push(unit.text);
	}

	return ellipsis + kept.reverse().join('');
}

const isEscape = (unit: string) => unit.startsWith('\u001b') || unit.startsWith('\u009b');

/** The escape sequences of text that is cut away: kept, so a colour opened before the cut is closed. */
function escapesIn(text: string) {
	if (!text.includes('\u001b') && !text.includes('\u009b')) return '';
	return (text.match(ESCAPE) ?? []).join('');
}

/** `text` padded with spaces to `width` columns (on the right, or on the left for numbers); never cut. */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const missing = width - displayWidth(text);
	if (missing <= 0) return text;
	return align === 'left' ? text + ' '.repeat(missing) : ' '.repeat(missing) + text;
}

/** `text` as lines of at most `width` columns, cut between characters (not at words: record data). */
export function wrapToWidth(text: string, width: number): string[] {
	const lines: string[] = [];
	let rest = text;
	do {
		let {head, rest: after} = splitAtWidth(rest, Math.max(1, width));
		// A character wider than the whole line still goes on one, alone, or this would never end (a
		// cluster may be wider than 2: Node 24's ICU joins some sequences that string-width sums).
		if (head === '' && after !== '') {
			head = units(rest).next().value!.text;
			after = rest.slice(head.length);
		}
		lines.push(head);
		rest = after;
	} while (rest !== '');
	return lines;
}

/**
 * Columns [start, end) of `text`, for scrolling sideways. A wide character cut by either edge shows as
 * spaces for its columns inside the slice, so what follows stays in its column.
 */
export function sliceColumns(text: string, start: number, end = Infinity): string {
	if (isAscii(text)) return text.slice(Math.max(0, start), end);
	let out = '';
	let column = 0;
	for (const unit of units(text)) {
		const from = column;
		column += unit.width;
		if (unit.width === 0) {
			// Escapes are kept wherever they are (a colour set before the slice still applies in it).
			if (isEscape(unit.text) || (from >= start && from < end)) out += unit.text;
			continue;
		}

		if (from >= start && column <= end) out += unit.text;
		else if (column > start && from < end) {
			out += ' '.repeat(Math.min(column, end) - Math.max(from, start));
		}
	}

	return out;
}

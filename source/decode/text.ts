/**
 * Text from record bytes, made safe for a terminal: record data is arbitrary, and a control character
 * written as is could move the cursor, switch screens or recolour everything after it. Every C0 and C1
 * control, DEL, and the invisible characters that reorder or hide text (bidi overrides, zero-width
 * marks) are shown as escapes instead (`\n`, `\x1b`, `\u202e`) — except a zero-width joiner between two
 * emoji, which hides nothing: it joins them into one (👩‍👩‍👧 is three emoji and two joiners).
 */

const strictDecoder = new TextDecoder('utf-8', {fatal: true});
const lenientDecoder = new TextDecoder('utf-8');

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
	try {
		return strictDecoder.decode(bytes);
	} catch {
		return undefined;
	}
}

/** The bytes as UTF-8 text, invalid sequences replaced by U+FFFD. */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
	return lenientDecoder.decode(bytes);
}

// C0 controls, DEL, C1 controls, zero-width and bidi formatting characters, line/paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const UNSAFE_EXCEPT_NEWLINE =
	// eslint-disable-next-line no-control-regex
	/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

// An emoji, with the presentation selector or skin tone that may follow it, just before a joiner.
const EMOJI_BEFORE = /\p{Extended_Pictographic}(?:\u{fe0f}|\p{Emoji_Modifier})?$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;

function escapeOne(char: string, offset: number, text: string) {
	if (
		char === '\u200d' &&
		EMOJI_BEFORE.test(text.slice(Math.max(0, offset - 4), offset)) &&
		EMOJI_AFTER.test(text.slice(offset + 1, offset + 3))
	) {
		return char;
	}

	const named = NAMED[char];
	if (named) return named;
	const code = char.charCodeAt(0);
	return code <= 0xff
		? `\\x${code.toString(16).padStart(2, '0')}`
		: `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text on one line, every unsafe character (newlines included) escaped. */
export function escapeControls(text: string): string {
	return text.replace(UNSAFE, escapeOne);
}

/** The text as lines: newlines split it, tabs become spaces, every other unsafe character is escaped. */
export function safeLines(text: string, tabWidth = 4): string[] {
	return text
		.replaceAll('\r\n', '\n')
		.replaceAll('\t', ' '.repeat(tabWidth))
		.replace(UNSAFE_EXCEPT_NEWLINE, escapeOne)
		.split('\n');
}

/**
 * Whether valid UTF-8 text reads as text: no control characters other than tab, newline, CR and ESC
 * (log lines often carry ANSI colours, which are then shown escaped).
 */
export function looksLikeText(text: string) {
	// eslint-disable-next-line no-control-regex
	return !/[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]/.test(text);
}

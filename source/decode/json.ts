/**
 * JSON payloads, shown pretty (indented) or compact, as tokens the view colours by kind. The text is
 * re-laid from its own tokens rather than from JSON.parse's value, so what is shown is what was sent:
 * a 64-bit id keeps all its digits and keys keep their order and duplicates.
 */
import {escapeControls} from './text.js';

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punctuation' | 'space';
export type JsonToken = {kind: JsonTokenKind; text: string};
export type JsonLine = JsonToken[];

/** The parsed value, or undefined when the text is not JSON. */
export function parseJson(text: string): {value: unknown} | undefined {
	try {
		return {value: JSON.parse(text) as unknown};
	} catch {
		return undefined;
	}
}

/** Whether the text is worth trying as JSON: an object or array (scalars read better as text). */
export function looksLikeJson(text: string) {
	const trimmed = text.trim();
	const first = trimmed[0];
	const last = trimmed.at(-1);
	return (first === '{' && last === '}') || (first === '[' && last === ']');
}

type RawToken = {kind: Exclude<JsonTokenKind, 'key' | 'space'>; text: string};

/** The tokens of JSON text that JSON.parse accepted (whitespace dropped). */
function* lex(text: string): Generator<RawToken> {
	let i = 0;
	while (i < text.length) {
		const char = text[i];
		if (char === ' ' || char === '\n' || char === '\r' || char === '\t') {
			i++;
		} else if ('{}[]:,'.includes(char)) {
			i++;
			yield {kind: 'punctuation', text: char};
		} else if (char === '"') {
			let end = i + 1;
			while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
			yield {kind: 'string', text: text.slice(i, end + 1)};
			i = end + 1;
		} else {
			let end = i + 1;
			while (end < text.length && !' \n\r\t{}[]:,"'.includes(text[end])) end++;
			const word = text.slice(i, end);
			yield {
				kind: word === 'true' || word === 'false' || word === 'null' ? 'literal' : 'number',
				text: word,
			};
			i = end;
		}
	}
}

export type JsonLayout = {
	pretty: boolean;
	indent?: number;
	/** Stop once about this many characters are laid out (a one-line preview of a large payload). */
	maxChars?: number;
};

/**
 * JSON text (valid: check with {@link parseJson} first) as lines of tokens: one line when compact, the
 * usual indented layout when pretty, with `{}` and `[]` kept on one line.
 */
export function layoutJson(
	text: string,
	{pretty, indent = 2, maxChars = Infinity}: JsonLayout,
): JsonLine[] {
	const lines: JsonLine[] = [[]];
	let depth = 0;
	let chars = 0;
	const emit = (kind: JsonTokenKind, value: string) => {
		lines
			.at(-1)!
			.push({kind, text: kind === 'string' || kind === 'key' ? escapeControls(value) : value});
		chars += value.length;
	};

	const newline = () => {
		if (!pretty) return;
		lines.push(depth > 0 ? [{kind: 'space', text: ' '.repeat(depth * indent)}] : []);
	};

	const tokens = lex(text);
	let next = tokens.next();
	while (!next.done && chars < maxChars) {
		const token = next.value;
		next = tokens.next();
		const following = next.done ? undefined : next.value;
		if (token.kind !== 'punctuation') {
			emit(token.kind === 'string' && following?.text === ':' ? 'key' : token.kind, token.text);
			continue;
		}

		switch (token.text) {
			case '{':
			case '[': {
				const close = token.text === '{' ? '}' : ']';
				if (following?.text === close) {
					emit('punctuation', token.text + close);
					next = tokens.next();
				} else {
					emit('punctuation', token.text);
					depth++;
					newline();
				}

				break;
			}

			case '}':
			case ']': {
				depth--;
				newline();
				emit('punctuation', token.text);
				break;
			}

			case ',': {
				emit('punctuation', ',');
				newline();
				break;
			}

			default: {
				emit('punctuation', pretty ? ': ' : ':');
			}
		}
	}

	if (chars >= maxChars && !next.done) lines.at(-1)!.push({kind: 'punctuation', text: '…'});
	return lines;
}

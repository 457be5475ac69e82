import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {
	displayWidth,
	padToWidth,
	sliceColumns,
	splitAtWidth,
	truncateStartToWidth,
	truncateToWidth,
	wrapToWidth,
} from '../source/display-width.js';

const family = '👩‍👩‍👧'; // woman ZWJ woman ZWJ girl: 8 code units, one 2-column character
const flag = '🇯🇵'; // two regional indicators: one flag
const eAcute = 'e\u0301'; // e + combining acute: one column
const red = '\u001b[31m';
const reset = '\u001b[39m';

const graphemes = (text: string) =>
	[...new Intl.Segmenter().segment(text)].map(({segment}) => segment);

/** Every grapheme of `part` is one of `whole`'s: nothing was cut in half. */
const whole = (part: string, of: string) => {
	const kept = new Set(graphemes(of));
	for (const grapheme of graphemes(part)) {
		if (grapheme !== '…' && grapheme !== ' ') expect(kept).toContain(grapheme);
	}
};

describe('displayWidth', () => {
	it('counts columns, not code units', () => {
		expect(displayWidth('stream-1')).toBe(8);
		expect(displayWidth('日本語')).toBe(6);
		expect(displayWidth(family)).toBe(2);
		expect(displayWidth(flag)).toBe(2);
		expect(displayWidth(`caf${eAcute}`)).toBe(4);
		expect(displayWidth(`${red}red${reset}`)).toBe(3);
		expect(displayWidth('a\u200bb')).toBe(2);
	});

	it('agrees with string-width, which Ink lays out by', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme'}), (text) => {
				expect(displayWidth(text)).toBe(stringWidth(text));
			}),
		);
	});
});

describe('truncateToWidth', () => {
	it('leaves text that fits alone', () => {
		expect(truncateToWidth('日本語', 6)).toBe('日本語');
		expect(truncateToWidth(family, 2)).toBe(family);
	});

	it('cuts between characters and marks the cut', () => {
		expect(truncateToWidth('日本語のキー', 7)).toBe('日本語…');
		// A wide character that would straddle the last column is left out: 4 columns, not 5.
		expect(truncateToWidth('日本語のキー', 6)).toBe('日本…');
		expect(truncateToWidth(`${family}${family}${family}`, 5)).toBe(`${family}${family}…`);
		expect(truncateToWidth(`${family}${family}`, 3)).toBe(`${family}…`);
		expect(truncateToWidth(`${flag}${flag}`, 3)).toBe(`${flag}…`);
		expect(truncateToWidth(`${eAcute}${eAcute}${eAcute}`, 2)).toBe(`${eAcute}…`);
		expect(truncateToWidth('abcdef', 4)).toBe('abc…');
		expect(truncateToWidth('日本', 1)).toBe('…');
		expect(truncateToWidth('日本', 0)).toBe('');
	});

	it('never cuts an escape sequence, and keeps the one that closes a colour', () => {
		expect(truncateToWidth(`${red}redder${reset}`, 4)).toBe(`${red}red…${reset}`);
		expect(displayWidth(truncateToWidth(`${red}日本語${reset}`, 3))).toBe(3);
	});

	it('fits any text in the width without breaking a character', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme'}), fc.integer({min: 0, max: 12}), (text, width) => {
				const cut = truncateToWidth(text, width);
				expect(stringWidth(cut)).toBeLessThanOrEqual(width);
				whole(cut, text);
			}),
		);
	});
});

describe('truncateStartToWidth', () => {
	it('keeps the end, cut between characters', () => {
		expect(truncateStartToWidth('/tmp/日本語.ndjson', 9)).toBe('….ndjson');
		expect(truncateStartToWidth('/tmp/日本語.ndjson', 10)).toBe('…語.ndjson');
		expect(truncateStartToWidth('/tmp/日本語.ndjson', 11)).toBe('…語.ndjson');
		expect(truncateStartToWidth('/tmp/日本語.ndjson', 12)).toBe('…本語.ndjson');
		expect(truncateStartToWidth(`a日${family}`, 4)).toBe(`…${family}`);
		expect(truncateStartToWidth('abcdef', 4)).toBe('…def');
		expect(truncateStartToWidth('abc', 3)).toBe('abc');
		expect(truncateStartToWidth(`${red}日本語${reset}`, 3)).toBe(`…${red}語${reset}`);
	});

	it('fits any text in the width without breaking a character', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme'}), fc.integer({min: 0, max: 12}), (text, width) => {
				const cut = truncateStartToWidth(text, width);
				expect(stringWidth(cut)).toBeLessThanOrEqual(width);
				expect(stringWidth(cut)).toBeGreaterThanOrEqual(Math.min(width - 2, stringWidth(text)));
				whole(cut, text);
			}),
		);
	});
});

describe('padToWidth', () => {
	it('pads by columns', () => {
		expect(padToWidth('日本', 6)).toBe('日本  ');
		expect(padToWidth(family, 4, 'right')).toBe(`  ${family}`);
		expect(padToWidth(eAcute, 3)).toBe(`${eAcute}  `);
		expect(padToWidth('日本語', 2)).toBe('日本語');
	});
});

describe('splitAtWidth', () => {
	it('splits between graphemes', () => {
		expect(splitAtWidth(`a${family}b`, 2)).toEqual({head: 'a', width: 1, rest: `${family}b`});
		expect(splitAtWidth(`a${eAcute}b`, 2)).toEqual({head: `a${eAcute}`, width: 2, rest: 'b'});
	});
});

describe('wrapToWidth', () => {
	it('wraps by columns, moving a wide character that would straddle the edge', () => {
		expect(wrapToWidth('日本語のキー', 5)).toEqual(['日本', '語の', 'キー']);
		expect(wrapToWidth(`ab${family}${family}`, 3)).toEqual(['ab', family, family]);
		expect(wrapToWidth('', 5)).toEqual(['']);
	});

	it('puts a character wider than the line on a line of its own', () => {
		expect(wrapToWidth('日本', 1)).toEqual(['日', '本']);
		// One cluster of three columns (a note head, its stem and flag): this once looped for ever.
		const note = '\u{1D158}\u{1D165}\u{1D16E}';
		expect(wrapToWidth(`${note}x`, 2)).toEqual([note, 'x']);
	});

	it('keeps every character whole, in order, each line within the width', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme'}), fc.integer({min: 2, max: 12}), (text, width) => {
				const lines = wrapToWidth(text, width);
				expect(lines.join('')).toBe(text);
				for (const line of lines) {
					// Only a single character wider than the line may exceed it.
					if (stringWidth(line) > width) expect(graphemes(line)).toHaveLength(1);
				}
			}),
		);
	});
});

describe('sliceColumns', () => {
	it('slices by columns, a cut wide character shown as spaces', () => {
		expect(sliceColumns('abcdef', 2, 4)).toBe('cd');
		expect(sliceColumns('日本語', 2)).toBe('本語');
		expect(sliceColumns('日本語', 1, 5)).toBe(' 本 ');
		expect(sliceColumns(`${family}x`, 1)).toBe(' x');
		expect(sliceColumns(`${eAcute}x`, 0, 1)).toBe(eAcute);
		expect(sliceColumns(`${red}日本${reset}`, 2)).toBe(`${red}本${reset}`);
	});

	it('is exactly the columns asked for', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme'}), fc.nat(10), fc.nat(10), (text, start, length) => {
				const total = stringWidth(text);
				const slice = sliceColumns(text, start, start + length);
				expect(stringWidth(slice)).toBe(
					Math.max(0, Math.min(total, start + length) - Math.min(total, start)),
				);
				whole(slice, text);
			}),
		);
	});
});

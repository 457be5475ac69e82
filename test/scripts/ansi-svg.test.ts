import {describe, expect, test} from 'vitest';
import {colour256, parseLine, screenToSvg} from '../../scripts/ansi-svg.js';

const ESC = '\u001B';

describe('parseLine', () => {
	test('splits a line into runs by style, with their columns', () => {
		const {runs} = parseLine(`ab${ESC}[1;31mcd${ESC}[0m e`);
		expect(runs.map((run) => [run.column, run.text, run.style.bold, run.style.fg])).toEqual([
			[0, 'ab', false, undefined],
			[2, 'cd', true, '#f38ba8'],
			[4, ' e', false, undefined],
		]);
	});

	test('understands 256 and true colours, inverse, and resets of single attributes', () => {
		const {runs} = parseLine(`${ESC}[38;5;196mx${ESC}[48;2;1;2;3;7my${ESC}[27;39;49mz`);
		expect(runs[0].style.fg).toBe('#ff0000');
		expect(runs[1].style).toMatchObject({fg: '#ff0000', bg: '#010203', inverse: true});
		expect(runs[2].style).toMatchObject({fg: undefined, bg: undefined, inverse: false});
	});

	test('carries the style over to the next line', () => {
		const first = parseLine(`${ESC}[32mgreen`);
		const {runs} = parseLine('still', first.end);
		expect(runs[0].style.fg).toBe('#a6e3a1');
	});
});

test('colour256 follows the xterm cube and grey ramp', () => {
	expect(colour256(16)).toBe('#000000');
	expect(colour256(231)).toBe('#ffffff');
	expect(colour256(232)).toBe('#080808');
});

test('screenToSvg escapes text and draws inverse runs with a background', () => {
	const svg = screenToSvg(`a<b&c\n${ESC}[7mSEL${ESC}[0m`, 10, 2, 'shot');
	expect(svg).toContain('>a&lt;b&amp;c</text>');
	expect(svg).toMatch(/<rect x="12\.0" y="30" width="25\.2" height="18" fill="#d4d4dc"\/>/);
	expect(svg.startsWith('<svg')).toBe(true);
});

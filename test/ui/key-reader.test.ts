import type {Key} from 'ink';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {NO_KEYS} from '../../source/ui/key-presses.js';
import {ESCAPE_WAIT_MS, KeyReader, type Press} from '../../source/ui/key-reader.js';

const NONE = NO_KEYS as Key;
/** What Ink's useInput reports for a lone ESC at the end of a read. */
const ESCAPE = {...NONE, escape: true, meta: true};

function reader() {
	const seen: Array<{presses: Press[]; late: boolean}> = [];
	const each = new KeyReader((presses, late) => seen.push({presses, late}));
	const named = () =>
		seen.flatMap(({presses}) =>
			presses.map((press) =>
				'paste' in press
					? `paste:${press.paste}`
					: press.input ||
						Object.entries(press.key)
							.filter(([, on]) => on === true)
							.map(([name]) => name)
							.join('+'),
			),
		);
	return {reader: each, seen, named};
}

afterEach(() => vi.useRealTimers());

describe('KeyReader', () => {
	test('a run of text is one press per key, Enter included', () => {
		const {reader: keys, named} = reader();
		keys.push('j\r', NONE);
		expect(named()).toEqual(['j', 'return']);
	});

	test('ESC at the end of a read and [B in the next are one ↓', () => {
		vi.useFakeTimers();
		const {reader: keys, named} = reader();
		keys.push('', ESCAPE);
		expect(named()).toEqual([]);
		keys.push('[Bj', NONE);
		expect(named()).toEqual(['downArrow', 'j']);
		vi.advanceTimersByTime(ESCAPE_WAIT_MS * 2);
		expect(named()).toEqual(['downArrow', 'j']);
	});

	test('a lone ESC is Esc once the wait is over, reported as late', () => {
		vi.useFakeTimers();
		const {reader: keys, named, seen} = reader();
		keys.push('', ESCAPE);
		vi.advanceTimersByTime(ESCAPE_WAIT_MS);
		expect(named()).toEqual(['escape+meta']);
		expect(seen.at(-1)!.late).toBe(true);
	});

	test('ESC followed by another key in time is Esc, then that key', () => {
		vi.useFakeTimers();
		const {reader: keys, named} = reader();
		keys.push('', ESCAPE);
		keys.push('/', NONE);
		expect(named()).toEqual(['escape+meta', '/']);
	});

	test('a bracketed paste over several reads is one paste, line breaks kept', () => {
		const {reader: keys, named} = reader();
		keys.push('[200~', NONE);
		keys.push('SELECT 1\n', NONE);
		keys.push('', {...NONE, return: true});
		keys.push('FROM s', NONE);
		keys.push('[201~', NONE);
		keys.push('q', NONE);
		expect(named()).toEqual(['paste:SELECT 1\n\rFROM s', 'q']);
	});
});

import {describe, expect, test} from 'vitest';
import {
	fittingHints,
	footerHints,
	keyLabel,
	KEYMAP,
	SCOPE_ORDER,
	type Scope,
} from '../../source/ui/keymap.js';

const SCREENS: Scope[] = [
	'streams',
	'stream',
	'tail',
	'record',
	'help',
	'metrics',
	'firehose',
	'delivery',
];
const labels = (scope: Scope) =>
	KEYMAP.filter((binding) => binding.scope === scope).flatMap((binding) =>
		binding.keys.map(keyLabel),
	);

describe('keymap', () => {
	test('a key means one thing: never twice in a scope, never both global and on a screen', () => {
		for (const scope of SCOPE_ORDER) {
			const keys = labels(scope);
			expect(new Set(keys).size, `duplicate key in ${scope}`).toBe(keys.length);
		}

		const global = new Set(labels('global'));
		for (const scope of SCREENS) {
			expect(
				labels(scope).filter((key) => global.has(key)),
				scope,
			).toEqual([]);
		}
	});

	test('every screen has the same movement keys', () => {
		for (const scope of SCREENS) {
			const commands = KEYMAP.filter((binding) => binding.scope === scope).map(
				(binding) => binding.command,
			);
			expect(commands).toEqual(
				expect.arrayContaining(['down', 'up', 'pageDown', 'pageUp', 'top', 'bottom']),
			);
		}
	});

	test('the footer always keeps help and quit, and fits', () => {
		for (const scope of SCREENS) {
			for (const width of [80, 40]) {
				const hints = fittingHints(footerHints([scope, 'global']), width);
				const text = hints.map((hint) => `${hint.keys} ${hint.hint}`).join('  ');
				expect(text.length, `${scope} at ${width}: ${text}`).toBeLessThanOrEqual(width);
				expect(text.endsWith('? help  q quit')).toBe(true);
			}
		}

		const tail = fittingHints(footerHints(['tail', 'global']), 80).map((hint) => hint.hint);
		expect(tail).toEqual(['pause', 'detail', 'decode', 'filter', 'from', 'back', 'help', 'quit']);
	});
});

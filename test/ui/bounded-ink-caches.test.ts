import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {describe, expect, test} from 'vitest';
import {
	BOUNDED_CACHES,
	boundInkCaches,
	CACHE_LIMIT,
	inkCachesUnbounded,
	load,
	warnUnlessInkCachesBounded,
} from '../../source/ui/bounded-ink-caches.js';

const inkBuild = join(dirname(createRequire(import.meta.url).resolve('ink')), '.');
const inkFile = (name: string) => {
	const path = join(inkBuild, name);
	return {url: pathToFileURL(path).href, source: readFileSync(path, 'utf8')};
};

/** Runs an edited Ink module's default export with its own imports stubbed out. */
async function moduleOf(source: string) {
	const body = source
		.replaceAll(/^import .*$/gm, '')
		.replace('export default', 'return')
		.replace(/\/\/# sourceMappingURL=.*$/m, '');
	const wrapAnsi = (text: string) => text;
	const cliTruncate = (text: string) => text;
	const widestLine = (text: string) => Math.max(...text.split('\n').map((line) => line.length));
	return new Function('wrapAnsi', 'cliTruncate', 'widestLine', body)(
		wrapAnsi,
		cliTruncate,
		widestLine,
	);
}

describe('bounded Ink caches', () => {
	test("the installed Ink's two caches are found and bounded", () => {
		for (const name of ['measure-text.js', 'wrap-text.js']) {
			const {url, source} = inkFile(name);
			const bounded = boundInkCaches(url, source);
			expect(bounded, name).toBeDefined();
			expect(bounded).toContain(String(CACHE_LIMIT));
		}
	});

	test('the bounded modules still measure and wrap, and start again empty at the limit', async () => {
		const measure = (await moduleOf(
			boundInkCaches(inkFile('measure-text.js').url, inkFile('measure-text.js').source)!,
		)) as (text: string) => {width: number; height: number};
		const first = measure('a\nbcd');
		expect(first).toEqual({width: 3, height: 2});
		expect(measure('a\nbcd')).toBe(first);
		for (let i = 0; i < CACHE_LIMIT; i++) measure(`text ${i}`);
		// The cache was emptied on the way: the same text is measured anew.
		expect(measure('a\nbcd')).not.toBe(first);
		expect(measure('a\nbcd')).toEqual(first);
		const wrap = (await moduleOf(
			boundInkCaches(inkFile('wrap-text.js').url, inkFile('wrap-text.js').source)!,
		)) as (text: string, width: number, type: string) => string;
		for (let i = 0; i <= 2 * CACHE_LIMIT; i++)
			expect(wrap(`row ${i}`, 80, 'wrap')).toBe(`row ${i}`);
	});

	test('any other module, or an Ink whose source reads otherwise, loads as it is', async () => {
		expect(
			boundInkCaches('file:///x/ink/build/measure-text.js', 'const cache = new Map();'),
		).toBeUndefined();
		expect(boundInkCaches('file:///x/other.js', 'cache.set(text, dimensions);')).toBeUndefined();
		const {url, source} = inkFile('measure-text.js');
		const bytes = new TextEncoder().encode(source);
		const loaded = await load(url, {}, async () => ({format: 'module', source: bytes}));
		expect(String(loaded.source)).toContain(String(CACHE_LIMIT));
		const other = {format: 'module', source: bytes};
		expect(await load('file:///x/other.js', {}, async () => other)).toBe(other);
	});
});

describe('whether the caches were bounded, in the process that loaded Ink', () => {
	const marker = globalThis as Record<symbol, unknown>;
	const collect = () => {
		const written: string[] = [];
		return {stream: {write: (text: string) => written.push(text)} as never, written};
	};

	test('names the modules that did not record themselves, and warns once for them', async () => {
		const saved = marker[BOUNDED_CACHES];
		try {
			delete marker[BOUNDED_CACHES];
			expect(inkCachesUnbounded()).toEqual(['measure-text', 'wrap-text']);
			// Running the edited module records it, as the console's loader hook makes Ink's do.
			await moduleOf(
				boundInkCaches(inkFile('measure-text.js').url, inkFile('measure-text.js').source)!,
			);
			expect(inkCachesUnbounded()).toEqual(['wrap-text']);
			const stderr = collect();
			warnUnlessInkCachesBounded(stderr.stream);
			expect(stderr.written).toHaveLength(1);
			expect(stderr.written[0]).toMatch(
				/^warning: Ink's text caches could not be bounded \(wrap-text: /,
			);
			await moduleOf(boundInkCaches(inkFile('wrap-text.js').url, inkFile('wrap-text.js').source)!);
			expect(inkCachesUnbounded()).toEqual([]);
			const quiet = collect();
			warnUnlessInkCachesBounded(quiet.stream);
			expect(quiet.written).toEqual([]);
		} finally {
			marker[BOUNDED_CACHES] = saved;
		}
	});
});

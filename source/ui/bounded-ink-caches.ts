/**
 * Ink 6 keeps two module-level caches that never forget: `measureText` (a Map keyed by every text it
 * ever measured) and `wrapText` (an object keyed by every text and width it ever wrapped). A live tail
 * shows new text in every frame, so they grow for as long as the console runs — about 8 MB a minute at
 * 20,000 records/s (ink#986; the fix is in Ink 7, which needs Node 22). This module is a Node loader
 * hook, registered by cli.tsx before Ink loads, that gives both caches a bound: when one holds
 * {@link CACHE_LIMIT} entries it starts again empty (measuring again is cheap). Ink's source is changed
 * only where it reads exactly as expected; any other version is loaded as it is.
 */
type LoadResult = {
	format?: string;
	source?: string | ArrayBuffer | Uint8Array;
	shortCircuit?: boolean;
};
type NextLoad = (url: string, context?: unknown) => Promise<LoadResult>;

export const CACHE_LIMIT = 2000;

const EDITS: Record<string, Array<[string, string]>> = {
	'/ink/build/measure-text.js': [
		[
			'    cache.set(text, dimensions);',
			`    if (cache.size >= ${CACHE_LIMIT}) cache.clear();\n    cache.set(text, dimensions);`,
		],
	],
	'/ink/build/wrap-text.js': [
		['const cache = {};', 'let cache = {};\nlet cacheSize = 0;'],
		[
			'    cache[cacheKey] = wrappedText;',
			`    if (++cacheSize > ${CACHE_LIMIT}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;`,
		],
	],
};

/** The module's source with its cache bounded, or undefined when it is not one of Ink's two as expected. */
export function boundInkCaches(url: string, source: string): string | undefined {
	const edits = Object.entries(EDITS).find(([file]) => url.endsWith(file))?.[1];
	if (!edits) return undefined;
	let edited = source;
	for (const [from, to] of edits) {
		if (edited.split(from).length !== 2) return undefined;
		edited = edited.replace(from, to);
	}

	return edited;
}

/** The loader hook (node:module register). */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
	const result = await nextLoad(url, context);
	if (!url.includes('/ink/build/') || result.source === undefined) return result;
	const source =
		typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
	const bounded = boundInkCaches(url, source);
	return bounded === undefined ? result : {...result, source: bounded};
}

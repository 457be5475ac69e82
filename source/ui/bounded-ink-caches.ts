/**
 * Ink 6 keeps two module-level caches that never forget: `measureText` (a Map keyed by every text it
 * ever measured) and `wrapText` (an object keyed by every text and width it ever wrapped). A live tail
 * shows new text in every frame, so they grow for as long as the console runs — about 8 MB a minute at
 * 20,000 records/s (ink#986; the fix is in Ink 7, which needs Node 22). This module is a Node loader
 * hook, registered by cli.tsx before Ink loads, that gives both caches a bound: when one holds
 * {@link CACHE_LIMIT} entries it starts again empty (measuring again is cheap). Ink's source is changed
 * only where it reads exactly as expected; any other version is loaded as it is — package.json pins
 * Ink to the version these edits were written for, and cli.tsx warns once on stderr when they did not
 * apply ({@link inkCachesUnbounded}). Each edited module also records itself, with its cache's size, on
 * the global {@link BOUNDED_CACHES}: that is how the process (and the tests) know the edits ran.
 */
type LoadResult = {
	format?: string;
	source?: string | ArrayBuffer | Uint8Array;
	shortCircuit?: boolean;
};
type NextLoad = (url: string, context?: unknown) => Promise<LoadResult>;

export const CACHE_LIMIT = 2000;

/** globalThis[BOUNDED_CACHES]: each bounded module's name and a function answering its cache's size. */
export const BOUNDED_CACHES = Symbol.for('kinesis-top.bounded-ink-caches');
const record = (name: string, size: string) =>
	`(globalThis[Symbol.for('kinesis-top.bounded-ink-caches')] ??= {})['${name}'] = () => ${size};`;

const EDITS: Record<string, Array<[string, string]>> = {
	'/ink/build/measure-text.js': [
		[
			'const cache = new Map();',
			`const cache = new Map();\n${record('measure-text', 'cache.size')}`,
		],
		[
			'    cache.set(text, dimensions);',
			`    if (cache.size >= ${CACHE_LIMIT}) cache.clear();\n    cache.set(text, dimensions);`,
		],
	],
	'/ink/build/wrap-text.js': [
		[
			'const cache = {};',
			`let cache = {};\nlet cacheSize = 0;\n${record('wrap-text', 'Object.keys(cache).length')}`,
		],
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

const BOUNDED_MODULES = Object.keys(EDITS).map((file) => file.slice('/ink/build/'.length, -3));

/**
 * In the process that loaded Ink: the caches that are not bounded (none once both edited modules ran).
 * Loaded Ink of another version, or without the hook, leaves them unbounded and says so.
 */
export function inkCachesUnbounded(): string[] {
	const bounded = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
		BOUNDED_CACHES
	];
	return BOUNDED_MODULES.filter((name) => bounded?.[name] === undefined);
}

/** One line on `stderr` if Ink's caches could not be bounded: the console works, its memory grows. */
export function warnUnlessInkCachesBounded(stderr: NodeJS.WritableStream) {
	const unbounded = inkCachesUnbounded();
	if (unbounded.length === 0) return;
	stderr.write(
		`warning: Ink's text caches could not be bounded (${unbounded.join(', ')}: not the Ink ` +
			`source this kinesis-top was written for); a long-running console will keep growing in memory\n`,
	);
}

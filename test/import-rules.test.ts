/**
 * The house's layering, checked on every import of every source file: arrows point down only. The
 * engine, the server and the drivers never reach up into the models or the UI; the UI never reaches the
 * engine or the AWS SDK (it goes through a model and the Driver); `source/kinesis/`, AWS's own shapes and
 * rules, imports nothing of ours, and what it holds is imported from it, not through the engine; the
 * driver contract stands on kinesis/ alone. And no source file grows past 800 lines.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';

const SOURCE = path.resolve(import.meta.dirname, '../source');

type Import = {from: string; specifier: string; target?: string; names: string[]};

function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap((entry) => {
		const full = path.join(directory, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return /\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

/**
 * Static imports and re-exports (type-only ones too: a type import still ties the layers), side-effect
 * imports and dynamic imports.
 */
const IMPORT =
	/(?:^|\n)\s*(?:import|export)\b([^'";]*?)\bfrom\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/** The names a `{…}` clause brings in (`type X`, `X as Y` → X); none for default or namespace imports. */
const namesIn = (clause = '') =>
	(/\{([^}]*)\}/.exec(clause)?.[1] ?? '')
		.split(',')
		.map((each) =>
			each
				.replace(/^\s*type\s+/, '')
				.split(/\s+as\s+/)[0]
				.trim(),
		)
		.filter(Boolean);

function importsOf(file: string): Import[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(IMPORT)].map((match) => {
		const specifier = match[2] ?? match[3] ?? match[4];
		const from = path.relative(SOURCE, file);
		const names = namesIn(match[1]);
		if (!specifier.startsWith('.')) return {from, specifier, names};
		const target = path.relative(SOURCE, path.resolve(path.dirname(file), specifier));
		return {from, specifier, target, names};
	});
}

const ALL_IMPORTS = sourceFiles(SOURCE).flatMap(importsOf);

/** The top-level part of `source/` a path lies in: a directory, or a file (without its extension). */
const partOf = (relative: string) => relative.split(path.sep)[0].replace(/\.(?:js|tsx?)$/, '');

const MODELS = [
	'tail',
	'query',
	'decode',
	'monitor',
	'put',
	'reshard',
	'demo',
	'copy',
	'consumers',
];
const UI = ['ui', 'app'];

/** Every name source/kinesis/ exports. */
const KINESIS_NAMES = new Set(
	sourceFiles(path.join(SOURCE, 'kinesis')).flatMap((file) =>
		[
			...readFileSync(file, 'utf8').matchAll(
				/^export\s+(?:declare\s+)?(?:type|const|function|class|interface|let)\s+(\w+)/gm,
			),
		].map((match) => match[1]),
	),
);

/** The files of the driver layer that open or wrap the bundled engine (the others never see it). */
const ENGINE_DRIVERS = ['driver/local-driver.ts', 'driver/open-driver.ts'];

const MAX_LINES = 800;

const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

function tooLong(files: ReadonlyArray<{file: string; lines: number}>) {
	return files
		.filter(({lines}) => lines > MAX_LINES)
		.map(({file, lines}) => `${file}: ${lines} lines`);
}

function violations(
	fromParts: readonly string[],
	forbidden: (each: Import) => boolean,
	imports: readonly Import[] = ALL_IMPORTS,
) {
	return imports
		.filter((each) => fromParts.includes(partOf(each.from)) && forbidden(each))
		.map((each) => `${each.from} imports ${each.specifier}`);
}

const intoParts = (parts: readonly string[]) => (each: Import) =>
	each.target !== undefined && parts.includes(partOf(each.target));

const outsideKinesis = (each: Import) =>
	each.target !== undefined && partOf(each.target) !== 'kinesis';

/** A driver file other than those that open the engine importing from it. */
const driverIntoEngine = (each: Import) =>
	!ENGINE_DRIVERS.includes(each.from) && intoParts(['engine'])(each);

/** An import from the engine of something source/kinesis/ holds: a shim, or a path not updated. */
const kinesisThroughEngine = (each: Import) =>
	intoParts(['engine'])(each) && each.names.some((name) => KINESIS_NAMES.has(name));

const kinesisThroughEngineText = (each: Import) =>
	`${each.from} imports ${each.names.filter((name) => KINESIS_NAMES.has(name)).join(', ')} from ${each.specifier}`;

describe('import rules', () => {
	test('the files are found and their imports read (the rules below check something)', () => {
		expect(ALL_IMPORTS.filter((each) => partOf(each.from) === 'engine').length).toBeGreaterThan(50);
		expect(
			ALL_IMPORTS.some((each) => each.from === 'app.tsx' && each.target === 'ui/navigation.js'),
		).toBe(true);
	});

	test('the engine, the server and the drivers never import the models or the UI', () => {
		expect(violations(['engine', 'server', 'driver'], intoParts([...MODELS, ...UI]))).toEqual([]);
	});

	test('the engine imports nothing above it', () => {
		expect(
			violations(['engine'], intoParts(['server', 'driver', 'commands', 'cli', ...MODELS, ...UI])),
		).toEqual([]);
	});

	test('only the server imports the embedded DynamoDB (dynalite); the engine never does', () => {
		const dynalite = (each: Import) =>
			each.specifier === 'dynalite' || each.specifier.startsWith('dynalite/');
		expect(ALL_IMPORTS.filter((each) => dynalite(each) && partOf(each.from) !== 'server')).toEqual(
			[],
		);
		// dynalite is loaded with require (it is CommonJS): the rule reads those too.
		const required = sourceFiles(SOURCE).filter((file) =>
			/require\('dynalite(?:\/[^']*)?'\)/.test(readFileSync(file, 'utf8')),
		);
		expect(required.map((file) => path.relative(SOURCE, file))).toEqual([
			'server/embedded-dynamodb.ts',
		]);
	});

	test('the UI never imports the engine, the server or the AWS SDK', () => {
		expect(
			violations(
				UI,
				(each) =>
					intoParts(['engine', 'server'])(each) ||
					each.specifier.startsWith('@aws-sdk/') ||
					each.specifier.startsWith('@smithy/'),
			),
		).toEqual([]);
	});

	test("source/kinesis/ (AWS's own shapes and rules) imports nothing of ours outside itself", () => {
		expect(ALL_IMPORTS.filter((each) => partOf(each.from) === 'kinesis').length).toBeGreaterThan(3);
		expect(violations(['kinesis'], outsideKinesis)).toEqual([]);
	});

	test('the driver contract and the AWS driver never import the engine (only the local driver and the opener do)', () => {
		expect(ALL_IMPORTS.some((each) => each.from === 'driver/driver.ts')).toBe(true);
		expect(violations(['driver'], driverIntoEngine)).toEqual([]);
	});

	test("nothing imports from the engine what source/kinesis/ holds (AWS's shapes come from kinesis/)", () => {
		expect(KINESIS_NAMES).toContain('Shard');
		expect(KINESIS_NAMES).toContain('parseHashKey');
		expect(
			ALL_IMPORTS.filter((each) => kinesisThroughEngine(each)).map(kinesisThroughEngineText),
		).toEqual([]);
	});

	test(`no source file is longer than ${MAX_LINES} lines`, () => {
		const files = sourceFiles(SOURCE).map((file) => ({
			file: path.relative(SOURCE, file),
			lines: linesOf(file),
		}));
		expect(files.length).toBeGreaterThan(100);
		expect(tooLong(files)).toEqual([]);
	});

	test('the rules added for source/kinesis/ catch made-up imports that break them', () => {
		const kinesisIntoEngine: Import = {
			from: 'kinesis/routing.ts',
			specifier: '../engine/errors.js',
			target: 'engine/errors.js',
			names: ['KinesisError'],
		};
		expect(violations(['kinesis'], outsideKinesis, [kinesisIntoEngine])).toHaveLength(1);
		expect(
			violations(['kinesis'], outsideKinesis, [
				{...kinesisIntoEngine, specifier: './types.js', target: 'kinesis/types.js'},
			]),
		).toEqual([]);
		const contractIntoEngine: Import = {
			from: 'driver/driver.ts',
			specifier: '../engine/consumers.js',
			target: 'engine/consumers.js',
			names: ['Consumers'],
		};
		expect(driverIntoEngine(contractIntoEngine)).toBe(true);
		expect(driverIntoEngine({...contractIntoEngine, from: 'driver/local-driver.ts'})).toBe(false);
		expect(
			kinesisThroughEngine({
				...contractIntoEngine,
				from: 'server/kinesis-api.ts',
				names: ['Consumers', 'Shard'],
			}),
		).toBe(true);
		expect(kinesisThroughEngine(contractIntoEngine)).toBe(false);
		expect(
			tooLong([
				{file: 'query/parser.ts', lines: MAX_LINES + 1},
				{file: 'query/lexer.ts', lines: MAX_LINES},
			]),
		).toEqual([`query/parser.ts: ${MAX_LINES + 1} lines`]);
	});

	test('a rule catches a made-up import that breaks it', () => {
		const made: Import = {
			from: 'ui/x.ts',
			specifier: '../engine/engine.js',
			target: 'engine/engine.js',
			names: ['KinesisEngine'],
		};
		expect(intoParts(['engine'])(made)).toBe(true);
		expect(intoParts(['engine'])({...made, target: 'ui/y.js'})).toBe(false);
	});
});

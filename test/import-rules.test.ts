/**
 * The house's layering, checked on every import of every source file: arrows point down only. The
 * engine, the server and the drivers never reach up into the models or the UI; the UI never reaches the
 * engine or the AWS SDK (it goes through a model and the Driver); `source/kinesis/`, AWS's own shapes and
 * rules, imports nothing of ours.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';

const SOURCE = path.resolve(import.meta.dirname, '../source');

type Import = {from: string; specifier: string; target?: string};

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
	/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): Import[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(IMPORT)].map((match) => {
		const specifier = match[1] ?? match[2] ?? match[3];
		const from = path.relative(SOURCE, file);
		if (!specifier.startsWith('.')) return {from, specifier};
		const target = path.relative(SOURCE, path.resolve(path.dirname(file), specifier));
		return {from, specifier, target};
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

function violations(fromParts: readonly string[], forbidden: (each: Import) => boolean) {
	return ALL_IMPORTS.filter((each) => fromParts.includes(partOf(each.from)) && forbidden(each)).map(
		(each) => `${each.from} imports ${each.specifier}`,
	);
}

const intoParts = (parts: readonly string[]) => (each: Import) =>
	each.target !== undefined && parts.includes(partOf(each.target));

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
		expect(
			violations(
				['kinesis'],
				(each) => each.target !== undefined && partOf(each.target) !== 'kinesis',
			),
		).toEqual([]);
	});

	test('a rule catches a made-up import that breaks it', () => {
		const made: Import = {
			from: 'ui/x.ts',
			specifier: '../engine/engine.js',
			target: 'engine/engine.js',
		};
		expect(intoParts(['engine'])(made)).toBe(true);
		expect(intoParts(['engine'])({...made, target: 'ui/y.js'})).toBe(false);
	});
});

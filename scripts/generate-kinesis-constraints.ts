/**
 * `npm run generate:model`: writes source/kinesis/kinesis-input-constraints.generated.ts, every Kinesis
 * action's input constraints (required members, lengths, patterns, ranges, enums, list and map sizes,
 * nested structures) as botocore's copy of AWS's service model states them.
 *
 * The model it reads is kept in the repository (scripts/models/kinesis.json.gz: the botocore version and
 * its Kinesis service-2.json), so the table can be made again, and checked, on any machine.
 * `npm run generate:model -- --update [path/to/service-2.json[.gz]]` first replaces that copy with the
 * given model or the newest botocore's on this machine (the `python3` first on PATH, or Debian's
 * python3-botocore). Debian 12's (1.29) predates StreamARN, when StreamName was still required on every
 * stream action; today's AWS takes either, and its model is the one to follow.
 *
 * What the model does not say is the order AWS checks members in, which decides the order of the
 * problems in a ValidationException's message (and it is neither alphabetical nor the model's), nor
 * the order AWS lists an enum's values in. kinesalite recorded both from AWS's answers, for the actions
 * it implements: its order is taken from node_modules/kinesalite/validations/, and members it does not
 * know (StreamARN and everything newer) follow in the model's order.
 *
 * Its constraints themselves are not taken from kinesalite: where AWS has changed them since kinesalite
 * recorded them, today's model wins. Among the changes: StreamName is optional wherever StreamARN may
 * name the stream instead (PutRecords, GetShardIterator, …), ShardCount is optional (on-demand streams)
 * and unbounded above, RetentionPeriodHours has no range left in the model (the engine's 24–8,760 hours
 * are InvalidArgumentException), a record's Data may be up to 10 MiB (the stream's MaxRecordSizeInKiB
 * decides, in the engine), RemoveTagsFromStream takes 50 keys and AddTagsToStream 200 tags (the 10-per-
 * call and 50-per-stream limits are the engine's), ListTagsForStream's Limit goes to 50, and
 * UpdateShardCount requires ScalingType.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {gunzipSync, gzipSync} from 'node:zlib';
import * as prettier from 'prettier';
import type {InputRule, MemberRule, StructureRule} from '../source/kinesis/input-rules.js';

const root = fileURLToPath(
	new URL(import.meta.url.includes('/dist/') ? '../..' : '..', import.meta.url),
);
export const GENERATED_FILE = join(root, 'source/kinesis/kinesis-input-constraints.generated.ts');
/** The model the table is made from: `{botocore, model}`, gzipped. */
export const COMMITTED_MODEL = join(root, 'scripts/models/kinesis.json.gz');
const MODEL_IN_BOTOCORE = 'data/kinesis/2013-12-02/service-2.json';
const DEBIAN_BOTOCORE = '/usr/lib/python3/dist-packages/botocore';

type ModelShape = {
	type: string;
	min?: number;
	max?: number;
	pattern?: string;
	enum?: string[];
	required?: string[];
	members?: Record<string, {shape: string}>;
	member?: {shape: string};
	key?: {shape: string};
	value?: {shape: string};
};

export type KinesisModel = {
	metadata: {apiVersion: string};
	operations: Record<string, {input?: {shape: string}}>;
	shapes: Record<string, ModelShape>;
};

export type ModelFile = {path: string; botocore: string};

/** The botocore version a model file belongs to (its package's `__version__`), or `unknown`. */
function botocoreVersionOf(modelPath: string) {
	const init = join(modelPath, '../../../../__init__.py');
	const version = existsSync(init)
		? /__version__ = ['"]([^'"]+)['"]/.exec(readFileSync(init, 'utf8'))?.[1]
		: undefined;
	return version ?? 'unknown';
}

function modelIn(botocore: string): ModelFile | undefined {
	for (const path of [
		join(botocore, MODEL_IN_BOTOCORE),
		join(botocore, `${MODEL_IN_BOTOCORE}.gz`),
	]) {
		if (existsSync(path)) return {path, botocore: botocoreVersionOf(path)};
	}

	return undefined;
}

/** Every botocore Kinesis model on this machine: `python3`'s on PATH, then Debian's. */
export function findKinesisModels(): ModelFile[] {
	const directories: string[] = [];
	try {
		const printed = execFileSync(
			'python3',
			['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'],
			{encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']},
		).trim();
		if (printed) directories.push(printed);
	} catch {
		// No python3 or no botocore for it: Debian's may still be there.
	}

	if (!directories.includes(DEBIAN_BOTOCORE)) directories.push(DEBIAN_BOTOCORE);
	return directories.flatMap((directory) => modelIn(directory) ?? []);
}

const newer = (a: string, b: string) => {
	const parts = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10));
	const [x, y] = [parts(a), parts(b)];
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
	}

	return false;
};

export function newestKinesisModel(): ModelFile | undefined {
	return findKinesisModels().reduce<ModelFile | undefined>(
		(best, each) => (!best || newer(each.botocore, best.botocore) ? each : best),
		undefined,
	);
}

export function readKinesisModel(path: string): KinesisModel {
	const bytes = readFileSync(path);
	return JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
}

/** The repository's copy of the model, and the botocore version it came with. */
export function readCommittedModel(): {botocore: string; model: KinesisModel} {
	return JSON.parse(gunzipSync(readFileSync(COMMITTED_MODEL)).toString('utf8'));
}

/** kinesalite's record of a member: its checks (we read only `enum`) and, for nesting, `children`. */
type Recorded = {enum?: string[]; children?: Recorded & Record<string, Recorded>};
export type RecordedOrder = {version: string; actions: Record<string, Record<string, Recorded>>};

/** AWS's member and enum order, as kinesalite recorded it, from its validations/ folder. */
export function kinesaliteOrder(): RecordedOrder {
	const require = createRequire(import.meta.url);
	const directory = join(dirname(require.resolve('kinesalite/package.json')), 'validations');
	const actions: RecordedOrder['actions'] = {};
	for (const file of readdirSync(directory)) {
		if (!file.endsWith('.js') || file === 'index.js') continue;
		const action = file[0].toUpperCase() + file.slice(1, -'.js'.length);
		actions[action] = (require(join(directory, file)) as {types: Record<string, Recorded>}).types;
	}

	const {version} = require('kinesalite/package.json') as {version: string};
	return {version, actions};
}

const lowerFirst = (name: string) => name[0].toLowerCase() + name.slice(1);

/** `names` in `recorded`'s order first, then the rest in their own order. */
function inOrder(names: string[], recorded: string[] | undefined) {
	const known = (recorded ?? []).filter((name) => names.includes(name));
	return [...known, ...names.filter((name) => !known.includes(name))];
}

/** A structure's members (and what nests in them) as rules, in AWS's order where it is recorded. */
function structureRule(
	model: KinesisModel,
	shapeName: string,
	recorded: Record<string, Recorded> | undefined,
): StructureRule {
	const shape = model.shapes[shapeName];
	const required = new Set(shape.required ?? []);
	const members: MemberRule[] = inOrder(
		Object.keys(shape.members ?? {}),
		recorded && Object.keys(recorded),
	).map((name) => ({
		name,
		at: lowerFirst(name),
		...(required.has(name) ? {required: true as const} : {}),
		rule: ruleOf(model, shape.members![name].shape, recorded?.[name]),
	}));
	return {type: 'structure', shape: shapeName, members};
}

function ruleOf(model: KinesisModel, shapeName: string, recorded: Recorded | undefined): InputRule {
	const shape = model.shapes[shapeName];
	const bounds = {
		...(shape.min === undefined ? {} : {min: shape.min}),
		...(shape.max === undefined ? {} : {max: shape.max}),
	};
	switch (shape.type) {
		case 'string': {
			return {
				type: 'string',
				...bounds,
				...(shape.pattern === undefined ? {} : {pattern: shape.pattern}),
				...(shape.enum ? {enum: inOrder(shape.enum, recorded?.enum)} : {}),
			};
		}

		case 'blob':
		case 'integer':
		case 'long': {
			return {type: shape.type, ...bounds};
		}

		case 'list': {
			return {
				type: 'list',
				...bounds,
				member: ruleOf(model, shape.member!.shape, recorded?.children),
			};
		}

		case 'map': {
			return {
				type: 'map',
				...bounds,
				key: ruleOf(model, shape.key!.shape, undefined),
				value: ruleOf(model, shape.value!.shape, undefined),
			};
		}

		case 'structure': {
			return structureRule(model, shapeName, recorded?.children);
		}

		case 'boolean':
		case 'timestamp':
		case 'double': {
			return {type: shape.type};
		}

		default: {
			throw new Error(`Shape ${shapeName} has a type the generator does not know: ${shape.type}`);
		}
	}
}

/** Every action's input rules, by action name in alphabetical order. */
export function inputRules(model: KinesisModel, order: RecordedOrder) {
	const rules: Record<string, StructureRule> = {};
	for (const action of Object.keys(model.operations).sort()) {
		const input = model.operations[action].input;
		rules[action] = input
			? structureRule(model, input.shape, order.actions[action])
			: {type: 'structure', shape: `${action}Input`, members: []};
	}

	return rules;
}

/** A string as a single-quoted TypeScript literal. */
const quoted = (text: string) =>
	`'${JSON.stringify(text)
		.slice(1, -1)
		.replaceAll(String.raw`\"`, '"')
		.replaceAll("'", String.raw`\'`)}'`;

/** A rule as a TypeScript literal on one line, except for a structure's members (see {@link rulesText}). */
function ruleText(rule: InputRule, indent: string): string {
	if (rule.type === 'structure') return structureText(rule, indent);
	const fields = Object.entries(rule).map(([key, value]) => {
		if (key === 'member' || key === 'key' || key === 'value') {
			return `${key}: ${ruleText(value as InputRule, indent)}`;
		}

		if (typeof value === 'string') return `${key}: ${quoted(value)}`;
		if (Array.isArray(value))
			return `${key}: [${value.map((each) => quoted(String(each))).join(', ')}]`;
		return `${key}: ${String(value)}`;
	});
	return `{${fields.join(', ')}}`;
}

/** A structure with one line per member rule. */
function structureText(rule: StructureRule, indent: string): string {
	if (rule.members.length === 0) {
		return `{type: 'structure', shape: ${quoted(rule.shape)}, members: []}`;
	}

	const inner = indent + '\t';
	const members = rule.members.map((member) => {
		const required = member.required ? ', required: true' : '';
		const head = `name: ${quoted(member.name)}, at: ${quoted(member.at)}${required}`;
		return `${inner}{${head}, rule: ${ruleText(member.rule, inner)}},\n`;
	});
	return `{type: 'structure', shape: ${quoted(rule.shape)}, members: [\n${members.join('')}${indent}]}`;
}

/**
 * The table as TypeScript: one line per member rule (a nested structure's members on lines of their
 * own), kept out of prettier's hands, which would spread each rule over several lines and the table
 * over more than a file should hold.
 */
function rulesText(rules: Record<string, StructureRule>): string {
	const actions = Object.entries(rules).map(
		([action, rule]) => `\t${action}: ${structureText(rule, '\t')},\n`,
	);
	return `{\n${actions.join('')}}`;
}

/** The generated module's text, formatted as the repository formats TypeScript. */
export async function generateConstraintsSource(
	model: KinesisModel,
	botocore: string,
	order: RecordedOrder,
): Promise<string> {
	const text = `/**
 * GENERATED by \`npm run generate:model\` (scripts/generate-kinesis-constraints.ts); do not edit.
 * From botocore ${botocore}'s Kinesis service model (API version ${model.metadata.apiVersion}).
 * The order AWS checks members in, and lists enum values in, as kinesalite ${order.version} recorded it.
 */
import type {StructureRule} from './input-rules.js';

export const KINESIS_MODEL = {botocore: '${botocore}', apiVersion: '${model.metadata.apiVersion}'};

// prettier-ignore
export const kinesisInputRules: Record<string, StructureRule> = ${rulesText(inputRules(model, order))};
`;
	const options = await prettier.resolveConfig(GENERATED_FILE);
	return prettier.format(text, {...options, filepath: GENERATED_FILE});
}

/** `--update [PATH]`: the repository's copy of the model replaced by PATH's, or the newest found. */
function updateCommittedModel(path: string | undefined) {
	const found = path ? {path, botocore: botocoreVersionOf(path)} : newestKinesisModel();
	if (!found) {
		throw new Error(
			"No botocore Kinesis model found: install Debian's python3-botocore or pass the path of a service-2.json.",
		);
	}

	const copy = {botocore: found.botocore, model: readKinesisModel(found.path)};
	writeFileSync(COMMITTED_MODEL, gzipSync(JSON.stringify(copy), {level: 9}));
	console.log(`Kept ${found.path} (botocore ${found.botocore}) as ${COMMITTED_MODEL}.`);
}

async function main() {
	const [flag, path] = process.argv.slice(2);
	if (flag === '--update') updateCommittedModel(path);
	else if (flag !== undefined)
		throw new Error(`Unknown argument ${flag}: --update [PATH] or nothing`);
	const {botocore, model} = readCommittedModel();
	writeFileSync(
		GENERATED_FILE,
		await generateConstraintsSource(model, botocore, kinesaliteOrder()),
	);
	console.log(`Wrote ${GENERATED_FILE} from botocore ${botocore}'s model.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

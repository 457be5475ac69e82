/**
 * kinesis-top's own config file: named contexts and their settings, in JSON
 * (`$XDG_CONFIG_HOME/kinesis-top/config.json`, else `~/.config/kinesis-top/config.json`). Its shape is
 * CONFIG_SCHEMA, a JSON Schema that `kinesis-top contexts --schema` prints for editors; the file is
 * checked against that same schema here, so the two cannot drift apart.
 */
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import {parseAgeThreshold} from '../monitor/iterator-age-alert.js';
import {CONTEXT_COLORS, CONTEXT_SCREENS} from './context.js';

/** One context as the file writes it. */
export type ContextEntry = {
	profile?: string;
	region?: string;
	endpoint?: string;
	local?: boolean;
	dataDir?: string;
	inMemory?: boolean;
	readOnly?: boolean;
	production?: boolean;
	label?: string;
	color?: (typeof CONTEXT_COLORS)[number];
	alertIteratorAge?: string;
	screen?: (typeof CONTEXT_SCREENS)[number];
};

export type ConfigFile = {
	path: string;
	defaultContext?: string;
	contexts: Record<string, ContextEntry>;
};

type Schema = {
	type?: 'object' | 'string' | 'boolean';
	description?: string;
	properties?: Record<string, Schema>;
	additionalProperties?: boolean | Schema;
	enum?: readonly string[];
	pattern?: string;
	maxLength?: number;
};

const CONTEXT_SCHEMA = {
	type: 'object',
	description:
		'A backend (an AWS profile, an endpoint, or the bundled engine) and its settings. A context named after an AWS profile, with no backend of its own, adds settings to that profile.',
	additionalProperties: false,
	properties: {
		profile: {
			type: 'string',
			description: 'The AWS profile whose credentials (and region, endpoint_url) are used.',
		},
		region: {type: 'string', description: 'The AWS region, over the profile’s.'},
		endpoint: {
			type: 'string',
			pattern: '^https?://',
			description: 'A Kinesis-compatible endpoint (kinesis-top serve, LocalStack, kinesalite).',
		},
		local: {type: 'boolean', description: 'The bundled engine.'},
		dataDir: {type: 'string', description: 'The bundled engine’s data directory (implies local).'},
		inMemory: {
			type: 'boolean',
			description: 'The bundled engine, keeping nothing on disk (implies local).',
		},
		readOnly: {
			type: 'boolean',
			description:
				'Nothing can be changed from this context (default: true for production, else false).',
		},
		production: {
			type: 'boolean',
			description: 'Marks production: red, and read-only unless readOnly is false.',
		},
		label: {
			type: 'string',
			maxLength: 24,
			description: 'What the header shows (default: the name).',
		},
		color: {
			enum: CONTEXT_COLORS,
			description: 'The colour of the label (default: red for production).',
		},
		alertIteratorAge: {
			type: 'string',
			pattern: '^\\d{1,9}(?:ms|s|m|h)?$',
			description:
				'Iterator age above which a stream is highlighted and the bell rings, such as 60s or 5m.',
		},
		screen: {enum: CONTEXT_SCREENS, description: 'The screen the console opens on.'},
	},
} as const satisfies Schema;

export const CONFIG_SCHEMA = {
	$schema: 'https://json-schema.org/draft/2020-12/schema',
	title: 'kinesis-top configuration',
	type: 'object',
	additionalProperties: false,
	properties: {
		$schema: {type: 'string'},
		defaultContext: {
			type: 'string',
			description: 'The context opened when no flag names a backend.',
		},
		contexts: {type: 'object', additionalProperties: CONTEXT_SCHEMA},
	},
} as const satisfies Schema & {$schema: string; title: string};

export class ConfigFileError extends Error {
	override readonly name = 'ConfigFileError';
}

export function configFilePath(environment: NodeJS.ProcessEnv) {
	const base = environment.XDG_CONFIG_HOME || path.join(environment.HOME || homedir(), '.config');
	return path.join(base, 'kinesis-top', 'config.json');
}

/** The config file, checked; an empty one when there is none. */
export async function readConfigFile(environment: NodeJS.ProcessEnv): Promise<ConfigFile> {
	const file = configFilePath(environment);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {path: file, contexts: {}};
		throw new ConfigFileError(`${file}: ${(error as Error).message}`);
	}

	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new ConfigFileError(`${file} is not JSON: ${(error as Error).message}`);
	}

	const problem = schemaProblem(value, CONFIG_SCHEMA, '') ?? meaningProblem(value as ConfigFile);
	if (problem) throw new ConfigFileError(`${file}: ${problem}`);
	const {defaultContext, contexts = {}} = value as Partial<ConfigFile>;
	return {path: file, defaultContext, contexts};
}

/** The first place `value` breaks `schema` (the subset of JSON Schema CONFIG_SCHEMA uses). */
export function schemaProblem(value: unknown, schema: Schema, at: string): string | undefined {
	const where = at === '' ? 'the file' : at;
	if (schema.enum) {
		return schema.enum.includes(value as string)
			? undefined
			: `${where} must be one of ${schema.enum.join(', ')}, not ${JSON.stringify(value)}`;
	}

	switch (schema.type) {
		case 'string': {
			if (typeof value !== 'string') return `${where} must be a string`;
			if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
				return `${where} is not valid: ${JSON.stringify(value)}`;
			}

			if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
				return `${where} must be at most ${schema.maxLength} characters`;
			}

			return undefined;
		}

		case 'boolean': {
			return typeof value === 'boolean' ? undefined : `${where} must be true or false`;
		}

		case 'object': {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				return `${where} must be an object`;
			}

			for (const [key, member] of Object.entries(value)) {
				const memberAt = at === '' ? key : `${at}.${key}`;
				const memberSchema = schema.properties?.[key] ?? schema.additionalProperties;
				if (memberSchema === undefined || memberSchema === false)
					return `${memberAt} is not a setting`;
				if (memberSchema === true) continue;
				const problem = schemaProblem(member, memberSchema, memberAt);
				if (problem) return problem;
			}

			return undefined;
		}

		default: {
			return undefined;
		}
	}
}

/** What the schema cannot say: one backend per context, ages that parse. */
function meaningProblem(config: Partial<ConfigFile>): string | undefined {
	const contexts = config.contexts ?? {};
	for (const [name, entry] of Object.entries(contexts)) {
		const local = entry.local === true || entry.dataDir !== undefined || entry.inMemory === true;
		if (local && entry.endpoint !== undefined) {
			return `contexts.${name} names both the bundled engine and an endpoint: use one`;
		}

		if (entry.dataDir !== undefined && entry.inMemory) {
			return `contexts.${name} has both dataDir and inMemory: use one`;
		}

		if (
			entry.alertIteratorAge !== undefined &&
			parseAgeThreshold(entry.alertIteratorAge) === undefined
		) {
			return `contexts.${name}.alertIteratorAge must be an age such as 30s, 60s or 5m`;
		}
	}

	return undefined;
}

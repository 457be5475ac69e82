/**
 * The contexts kinesis-top knows, merged from their sources: every AWS profile is one; kinesis-top's
 * config file adds settings to a profile (an entry of the same name without a backend of its own) or
 * defines contexts of its own (an endpoint, the bundled engine, a profile under another name). Which one
 * a run opens: `--context NAME`; else what the backend flags name; else the config's `defaultContext`;
 * else the AWS profile the SDK would use (AWS_PROFILE, or `default`).
 */
import {readAwsProfiles, type AwsProfile} from './aws-profiles.js';
import {ConfigFileError, readConfigFile, type ContextEntry} from './config-file.js';
import {namesProduction, type Context, type ContextBackend, type ContextSource} from './context.js';
import {parseAgeThreshold} from '../monitor/iterator-age-alert.js';

export type Contexts = {
	/** By name, sorted. */
	list: Context[];
	defaultContext?: string;
	configPath: string;
};

export async function loadContexts(environment: NodeJS.ProcessEnv): Promise<Contexts> {
	const [profiles, config] = await Promise.all([
		readAwsProfiles(environment),
		readConfigFile(environment),
	]);
	const byName = new Map<string, Context>();
	for (const profile of profiles) byName.set(profile.name, profileContext(profile));
	for (const [name, entry] of Object.entries(config.contexts)) {
		const profileOfName = profiles.find((profile) => profile.name === name);
		byName.set(name, configContext(name, entry, profiles, profileOfName, config.path));
	}

	if (config.defaultContext !== undefined && !byName.has(config.defaultContext)) {
		throw new ConfigFileError(
			`${config.path}: defaultContext names "${config.defaultContext}", which is neither a context nor an AWS profile`,
		);
	}

	return {
		list: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
		defaultContext: config.defaultContext,
		configPath: config.path,
	};
}

function profileSources(profile: AwsProfile): ContextSource[] {
	return [
		...(profile.inConfig ? (['aws-config'] as const) : []),
		...(profile.inCredentials ? (['aws-credentials'] as const) : []),
	];
}

function profileContext(profile: AwsProfile): Context {
	const production = namesProduction(profile.name);
	return {
		name: profile.name,
		backend: {
			kind: 'aws',
			profile: profile.name,
			region: profile.region,
			endpoint: profile.endpoint,
		},
		production,
		readOnly: production,
		label: profile.name,
		color: production ? 'red' : undefined,
		login: profile.login,
		sources: profileSources(profile),
	};
}

function configContext(
	name: string,
	entry: ContextEntry,
	profiles: readonly AwsProfile[],
	profileOfName: AwsProfile | undefined,
	configPath: string,
): Context {
	const named = entry.profile ?? (hasBackend(entry) ? undefined : profileOfName?.name);
	const profile = named === undefined ? undefined : profiles.find((each) => each.name === named);
	if (entry.profile !== undefined && !profile) {
		throw new ConfigFileError(
			`${configPath}: contexts.${name} names the AWS profile "${entry.profile}", which is not in the AWS config or credentials file`,
		);
	}

	const backend = backendOf(entry, profile);
	if (!backend) {
		throw new ConfigFileError(
			`${configPath}: contexts.${name} names no backend: give it a profile, an endpoint, or local`,
		);
	}

	const production =
		entry.production ??
		(namesProduction(name) || (profile !== undefined && namesProduction(profile.name)));
	return {
		name,
		backend,
		production,
		readOnly: entry.readOnly ?? production,
		label: entry.label ?? name,
		color: entry.color ?? (production ? 'red' : undefined),
		alertIteratorAgeMs:
			entry.alertIteratorAge === undefined ? undefined : parseAgeThreshold(entry.alertIteratorAge),
		screen: entry.screen,
		login: backend.kind === 'local' ? undefined : profile?.login,
		sources: [...(profile && profile.name === name ? profileSources(profile) : []), 'config-file'],
	};
}

const hasBackend = (entry: ContextEntry) =>
	entry.profile !== undefined ||
	entry.endpoint !== undefined ||
	entry.local === true ||
	entry.dataDir !== undefined ||
	entry.inMemory === true;

function backendOf(
	entry: ContextEntry,
	profile: AwsProfile | undefined,
): ContextBackend | undefined {
	if (entry.endpoint !== undefined) {
		return {
			kind: 'endpoint',
			url: entry.endpoint,
			profile: profile?.name,
			region: entry.region ?? profile?.region,
		};
	}

	if (entry.local === true || entry.dataDir !== undefined || entry.inMemory === true) {
		return {kind: 'local', dataDirectory: entry.dataDir, inMemory: entry.inMemory === true};
	}

	if (profile) {
		return {
			kind: 'aws',
			profile: profile.name,
			region: entry.region ?? profile.region,
			endpoint: profile.endpoint,
		};
	}

	return undefined;
}

export const findContext = (contexts: Contexts, name: string) =>
	contexts.list.find((context) => context.name === name);

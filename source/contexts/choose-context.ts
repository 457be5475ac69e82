/**
 * Which context a run opens, and the backend options that open it: `--context NAME`; else the backend
 * the flags name (`--local`, `--endpoint`: no context, as before contexts existed); else the config's
 * `defaultContext`; else the AWS profile (`--profile`, AWS_PROFILE, `default`) with the settings the
 * contexts give it — so `--profile prod` opens read-only like `--context prod` does, unless
 * `--read-write`.
 */
import type {BackendOptions} from '../driver/open-driver.js';
import type {Context, ContextBackend} from './context.js';
import {findContext, loadContexts, type Contexts} from './contexts.js';

export type ContextRequest = {
	/** `--context NAME`. */
	context?: string;
	/** `--read-write`: a production context opens writable. */
	readWrite?: boolean;
	/** What the other flags say (`--read-only`, `--region`, the engine's settings, …). */
	backend: BackendOptions;
};

export type ChosenBackend = {backend: BackendOptions; context?: Context};

export class UnknownContextError extends Error {
	override readonly name = 'UnknownContextError';
}

export async function chooseBackend(
	request: ContextRequest,
	environment: NodeJS.ProcessEnv,
	load: (environment: NodeJS.ProcessEnv) => Promise<Contexts> = loadContexts,
): Promise<ChosenBackend> {
	const {backend} = request;
	if (request.context === undefined && (backend.local || backend.endpoint !== undefined)) {
		return {backend};
	}

	const contexts = await load(environment);
	const context =
		request.context === undefined
			? defaultFor(contexts, backend, environment)
			: named(contexts, request.context);
	if (!context) return {backend: {...backend, readOnly: backend.readOnly === true}};
	return {context, backend: openingOptions(context, request)};
}

function named(contexts: Contexts, name: string) {
	const context = findContext(contexts, name);
	if (!context) {
		const known = contexts.list.map((each) => each.name).join(', ') || 'none';
		throw new UnknownContextError(
			`no context named "${name}" (known: ${known}; kinesis-top contexts lists them)`,
		);
	}

	return context;
}

function defaultFor(contexts: Contexts, backend: BackendOptions, environment: NodeJS.ProcessEnv) {
	if (backend.profile === undefined && contexts.defaultContext !== undefined) {
		return findContext(contexts, contexts.defaultContext);
	}

	const profile = backend.profile ?? environment.AWS_PROFILE ?? 'default';
	// Only a context that is this AWS profile: a context named "staging" that is an endpoint is not
	// what `--profile staging` asks for.
	return contexts.list.find(
		(context) => context.backend.kind === 'aws' && context.backend.profile === profile,
	);
}

/** The backend options that open `context`, with what the flags add (region, read-only, engine settings). */
export function openingOptions(context: Context, request: ContextRequest): BackendOptions {
	const flags = request.backend;
	return {
		...flags,
		...optionsOf(context.backend),
		region: flags.region ?? regionOf(context.backend),
		readOnly: flags.readOnly === true || (context.readOnly && request.readWrite !== true),
	};
}

function optionsOf(backend: ContextBackend): BackendOptions {
	switch (backend.kind) {
		case 'aws': {
			return {local: false, endpoint: undefined, profile: backend.profile};
		}

		case 'endpoint': {
			return {local: false, endpoint: backend.url, profile: backend.profile};
		}

		case 'local': {
			return {
				local: true,
				endpoint: undefined,
				dataDirectory: backend.dataDirectory,
				inMemory: backend.inMemory,
			};
		}
	}
}

const regionOf = (backend: ContextBackend) =>
	backend.kind === 'local' ? undefined : backend.region;

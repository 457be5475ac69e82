/**
 * `kinesis-top contexts`: every context — AWS profiles and the config file's — with its backend, region,
 * read-only mark and where it comes from; `--json` as objects; `--schema` prints the config file's JSON
 * Schema instead (for editors).
 */
import {CONFIG_SCHEMA} from '../contexts/config-file.js';
import {describeBackend, type Context} from '../contexts/context.js';
import {loadContexts} from '../contexts/contexts.js';
import type {PlainCommand} from './command.js';
import {formatTable} from './table.js';

export const contextsCommand: PlainCommand = {
	kind: 'plain',
	name: 'contexts',
	arguments: [],
	flags: ['json', 'schema'],
	prepare:
		(_input, flags) =>
		async ({out, io, json}) => {
			if (flags.schema) {
				await out.write(`${JSON.stringify(CONFIG_SCHEMA, null, '\t')}\n`);
				return;
			}

			const environment = io.environment ?? process.env;
			const contexts = await loadContexts(environment);
			const current = contexts.defaultContext ?? environment.AWS_PROFILE ?? 'default';
			if (json) {
				await out.json(contexts.list.map((context) => jsonOf(context, context.name === current)));
				return;
			}

			if (contexts.list.length === 0) {
				await out.write(
					`No contexts: no AWS profiles and no ${contexts.configPath}. kinesis-top --help shows the backend flags.\n`,
				);
				return;
			}

			await out.write(
				formatTable(
					['', 'NAME', 'BACKEND', 'REGION', 'ACCESS', 'LOGIN', 'FROM'],
					contexts.list.map((context) => [
						context.name === current ? '*' : '',
						context.label === context.name ? context.name : `${context.name} (${context.label})`,
						describeBackend(context.backend),
						context.backend.kind === 'local' ? '' : (context.backend.region ?? ''),
						(context.readOnly ? 'read-only' : 'read-write') +
							(context.production ? ', production' : ''),
						context.login?.kind ?? '',
						context.sources.join(', '),
					]),
				),
			);
		},
};

/** The documented JSON shape of one context. */
function jsonOf(context: Context, current: boolean) {
	const {backend} = context;
	return {
		name: context.name,
		current,
		backend: backend.kind,
		profile: backend.kind === 'local' ? undefined : backend.profile,
		region: backend.kind === 'local' ? undefined : backend.region,
		endpoint:
			backend.kind === 'aws'
				? backend.endpoint
				: backend.kind === 'endpoint'
					? backend.url
					: undefined,
		dataDirectory: backend.kind === 'local' ? backend.dataDirectory : undefined,
		inMemory: backend.kind === 'local' ? backend.inMemory : undefined,
		readOnly: context.readOnly,
		production: context.production,
		label: context.label,
		color: context.color,
		alertIteratorAgeMs: context.alertIteratorAgeMs,
		screen: context.screen,
		login: context.login,
		sources: context.sources,
	};
}

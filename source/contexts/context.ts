/**
 * A context: one backend kinesis-top can open — an AWS profile (and region), an endpoint, or the bundled
 * engine — with the settings that go with it: read-only, a label and colour for the header, the
 * iterator-age alert, the screen to open on. Contexts come from the AWS config and credentials files,
 * kinesis-top's own config file and the command line (contexts.ts merges them).
 */

export type ContextBackend =
	/** Real AWS (or whatever the profile's `endpoint_url` names), with a profile's credentials. */
	| {kind: 'aws'; profile: string; region?: string; endpoint?: string}
	/** A Kinesis-compatible endpoint. */
	| {kind: 'endpoint'; url: string; profile?: string; region?: string}
	/** The bundled engine: a data directory (the default one when undefined), or in memory. */
	| {kind: 'local'; dataDirectory?: string; inMemory: boolean};

/** How a profile's credentials are had, when a person may have to act for them. */
export type Login =
	| {kind: 'sso'; command: string}
	| {kind: 'credential-process'}
	| {kind: 'assume-role'; mfa: boolean};

export type ContextSource = 'aws-config' | 'aws-credentials' | 'config-file' | 'command-line';

/** Colours the header can draw a context's label in (Ink's named colours). */
export const CONTEXT_COLORS = [
	'red',
	'green',
	'yellow',
	'blue',
	'magenta',
	'cyan',
	'white',
	'gray',
] as const;
export type ContextColor = (typeof CONTEXT_COLORS)[number];

/** The screens a context may open on. */
export const CONTEXT_SCREENS = ['streams', 'firehose'] as const;
export type ContextScreen = (typeof CONTEXT_SCREENS)[number];

export type Context = {
	name: string;
	backend: ContextBackend;
	/** Production: named so (`prod`, `production`, `…-prod`) or marked in the config file. */
	production: boolean;
	/** Opens read-only: a production context does unless the config file or `--read-write` says otherwise. */
	readOnly: boolean;
	/** What the header shows (the name by default), in `color` (red for production by default). */
	label: string;
	color?: ContextColor;
	alertIteratorAgeMs?: number;
	screen?: ContextScreen;
	login?: Login;
	/** Where it was found, in the order merged. */
	sources: ContextSource[];
};

/**
 * Whether a name says production: one of its words is `prod` or `production` (`prod`, `acme-prod`,
 * `production.eu`), not a word that merely starts so (`product-analytics`).
 */
export const namesProduction = (name: string) =>
	name
		.toLowerCase()
		.split(/[^a-z\d]+/)
		.some((word) => word === 'prod' || word === 'production');

/** What the header shows of a context. */
export const targetContext = (context: Context) => ({
	name: context.name,
	label: context.label,
	color: context.color,
	production: context.production,
});

/** What the backend is, in one short phrase: `aws eu-west-1`, `http://127.0.0.1:4567`, `local (in memory)`. */
export function describeBackend(backend: ContextBackend): string {
	switch (backend.kind) {
		case 'aws': {
			return backend.endpoint ?? `aws ${backend.region ?? '(default region)'}`;
		}

		case 'endpoint': {
			return backend.url;
		}

		case 'local': {
			return backend.inMemory
				? 'local (in memory)'
				: `local ${backend.dataDirectory ?? '(default data directory)'}`;
		}
	}
}

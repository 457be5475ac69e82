import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {chooseBackend} from '../../source/contexts/choose-context.js';
import {CONFIG_SCHEMA, configFilePath, schemaProblem} from '../../source/contexts/config-file.js';
import {namesProduction} from '../../source/contexts/context.js';
import {findContext, loadContexts} from '../../source/contexts/contexts.js';

const homes: string[] = [];
afterEach(() => {
	for (const home of homes.splice(0)) rmSync(home, {recursive: true, force: true});
});

/** A HOME of its own: AWS config and credentials files, and kinesis-top's config when given. */
function home(files: {config?: string; credentials?: string; kinesisTop?: unknown}) {
	const directory = mkdtempSync(path.join(tmpdir(), 'kinesis-top-contexts-'));
	homes.push(directory);
	mkdirSync(path.join(directory, '.aws'));
	const environment: NodeJS.ProcessEnv = {
		HOME: directory,
		AWS_CONFIG_FILE: path.join(directory, '.aws', 'config'),
		AWS_SHARED_CREDENTIALS_FILE: path.join(directory, '.aws', 'credentials'),
	};
	writeFileSync(environment.AWS_CONFIG_FILE!, files.config ?? '');
	writeFileSync(environment.AWS_SHARED_CREDENTIALS_FILE!, files.credentials ?? '');
	if (files.kinesisTop !== undefined) {
		const file = configFilePath(environment);
		mkdirSync(path.dirname(file), {recursive: true});
		writeFileSync(
			file,
			typeof files.kinesisTop === 'string' ? files.kinesisTop : JSON.stringify(files.kinesisTop),
		);
	}

	return environment;
}

const AWS_CONFIG = `[default]
region = us-east-1

[profile prod]
region = eu-west-1
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile staging]
region = eu-west-2
endpoint_url = http://127.0.0.1:4567

[profile acme-production]
region = us-west-2
role_arn = arn:aws:iam::111122223333:role/ops
source_profile = default
mfa_serial = arn:aws:iam::111122223333:mfa/me

[profile product-analytics]
credential_process = /bin/false

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;
const CREDENTIALS = `[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = secret

[ci]
aws_access_key_id = AKIDCI
aws_secret_access_key = secret
`;

describe('production names', () => {
	test.each([
		['prod', true],
		['production', true],
		['acme-prod', true],
		['Production.EU', true],
		['product-analytics', false],
		['prodigy', false],
		['staging', false],
	])('%s → %s', (name, production) => {
		expect(namesProduction(name)).toBe(production);
	});
});

describe('contexts from the AWS files and the config file', () => {
	test('every profile of both AWS files is a context, with its region, endpoint and login', async () => {
		const contexts = await loadContexts(home({config: AWS_CONFIG, credentials: CREDENTIALS}));
		expect(contexts.list.map((context) => context.name)).toEqual([
			'acme-production',
			'ci',
			'default',
			'prod',
			'product-analytics',
			'staging',
		]);
		expect(findContext(contexts, 'staging')).toMatchObject({
			backend: {
				kind: 'aws',
				profile: 'staging',
				region: 'eu-west-2',
				endpoint: 'http://127.0.0.1:4567',
			},
			production: false,
			readOnly: false,
			sources: ['aws-config'],
		});
		expect(findContext(contexts, 'default')?.sources).toEqual(['aws-config', 'aws-credentials']);
		expect(findContext(contexts, 'ci')?.sources).toEqual(['aws-credentials']);
		expect(findContext(contexts, 'prod')).toMatchObject({
			production: true,
			readOnly: true,
			color: 'red',
			login: {kind: 'sso', command: 'aws sso login --profile prod'},
		});
		expect(findContext(contexts, 'acme-production')).toMatchObject({
			production: true,
			login: {kind: 'assume-role', mfa: true},
		});
		expect(findContext(contexts, 'product-analytics')).toMatchObject({
			production: false,
			login: {kind: 'credential-process'},
		});
	});

	test('the config file adds settings to a profile, and defines contexts of its own', async () => {
		const contexts = await loadContexts(
			home({
				config: AWS_CONFIG,
				credentials: CREDENTIALS,
				kinesisTop: {
					defaultContext: 'lab',
					contexts: {
						prod: {label: 'PROD EU', alertIteratorAge: '90s', readOnly: false},
						staging: {production: true, region: 'eu-central-1'},
						lab: {inMemory: true, color: 'green', screen: 'firehose'},
						mock: {endpoint: 'http://127.0.0.1:9000', profile: 'ci'},
						'ops-prod': {profile: 'default'},
					},
				},
			}),
		);
		expect(contexts.defaultContext).toBe('lab');
		expect(findContext(contexts, 'prod')).toMatchObject({
			backend: {kind: 'aws', profile: 'prod', region: 'eu-west-1'},
			label: 'PROD EU',
			alertIteratorAgeMs: 90_000,
			production: true,
			readOnly: false,
			sources: ['aws-config', 'config-file'],
		});
		expect(findContext(contexts, 'staging')).toMatchObject({
			backend: {kind: 'aws', region: 'eu-central-1'},
			production: true,
			readOnly: true,
			color: 'red',
		});
		expect(findContext(contexts, 'lab')).toMatchObject({
			backend: {kind: 'local', inMemory: true},
			color: 'green',
			screen: 'firehose',
			sources: ['config-file'],
		});
		expect(findContext(contexts, 'mock')?.backend).toEqual({
			kind: 'endpoint',
			url: 'http://127.0.0.1:9000',
			profile: 'ci',
			region: undefined,
		});
		// Production by the context's own name, whatever the profile is called.
		expect(findContext(contexts, 'ops-prod')).toMatchObject({production: true, readOnly: true});
	});

	test.each([
		['not JSON', '{"contexts": ', /is not JSON/],
		[
			'an unknown setting',
			{contexts: {a: {inMemory: true, colour: 'red'}}},
			/contexts\.a\.colour is not a setting/,
		],
		[
			'a colour it cannot draw',
			{contexts: {a: {inMemory: true, color: 'pink'}}},
			/contexts\.a\.color must be one of red, green/,
		],
		[
			'an endpoint that is not a URL',
			{contexts: {a: {endpoint: 'localhost:4567'}}},
			/contexts\.a\.endpoint is not valid/,
		],
		[
			'two backends',
			{contexts: {a: {endpoint: 'http://x', local: true}}},
			/names both the bundled engine and an endpoint/,
		],
		['no backend', {contexts: {a: {label: 'A'}}}, /contexts\.a names no backend/],
		[
			'a missing profile',
			{contexts: {a: {profile: 'nope'}}},
			/names the AWS profile "nope", which is not in/,
		],
		[
			'a default that is nowhere',
			{defaultContext: 'nope', contexts: {}},
			/defaultContext names "nope"/,
		],
		[
			'an age that does not parse',
			{contexts: {a: {inMemory: true, alertIteratorAge: '0s'}}},
			/alertIteratorAge must be an age/,
		],
	])('a config file with %s is refused, naming the file', async (_what, kinesisTop, message) => {
		const environment = home({config: AWS_CONFIG, kinesisTop});
		const loading = loadContexts(environment);
		await expect(loading).rejects.toThrow(message);
		await expect(loading).rejects.toThrow(configFilePath(environment));
	});

	test('the schema that --schema prints is the one the file is checked against', () => {
		const example = {
			$schema: './config.schema.json',
			defaultContext: 'lab',
			contexts: {lab: {inMemory: true}, prod: {production: true, label: 'PROD', color: 'red'}},
		};
		expect(schemaProblem(example, CONFIG_SCHEMA, '')).toBeUndefined();
		expect(schemaProblem({contexts: {lab: {inMemory: 'yes'}}}, CONFIG_SCHEMA, '')).toBe(
			'contexts.lab.inMemory must be true or false',
		);
		expect(schemaProblem({contexts: []}, CONFIG_SCHEMA, '')).toBe('contexts must be an object');
		expect(JSON.parse(JSON.stringify(CONFIG_SCHEMA))).toEqual(CONFIG_SCHEMA);
	});
});

describe('which context a run opens', () => {
	const environment = () =>
		home({
			config: AWS_CONFIG,
			credentials: CREDENTIALS,
			kinesisTop: {contexts: {lab: {inMemory: true}, staging: {endpoint: 'http://127.0.0.1:9999'}}},
		});

	test('--context NAME opens it, with --region and --read-only from the flags on top', async () => {
		const chosen = await chooseBackend(
			{context: 'lab', backend: {readOnly: true, enforceLimits: false}},
			environment(),
		);
		expect(chosen.context?.name).toBe('lab');
		expect(chosen.backend).toMatchObject({
			local: true,
			inMemory: true,
			readOnly: true,
			enforceLimits: false,
		});
		const prod = await chooseBackend(
			{context: 'prod', backend: {region: 'us-east-2'}},
			environment(),
		);
		expect(prod.backend).toMatchObject({
			local: false,
			profile: 'prod',
			region: 'us-east-2',
			readOnly: true,
		});
	});

	test('a production context is read-only unless --read-write', async () => {
		const writable = await chooseBackend(
			{context: 'prod', readWrite: true, backend: {}},
			environment(),
		);
		expect(writable.backend.readOnly).toBe(false);
	});

	test('--profile prod opens read-only as --context prod does; an unknown profile is plain AWS', async () => {
		const byProfile = await chooseBackend({backend: {profile: 'prod'}}, environment());
		expect(byProfile.context?.name).toBe('prod');
		expect(byProfile.backend.readOnly).toBe(true);
		const byEnvironment = await chooseBackend(
			{backend: {}},
			{...environment(), AWS_PROFILE: 'acme-production'},
		);
		expect(byEnvironment.backend).toMatchObject({profile: 'acme-production', readOnly: true});
		const unknown = await chooseBackend({backend: {profile: 'elsewhere'}}, environment());
		expect(unknown).toEqual({backend: {profile: 'elsewhere', readOnly: false}});
	});

	test('--profile staging means the AWS profile, not the endpoint context of that name', async () => {
		const chosen = await chooseBackend({backend: {profile: 'staging'}}, environment());
		expect(chosen.context).toBeUndefined();
		expect(chosen.backend.endpoint).toBeUndefined();
	});

	test('--local and --endpoint name their backend: no context, and no file is read', async () => {
		const broken = home({kinesisTop: '{broken'});
		const local = await chooseBackend({backend: {local: true, inMemory: true}}, broken);
		expect(local).toEqual({backend: {local: true, inMemory: true}});
		await expect(chooseBackend({backend: {}}, broken)).rejects.toThrow(/is not JSON/);
	});

	test('an unknown --context says which ones there are', async () => {
		await expect(chooseBackend({context: 'nope', backend: {}}, environment())).rejects.toThrow(
			'no context named "nope" (known: acme-production, ci, default, lab, prod, product-analytics, staging; kinesis-top contexts lists them)',
		);
	});

	test("the config's defaultContext is opened when no flag names a backend", async () => {
		const withDefault = home({
			config: AWS_CONFIG,
			kinesisTop: {defaultContext: 'lab', contexts: {lab: {inMemory: true}}},
		});
		const chosen = await chooseBackend({backend: {}}, withDefault);
		expect(chosen.context?.name).toBe('lab');
		expect(chosen.backend.local).toBe(true);
	});
});

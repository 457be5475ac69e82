/**
 * The SDK's standard endpoint settings work like `--endpoint`: AWS_ENDPOINT_URL, the per-service
 * variables, and a profile's `endpoint_url` or `services` section in the AWS config file — read with the
 * SDK's own config loader, and used end to end against kinesalite.
 */
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {configuredEndpoints} from '../../source/driver/configured-endpoint.js';
import {runRaw, temporaryDirectory} from '../commands/helpers.js';
import {startKinesalite, type Emulator} from '../helpers/emulators.js';

function configFile(text: string) {
	const path = join(temporaryDirectory(), 'config');
	writeFileSync(path, text);
	return path;
}

const NO_CREDENTIALS_FILE = '/nonexistent/kinesis-top-credentials';

describe('configured endpoints', () => {
	test('the flag wins, then the service variable, then AWS_ENDPOINT_URL', async () => {
		const environment = {
			AWS_ENDPOINT_URL: 'http://all.example:1',
			AWS_ENDPOINT_URL_KINESIS: 'http://kinesis.example:2',
			AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamodb.example:5',
			AWS_CONFIG_FILE: configFile('[default]\nendpoint_url = http://profile.example:3\n'),
			AWS_SHARED_CREDENTIALS_FILE: NO_CREDENTIALS_FILE,
		};
		expect(await configuredEndpoints({}, environment)).toEqual({
			kinesis: 'http://kinesis.example:2',
			firehose: 'http://all.example:1',
			cloudwatch: 'http://all.example:1',
			dynamodb: 'http://dynamodb.example:5',
			lambda: 'http://all.example:1',
		});
		expect(await configuredEndpoints({endpoint: 'http://flag.example:4'}, environment)).toEqual({
			kinesis: 'http://flag.example:4',
			firehose: 'http://flag.example:4',
			cloudwatch: 'http://flag.example:4',
			dynamodb: 'http://flag.example:4',
			lambda: 'http://flag.example:4',
		});
	});

	test("the profile's services section, then its endpoint_url; the named profile, not the default", async () => {
		const path = configFile(
			[
				'[default]',
				'endpoint_url = http://default.example:1',
				'[profile staging]',
				'endpoint_url = http://staging.example:2',
				'services = local-kinesis',
				'[services local-kinesis]',
				'kinesis =',
				'  endpoint_url = http://kinesis.staging.example:3',
				'',
			].join('\n'),
		);
		const environment = {AWS_CONFIG_FILE: path, AWS_SHARED_CREDENTIALS_FILE: NO_CREDENTIALS_FILE};
		expect(await configuredEndpoints({profile: 'staging'}, environment)).toEqual({
			kinesis: 'http://kinesis.staging.example:3',
			firehose: 'http://staging.example:2',
			cloudwatch: 'http://staging.example:2',
			dynamodb: 'http://staging.example:2',
			lambda: 'http://staging.example:2',
		});
		expect(await configuredEndpoints({}, {...environment, AWS_PROFILE: 'staging'})).toMatchObject({
			kinesis: 'http://kinesis.staging.example:3',
		});
		expect(await configuredEndpoints({}, environment)).toMatchObject({
			kinesis: 'http://default.example:1',
		});
	});

	test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and ignore_configured_endpoint_urls turn them off', async () => {
		const path = configFile(
			'[default]\nendpoint_url = http://default.example:1\n[profile quiet]\nendpoint_url = http://q.example:2\nignore_configured_endpoint_urls = true\n',
		);
		const environment = {
			AWS_CONFIG_FILE: path,
			AWS_SHARED_CREDENTIALS_FILE: NO_CREDENTIALS_FILE,
			AWS_ENDPOINT_URL: 'http://all.example:1',
		};
		expect(
			await configuredEndpoints({}, {...environment, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true'}),
		).toEqual({});
		const {AWS_ENDPOINT_URL: _, ...withoutVariable} = environment;
		expect(await configuredEndpoints({profile: 'quiet'}, withoutVariable)).toEqual({});
	});

	describe('end to end, against kinesalite', () => {
		let kinesalite: Emulator;
		beforeAll(async () => {
			kinesalite = await startKinesalite();
		});
		afterAll(async () => kinesalite?.stop());

		test("a profile's endpoint_url and AWS_ENDPOINT_URL_KINESIS each reach it without --endpoint", async () => {
			const base = {AWS_SHARED_CREDENTIALS_FILE: NO_CREDENTIALS_FILE, AWS_REGION: 'us-east-1'};
			const byProfile = {
				...base,
				AWS_CONFIG_FILE: configFile(`[profile local]\nendpoint_url = ${kinesalite.endpoint}\n`),
			};
			const created = await runRaw(
				['--profile', 'local', 'create', 'configured', '--shards', '1'],
				{
					io: {environment: byProfile},
				},
			);
			expect(created).toMatchObject({status: 0, stderr: ''});

			const byVariable = {
				...base,
				AWS_CONFIG_FILE: configFile('[default]\n'),
				AWS_ENDPOINT_URL_KINESIS: kinesalite.endpoint,
			};
			const listed = await runRaw(['streams'], {io: {environment: byVariable}});
			expect(listed).toMatchObject({status: 0, stderr: ''});
			expect(listed.stdout).toMatch(/^configured\s+ACTIVE/m);
		});
	});
});

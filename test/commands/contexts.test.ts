/**
 * Contexts from the outside: the built binary in a HOME of its own, whose AWS config points two profiles
 * (through `endpoint_url`) at two servers with different streams, marks one production, and has an SSO
 * profile whose token cache has expired.
 */
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {ensureBuilt, root} from '../helpers/build.js';

const run = promisify(execFile);

type Served = {engine: KinesisEngine; server: KinesisServer; url: string};
const served: Served[] = [];
let home: string;
let environment: NodeJS.ProcessEnv;

async function serveWith(streams: string[]): Promise<Served> {
	const engine = new KinesisEngine({enforceLimits: false, createDelayMs: 0});
	for (const name of streams) engine.createStream({StreamName: name, ShardCount: 1});
	const server = new KinesisServer({engine, port: 0});
	const url = await server.start();
	const entry = {engine, server, url};
	served.push(entry);
	return entry;
}

beforeAll(async () => {
	const [, alpha, beta] = await Promise.all([
		ensureBuilt(),
		serveWith(['alpha-orders', 'alpha-clicks']),
		serveWith(['beta-logs']),
	]);
	home = mkdtempSync(path.join(tmpdir(), 'kinesis-top-contexts-home-'));
	mkdirSync(path.join(home, '.aws', 'sso', 'cache'), {recursive: true});
	writeFileSync(
		path.join(home, '.aws', 'config'),
		`[profile alpha]
region = eu-west-1
endpoint_url = ${alpha.url}

[profile beta]
region = us-west-2
endpoint_url = ${beta.url}

[profile ops-prod]
region = eu-west-1
endpoint_url = ${alpha.url}

[profile sso-dev]
region = eu-west-1
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`,
	);
	writeFileSync(
		path.join(home, '.aws', 'credentials'),
		'[alpha]\naws_access_key_id = AKIDALPHA\naws_secret_access_key = secret\n',
	);
	// The SSO token cache as `aws sso login` leaves it, expired an hour ago.
	writeFileSync(
		path.join(
			home,
			'.aws',
			'sso',
			'cache',
			`${createHash('sha1').update('corp').digest('hex')}.json`,
		),
		JSON.stringify({
			startUrl: 'https://corp.awsapps.com/start',
			region: 'eu-west-1',
			accessToken: 'expired-token',
			expiresAt: new Date(Date.now() - 3_600_000).toISOString(),
		}),
	);
	mkdirSync(path.join(home, '.config', 'kinesis-top'), {recursive: true});
	writeFileSync(
		path.join(home, '.config', 'kinesis-top', 'config.json'),
		JSON.stringify({contexts: {lab: {inMemory: true, label: 'LAB', color: 'green'}}}),
	);
	// Only what the test gives: no AWS_* or XDG_* of the machine running it.
	environment = {PATH: process.env.PATH, HOME: home, NO_COLOR: '1'};
}, 120_000);

afterAll(async () => {
	for (const {server, engine} of served) {
		await server.stop();
		await engine.close();
	}

	rmSync(home, {recursive: true, force: true});
});

async function cli(...argv: string[]) {
	try {
		const {stdout, stderr} = await run(process.execPath, ['bin/kinesis-top.js', ...argv], {
			cwd: root,
			env: environment,
		});
		return {status: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code: number; stdout: string; stderr: string};
		return {status: failed.code, stdout: failed.stdout, stderr: failed.stderr};
	}
}

describe('contexts, headless', () => {
	test('contexts lists every profile and the config file’s own, in JSON too', async () => {
		const {status, stdout} = await cli('contexts', '--json');
		expect(status).toBe(0);
		const contexts = JSON.parse(stdout) as Array<Record<string, unknown>>;
		expect(contexts.map((context) => context.name)).toEqual([
			'alpha',
			'beta',
			'lab',
			'ops-prod',
			'sso-dev',
		]);
		expect(contexts.find((context) => context.name === 'ops-prod')).toMatchObject({
			backend: 'aws',
			endpoint: served[0].url,
			production: true,
			readOnly: true,
			color: 'red',
		});
		expect(contexts.find((context) => context.name === 'sso-dev')).toMatchObject({
			login: {kind: 'sso', command: 'aws sso login --profile sso-dev'},
		});
		const table = await cli('contexts');
		expect(table.stdout).toMatch(
			/^\s+ops-prod\s+http:\/\/127\.0\.0\.1:\d+\s+eu-west-1\s+read-only, production\s+aws-config$/m,
		);
	});

	test('each context reaches its own endpoint', async () => {
		const alpha = await cli('--context', 'alpha', 'streams', '--json');
		const beta = await cli('--context', 'beta', 'streams', '--json');
		const names = (text: string) =>
			(JSON.parse(text) as Array<{StreamName: string}>).map((each) => each.StreamName);
		expect(names(alpha.stdout)).toEqual(['alpha-clicks', 'alpha-orders']);
		expect(names(beta.stdout)).toEqual(['beta-logs']);
	});

	test('a production context is read-only, through --profile too, unless --read-write', async () => {
		for (const argv of [
			['--context', 'ops-prod'],
			['--profile', 'ops-prod'],
		]) {
			const refused = await cli(...argv, 'create', 'from-prod', '--shards', '1');
			expect(refused.status).toBe(1);
			expect(refused.stderr).toMatch(
				/^error: AccessDeniedException: kinesis-top is in read-only mode: createStream/,
			);
		}

		expect(served[0].engine.listStreams()).not.toContain('from-prod');
		const allowed = await cli(
			'--context',
			'ops-prod',
			'--read-write',
			'create',
			'from-prod',
			'--shards',
			'1',
		);
		expect(allowed.status).toBe(0);
		expect(served[0].engine.listStreams()).toContain('from-prod');
	});

	test('an expired SSO session says which command to run', async () => {
		const {status, stderr} = await cli('--context', 'sso-dev', '--retry-for', '0', 'streams');
		expect(status).toBe(1);
		expect(stderr).toBe(
			'error: LoginRequired: the SSO session of profile sso-dev has expired or was never started: run aws sso login --profile sso-dev\n',
		);
	});

	test('--context with a flag that names another backend is a usage error', async () => {
		const {status, stderr} = await cli(
			'--context',
			'alpha',
			'--endpoint',
			served[1].url,
			'streams',
		);
		expect(status).toBe(2);
		expect(stderr).toMatch(/^error: --context names the backend: drop --endpoint\n/);
	});
});

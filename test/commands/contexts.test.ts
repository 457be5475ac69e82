/**
 * Contexts from the outside: the built binary in a HOME of its own, whose AWS config points two profiles
 * (through `endpoint_url`) at two servers with different streams, marks one production, and has an SSO
 * profile whose token cache has expired.
 */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ensureBuilt, root} from '../helpers/build.js';
import {
	contextHome,
	serveStreams,
	stopServed,
	type ContextHome,
	type ServedEngine,
} from '../helpers/context-home.js';

const run = promisify(execFile);

const served: ServedEngine[] = [];
let home: ContextHome;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
	const [, alpha, beta] = await Promise.all([
		ensureBuilt(),
		serveStreams(['alpha-orders', 'alpha-clicks']),
		serveStreams(['beta-logs']),
	]);
	served.push(alpha, beta);
	home = contextHome(alpha.url, beta.url);
	environment = home.environment;
}, 120_000);

afterAll(async () => {
	for (const each of served) await stopServed(each);
	home.remove();
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
			'error: LoginRequired: run aws sso login --profile sso-dev: its SSO session has expired or was never started\n',
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

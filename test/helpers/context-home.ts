/**
 * A HOME of its own for the contexts tests: an AWS config whose profiles point (through `endpoint_url`)
 * at two servers with different streams, a production profile, an SSO profile whose token cache expired
 * an hour ago, and kinesis-top's config file with a local context. Only what it sets is in `environment`:
 * nothing of the machine running the test leaks in.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';

export type ServedEngine = {
	engine: KinesisEngine;
	server: KinesisServer;
	url: string;
	/** How many engine calls the server has made: every API request it answered makes at least one. */
	calls(): number;
};

/** An in-memory engine with `streams` (one shard each) behind a server on a free port. */
export async function serveStreams(streams: readonly string[]): Promise<ServedEngine> {
	const engine = new KinesisEngine({enforceLimits: false, createDelayMs: 0});
	for (const name of streams) engine.createStream({StreamName: name, ShardCount: 1});
	let calls = 0;
	// The server sees the engine through a proxy that counts its method calls.
	const counted = new Proxy(engine, {
		get(target, property, receiver) {
			const value: unknown = Reflect.get(target, property, receiver);
			if (typeof value !== 'function') return value;
			return (...args: unknown[]) => {
				calls++;
				return (value as (...args: unknown[]) => unknown).apply(target, args);
			};
		},
	});
	const server = new KinesisServer({engine: counted, port: 0});
	return {engine, server, url: await server.start(), calls: () => calls};
}

export async function stopServed(served: ServedEngine) {
	await served.server.stop();
	await served.engine.close();
}

export type ContextHome = {home: string; environment: NodeJS.ProcessEnv; remove(): void};

export function contextHome(alphaUrl: string, betaUrl: string): ContextHome {
	const home = mkdtempSync(path.join(tmpdir(), 'kinesis-top-contexts-home-'));
	mkdirSync(path.join(home, '.aws', 'sso', 'cache'), {recursive: true});
	writeFileSync(
		path.join(home, '.aws', 'config'),
		`[profile alpha]
region = eu-west-1
endpoint_url = ${alphaUrl}

[profile beta]
region = us-west-2
endpoint_url = ${betaUrl}

[profile ops-prod]
region = eu-west-1
endpoint_url = ${alphaUrl}

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
	// The SSO token cache as `aws sso login` leaves it (named by the session's SHA-1), expired.
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
	return {
		home,
		environment: {
			PATH: process.env.PATH,
			HOME: home,
			AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
			AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
			NO_COLOR: '1',
		},
		remove: () => rmSync(home, {recursive: true, force: true}),
	};
}

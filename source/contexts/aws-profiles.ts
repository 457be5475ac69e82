/**
 * Every profile of the AWS config and credentials files (`~/.aws/config`, `~/.aws/credentials`, or
 * `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`), read by the SDK's own parser so that kinesis-top
 * sees the same profiles the SDK will use: SSO, `credential_process` and role profiles included, each
 * with its region and `endpoint_url`.
 */
import {loadSharedConfigFiles} from '@smithy/core/config';
import type {Login} from './context.js';

export type AwsProfile = {
	name: string;
	region?: string;
	endpoint?: string;
	login?: Login;
	inConfig: boolean;
	inCredentials: boolean;
};

/** Sections of the config file that are not profiles (the SDK's parser names them `kind.name`). */
const NOT_PROFILES = /^(?:sso-session|services)\./;

export async function readAwsProfiles(environment: NodeJS.ProcessEnv): Promise<AwsProfile[]> {
	const {configFile, credentialsFile} = await loadSharedConfigFiles({
		configFilepath: environment.AWS_CONFIG_FILE,
		filepath: environment.AWS_SHARED_CREDENTIALS_FILE,
		ignoreCache: true,
	});
	const names = new Set(
		[...Object.keys(configFile), ...Object.keys(credentialsFile)].filter(
			(name) => !NOT_PROFILES.test(name),
		),
	);
	return [...names].sort().map((name) => {
		const settings = {...credentialsFile[name], ...configFile[name]};
		return {
			name,
			region: settings.region,
			endpoint: settings.endpoint_url,
			login: loginOf(name, settings),
			inConfig: Object.hasOwn(configFile, name),
			inCredentials: Object.hasOwn(credentialsFile, name),
		};
	});
}

function loginOf(name: string, settings: Record<string, string | undefined>): Login | undefined {
	if (settings.sso_session || settings.sso_start_url) {
		return {kind: 'sso', command: `aws sso login --profile ${name}`};
	}

	if (settings.credential_process) return {kind: 'credential-process'};
	if (settings.role_arn) return {kind: 'assume-role', mfa: Boolean(settings.mfa_serial)};
	return undefined;
}

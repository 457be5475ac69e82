/**
 * The endpoint each service's client talks to, found as the AWS SDKs and CLI find it ("service-specific
 * endpoints"): `--endpoint`, then `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the
 * profile's `services` section, then its `endpoint_url`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`
 * (or the profile's `ignore_configured_endpoint_urls`) is true.
 *
 * The SDK resolves the same settings itself, but only for the profile in AWS_PROFILE (not `--profile`)
 * and only on the first call: the driver needs the answer up front, to show it in the header and to
 * know the endpoint is local (no credentials needed) or not AWS (its HTTP version to be detected).
 */
import {loadSharedConfigFiles} from '@smithy/core/config';

export type Service = 'kinesis' | 'firehose' | 'cloudwatch' | 'dynamodb' | 'lambda';
export type ServiceEndpoints = Partial<Record<Service, string>>;

export const SERVICES: readonly Service[] = [
	'kinesis',
	'firehose',
	'cloudwatch',
	// Where KCL applications keep their leases and Lambda's event-source mappings (issue 17).
	'dynamodb',
	'lambda',
];

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/** Every service's endpoint from the flag and the environment alone (no files read). */
export function endpointsFromEnvironment(
	endpoint: string | undefined,
	environment: NodeJS.ProcessEnv,
): ServiceEndpoints {
	const endpoints: ServiceEndpoints = {};
	for (const service of SERVICES) {
		const found =
			endpoint ??
			(isTrue(environment.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
				? undefined
				: (environment[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ??
					environment.AWS_ENDPOINT_URL));
		if (found) endpoints[service] = found;
	}

	return endpoints;
}

/** Every service's endpoint from the flag, the environment and the shared config file's profile. */
export async function configuredEndpoints(
	options: {endpoint?: string; profile?: string},
	environment: NodeJS.ProcessEnv,
): Promise<ServiceEndpoints> {
	const endpoints = endpointsFromEnvironment(options.endpoint, environment);
	if (options.endpoint || isTrue(environment.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return endpoints;
	if (SERVICES.every((service) => endpoints[service])) return endpoints;

	const {configFile} = await loadSharedConfigFiles({
		configFilepath: environment.AWS_CONFIG_FILE,
		filepath: environment.AWS_SHARED_CREDENTIALS_FILE,
		ignoreCache: true,
	});
	const profileName = options.profile ?? environment.AWS_PROFILE ?? 'default';
	const profile = configFile[profileName];
	if (!profile || isTrue(profile.ignore_configured_endpoint_urls)) return endpoints;
	// Sub-properties (`kinesis =\n  endpoint_url = …`) are flattened by the SDK's parser with a '.'.
	const services = profile.services ? configFile[`services.${profile.services}`] : undefined;
	for (const service of SERVICES) {
		endpoints[service] ??= services?.[`${service}.endpoint_url`] ?? profile.endpoint_url;
	}

	return endpoints;
}

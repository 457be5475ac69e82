/**
 * Picks and opens the backend the flags name — shared by the headless commands and the console:
 * `--local` (the bundled engine in this process), `--endpoint URL` (any Kinesis-compatible endpoint),
 * or by default real AWS. `--read-only` wraps whichever it is so no call can change anything.
 */
import {defaultDataDirectory} from '../engine/log/data-directory.js';
import type {Driver} from './driver.js';
import {LocalDriver} from './local-driver.js';
import {readOnly} from './read-only-driver.js';

export type BackendOptions = {
	/** The bundled engine, in this process. */
	local?: boolean;
	/** The local engine's data directory (default: {@link defaultDataDirectory}). */
	dataDirectory?: string;
	/** The local engine keeps nothing on disk. */
	inMemory?: boolean;
	/** The local engine enforces Kinesis's per-shard throughput limits (default true). */
	enforceLimits?: boolean;
	/** A Kinesis-compatible endpoint (LocalStack, `kinesis-top serve`, …). */
	endpoint?: string;
	region?: string;
	profile?: string;
	readOnly?: boolean;
};

/**
 * Opens the driver `options` describe. The local engine takes its data directory's lock here (a
 * DataDirectoryInUseError when another process holds it); `driver.close()` releases it.
 */
export async function openDriver(
	options: BackendOptions,
	environment: NodeJS.ProcessEnv = process.env,
): Promise<Driver> {
	const driver = options.local ? openLocal(options, environment) : await openRemote(options);
	return options.readOnly ? readOnly(driver) : driver;
}

function openLocal(options: BackendOptions, environment: NodeJS.ProcessEnv): Driver {
	return LocalDriver.open({
		dataDirectory: options.inMemory
			? undefined
			: (options.dataDirectory ?? defaultDataDirectory(environment)),
		enforceLimits: options.enforceLimits ?? true,
		region: options.region,
	});
}

/** AWS, or the endpoint named; the SDK is loaded only when a remote backend is used. */
async function openRemote(options: BackendOptions): Promise<Driver> {
	const {AwsDriver} = await import('./aws-driver.js');
	const driver = new AwsDriver({
		region: options.region,
		profile: options.profile,
		endpoint: options.endpoint,
	});
	await driver.resolveRegion().catch(() => undefined);
	return driver;
}

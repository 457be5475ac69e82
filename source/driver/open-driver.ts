/**
 * Picks and opens the backend the flags name — shared by the headless commands and the console:
 * `--local` (the bundled engine in this process), `--endpoint URL` (any Kinesis-compatible endpoint),
 * or by default real AWS. `--read-only` wraps whichever it is so no call can change anything.
 *
 * One engine, many processes: a data directory has one owner process at a time. When the owner serves
 * it (`kinesis-top serve`, or the console with `--local`, which serves it on loopback), the endpoint is
 * recorded in the directory's owner.json, and any other `--local` invocation on that directory talks to
 * the owner through the AWS driver instead of failing with DataDirectoryInUseError.
 */
import {
	DataDirectoryInUseError,
	defaultDataDirectory,
	readOwner,
	type Owner,
} from '../engine/log/data-directory.js';
import {configuredEndpoints} from './configured-endpoint.js';
import type {Driver} from './driver.js';
import type {HttpVersionChoice} from './http-handler.js';
import {LocalBackend} from '../engine/local-backend.js';
import {LocalDynamoDb} from './local-dynamodb.js';
import {LocalDriver, type ConsumerSources} from './local-driver.js';
import {readOnly} from './read-only-driver.js';

export type BackendOptions = {
	/** The bundled engine, in this process. */
	local?: boolean;
	/** The local engine's data directory (default: {@link defaultDataDirectory}). */
	dataDirectory?: string;
	/** The local engine keeps nothing on disk. */
	inMemory?: boolean;
	/**
	 * The local engine's memory budget for record data (default 512 MiB): in memory, the oldest records
	 * of the largest streams are trimmed beyond it; with a data directory, it bounds the segment cache.
	 */
	maxMemoryBytes?: number;
	/** The local engine enforces Kinesis's per-shard throughput limits (default true). */
	enforceLimits?: boolean;
	/** A Kinesis-compatible endpoint (LocalStack, `kinesis-top serve`, …). */
	endpoint?: string;
	/** HTTP version to endpoints: detected per endpoint (`auto`), or forced (`--http1`, `--http2`). */
	httpVersion?: HttpVersionChoice;
	region?: string;
	profile?: string;
	readOnly?: boolean;
	/**
	 * Attempts the SDK makes per call (default 3, its own). 1 when the caller retries (driver/retry.ts),
	 * so the retrying is bounded and reported in one place, not also silently below it.
	 */
	maxAttempts?: number;
};

/** How long to wait for an owner that has locked the directory but not yet recorded its endpoint. */
const OWNER_STARTUP_MS = 2000;

/**
 * Opens the driver `options` describe. The local engine takes its data directory's lock here; when
 * another process holds it and serves it, the driver talks to that process instead (a
 * DataDirectoryInUseError only when the owner does not serve it). `driver.close()` releases the lock.
 */
export async function openDriver(
	options: BackendOptions,
	environment: NodeJS.ProcessEnv = process.env,
): Promise<Driver> {
	const driver = options.local
		? await openLocal(options, environment)
		: await openRemote(options, environment);
	return options.readOnly ? readOnly(driver) : driver;
}

async function openLocal(options: BackendOptions, environment: NodeJS.ProcessEnv): Promise<Driver> {
	const dataDirectory = options.inMemory
		? undefined
		: (options.dataDirectory ?? defaultDataDirectory(environment));
	const sources = await consumerSources(options, environment);
	const open = () => {
		const backend = LocalBackend.open({
			dataDirectory,
			enforceLimits: options.enforceLimits ?? true,
			region: options.region,
			memoryBudgetBytes: options.maxMemoryBytes,
		});
		// Only once the directory is ours: its DynamoDB's tables are under it too.
		return new LocalDriver(backend, sources.tables ? sources : withLocalDynamoDb(sources, backend));
	};
	const deadline = Date.now() + OWNER_STARTUP_MS;
	for (;;) {
		let inUse: DataDirectoryInUseError;
		try {
			return open();
		} catch (error) {
			if (!(error instanceof DataDirectoryInUseError) || dataDirectory === undefined) throw error;
			inUse = error;
		}

		// The owner may be starting: it locks the directory first and records its endpoint once listening.
		let owner: Owner | undefined =
			inUse.endpoint && inUse.ownerPid !== undefined
				? {pid: inUse.ownerPid, startedAt: '', endpoint: inUse.endpoint}
				: readOwner(dataDirectory);
		while (owner && !owner.endpoint && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			owner = readOwner(dataDirectory);
		}

		if (owner?.endpoint) return openOwner(dataDirectory, owner, options, environment);
		// The owner went away meanwhile: the directory may be ours now.
		if (owner || Date.now() >= deadline) throw inUse;
	}
}

/**
 * The DynamoDB and Lambda endpoints the local engine lacks, when the environment names them
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_LAMBDA): read through the AWS driver's calls.
 */
async function consumerSources(
	options: BackendOptions,
	environment: NodeJS.ProcessEnv,
): Promise<ConsumerSources> {
	const dynamodb = environment.AWS_ENDPOINT_URL_DYNAMODB;
	const lambda = environment.AWS_ENDPOINT_URL_LAMBDA;
	if (!dynamodb && !lambda) return {};
	const {AwsDriver} = await import('./aws-driver.js');
	const driver = new AwsDriver({
		region: options.region ?? 'us-east-1',
		endpoints: {dynamodb, lambda},
		environment,
		maxAttempts: options.maxAttempts,
	});
	// Only the services named: the other is not read at all, rather than from AWS itself.
	return {
		...(dynamodb ? {tables: driver} : {}),
		...(lambda ? {mappings: driver} : {}),
		close: () => driver.close(),
	};
}

/** The sources, with the local engine's own DynamoDB (opened on first use) for the lease tables. */
function withLocalDynamoDb(sources: ConsumerSources, backend: LocalBackend): ConsumerSources {
	const dynamodb = new LocalDynamoDb({
		dataDirectory: backend.dataDirectory,
		region: backend.kinesis.region,
		accountId: backend.kinesis.accountId,
	});
	return {
		...sources,
		tables: dynamodb,
		localDynamoDb: dynamodb,
		async close() {
			await sources.close?.();
			await dynamodb.close();
		},
	};
}

/**
 * The process that owns `dataDirectory`, through the Kinesis API it serves on loopback. The target still
 * reads as the local backend, at that directory, via the owner's pid.
 */
async function openOwner(
	dataDirectory: string,
	owner: Owner,
	options: BackendOptions,
	environment: NodeJS.ProcessEnv,
): Promise<Driver> {
	const {AwsDriver} = await import('./aws-driver.js');
	const accessKeyId = environment.KINESIS_TOP_ACCESS_KEY_ID;
	const secretAccessKey = environment.KINESIS_TOP_SECRET_ACCESS_KEY;
	const driver = new AwsDriver({
		endpoint: owner.endpoint,
		region: options.region ?? 'us-east-1',
		maxAttempts: options.maxAttempts,
		environment,
		// The owner's key when it verifies signatures (`serve --verify-signatures`), else a placeholder:
		// never the user's AWS credentials, which a local engine has no use for.
		credentials:
			accessKeyId && secretAccessKey
				? {accessKeyId, secretAccessKey}
				: {accessKeyId: 'kinesis-top-local', secretAccessKey: 'kinesis-top-local'},
	});
	Object.assign(driver.target, {
		backend: 'local',
		location: `${dataDirectory} via pid ${owner.pid}`,
	});
	return driver;
}

/**
 * AWS, or the endpoints named by the flag, the environment or the profile; the SDK is loaded only when a
 * remote backend is used.
 */
async function openRemote(
	options: BackendOptions,
	environment: NodeJS.ProcessEnv,
): Promise<Driver> {
	const {AwsDriver} = await import('./aws-driver.js');
	const driver = new AwsDriver({
		region: options.region,
		profile: options.profile,
		endpoint: options.endpoint,
		endpoints: await configuredEndpoints(options, environment),
		httpVersion: options.httpVersion,
		environment,
		maxAttempts: options.maxAttempts,
	});
	await driver.resolveRegion().catch(() => undefined);
	return driver;
}

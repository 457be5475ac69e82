/**
 * `kinesis-top serve`: the bundled engine on the network, speaking the real Kinesis wire protocol
 * (JSON 1.1 and CBOR over HTTP/1.1 and h2c on one port), so any AWS SDK, the AWS CLI, boto3 and the KCL
 * use it unmodified — a maintained replacement for kinesalite. The same port answers DynamoDB too, for
 * the KCL's lease tables (dynalite, embedded: its tables under `<data>/dynamodb/`, or in memory with
 * --in-memory). It binds loopback unless --host says otherwise, records its endpoint in the data
 * directory (so other kinesis-top processes use it instead of failing on the lock), and stops gracefully on SIGINT/SIGTERM: no new connections, in-flight
 * requests answered, then the engine closed after its pending writes — no put is half-written.
 * For tests of clients it can also speak TLS (--tls), create streams at start (--create), inject faults
 * (--faults) and answer `GET /_health`.
 */
import {join} from 'node:path';
import {defaultDataDirectory} from '../engine/log/data-directory.js';
import type {SigningCredentials} from '../server/signature.js';
import {FaultSettingError, parseFaultSettings, type FaultSettings} from '../server/faults.js';
import {tlsFromFiles, type TlsMaterial} from '../server/tls.js';
import {
	parseStartupStream,
	StartupStreamSpecError,
	type StartupStream,
} from '../server/startup-streams.js';
import {parseCount, UsageError, type EngineCommand} from './command.js';
import {flagText, type FlagName, type Flags} from './flags.js';
import {parseSize} from './size.js';

export const SERVE_DEFAULTS = {
	host: '127.0.0.1',
	/** kinesalite's port, so its users' configurations keep working. */
	port: 4567,
	/** CREATING / DELETING / UPDATING last this long: close to AWS's fast path, and 0 is allowed. */
	transitionMs: 500,
} as const;

const SERVE_FLAGS: readonly FlagName[] = [
	'host',
	'port',
	'local',
	'dataDir',
	'inMemory',
	'maxMemory',
	'region',
	'accountId',
	'limits',
	'createMs',
	'deleteMs',
	'updateMs',
	'verifySignatures',
	'accessKeyId',
	'secretAccessKey',
	'tls',
	'cert',
	'key',
	'create',
	'faults',
	'faultsSeed',
];

/** The URL other processes on this machine reach a server at, whichever address it is bound to. */
export function loopbackUrl(url: string) {
	const address = new URL(url);
	if (address.hostname === '0.0.0.0') address.hostname = '127.0.0.1';
	if (address.hostname === '[::]') address.hostname = '[::1]';
	return address.origin;
}

/** The key signatures are checked against: flags first, else KINESIS_TOP_ACCESS_KEY_ID / _SECRET_ACCESS_KEY. */
function signingCredentials(
	flags: Flags,
	environment: NodeJS.ProcessEnv,
): SigningCredentials | undefined {
	const accessKeyId = flags.accessKeyId ?? environment.KINESIS_TOP_ACCESS_KEY_ID;
	const secretAccessKey = flags.secretAccessKey ?? environment.KINESIS_TOP_SECRET_ACCESS_KEY;
	if (!flags.verifySignatures) {
		if (flags.accessKeyId !== undefined || flags.secretAccessKey !== undefined) {
			throw new UsageError('--access-key-id and --secret-access-key are for --verify-signatures');
		}

		return undefined;
	}

	if (!accessKeyId || !secretAccessKey) {
		throw new UsageError(
			'--verify-signatures needs the key to check signatures against: set KINESIS_TOP_ACCESS_KEY_ID ' +
				'and KINESIS_TOP_SECRET_ACCESS_KEY (or --access-key-id and --secret-access-key)',
		);
	}

	return {accessKeyId, secretAccessKey};
}

/** `--tls`, or `--cert FILE --key FILE` (which imply it); without the files the certificate is self-signed. */
function tlsFlags(flags: Flags): {tls: boolean; certificatePath?: string; keyPath?: string} {
	if ((flags.cert === undefined) !== (flags.key === undefined)) {
		throw new UsageError(
			'--cert and --key go together: the certificate and its private key (PEM files)',
		);
	}

	return {
		tls: flags.tls || flags.cert !== undefined,
		certificatePath: flags.cert,
		keyPath: flags.key,
	};
}

function startupStreams(flags: Flags): StartupStream[] {
	try {
		return (flags.create ?? []).map((spec) => parseStartupStream(spec));
	} catch (error) {
		if (error instanceof StartupStreamSpecError) throw new UsageError(error.message);
		throw error;
	}
}

function faultFlags(flags: Flags): {faults: FaultSettings | undefined; seed: number | undefined} {
	try {
		return {
			faults: flags.faults === undefined ? undefined : parseFaultSettings(flags.faults),
			seed:
				flags.faultsSeed === undefined
					? undefined
					: parseCount(flags.faultsSeed, '--faults-seed', 0, 4_294_967_295),
		};
	} catch (error) {
		if (error instanceof FaultSettingError) throw new UsageError(`--faults: ${error.message}`);
		throw error;
	}
}

/** The user's certificate and key, or a usage error saying what is wrong with them. */
function readOwnTls(certificatePath: string, keyPath: string): TlsMaterial {
	try {
		return tlsFromFiles(certificatePath, keyPath);
	} catch (error) {
		throw new UsageError(`--cert/--key: ${(error as Error).message}`);
	}
}

/** Where the certificate is and how clients come to trust it. */
function certificateLine(tls: TlsMaterial, own: boolean) {
	const what = own
		? 'certificate'
		: tls.generated
			? 'self-signed certificate (new)'
			: 'self-signed certificate';
	return (
		`kinesis-top serve: TLS ${what} ${tls.certificatePath}; ` +
		`clients trust it with AWS_CA_BUNDLE=${tls.certificatePath} (AWS CLI, boto3) or NODE_EXTRA_CA_CERTS=${tls.certificatePath} (Node)\n`
	);
}

const delay = (text: string | undefined, flag: FlagName) =>
	text === undefined ? SERVE_DEFAULTS.transitionMs : parseCount(text, flagText(flag), 0, 3_600_000);

export const serveCommand: EngineCommand = {
	kind: 'engine',
	name: 'serve',
	arguments: [],
	flags: SERVE_FLAGS,
	prepare(_input, flags, environment) {
		if (flags.dataDir !== undefined && flags.inMemory) {
			throw new UsageError('--data-dir and --in-memory cannot be used together');
		}

		const host = flags.host ?? SERVE_DEFAULTS.host;
		const port =
			flags.port === undefined ? SERVE_DEFAULTS.port : parseCount(flags.port, '--port', 0, 65_535);
		if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId)) {
			throw new UsageError(`--account-id must be 12 digits, not "${flags.accountId}"`);
		}

		if (flags.region !== undefined && !/^[a-z\d-]+$/.test(flags.region)) {
			throw new UsageError(
				`--region must be a region name such as us-east-1, not "${flags.region}"`,
			);
		}

		const credentials = signingCredentials(flags, environment);
		const secure = tlsFlags(flags);
		const creations = startupStreams(flags);
		const {faults: faultSettings, seed} = faultFlags(flags);
		// The user's own certificate is checked now, before anything starts.
		const ownTls =
			secure.certificatePath && secure.keyPath
				? readOwnTls(secure.certificatePath, secure.keyPath)
				: undefined;
		const engine = {
			dataDirectory: flags.inMemory
				? undefined
				: (flags.dataDir ?? defaultDataDirectory(environment)),
			enforceLimits: flags.limits,
			memoryBudgetBytes:
				flags.maxMemory === undefined ? undefined : parseSize(flags.maxMemory, '--max-memory'),
			region: flags.region,
			accountId: flags.accountId,
			createDelayMs: delay(flags.createMs, 'createMs'),
			deleteDelayMs: delay(flags.deleteMs, 'deleteMs'),
			updateDelayMs: delay(flags.updateMs, 'updateMs'),
		};

		return {
			engine,
			async action({backend, out, io, signal}) {
				// Loaded only here: the other commands start without the wire protocols.
				const {KinesisServer} = await import('../server/server.js');
				const {Faults} = await import('../server/faults.js');
				const {serveEndpoints} = await import('../server/serve-endpoints.js');
				const {createStartupStreams} = await import('../server/startup-streams.js');
				const {EmbeddedDynamoDb, DYNAMODB_DIRECTORY} =
					await import('../server/embedded-dynamodb.js');
				const {certificateNames, selfSignedTls} = await import('../server/tls.js');
				const {tuneGarbageCollectorForServing} = await import('../server/garbage-collector.js');
				tuneGarbageCollectorForServing();
				await createStartupStreams(creations, {
					kinesis: backend.kinesis,
					firehose: backend.firehose,
					say: (line) => io.stderr.write(`kinesis-top serve: ${line}\n`),
					activeWithinMs: engine.createDelayMs + 10_000,
				});
				const tls =
					ownTls ??
					(secure.tls
						? selfSignedTls(
								backend.dataDirectory && join(backend.dataDirectory, 'tls'),
								certificateNames(host),
							)
						: undefined);
				const faults = new Faults(faultSettings, seed);
				// Its tables go through CREATING, DELETING and UPDATING for as long as streams do.
				const dynamodb = EmbeddedDynamoDb.open({
					directory: backend.dataDirectory && join(backend.dataDirectory, DYNAMODB_DIRECTORY),
					createTableMs: engine.createDelayMs,
					deleteTableMs: engine.deleteDelayMs,
					updateTableMs: engine.updateDelayMs,
					region: backend.kinesis.region,
					accountId: backend.kinesis.accountId,
				});
				const server = new KinesisServer({
					engine: backend.kinesis,
					firehose: backend.firehose,
					host,
					port,
					verifySignatures: credentials ? [credentials] : undefined,
					tls,
					dynamodb,
					beforeRouting: serveEndpoints({
						engine: backend.kinesis,
						firehose: backend.firehose,
						faults,
					}),
				});
				let url: string;
				try {
					url = await server.start();
				} catch (error) {
					tls?.dispose();
					await dynamodb.close();
					const code = (error as NodeJS.ErrnoException).code;
					if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
						throw new Error(`cannot listen on ${host} port ${port} (${code})`, {cause: error});
					}

					throw error;
				}

				try {
					// Other kinesis-top processes on this directory need no certificate: the port speaks
					// cleartext too.
					backend.recordEndpoint(loopbackUrl(url).replace(/^https:/, 'http:'));
					const where = backend.dataDirectory ? `data in ${backend.dataDirectory}` : 'in memory';
					const checks = credentials ? ', SigV4 signatures verified' : '';
					const protocols = tls
						? 'HTTPS with h2 and HTTP/1.1, and HTTP/1.1 and h2c in cleartext'
						: 'HTTP/1.1 and h2c';
					await out.write(
						`kinesis-top serve: Kinesis, Firehose, CloudWatch and DynamoDB APIs on ${url} (${protocols}), ${where}${checks}\n`,
					);
					if (tls) await out.write(certificateLine(tls, ownTls !== undefined));
					if (faults.active) {
						await out.write(
							`kinesis-top serve: faults ${JSON.stringify(faults.view().default)}${seed === undefined ? '' : ` (seed ${seed})`}; GET or POST /_faults to see or change them\n`,
						);
					}

					// Said once, when the in-memory engine first trims records to stay within its budget.
					backend.kinesis.onMemoryTrim((notice) => {
						void out.write(`kinesis-top serve: ${notice.message}\n`);
					});
					// A write the disk refused: the request that hit it is answered InternalFailure (500).
					backend.onDiskFailure((message) => {
						void out.write(`kinesis-top serve: disk failure: ${message}\n`);
					});
					if (!signal.aborted) {
						await new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}));
					}
				} finally {
					// In-flight requests are answered first; run() then closes the engine after its writes.
					await server.stop();
					tls?.dispose();
					await dynamodb.close();
				}

				await out.write('kinesis-top serve: stopped\n');
				return 0;
			},
		};
	},
};

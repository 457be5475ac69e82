/**
 * `kinesis-top serve`: the bundled engine on the network, speaking the real Kinesis wire protocol
 * (JSON 1.1 and CBOR over HTTP/1.1 and h2c on one port), so any AWS SDK, the AWS CLI, boto3 and the KCL
 * use it unmodified — a maintained replacement for kinesalite. It binds loopback unless --host says
 * otherwise, records its endpoint in the data directory (so other kinesis-top processes use it instead
 * of failing on the lock), and stops gracefully on SIGINT/SIGTERM: no new connections, in-flight
 * requests answered, then the engine closed after its pending writes — no put is half-written.
 */
import {defaultDataDirectory} from '../engine/log/data-directory.js';
import type {SigningCredentials} from '../server/signature.js';
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
			async action({backend, out, signal}) {
				// Loaded only here: the other commands start without the wire protocols.
				const {KinesisServer} = await import('../server/server.js');
				const server = new KinesisServer({
					engine: backend.kinesis,
					firehose: backend.firehose,
					host,
					port,
					verifySignatures: credentials ? [credentials] : undefined,
				});
				let url: string;
				try {
					url = await server.start();
				} catch (error) {
					const code = (error as NodeJS.ErrnoException).code;
					if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
						throw new Error(`cannot listen on ${host} port ${port} (${code})`, {cause: error});
					}

					throw error;
				}

				try {
					backend.recordEndpoint(loopbackUrl(url));
					const where = backend.dataDirectory ? `data in ${backend.dataDirectory}` : 'in memory';
					const checks = credentials ? ', SigV4 signatures verified' : '';
					await out.write(
						`kinesis-top serve: Kinesis, Firehose and CloudWatch APIs on ${url} (HTTP/1.1 and h2c), ${where}${checks}\n`,
					);
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
				}

				await out.write('kinesis-top serve: stopped\n');
				return 0;
			},
		};
	},
};

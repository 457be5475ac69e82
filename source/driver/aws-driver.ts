/**
 * The Driver over the AWS SDK v3: real AWS, LocalStack, or any Kinesis-compatible endpoint — including
 * our own `kinesis-top serve`, which is how this driver is tested end to end over the real wire protocol.
 *
 * Credentials and target resolve as AWS CLI users expect: the SDK's default provider chain (environment,
 * shared config and credentials files, SSO, IMDS), `--profile`, `--region`, `--endpoint`, and the SDK's
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_KINESIS`. Throttling is retried by the SDK's standard retry
 * strategy (exponential backoff with jitter; ProvisionedThroughputExceededException counts as throttling).
 */
import {
	CreateStreamCommand,
	DeleteStreamCommand,
	DescribeStreamSummaryCommand,
	GetRecordsCommand,
	GetShardIteratorCommand,
	KinesisClient,
	KinesisServiceException,
	ListShardsCommand,
	ListStreamsCommand,
	MergeShardsCommand,
	PutRecordsCommand,
	SplitShardCommand,
	UpdateShardCountCommand,
	type KinesisClientConfig,
} from '@aws-sdk/client-kinesis';
import {defaultProvider} from '@aws-sdk/credential-provider-node';
import {NodeHttpHandler} from '@smithy/node-http-handler';
import {Agent as HttpAgent} from 'node:http';
import {Agent as HttpsAgent} from 'node:https';
import {
	DriverError,
	type CreateStreamOptions,
	type Driver,
	type GetRecordsOutput,
	type IteratorStart,
	type PutRecordsRequestEntry,
	type Shard,
	type StreamDescription,
	type StreamDescriptionSummary,
	type Target,
} from './driver.js';

// The SDK warns on Node 20 that versions published after January 2027 will need Node 22. The lockfile
// pins versions that run on Node 20, so the warning only alarms users; silence it unless they chose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export type AwsDriverOptions = {
	region?: string;
	profile?: string;
	endpoint?: string;
	/** Attempts per call, retries of throttling and transient errors included (default 3, as the SDK). */
	maxAttempts?: number;
	environment?: NodeJS.ProcessEnv;
	/** The SDK's Kinesis client speaks HTTP/2; '1.1' makes it use HTTP/1.1 (keep-alive), as older clients do. */
	httpVersion?: '1.1' | '2';
	/** Static credentials instead of the SDK's provider chain (a `serve --verify-signatures` owner's key). */
	credentials?: {accessKeyId: string; secretAccessKey: string};
};

const isLoopback = (endpoint: string | undefined) =>
	endpoint !== undefined &&
	/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(endpoint);

/** SDK errors cross the contract as DriverErrors carrying the AWS error name as their code. */
function toDriverError(error: unknown): unknown {
	if (error instanceof DriverError) return error;
	if (error instanceof KinesisServiceException) {
		return new DriverError(error.name, error.message, error.$retryable !== undefined);
	}

	if (error instanceof Error && error.name === 'AbortError') return error;
	if (error instanceof Error && error.name === 'CredentialsProviderError') {
		return new DriverError(
			'MissingCredentials',
			`No AWS credentials found (${error.message}). Configure them as for the AWS CLI, or use --local.`,
		);
	}

	// Connection failures come as the error itself or, through the HTTP/2 handler, as its cause.
	for (let cause = error; cause instanceof Error; cause = cause.cause) {
		const code = (cause as {code?: string}).code;
		if (
			code &&
			/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH)$/.test(code)
		) {
			return new DriverError('NetworkingError', `${code}: ${cause.message}`, true);
		}
	}

	return error;
}

export class AwsDriver implements Driver {
	readonly target: Target;
	readonly client: KinesisClient;
	/** The account, learnt from the first stream ARN seen. */
	private account: string | undefined;

	constructor(options: AwsDriverOptions = {}) {
		const environment = options.environment ?? process.env;
		const endpoint =
			options.endpoint ?? environment.AWS_ENDPOINT_URL_KINESIS ?? environment.AWS_ENDPOINT_URL;
		const config: KinesisClientConfig = {maxAttempts: options.maxAttempts ?? 3};
		if (options.region) config.region = options.region;
		if (options.profile) config.profile = options.profile;
		if (options.endpoint) config.endpoint = options.endpoint;
		if (options.httpVersion === '1.1') {
			config.requestHandler = new NodeHttpHandler({
				httpAgent: new HttpAgent({keepAlive: true}),
				httpsAgent: new HttpsAgent({keepAlive: true}),
			});
		}
		// A local endpoint (LocalStack, `kinesis-top serve`) does not check credentials by default: let it
		// work out of the box when the machine has none, as AWS CLI users of LocalStack would expect.
		if (isLoopback(endpoint)) {
			const chain = defaultProvider({profile: options.profile});
			config.credentials = async () => {
				try {
					return await chain();
				} catch {
					return {accessKeyId: 'kinesis-top-local', secretAccessKey: 'kinesis-top-local'};
				}
			};
			config.region ??= environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION ?? 'us-east-1';
		}

		if (options.credentials) config.credentials = options.credentials;

		this.client = new KinesisClient(config);
		this.target = {
			backend: endpoint ? 'endpoint' : 'aws',
			region: options.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION ?? '',
			location: endpoint,
			readOnly: false,
		};
	}

	/** The region the SDK resolved (from flags, environment or config files). */
	async resolveRegion() {
		this.target.region = await this.client.config.region();
		return this.target.region;
	}

	async listStreams(signal?: AbortSignal) {
		const names: string[] = [];
		let NextToken: string | undefined;
		do {
			const page = await this.call(
				(http) =>
					this.client.send(new ListStreamsCommand(NextToken ? {NextToken} : {Limit: 100}), http),
				signal,
			);
			names.push(...(page.StreamNames ?? []));
			NextToken = page.HasMoreStreams ? page.NextToken : undefined;
		} while (NextToken);

		return names;
	}

	async describeStreamSummary(name: string, signal?: AbortSignal) {
		const output = await this.call(
			(http) => this.client.send(new DescribeStreamSummaryCommand({StreamName: name}), http),
			signal,
		);
		const summary = output.StreamDescriptionSummary as StreamDescriptionSummary;
		this.learnAccount(summary.StreamARN);
		return summary;
	}

	async describeStream(name: string, signal?: AbortSignal): Promise<StreamDescription> {
		const summary = await this.describeStreamSummary(name, signal);
		const shards = await this.listShards(name, signal);
		const {OpenShardCount: _open, ConsumerCount: _consumers, ...rest} = summary;
		return {...rest, Shards: shards, HasMoreShards: false};
	}

	async createStream(name: string, options: CreateStreamOptions, signal?: AbortSignal) {
		await this.call(
			(http) =>
				this.client.send(
					new CreateStreamCommand({
						StreamName: name,
						StreamModeDetails: {StreamMode: options.mode},
						...(options.mode === 'PROVISIONED' ? {ShardCount: options.shardCount} : {}),
					}),
					http,
				),
			signal,
		);
	}

	async deleteStream(name: string, signal?: AbortSignal) {
		await this.call(
			(http) => this.client.send(new DeleteStreamCommand({StreamName: name}), http),
			signal,
		);
	}

	async putRecords(name: string, records: PutRecordsRequestEntry[], signal?: AbortSignal) {
		const output = await this.call(
			(http) => this.client.send(new PutRecordsCommand({StreamName: name, Records: records}), http),
			signal,
		);
		return {
			failedRecordCount: output.FailedRecordCount ?? 0,
			records: (output.Records ?? []).map((entry) =>
				entry.ErrorCode
					? {ErrorCode: entry.ErrorCode, ErrorMessage: entry.ErrorMessage ?? ''}
					: {ShardId: entry.ShardId!, SequenceNumber: entry.SequenceNumber!},
			),
		};
	}

	async getShardIterator(name: string, shardId: string, from: IteratorStart, signal?: AbortSignal) {
		const output = await this.call(
			(http) =>
				this.client.send(
					new GetShardIteratorCommand({
						StreamName: name,
						ShardId: shardId,
						ShardIteratorType: from.type,
						StartingSequenceNumber: 'sequenceNumber' in from ? from.sequenceNumber : undefined,
						Timestamp: from.type === 'AT_TIMESTAMP' ? from.timestamp : undefined,
					}),
					http,
				),
			signal,
		);
		return output.ShardIterator!;
	}

	async getRecords(iterator: string, limit?: number, signal?: AbortSignal) {
		const output = await this.call(
			(http) =>
				this.client.send(new GetRecordsCommand({ShardIterator: iterator, Limit: limit}), http),
			signal,
		);
		return {
			Records: (output.Records ?? []).map((record) => ({
				SequenceNumber: record.SequenceNumber!,
				ApproximateArrivalTimestamp: record.ApproximateArrivalTimestamp!,
				Data: record.Data!,
				PartitionKey: record.PartitionKey!,
				...(record.EncryptionType ? {EncryptionType: record.EncryptionType} : {}),
			})),
			NextShardIterator: output.NextShardIterator ?? undefined,
			MillisBehindLatest: output.MillisBehindLatest ?? 0,
			...(output.ChildShards?.length ? {ChildShards: output.ChildShards} : {}),
		} as GetRecordsOutput;
	}

	async splitShard(
		name: string,
		shardId: string,
		newStartingHashKey: string,
		signal?: AbortSignal,
	) {
		await this.call(
			(http) =>
				this.client.send(
					new SplitShardCommand({
						StreamName: name,
						ShardToSplit: shardId,
						NewStartingHashKey: newStartingHashKey,
					}),
					http,
				),
			signal,
		);
	}

	async mergeShards(name: string, shardId: string, adjacentShardId: string, signal?: AbortSignal) {
		await this.call(
			(http) =>
				this.client.send(
					new MergeShardsCommand({
						StreamName: name,
						ShardToMerge: shardId,
						AdjacentShardToMerge: adjacentShardId,
					}),
					http,
				),
			signal,
		);
	}

	async updateShardCount(name: string, targetShardCount: number, signal?: AbortSignal) {
		await this.call(
			(http) =>
				this.client.send(
					new UpdateShardCountCommand({
						StreamName: name,
						TargetShardCount: targetShardCount,
						ScalingType: 'UNIFORM_SCALING',
					}),
					http,
				),
			signal,
		);
	}

	async close() {
		this.client.destroy();
	}

	/** Every shard of the stream, open and closed, through ListShards' pages. */
	private async listShards(name: string, signal?: AbortSignal): Promise<Shard[]> {
		const shards: Shard[] = [];
		let NextToken: string | undefined;
		do {
			const page = await this.call(
				(http) =>
					this.client.send(
						new ListShardsCommand(NextToken ? {NextToken} : {StreamName: name}),
						http,
					),
				signal,
			);
			shards.push(...((page.Shards ?? []) as Shard[]));
			NextToken = page.NextToken;
		} while (NextToken);

		return shards;
	}

	private learnAccount(arn: string | undefined) {
		const account = arn?.split(':')[4];
		if (account && !this.account) {
			this.account = account;
			this.target.account = account;
		}
	}

	private async call<Output>(
		request: (options: {abortSignal?: AbortSignal}) => Promise<Output>,
		signal: AbortSignal | undefined,
	): Promise<Output> {
		try {
			return await request({abortSignal: signal});
		} catch (error) {
			throw toDriverError(error);
		}
	}
}

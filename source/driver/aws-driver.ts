/**
 * The Driver over the AWS SDK v3: real AWS, LocalStack, or any Kinesis-compatible endpoint — including
 * our own `kinesis-top serve`, which is how this driver is tested end to end over the real wire protocol.
 *
 * Credentials and target resolve as AWS CLI users expect: the SDK's default provider chain (environment,
 * shared config and credentials files, SSO, IMDS), `--profile`, `--region`, `--endpoint`, and the SDK's
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_KINESIS`. Throttling is retried by the SDK's standard retry
 * strategy (exponential backoff with jitter; ProvisionedThroughputExceededException counts as throttling).
 *
 * Firehose and CloudWatch (delivery streams, metrics) have clients of their own, created on first use so
 * the Kinesis-only commands never load them, with the Kinesis client's settings: region, profile,
 * credentials, retries, the HTTP/1.1 handler when asked for. `--endpoint` sends all three services to
 * the one URL (`kinesis-top serve` answers them on one port); otherwise the SDK resolves each, honouring
 * `AWS_ENDPOINT_URL_FIREHOSE` / `AWS_ENDPOINT_URL_CLOUDWATCH`. Those two clients keep the SDK's default
 * HTTP/1.1 handler when HTTP/2 is asked for: Firehose and CloudWatch are not served over HTTP/2.
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch';
import type {DynamoDBClient} from '@aws-sdk/client-dynamodb';
import type {LambdaClient} from '@aws-sdk/client-lambda';
import type {FirehoseClient} from '@aws-sdk/client-firehose';
import {
	CreateStreamCommand,
	DeleteStreamCommand,
	DescribeStreamSummaryCommand,
	GetRecordsCommand,
	GetShardIteratorCommand,
	KinesisClient,
	KinesisServiceException,
	ListShardsCommand,
	ListStreamConsumersCommand,
	ListStreamsCommand,
	MergeShardsCommand,
	PutRecordsCommand,
	SplitShardCommand,
	UpdateShardCountCommand,
	type KinesisClientConfig,
} from '@aws-sdk/client-kinesis';
import {defaultProvider} from '@aws-sdk/credential-provider-node';
import {
	endpointsFromEnvironment,
	type Service,
	type ServiceEndpoints,
} from './configured-endpoint.js';
import {
	DriverError,
	type Consumer,
	type CreateStreamOptions,
	type DeliveryStreamDescription,
	type DeliveryStreamDetail,
	type Driver,
	type FirehoseRecord,
	type GetRecordsOutput,
	type IteratorStart,
	type MetricsRequest,
	type PutRecordBatchOutput,
	type PutRecordsRequestEntry,
	type Shard,
	type StreamDescription,
	type StreamDescriptionSummary,
	type Target,
} from './driver.js';
import {
	bufferingHintsOf,
	estimateBuffer,
	estimateRequest,
	hintsOnlyBuffer,
} from './firehose-buffer-estimate.js';
import {EndpointHttpHandler, type ConnectionLog, type HttpVersionChoice} from './http-handler.js';
import {fetchMetricSeries} from './metric-queries.js';
import {loginRequiredError} from './login-required.js';
import {notOfferedError, tagOperations} from './not-offered.js';
import type {ItemUpdate, ScanOptions, TableItem} from './consumer-sources.js';
import {DynamoDbTables} from './dynamodb-tables.js';
import {listEventSourceMappings} from './lambda-mappings.js';

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
	/**
	 * HTTP/2 where the endpoint speaks it, else HTTP/1.1, detected once per endpoint (`auto`, the default);
	 * '1.1' or '2' forces one for all three clients (`--http1`, `--http2`).
	 */
	httpVersion?: HttpVersionChoice;
	/**
	 * Each service's endpoint as {@link configuredEndpoints} found them (profile files included); without
	 * it, `endpoint` and the environment's AWS_ENDPOINT_URL… decide.
	 */
	endpoints?: ServiceEndpoints;
	/** How long one request may go unanswered before it fails with a TimeoutError (default 20 s). */
	attemptTimeoutMs?: number;
	/** Static credentials instead of the SDK's provider chain (a `serve --verify-signatures` owner's key). */
	credentials?: {accessKeyId: string; secretAccessKey: string};
};

/**
 * Kinesis answers in milliseconds; the slowest legitimate answer is a 10 MiB GetRecords page on a slow
 * link. Longer than that, the endpoint is not answering.
 */
const ATTEMPT_TIMEOUT_MS = 20_000;

const isLoopback = (endpoint: string | undefined) =>
	endpoint !== undefined &&
	/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(endpoint);

/** An error the service answered: every SDK client's ServiceException carries `$fault` and `$metadata`. */
const isServiceException = (
	error: unknown,
): error is Error & {$fault: 'client' | 'server'; $retryable?: unknown} =>
	error instanceof KinesisServiceException ||
	(error instanceof Error && '$fault' in error && '$metadata' in error);

/** Errors that mean "not now", whatever the SDK's model says. */
const RETRYABLE_CODES = new Set([
	'ProvisionedThroughputExceededException',
	'KMSThrottlingException',
	'ThrottlingException',
]);

/** SDK errors cross the contract as DriverErrors carrying the AWS error name as their code. */
function toDriverError(error: unknown, profile: string): unknown {
	if (error instanceof DriverError) return error;
	const login = loginRequiredError(error, profile);
	if (login) return login;
	if (isServiceException(error)) {
		// The SDK marks few errors `$retryable` (Kinesis's model flags none of its throttling errors, nor
		// a server fault such as a stopping server's 503), but its retry strategy retries throttling and
		// server faults: callers (the tail, putReliably) must go on retrying them once its attempts are
		// spent, so they are retryable here.
		const retryable =
			error.$retryable !== undefined ||
			error.$fault === 'server' ||
			RETRYABLE_CODES.has(error.name);
		return new DriverError(error.name, error.message, retryable);
	}

	if (error instanceof Error && error.name === 'AbortError') return error;
	if (error instanceof Error && error.name === 'CredentialsProviderError') {
		return new DriverError(
			'MissingCredentials',
			`No AWS credentials found (${error.message}). Configure them as for the AWS CLI, or use --local.`,
		);
	}

	// Connection failures come as the error itself or, through the HTTP/2 handler, as its cause: the
	// socket's own code (ECONNREFUSED, …) says most, then the HTTP/2 stream's, then the handler's words
	// for a connection that went quiet or closed before the answer — all transient, as the SDK counts them.
	const chain: Error[] = [];
	for (let cause = error; cause instanceof Error; cause = cause.cause) chain.push(cause);
	const coded = (pattern: RegExp) =>
		chain.find((cause) => pattern.test((cause as {code?: string}).code ?? ''));
	const network =
		coded(/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH)$/) ??
		coded(
			/^ERR_HTTP2_(ERROR|STREAM_ERROR|SESSION_ERROR|GOAWAY_SESSION|STREAM_CANCEL|INVALID_SESSION)$/,
		);
	if (network) {
		// `connect ECONNREFUSED 127.0.0.1:4567` reads best as `ECONNREFUSED 127.0.0.1:4567`; a message
		// without its code (HTTP/2's `Protocol error`) is prefixed with it.
		const {code = ''} = network as {code?: string};
		const message = network.message.includes(code)
			? network.message.replace(/^(connect|read|write|getaddrinfo) /, '')
			: `${code}: ${network.message}`;
		return new DriverError('NetworkingError', message, true);
	}

	// Garbage where an answer should be: HTTP/1.1's parser refusing it (HPE_…), or an HTTP answer whose
	// body is not the API's. Retryable like HTTP/2's protocol errors above: a proxy or a restarting
	// endpoint can garble one answer, and the caller's retrying is bounded.
	const garbled =
		coded(/^HPE_/) ?? chain.find((cause) => cause.message.includes('Deserialization error'));
	if (garbled) {
		const {code} = garbled as {code?: string};
		const what = code ? `${code}: ${garbled.message}` : garbled.message.split('\n')[0];
		return new DriverError('NetworkingError', `an unreadable answer (${what})`, true);
	}

	const quiet = chain.find(
		(cause) =>
			cause.name === 'TimeoutError' ||
			// The HTTP/2 handler's words for a frame it could not send on a closing connection and for a
			// stream the server reset: a server going away, as a restart does.
			/did not get a response|socket hang up|^Frame type id|abnormally aborted/.test(cause.message),
	);
	if (quiet) return new DriverError('NetworkingError', `${quiet.name}: ${quiet.message}`, true);

	return error;
}

/**
 * The SDK's default logger drops what it is given, yet because it has an `info` method the SDK's logging
 * middleware first copies every answer through the sensitive-data filter: each GetRecords page record by
 * record, a few percent of a busy console's CPU. A logger without `info` spares that (the middleware
 * calls `logger?.info?.(…)`); kinesis-top shows the SDK's errors itself and logs nothing else of it.
 */
const SILENT_LOGGER = {
	debug() {},
	warn() {},
	error() {},
} as unknown as NonNullable<KinesisClientConfig['logger']>;

/** The settings every client of the driver shares, for one service's endpoint. */
function clientConfig(
	options: AwsDriverOptions,
	endpoint: string | undefined,
	service: Service,
	log: ConnectionLog,
): KinesisClientConfig {
	const config: KinesisClientConfig = {
		maxAttempts: options.maxAttempts ?? 3,
		logger: SILENT_LOGGER,
		requestHandler: new EndpointHttpHandler({
			choice: options.httpVersion ?? 'auto',
			customEndpoint: endpoint !== undefined,
			// What AWS serves, as the SDK's own defaults for each client: Kinesis over HTTP/2 (it needs it
			// for SubscribeToShard), Firehose and CloudWatch over HTTP/1.1.
			awsVersion: service === 'kinesis' ? '2' : '1.1',
			log,
		}),
	};
	if (options.region) config.region = options.region;
	if (options.profile) config.profile = options.profile;
	if (endpoint) config.endpoint = endpoint;

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
		const environment = options.environment ?? process.env;
		config.region ??= environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION ?? 'us-east-1';
	}

	if (options.credentials) config.credentials = options.credentials;
	return config;
}

export class AwsDriver implements Driver {
	readonly target: Target;
	readonly client: KinesisClient;
	/** The account, learnt from the first stream ARN seen. */
	private account: string | undefined;
	private firehoseClient: Promise<FirehoseClient> | undefined;
	private cloudWatchClient: Promise<CloudWatchClient> | undefined;
	private dynamoDbClient: Promise<DynamoDBClient> | undefined;
	private lambdaClient: Promise<LambdaClient> | undefined;
	private readonly tables = new DynamoDbTables(
		() => this.dynamoDb(),
		(request, signal) => this.call(request, signal),
	);
	private readonly endpoints: ServiceEndpoints;
	private readonly connections: ConnectionLog = {lostPutAnswers: 0};
	/** The profile whose credentials are used, as the SDK picks it (named in login messages). */
	private readonly profile: string;

	constructor(private readonly options: AwsDriverOptions = {}) {
		const environment = options.environment ?? process.env;
		this.endpoints = options.endpoints ?? endpointsFromEnvironment(options.endpoint, environment);
		this.profile = options.profile ?? environment.AWS_PROFILE ?? 'default';
		const endpoint = this.endpoints.kinesis;
		this.client = new KinesisClient(clientConfig(options, endpoint, 'kinesis', this.connections));
		tagOperations(this.client, endpoint);
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
		// Endpoints older than on-demand streams (kinesalite) leave the mode out: all were provisioned.
		summary.StreamModeDetails ??= {StreamMode: 'PROVISIONED'};
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

	async listStreamConsumers(streamArnOrName: string, signal?: AbortSignal): Promise<Consumer[]> {
		const StreamARN = streamArnOrName.startsWith('arn:')
			? streamArnOrName
			: (await this.describeStreamSummary(streamArnOrName, signal)).StreamARN;
		const consumers: Consumer[] = [];
		let NextToken: string | undefined;
		do {
			const page = await this.call(
				(http) =>
					this.client.send(
						new ListStreamConsumersCommand(NextToken ? {StreamARN, NextToken} : {StreamARN}),
						http,
					),
				signal,
			);
			for (const consumer of page.Consumers ?? []) {
				consumers.push({
					ConsumerName: consumer.ConsumerName!,
					ConsumerARN: consumer.ConsumerARN!,
					ConsumerStatus: consumer.ConsumerStatus as Consumer['ConsumerStatus'],
					ConsumerCreationTimestamp: consumer.ConsumerCreationTimestamp!,
				});
			}

			NextToken = page.NextToken;
		} while (NextToken);

		return consumers;
	}

	async getMetrics(request: MetricsRequest, signal?: AbortSignal) {
		if (request.queries.length === 0) return [];
		const [client, {GetMetricDataCommand}] = await Promise.all([
			this.cloudWatch(),
			import('@aws-sdk/client-cloudwatch'),
		]);
		return fetchMetricSeries(request, (input) =>
			this.call(
				(http) =>
					client.send(
						new GetMetricDataCommand({
							...input,
							StartTime: request.start,
							EndTime: request.end,
							MetricDataQueries: input.MetricDataQueries.map((query) => ({
								...query,
								MetricStat: query.MetricStat && {...query.MetricStat, Unit: undefined},
							})),
						}),
						http,
					),
				signal,
			),
		);
	}

	async listDeliveryStreams(signal?: AbortSignal) {
		const [client, {ListDeliveryStreamsCommand}] = await Promise.all([
			this.firehose(),
			import('@aws-sdk/client-firehose'),
		]);
		const names: string[] = [];
		let more = true;
		while (more) {
			const page = await this.call(
				(http) =>
					client.send(
						new ListDeliveryStreamsCommand({
							Limit: 100,
							ExclusiveStartDeliveryStreamName: names.at(-1),
						}),
						http,
					),
				signal,
			);
			const pageNames = page.DeliveryStreamNames ?? [];
			names.push(...pageNames);
			// A page that says "more" but brings nothing would loop for ever.
			more = Boolean(page.HasMoreDeliveryStreams) && pageNames.length > 0;
		}

		return names;
	}

	/**
	 * The description and, since AWS has no API for buffers, a CloudWatch estimate of the buffer (see
	 * firehose-buffer-estimate.ts). CloudWatch failing (no permission, say) leaves the buffer at the
	 * hints alone rather than failing the describe.
	 */
	async describeDeliveryStream(name: string, signal?: AbortSignal): Promise<DeliveryStreamDetail> {
		const [client, {DescribeDeliveryStreamCommand}] = await Promise.all([
			this.firehose(),
			import('@aws-sdk/client-firehose'),
		]);
		const output = await this.call(
			(http) => client.send(new DescribeDeliveryStreamCommand({DeliveryStreamName: name}), http),
			signal,
		);
		const description = output.DeliveryStreamDescription as unknown as DeliveryStreamDescription;
		const hints = bufferingHintsOf(description);
		const now = new Date();
		let series;
		try {
			series = await this.getMetrics(estimateRequest(name, now), signal);
		} catch (error) {
			// Whatever CloudWatch's failure (no permission, unreachable, throttled), the description stands.
			if (signal?.aborted) throw error;
		}

		const buffer = series ? estimateBuffer(hints, series, now) : hintsOnlyBuffer(hints);
		return {...description, Buffer: buffer};
	}

	async putRecordBatch(
		deliveryStream: string,
		records: FirehoseRecord[],
		signal?: AbortSignal,
	): Promise<PutRecordBatchOutput> {
		const [client, {PutRecordBatchCommand}] = await Promise.all([
			this.firehose(),
			import('@aws-sdk/client-firehose'),
		]);
		const output = await this.call(
			(http) =>
				client.send(
					new PutRecordBatchCommand({DeliveryStreamName: deliveryStream, Records: records}),
					http,
				),
			signal,
		);
		return {
			FailedPutCount: output.FailedPutCount ?? 0,
			Encrypted: output.Encrypted ?? false,
			RequestResponses: (output.RequestResponses ?? []).map((entry) =>
				entry.ErrorCode
					? {ErrorCode: entry.ErrorCode, ErrorMessage: entry.ErrorMessage ?? ''}
					: {RecordId: entry.RecordId!},
			),
		};
	}

	listTables(signal?: AbortSignal) {
		return this.tables.listTables(signal);
	}

	describeTable(table: string, signal?: AbortSignal) {
		return this.tables.describeTable(table, signal);
	}

	scanTable(table: string, options: ScanOptions, signal?: AbortSignal) {
		return this.tables.scanTable(table, options, signal);
	}

	updateTableItem(table: string, key: TableItem, update: ItemUpdate, signal?: AbortSignal) {
		return this.tables.updateTableItem(table, key, update, signal);
	}

	async listEventSourceMappings(streamArn: string, signal?: AbortSignal) {
		return listEventSourceMappings(
			await this.lambda(),
			(request, signal) => this.call(request, signal),
			streamArn,
			signal,
		);
	}

	/** Puts whose answers were lost after they were sent: each retry of one may have stored it twice. */
	lostPutAnswers() {
		return this.connections.lostPutAnswers;
	}

	async close() {
		this.client.destroy();
		const others = await Promise.allSettled([
			this.firehoseClient,
			this.cloudWatchClient,
			this.dynamoDbClient,
			this.lambdaClient,
		]);
		for (const other of others) {
			if (other.status === 'fulfilled') other.value?.destroy();
		}
	}

	/** The Firehose client, created (and its SDK loaded) on first use. */
	private firehose() {
		this.firehoseClient ??= import('@aws-sdk/client-firehose').then(({FirehoseClient}) =>
			this.tagged(new FirehoseClient(this.sharedConfig('firehose')), 'firehose'),
		);
		return this.firehoseClient;
	}

	/** The CloudWatch client, created (and its SDK loaded) on first use. */
	private cloudWatch() {
		this.cloudWatchClient ??= import('@aws-sdk/client-cloudwatch').then(({CloudWatchClient}) =>
			this.tagged(new CloudWatchClient(this.sharedConfig('cloudwatch')), 'cloudwatch'),
		);
		return this.cloudWatchClient;
	}

	/** The DynamoDB client (for KCL lease tables), created (and its SDK loaded) on first use. */
	private dynamoDb() {
		this.dynamoDbClient ??= import('@aws-sdk/client-dynamodb').then(({DynamoDBClient}) =>
			this.tagged(new DynamoDBClient(this.sharedConfig('dynamodb')), 'dynamodb'),
		);
		return this.dynamoDbClient;
	}

	/** The Lambda client (for event-source mappings), created (and its SDK loaded) on first use. */
	private lambda() {
		this.lambdaClient ??= import('@aws-sdk/client-lambda').then(({LambdaClient}) =>
			this.tagged(new LambdaClient(this.sharedConfig('lambda')), 'lambda'),
		);
		return this.lambdaClient;
	}

	private tagged<Client extends {middlewareStack: unknown}>(client: Client, service: Service) {
		tagOperations(client, this.endpoints[service]);
		return client;
	}

	private sharedConfig(service: Service) {
		return clientConfig(this.options, this.endpoints[service], service, this.connections);
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

	/**
	 * One request, cut after `timeoutMs`: the SDK waits for ever on an endpoint that accepts and never
	 * answers (a hung proxy, a stopped process), which would leave every caller hanging silently. The
	 * cut is a retryable TimeoutError naming the endpoint. A call that legitimately waits longer (an
	 * event stream such as SubscribeToShard) passes Infinity.
	 */
	private async call<Output>(
		request: (options: {abortSignal?: AbortSignal}) => Promise<Output>,
		signal: AbortSignal | undefined,
		timeoutMs = this.options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
	): Promise<Output> {
		if (signal?.aborted || !Number.isFinite(timeoutMs)) {
			try {
				return await request({abortSignal: signal});
			} catch (error) {
				throw notOfferedError(error) ?? toDriverError(error, this.profile);
			}
		}

		// A controller of our own rather than AbortSignal.any, which on Node 20 keeps every dependent
		// signal of a long-lived parent (a tail's) alive.
		const controller = new AbortController();
		const abort = () => controller.abort(signal?.reason);
		signal?.addEventListener('abort', abort, {once: true});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, timeoutMs);
		try {
			return await request({abortSignal: controller.signal});
		} catch (error) {
			if (timedOut && !signal?.aborted) {
				const where = this.target.location ?? `AWS in ${this.target.region || 'its region'}`;
				throw new DriverError(
					'TimeoutError',
					`no answer from ${where} within ${timeoutMs / 1000} s`,
					true,
				);
			}

			throw notOfferedError(error) ?? toDriverError(error, this.profile);
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener('abort', abort);
		}
	}
}

/**
 * Firehose and CloudWatch over the wire: the real @aws-sdk/client-firehose (AWS JSON 1.1) and
 * @aws-sdk/client-cloudwatch (AWS JSON 1.0 with `x-amzn-query-mode`), default-constructed with an
 * endpoint, against an in-test `kinesis-top serve` on a LocalBackend whose ManualClock makes buffer
 * deliveries and metric minutes exact. Also the raw awsQuery (form in, XML out) CloudWatch answers.
 */
import {
	CloudWatchClient,
	GetMetricDataCommand,
	GetMetricStatisticsCommand,
	ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
	CreateDeliveryStreamCommand,
	DeleteDeliveryStreamCommand,
	DescribeDeliveryStreamCommand,
	FirehoseClient,
	ListDeliveryStreamsCommand,
	ListTagsForDeliveryStreamCommand,
	PutRecordBatchCommand,
	PutRecordCommand,
	StartDeliveryStreamEncryptionCommand,
	StopDeliveryStreamEncryptionCommand,
	TagDeliveryStreamCommand,
	UntagDeliveryStreamCommand,
	UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import {createHash, createHmac} from 'node:crypto';
import {NodeHttp2Handler} from '@smithy/node-http-handler';
import {SignatureV4} from '@smithy/signature-v4';
import {Decoder, Encoder} from 'cbor-x';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ManualClock} from '../../source/engine/clock.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';

const ROLE = 'arn:aws:iam::000000000000:role/firehose-delivery';
const BUCKET = 'landing';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const START = Date.UTC(2026, 0, 1);
const credentials = {accessKeyId: 'x', secretAccessKey: 'y'};

const clock = new ManualClock(START);
let backend: LocalBackend;
let server: KinesisServer;
let endpoint: string;
let firehose: FirehoseClient;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
	backend = LocalBackend.open({clock, enforceLimits: false});
	server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
	endpoint = await server.start();
	firehose = new FirehoseClient({endpoint, region: 'us-east-1', credentials});
	cloudwatch = new CloudWatchClient({endpoint, region: 'us-east-1', credentials});
});

afterAll(async () => {
	firehose?.destroy();
	cloudwatch?.destroy();
	await server?.stop();
	await backend?.close();
});

/** The error a promise rejects with (fails if it resolves). */
async function failure(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (error) {
		return error as Error & {$metadata: {httpStatusCode?: number}; Code?: string};
	}

	throw new Error('expected a failure');
}

const create = (name: string, hints = {SizeInMBs: 1, IntervalInSeconds: 0}) =>
	firehose.send(
		new CreateDeliveryStreamCommand({
			DeliveryStreamName: name,
			DeliveryStreamType: 'DirectPut',
			ExtendedS3DestinationConfiguration: {
				RoleARN: ROLE,
				BucketARN: BUCKET_ARN,
				Prefix: `${name}/`,
				BufferingHints: hints,
			},
			Tags: [{Key: 'team', Value: 'on-call'}],
		}),
	);

describe('Firehose through @aws-sdk/client-firehose', () => {
	test('creates, describes, lists, puts, delivers, updates, tags and deletes', async () => {
		const created = await create('orders');
		expect(created.DeliveryStreamARN).toBe(
			'arn:aws:firehose:us-east-1:000000000000:deliverystream/orders',
		);

		const {DeliveryStreamDescription: description} = await firehose.send(
			new DescribeDeliveryStreamCommand({DeliveryStreamName: 'orders'}),
		);
		expect(description).toMatchObject({
			DeliveryStreamName: 'orders',
			DeliveryStreamStatus: 'ACTIVE',
			DeliveryStreamType: 'DirectPut',
			VersionId: '1',
			HasMoreDestinations: false,
		});
		expect(description?.CreateTimestamp).toEqual(new Date(START));
		expect(description?.Destinations?.[0].ExtendedS3DestinationDescription).toMatchObject({
			BucketARN: BUCKET_ARN,
			Prefix: 'orders/',
			BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0},
			CompressionFormat: 'UNCOMPRESSED',
		});

		await create('payments');
		const listed = await firehose.send(new ListDeliveryStreamsCommand({}));
		expect(listed).toMatchObject({
			DeliveryStreamNames: ['orders', 'payments'],
			HasMoreDeliveryStreams: false,
		});
		const limited = await firehose.send(new ListDeliveryStreamsCommand({Limit: 1}));
		expect(limited).toMatchObject({DeliveryStreamNames: ['orders'], HasMoreDeliveryStreams: true});

		const put = await firehose.send(
			new PutRecordCommand({
				DeliveryStreamName: 'orders',
				Record: {Data: Buffer.from('one\n')},
			}),
		);
		expect(put.RecordId).toEqual(expect.any(String));
		expect(put.Encrypted).toBe(false);
		const batch = await firehose.send(
			new PutRecordBatchCommand({
				DeliveryStreamName: 'orders',
				Records: ['two\n', 'three\n'].map((text) => ({Data: Buffer.from(text)})),
			}),
		);
		expect(batch.FailedPutCount).toBe(0);
		expect(batch.RequestResponses).toHaveLength(2);
		expect(batch.RequestResponses?.every((entry) => entry.RecordId)).toBe(true);

		// IntervalInSeconds 0: the next tick delivers the buffer.
		await backend.firehose.tick();
		const objects = backend.firehose.listObjects(BUCKET, 'orders/');
		expect(objects).toHaveLength(1);
		expect(objects[0].key).toMatch(
			/^orders\/2026\/01\/01\/00\/orders-1-2026-01-01-00-00-00-[\da-f-]{36}$/,
		);
		expect(backend.firehose.getObject(BUCKET, objects[0].key)?.toString()).toBe(
			'one\ntwo\nthree\n',
		);

		await firehose.send(
			new UpdateDestinationCommand({
				DeliveryStreamName: 'orders',
				CurrentDeliveryStreamVersionId: '1',
				DestinationId: description!.Destinations![0].DestinationId,
				ExtendedS3DestinationUpdate: {Prefix: 'v2/', CompressionFormat: 'GZIP'},
			}),
		);
		const updated = await firehose.send(
			new DescribeDeliveryStreamCommand({DeliveryStreamName: 'orders'}),
		);
		expect(updated.DeliveryStreamDescription?.VersionId).toBe('2');
		expect(
			updated.DeliveryStreamDescription?.Destinations?.[0].ExtendedS3DestinationDescription,
		).toMatchObject({Prefix: 'v2/', CompressionFormat: 'GZIP'});
		const stale = await failure(
			firehose.send(
				new UpdateDestinationCommand({
					DeliveryStreamName: 'orders',
					CurrentDeliveryStreamVersionId: '1',
					DestinationId: 'destinationId-000000000001',
					ExtendedS3DestinationUpdate: {Prefix: 'v3/'},
				}),
			),
		);
		expect(stale.name).toBe('ConcurrentModificationException');

		await firehose.send(
			new TagDeliveryStreamCommand({
				DeliveryStreamName: 'orders',
				Tags: [
					{Key: 'cost-center', Value: '42'},
					{Key: 'team', Value: 'platform'},
				],
			}),
		);
		await firehose.send(
			new UntagDeliveryStreamCommand({DeliveryStreamName: 'orders', TagKeys: ['cost-center']}),
		);
		const tags = await firehose.send(
			new ListTagsForDeliveryStreamCommand({DeliveryStreamName: 'orders'}),
		);
		expect(tags).toMatchObject({Tags: [{Key: 'team', Value: 'platform'}], HasMoreTags: false});

		// Encryption: stopping it is a no-op (it is never on locally); starting it is refused by name.
		await firehose.send(new StopDeliveryStreamEncryptionCommand({DeliveryStreamName: 'orders'}));
		const encrypt = await failure(
			firehose.send(
				new StartDeliveryStreamEncryptionCommand({
					DeliveryStreamName: 'orders',
					DeliveryStreamEncryptionConfigurationInput: {KeyType: 'AWS_OWNED_CMK'},
				}),
			),
		);
		expect(encrypt.name).toBe('InvalidArgumentException');

		await firehose.send(new DeleteDeliveryStreamCommand({DeliveryStreamName: 'payments'}));
		const after = await firehose.send(new ListDeliveryStreamsCommand({}));
		expect(after.DeliveryStreamNames).toEqual(['orders']);
	});

	test('answers bad names, missing streams and oversized batches with Firehose exceptions', async () => {
		const badName = await failure(create('bad name!'));
		expect(badName.name).toBe('ValidationException');
		expect(badName.message).toMatch(
			/^1 validation error detected: Value 'bad name!' at 'deliveryStreamName'/,
		);
		expect(badName.$metadata.httpStatusCode).toBe(400);

		const missing = await failure(
			firehose.send(new DescribeDeliveryStreamCommand({DeliveryStreamName: 'nowhere'})),
		);
		expect(missing.name).toBe('ResourceNotFoundException');
		expect(missing.message).toBe('Firehose nowhere under account 000000000000 not found.');

		const putMissing = await failure(
			firehose.send(
				new PutRecordCommand({DeliveryStreamName: 'nowhere', Record: {Data: Buffer.from('x')}}),
			),
		);
		expect(putMissing.name).toBe('ResourceNotFoundException');

		await create('limits');
		const tooMany = await failure(
			firehose.send(
				new PutRecordBatchCommand({
					DeliveryStreamName: 'limits',
					Records: Array.from({length: 501}, () => ({Data: Buffer.from('x')})),
				}),
			),
		);
		expect(tooMany.name).toBe('ValidationException');
		expect(tooMany.message).toContain('Member must have length less than or equal to 500');

		// 5 records of 900 KiB: each within the 1,000 KiB record limit, together over 4 MiB.
		const tooBig = await failure(
			firehose.send(
				new PutRecordBatchCommand({
					DeliveryStreamName: 'limits',
					Records: Array.from({length: 5}, () => ({Data: Buffer.alloc(900 * 1024, 1)})),
				}),
			),
		);
		expect(tooBig.name).toBe('InvalidArgumentException');
		expect(tooBig.message).toBe('Records size exceeds 4 MB limit');

		const again = await failure(create('limits'));
		expect(again.name).toBe('ResourceInUseException');

		const redshift = await failure(
			firehose.send(
				new CreateDeliveryStreamCommand({
					DeliveryStreamName: 'warehouse',
					RedshiftDestinationConfiguration: {
						RoleARN: ROLE,
						ClusterJDBCURL: 'jdbc:redshift://x',
						CopyCommand: {DataTableName: 't'},
						S3Configuration: {RoleARN: ROLE, BucketARN: BUCKET_ARN},
					},
				}),
			),
		);
		expect(redshift.name).toBe('InvalidArgumentException');
		expect(redshift.message).toContain('RedshiftDestinationConfiguration is not supported');
	});
});

describe('CloudWatch through @aws-sdk/client-cloudwatch', () => {
	// 1,000 records of 100 bytes within one minute (the clock's minute 10).
	const minute = START + 10 * 60_000;

	beforeAll(async () => {
		backend.kinesis.createStream({StreamName: 'metered', ShardCount: 2});
		clock.set(minute + 5000);
		for (let i = 0; i < 1000; i += 500) {
			const output = await backend.kinesis.putRecords({
				StreamName: 'metered',
				Records: Array.from({length: 500}, (_, index) => ({
					PartitionKey: `k${i + index}`,
					Data: Buffer.alloc(100, 7),
				})),
			});
			expect(output.FailedRecordCount).toBe(0);
		}

		clock.set(minute + 90_000);
	});

	const dimensions = [{Name: 'StreamName', Value: 'metered'}];

	test('GetMetricStatistics: IncomingRecords Sum 1,000 and IncomingBytes Sum 100,000', async () => {
		const records = await cloudwatch.send(
			new GetMetricStatisticsCommand({
				Namespace: 'AWS/Kinesis',
				MetricName: 'IncomingRecords',
				Dimensions: dimensions,
				StartTime: new Date(minute),
				EndTime: new Date(minute + 60_000),
				Period: 60,
				Statistics: ['Sum'],
			}),
		);
		expect(records.Label).toBe('IncomingRecords');
		expect(records.Datapoints).toEqual([{Timestamp: new Date(minute), Sum: 1000, Unit: 'Count'}]);

		const bytes = await cloudwatch.send(
			new GetMetricStatisticsCommand({
				Namespace: 'AWS/Kinesis',
				MetricName: 'IncomingBytes',
				Dimensions: dimensions,
				StartTime: new Date(minute - 60_000),
				EndTime: new Date(minute + 120_000),
				Period: 60,
				Statistics: ['Sum', 'SampleCount'],
			}),
		);
		expect(bytes.Datapoints).toEqual([
			{Timestamp: new Date(minute), Sum: 100_000, SampleCount: 2, Unit: 'Bytes'},
		]);
	});

	test('GetMetricData: MetricStat queries and an expression between them', async () => {
		const stat = (id: string, metricName: string) => ({
			Id: id,
			MetricStat: {
				Metric: {Namespace: 'AWS/Kinesis', MetricName: metricName, Dimensions: dimensions},
				Period: 60,
				Stat: 'Sum',
			},
			ReturnData: false,
		});
		const output = await cloudwatch.send(
			new GetMetricDataCommand({
				MetricDataQueries: [
					{...stat('records', 'IncomingRecords'), ReturnData: true},
					stat('bytes', 'IncomingBytes'),
					{Id: 'perrecord', Expression: 'bytes / records', Label: 'bytes per record'},
				],
				StartTime: new Date(minute),
				EndTime: new Date(minute + 60_000),
			}),
		);
		expect(output.MetricDataResults).toEqual([
			{
				Id: 'records',
				Label: 'IncomingRecords',
				Timestamps: [new Date(minute)],
				Values: [1000],
				StatusCode: 'Complete',
				Messages: [],
			},
			{
				Id: 'perrecord',
				Label: 'bytes per record',
				Timestamps: [new Date(minute)],
				Values: [100],
				StatusCode: 'Complete',
				Messages: [],
			},
		]);
	});

	test('ListMetrics: the stream metrics, filtered by namespace, name and dimension', async () => {
		const listed = await cloudwatch.send(
			new ListMetricsCommand({
				Namespace: 'AWS/Kinesis',
				MetricName: 'IncomingRecords',
				Dimensions: [{Name: 'StreamName', Value: 'metered'}],
			}),
		);
		expect(listed.Metrics).toEqual([
			{Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords', Dimensions: dimensions},
		]);
		const all = await cloudwatch.send(new ListMetricsCommand({Namespace: 'AWS/Kinesis'}));
		expect(all.Metrics?.map((metric) => metric.MetricName)).toEqual(
			expect.arrayContaining(['IncomingBytes', 'IncomingRecords']),
		);
		const firehoseMetrics = await cloudwatch.send(
			new ListMetricsCommand({Namespace: 'AWS/Firehose', MetricName: 'IncomingRecords'}),
		);
		expect(firehoseMetrics.Metrics?.length).toBeGreaterThan(0);
	});

	test('errors carry the CloudWatch exception and its query code', async () => {
		const error = await failure(
			cloudwatch.send(
				new GetMetricStatisticsCommand({
					Namespace: 'AWS/Kinesis',
					MetricName: 'IncomingRecords',
					StartTime: new Date(minute),
					EndTime: new Date(minute + 60_000),
					Period: 61,
					Statistics: ['Sum'],
				}),
			),
		);
		expect(error.name).toBe('InvalidParameterValueException');
		expect(error.Code).toBe('InvalidParameterValue');
		expect(error.$metadata.httpStatusCode).toBe(400);

		const missing = await failure(
			cloudwatch.send(
				new GetMetricStatisticsCommand({
					Namespace: 'AWS/Kinesis',
					MetricName: 'IncomingRecords',
					StartTime: new Date(minute),
					EndTime: new Date(minute + 60_000),
					Period: 60,
				}),
			),
		);
		expect(missing.name).toBe('MissingRequiredParameterException');
		expect(missing.Code).toBe('MissingParameter');

		const token = await failure(cloudwatch.send(new ListMetricsCommand({NextToken: 'nonsense'})));
		expect(token.name).toBe('InvalidNextToken');
	});
});

/** A raw awsQuery POST, as the AWS CLI v1/v2 and boto3 send CloudWatch calls. */
async function query(parameters: Record<string, string>, headers: Record<string, string> = {}) {
	const response = await fetch(endpoint, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
			authorization:
				'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=abc',
			'x-amz-date': '20260101T000000Z',
			...headers,
		},
		body: new URLSearchParams(parameters).toString(),
	});
	return {
		status: response.status,
		type: response.headers.get('content-type'),
		xml: await response.text(),
	};
}

describe('CloudWatch over awsQuery (form in, XML out)', () => {
	const minute = START + 10 * 60_000;

	test('GetMetricStatistics answers in XML with the request id', async () => {
		const answer = await query({
			Action: 'GetMetricStatistics',
			Version: '2010-08-01',
			Namespace: 'AWS/Kinesis',
			MetricName: 'IncomingRecords',
			'Dimensions.member.1.Name': 'StreamName',
			'Dimensions.member.1.Value': 'metered',
			StartTime: new Date(minute).toISOString(),
			EndTime: new Date(minute + 60_000).toISOString(),
			Period: '60',
			'Statistics.member.1': 'Sum',
			'Statistics.member.2': 'Maximum',
		});
		expect(answer.status).toBe(200);
		expect(answer.type).toBe('text/xml');
		expect(answer.xml).toMatch(
			/^<GetMetricStatisticsResponse xmlns="http:\/\/monitoring\.amazonaws\.com\/doc\/2010-08-01\/">\n {2}<GetMetricStatisticsResult>\n/,
		);
		expect(answer.xml).toContain('<Label>IncomingRecords</Label>');
		expect(answer.xml).toContain(
			'<member>\n        <Timestamp>2026-01-01T00:10:00Z</Timestamp>\n        <Unit>Count</Unit>\n        <Sum>1000</Sum>\n        <Maximum>500</Maximum>\n      </member>',
		);
		expect(answer.xml).toMatch(/<ResponseMetadata>\n {4}<RequestId>[\da-f-]{36}<\/RequestId>/);
	});

	test('errors are ErrorResponse documents with the query code', async () => {
		const invalid = await query({
			Action: 'ListMetrics',
			Version: '2010-08-01',
			RecentlyActive: 'PT1H',
		});
		expect(invalid.status).toBe(400);
		expect(invalid.xml).toMatch(
			/^<ErrorResponse xmlns="http:\/\/monitoring\.amazonaws\.com\/doc\/2010-08-01\/">\n {2}<Error>\n {4}<Type>Sender<\/Type>\n {4}<Code>InvalidParameterValue<\/Code>\n {4}<Message>The parameter RecentlyActive must be a value in the set \[ PT3H \]\.<\/Message>\n {2}<\/Error>\n {2}<RequestId>[\da-f-]{36}<\/RequestId>\n<\/ErrorResponse>\n$/,
		);

		const unknown = await query({Action: 'PutDashboard', Version: '2010-08-01'});
		expect(unknown.xml).toContain('<Code>InvalidAction</Code>');
		expect((await query({Version: '2010-08-01'})).xml).toContain('<Code>MissingAction</Code>');
		const badNumber = await query({
			Action: 'GetMetricStatistics',
			Version: '2010-08-01',
			Period: 'sixty',
		});
		expect(badNumber.xml).toContain('<Code>InvalidParameterValue</Code>');
		const unsigned = await query({Action: 'ListMetrics'}, {authorization: ''});
		expect(unsigned.xml).toContain('<Code>MissingAuthenticationToken</Code>');
	});

	test('ListMetrics escapes what it writes', async () => {
		backend.metrics
			.series('Custom/<&>', 'Odd"Name', [{Name: 'Key', Value: "it's <here> & \u0001"}], 'Count')
			.add(clock.now(), 1);
		const answer = await query({Action: 'ListMetrics', Namespace: 'Custom/<&>'});
		expect(answer.status).toBe(200);
		expect(answer.xml).toContain('<Namespace>Custom/&lt;&amp;&gt;</Namespace>');
		expect(answer.xml).toContain('<MetricName>Odd&quot;Name</MetricName>');
		expect(answer.xml).toContain('<Value>it&apos;s &lt;here&gt; &amp; \uFFFD</Value>');
	});
});

test('both SDK clients default to HTTP/1.1; over HTTP/2 (h2c) they work the same', async () => {
	const http2 = {endpoint, region: 'us-east-1', credentials};
	const h2Firehose = new FirehoseClient({...http2, requestHandler: new NodeHttp2Handler()});
	const h2CloudWatch = new CloudWatchClient({...http2, requestHandler: new NodeHttp2Handler()});
	try {
		const listed = await h2Firehose.send(new ListDeliveryStreamsCommand({}));
		expect(listed.DeliveryStreamNames).toContain('orders');
		const put = await h2Firehose.send(
			new PutRecordBatchCommand({
				DeliveryStreamName: 'orders',
				Records: [{Data: Buffer.from('over h2\n')}],
			}),
		);
		expect(put.FailedPutCount).toBe(0);
		const metrics = await h2CloudWatch.send(new ListMetricsCommand({Namespace: 'AWS/Firehose'}));
		expect(metrics.Metrics?.length).toBeGreaterThan(0);
	} finally {
		h2Firehose.destroy();
		h2CloudWatch.destroy();
	}
});

describe('CloudWatch over Smithy RPC v2 CBOR (as current botocore sends it)', () => {
	const minute = START + 10 * 60_000;
	const encoder = new Encoder({useRecords: false, mapsAsObjects: true, tagUint8Array: false});
	const decoder = new Decoder({useRecords: false, mapsAsObjects: true});

	async function rpc(operation: string, input?: unknown) {
		const response = await fetch(
			new URL(`/service/GraniteServiceVersion20100801/operation/${operation}`, endpoint),
			{
				method: 'POST',
				headers: {
					'smithy-protocol': 'rpc-v2-cbor',
					accept: 'application/cbor',
					...(input === undefined ? {} : {'content-type': 'application/cbor'}),
					authorization:
						'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=abc',
					'x-amz-date': '20260101T000000Z',
				},
				body: input === undefined ? undefined : encoder.encode(input),
			},
		);
		return {
			status: response.status,
			headers: response.headers,
			// eslint-disable-next-line @typescript-eslint/no-explicit-any
			body: decoder.decode(Buffer.from(await response.arrayBuffer())) as any,
		};
	}

	test('GetMetricStatistics and ListMetrics answer in CBOR, timestamps as tag 1 seconds', async () => {
		const answer = await rpc('GetMetricStatistics', {
			Namespace: 'AWS/Kinesis',
			MetricName: 'IncomingBytes',
			Dimensions: [{Name: 'StreamName', Value: 'metered'}],
			// Tag 1 over epoch seconds, as botocore writes timestamps.
			StartTime: new Date(minute),
			EndTime: new Date(minute + 60_000),
			Period: 60,
			Statistics: ['Sum'],
		});
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('application/cbor');
		expect(answer.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
		// The server's CBOR tag-1 reader hands back the number the tag carries: seconds here.
		expect(answer.body).toEqual({
			Label: 'IncomingBytes',
			Datapoints: [{Timestamp: minute / 1000, Sum: 100_000, Unit: 'Bytes'}],
		});

		// No input: no body at all.
		const listed = await rpc('ListMetrics');
		expect(listed.status).toBe(200);
		expect(listed.body.Metrics.length).toBeGreaterThan(0);
	});

	test('errors: the JSON exception name in CBOR, the query code in x-amzn-query-error', async () => {
		const answer = await rpc('ListMetrics', {NextToken: 'nonsense'});
		expect(answer.status).toBe(400);
		expect(answer.headers.get('x-amzn-query-error')).toBe('InvalidNextToken;Sender');
		expect(answer.body).toEqual({
			__type: 'com.amazonaws.cloudwatch#InvalidNextToken',
			message: 'The service cannot process the NextToken given.',
		});
		const unknown = await rpc('PutDashboard', {});
		expect(unknown.body.__type).toBe('UnknownOperationException');
		expect(unknown.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
	});
});

describe('signatures for Firehose and CloudWatch', () => {
	const KEY = {accessKeyId: 'AKIAFIREHOSETEST0001', secretAccessKey: 'firehose/secret'};
	let verifying: KinesisServer;
	let verifyingEndpoint: string;

	beforeAll(async () => {
		verifying = new KinesisServer({
			engine: backend.kinesis,
			firehose: backend.firehose,
			port: 0,
			verifySignatures: [KEY],
		});
		verifyingEndpoint = await verifying.start();
	});

	afterAll(async () => {
		await verifying?.stop();
	});

	/** A request signed by hand for `service`. */
	async function signed(service: string, target: string, contentType: string) {
		const url = new URL(verifyingEndpoint);
		const signer = new SignatureV4({
			credentials: KEY,
			region: 'us-east-1',
			service,
			applyChecksum: false,
			sha256: class {
				private readonly hash;
				constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
					this.hash =
						secret === undefined
							? createHash('sha256')
							: createHmac('sha256', Buffer.from(secret as string));
				}

				update(data: string | ArrayBuffer | ArrayBufferView) {
					this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
				}

				async digest() {
					return new Uint8Array(this.hash.digest());
				}
			},
		});
		const request = await signer.sign({
			method: 'POST',
			protocol: 'http:',
			hostname: url.hostname,
			port: Number(url.port),
			path: '/',
			query: {},
			headers: {host: url.host, 'content-type': contentType, 'x-amz-target': target},
			body: '{}',
		});
		const response = await fetch(verifyingEndpoint, {
			method: 'POST',
			headers: request.headers,
			body: '{}',
		});
		return {status: response.status, body: (await response.json()) as Record<string, string>};
	}

	test('the SDK clients sign for firehose and monitoring, and those signatures verify', async () => {
		const client = new FirehoseClient({
			endpoint: verifyingEndpoint,
			region: 'us-east-1',
			credentials: KEY,
		});
		const metrics = new CloudWatchClient({
			endpoint: verifyingEndpoint,
			region: 'us-east-1',
			credentials: KEY,
		});
		try {
			expect((await client.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual(
				expect.arrayContaining(['orders']),
			);
			expect((await metrics.send(new ListMetricsCommand({}))).Metrics?.length).toBeGreaterThan(0);
		} finally {
			client.destroy();
			metrics.destroy();
		}
	});

	test('a signature scoped to another service is refused', async () => {
		const kinesisScoped = await signed(
			'kinesis',
			'Firehose_20150804.ListDeliveryStreams',
			'application/x-amz-json-1.1',
		);
		expect(kinesisScoped).toEqual({
			status: 403,
			body: {
				__type: 'InvalidSignatureException',
				message: "Credential should be scoped to correct service: 'firehose'.",
			},
		});
		const firehoseScoped = await signed(
			'firehose',
			'GraniteServiceVersion20100801.ListMetrics',
			'application/x-amz-json-1.0',
		);
		expect(firehoseScoped.status).toBe(403);
		expect(firehoseScoped.body.message).toBe(
			"Credential should be scoped to correct service: 'monitoring'.",
		);
		expect(
			(
				await signed(
					'firehose',
					'Firehose_20150804.ListDeliveryStreams',
					'application/x-amz-json-1.1',
				)
			).status,
		).toBe(200);
	});
});

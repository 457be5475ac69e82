/**
 * Firehose and CloudWatch from real third-party clients against the wire server, unmodified, with
 * signatures verified for real (credential scope `firehose` / `monitoring`): every AWS CLI and boto3
 * found on this machine (PATH's, and Debian's in /usr/bin where those are other ones; see
 * ../helpers/third-party-clients.ts), each against its own conventions. Firehose travels as JSON 1.1;
 * CloudWatch as each client's botocore sends it — the form-encoded awsQuery protocol answered in XML
 * (Debian's CLI v2 and boto3 1.26), JSON 1.0 (aws-cli 1.45) or Smithy RPC v2 CBOR (boto3 1.43); the
 * tests say which. See third-party-clients.test.ts for Kinesis.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {
	type AwsCli,
	blobArgument,
	expectClientsRan,
	testAbsentClients,
	cloudWatchProtocolInDebugLog,
	findAwsClis,
	findBoto3s,
} from '../helpers/third-party-clients.js';

const KEY = {accessKeyId: 'AKIAKINESISTOPCLI002', secretAccessKey: 'third-party/firehose+secret'};
const ROLE = 'arn:aws:iam::000000000000:role/firehose-delivery';
const BUCKET = 'landing';
/** The CloudWatch protocols serve answers. */
const PROTOCOLS = ['query', 'json', 'smithy-rpc-v2-cbor'];

const awsClis = findAwsClis();
const boto3s = findBoto3s();
/** What each CLI spoke to CloudWatch, as its cloudwatch test saw it, for the summary. */
const cliCloudWatchProtocols = new Map<string, string>();

/**
 * The engines' clock: real time plus a skew the tests move forward to reach the 60-second buffering
 * interval (the least botocore lets a client ask for) at once. An injected clock also means Firehose
 * only acts when the test calls tick(). Signatures are still checked against the real time.
 */
let skew = 0;
const clock = {now: () => Date.now() + skew};
let backend: LocalBackend;
let server: KinesisServer;
let endpoint: string;
let home: string;

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), 'kinesis-top-clients-'));
	backend = LocalBackend.open({enforceLimits: false, clock});
	server = new KinesisServer({
		engine: backend.kinesis,
		firehose: backend.firehose,
		port: 0,
		verifySignatures: [KEY],
	});
	endpoint = await server.start();
	// The CloudWatch workload: 1,000 records of 100 bytes (two PutRecords calls, one moment).
	backend.kinesis.createStream({StreamName: 'metered', ShardCount: 1});
	for (let i = 0; i < 2; i++) {
		await backend.kinesis.putRecords({
			StreamName: 'metered',
			Records: Array.from({length: 500}, (_, index) => ({
				PartitionKey: `k${index}`,
				Data: Buffer.alloc(100, 1),
			})),
		});
	}
});

afterAll(async () => {
	await server?.stop();
	await backend?.close();
	rmSync(home, {recursive: true, force: true});
});

function environment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
	// None of the machine's own AWS settings (profiles, endpoints, session tokens) leak in.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
	);
	return {
		...inherited,
		HOME: home,
		AWS_ACCESS_KEY_ID: KEY.accessKeyId,
		AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
		AWS_DEFAULT_REGION: 'us-east-1',
		AWS_CONFIG_FILE: join(home, 'no-config'),
		AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
		AWS_PAGER: '',
		AWS_CLI_AUTO_PROMPT: 'off',
		AWS_EC2_METADATA_DISABLED: 'true',
		...overrides,
	};
}

type Run = {status: number; stdout: string; stderr: string};

/** Runs a client asynchronously: the server answers from this same process. */
function runClient(
	command: string,
	args: string[],
	overrides: Record<string, string> = {},
): Promise<Run> {
	return new Promise((resolve) => {
		execFile(
			command,
			args,
			{env: environment(overrides), timeout: 60_000, maxBuffer: 16 * 1024 * 1024},
			(error, stdout, stderr) => {
				const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({status, stdout, stderr});
			},
		);
	});
}

const cli = (aws: AwsCli, service: string, args: string[]) =>
	runClient(aws.command, [service, ...args, '--endpoint-url', endpoint, '--output', 'json']);

/** Runs the CLI and insists on success, answering its JSON output. */
async function cliOk(aws: AwsCli, service: string, args: string[]) {
	const result = await cli(aws, service, args);
	if (result.status !== 0) {
		throw new Error(
			`${aws.command} ${service} ${args.join(' ')} exited ${result.status}: ${result.stderr}`,
		);
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as any;
}

/** The objects under `prefix` once the buffering interval (60 s) has passed on the engines' clock. */
async function delivered(prefix: string) {
	skew += 61_000;
	await backend.firehose.tick();
	return backend.firehose.listObjects(BUCKET, prefix);
}

const iso = (time: number) => new Date(time).toISOString();

for (const [index, aws] of awsClis.clients.entries()) {
	describe(`the AWS CLI ${aws.release} at ${aws.command}`, () => {
		test('firehose: create-delivery-stream, put-record, put-record-batch, describe, errors', async () => {
			const name = `cli-${index}`;
			const destination = JSON.stringify({
				RoleARN: ROLE,
				BucketARN: `arn:aws:s3:::${BUCKET}`,
				Prefix: `${name}/`,
				BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60},
			});
			const created = await cliOk(aws, 'firehose', [
				'create-delivery-stream',
				'--delivery-stream-name',
				name,
				'--extended-s3-destination-configuration',
				destination,
			]);
			expect(created.DeliveryStreamARN).toBe(
				`arn:aws:firehose:us-east-1:000000000000:deliverystream/${name}`,
			);
			const put = await cliOk(aws, 'firehose', [
				'put-record',
				'--delivery-stream-name',
				name,
				'--record',
				JSON.stringify({Data: blobArgument(aws, 'from the CLI\n')}),
			]);
			expect(put.RecordId).toEqual(expect.any(String));
			const batch = await cliOk(aws, 'firehose', [
				'put-record-batch',
				'--delivery-stream-name',
				name,
				'--records',
				JSON.stringify([{Data: blobArgument(aws, 'and a batch\n')}]),
			]);
			expect(batch.FailedPutCount).toBe(0);
			const described = await cliOk(aws, 'firehose', [
				'describe-delivery-stream',
				'--delivery-stream-name',
				name,
			]);
			expect(described.DeliveryStreamDescription).toMatchObject({
				DeliveryStreamName: name,
				DeliveryStreamStatus: 'ACTIVE',
				VersionId: '1',
			});
			// The wire says epoch seconds. v1 prints that number as is (its cli_timestamp_format defaults
			// to `none`), v2 as ISO 8601 (default `iso8601`): either way it must be the creation time.
			const stamp = described.DeliveryStreamDescription.CreateTimestamp;
			if (aws.major === 1) expect(stamp).toEqual(expect.any(Number));
			else expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
			const createdMs = aws.major === 1 ? stamp * 1000 : Date.parse(stamp);
			expect(Math.abs(createdMs - clock.now())).toBeLessThan(60_000);
			expect(
				(await cliOk(aws, 'firehose', ['list-delivery-streams'])).DeliveryStreamNames,
			).toContain(name);

			const objects = await delivered(`${name}/`);
			expect(objects).toHaveLength(1);
			expect(backend.firehose.getObject(BUCKET, objects[0].key)?.toString()).toBe(
				'from the CLI\nand a batch\n',
			);

			const missing = await cli(aws, 'firehose', [
				'describe-delivery-stream',
				'--delivery-stream-name',
				'nowhere',
			]);
			expect(missing.status).not.toBe(0);
			expect(missing.stderr).toContain(
				'An error occurred (ResourceNotFoundException) when calling the DescribeDeliveryStream operation: ' +
					'Firehose nowhere under account 000000000000 not found.',
			);
		}, 120_000);

		test('cloudwatch: get-metric-statistics, get-metric-data and list-metrics', async () => {
			const now = Date.now();
			const statistics = await cliOk(aws, 'cloudwatch', [
				'get-metric-statistics',
				'--namespace',
				'AWS/Kinesis',
				'--metric-name',
				'IncomingRecords',
				'--dimensions',
				'Name=StreamName,Value=metered',
				'--start-time',
				iso(now - 30 * 60_000),
				'--end-time',
				iso(now + 5 * 60_000),
				'--period',
				'3600',
				'--statistics',
				'Sum',
				'SampleCount',
			]);
			expect(statistics.Label).toBe('IncomingRecords');
			expect(statistics.Datapoints).toHaveLength(1);
			expect(statistics.Datapoints[0]).toMatchObject({Sum: 1000, SampleCount: 2, Unit: 'Count'});

			const data = await cliOk(aws, 'cloudwatch', [
				'get-metric-data',
				'--start-time',
				iso(now - 30 * 60_000),
				'--end-time',
				iso(now + 5 * 60_000),
				'--metric-data-queries',
				JSON.stringify([
					{
						Id: 'bytes',
						MetricStat: {
							Metric: {
								Namespace: 'AWS/Kinesis',
								MetricName: 'IncomingBytes',
								Dimensions: [{Name: 'StreamName', Value: 'metered'}],
							},
							Period: 3600,
							Stat: 'Sum',
						},
					},
				]),
			]);
			expect(data.MetricDataResults).toHaveLength(1);
			expect(data.MetricDataResults[0]).toMatchObject({
				Id: 'bytes',
				Values: [100_000],
				StatusCode: 'Complete',
			});

			// With --debug, botocore logs the request it sends: which protocol this CLI speaks.
			const listed = await cli(aws, 'cloudwatch', [
				'list-metrics',
				'--namespace',
				'AWS/Kinesis',
				'--metric-name',
				'IncomingBytes',
				'--debug',
			]);
			expect(listed.status).toBe(0);
			const protocol = cloudWatchProtocolInDebugLog(listed.stderr);
			expect(PROTOCOLS).toContain(protocol);
			cliCloudWatchProtocols.set(aws.command, protocol!);
			expect(JSON.parse(listed.stdout).Metrics).toContainEqual({
				Namespace: 'AWS/Kinesis',
				MetricName: 'IncomingBytes',
				Dimensions: [{Name: 'StreamName', Value: 'metered'}],
			});

			const bad = await cli(aws, 'cloudwatch', [
				'get-metric-statistics',
				'--namespace',
				'AWS/Kinesis',
				'--metric-name',
				'IncomingRecords',
				'--start-time',
				iso(now),
				'--end-time',
				iso(now - 60_000),
				'--period',
				'60',
				'--statistics',
				'Sum',
			]);
			expect(bad.status).not.toBe(0);
			expect(bad.stderr).toContain(
				'An error occurred (InvalidParameterValue) when calling the GetMetricStatistics operation: ' +
					'The parameter StartTime must be less than the parameter EndTime.',
			);

			// CloudWatch's (awsQuery's) names for signature failures, whatever the protocol.
			const wrongSecret = await runClient(
				aws.command,
				['cloudwatch', 'list-metrics', '--endpoint-url', endpoint, '--output', 'json'],
				{AWS_SECRET_ACCESS_KEY: 'not-the-secret', AWS_MAX_ATTEMPTS: '1'},
			);
			expect(wrongSecret.status).not.toBe(0);
			expect(wrongSecret.stderr).toContain('(SignatureDoesNotMatch)');
			expect(wrongSecret.stderr).toContain('The request signature we calculated does not match');
		}, 120_000);
	});
}

const BOTO3_SCRIPT = String.raw`
import datetime, json, sys, time
import boto3
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
name = sys.argv[2]
firehose = boto3.client("firehose", endpoint_url=endpoint, region_name="us-east-1")
cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
out = {"cloudwatch_protocol": cloudwatch.meta.service_model.protocol}
firehose.create_delivery_stream(
    DeliveryStreamName=name,
    DeliveryStreamType="DirectPut",
    ExtendedS3DestinationConfiguration={
        "RoleARN": "${ROLE}",
        "BucketARN": "arn:aws:s3:::${BUCKET}",
        "Prefix": name + "/",
        "CompressionFormat": "GZIP",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
    },
    Tags=[{"Key": "team", "Value": "on-call"}],
)
out["record_id"] = bool(firehose.put_record(DeliveryStreamName=name, Record={"Data": b"\x00\x01binary\n"})["RecordId"])
batch = firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": ("row %d\n" % i).encode()} for i in range(3)])
out["failed"] = batch["FailedPutCount"]
description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
out["status"] = description["DeliveryStreamStatus"]
out["created_is_datetime"] = hasattr(description["CreateTimestamp"], "year")
out["compression"] = description["Destinations"][0]["ExtendedS3DestinationDescription"]["CompressionFormat"]
out["tags"] = firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)["Tags"]
try:
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": b"x"}] * 501)
except ClientError as error:
    out["oversized"] = [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]

now = datetime.datetime.now(datetime.timezone.utc)
stats = cloudwatch.get_metric_statistics(
    Namespace="AWS/Kinesis", MetricName="IncomingBytes",
    Dimensions=[{"Name": "StreamName", "Value": "metered"}],
    StartTime=now - datetime.timedelta(minutes=30), EndTime=now + datetime.timedelta(minutes=5),
    Period=3600, Statistics=["Sum", "Maximum"],
)
out["datapoints"] = [{"Sum": p["Sum"], "Maximum": p["Maximum"], "Unit": p["Unit"], "is_datetime": hasattr(p["Timestamp"], "year")} for p in stats["Datapoints"]]
data = cloudwatch.get_metric_data(
    MetricDataQueries=[
        {"Id": "records", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": "AWS/Kinesis", "MetricName": "IncomingRecords", "Dimensions": [{"Name": "StreamName", "Value": "metered"}]}, "Period": 3600, "Stat": "Sum"}},
        {"Id": "twice", "Expression": "records * 2"},
    ],
    StartTime=now - datetime.timedelta(minutes=30), EndTime=now + datetime.timedelta(minutes=5),
)
out["math"] = [[r["Id"], r["Values"]] for r in data["MetricDataResults"]]
out["metrics"] = sorted(m["MetricName"] for m in cloudwatch.list_metrics(Namespace="AWS/Kinesis", Dimensions=[{"Name": "StreamName", "Value": "metered"}])["Metrics"])
try:
    cloudwatch.list_metrics(NextToken="nonsense")
except ClientError as error:
    out["bad_token"] = error.response["Error"]["Code"]
print(json.dumps(out))
`;

async function boto3RoundTrip(command: string, name: string, cloudWatchProtocol: string) {
	const result = await runClient(command, ['-c', BOTO3_SCRIPT, endpoint, name]);
	expect(result.stderr).toBe('');
	expect(result.status).toBe(0);
	const out = JSON.parse(result.stdout);
	expect(out.cloudwatch_protocol).toBe(cloudWatchProtocol);
	expect(out.record_id).toBe(true);
	expect(out.failed).toBe(0);
	expect(out.status).toBe('ACTIVE');
	expect(out.created_is_datetime).toBe(true);
	expect(out.compression).toBe('GZIP');
	expect(out.tags).toEqual([{Key: 'team', Value: 'on-call'}]);
	expect(out.oversized).toEqual(['ValidationException', 400]);
	expect(out.datapoints).toEqual([
		{Sum: 100_000, Maximum: 50_000, Unit: 'Bytes', is_datetime: true},
	]);
	expect(out.math).toEqual([['twice', [2000]]]);
	expect(out.metrics).toEqual(expect.arrayContaining(['IncomingBytes', 'IncomingRecords']));
	expect(out.bad_token).toBe('InvalidNextToken');

	const objects = await delivered(`${name}/`);
	expect(objects).toHaveLength(1);
	expect(objects[0].key).toMatch(/\.gz$/);
}

for (const [index, boto3] of boto3s.clients.entries()) {
	describe(`boto3 ${boto3.boto3} (botocore ${boto3.botocore}) at ${boto3.command}`, () => {
		test(`Firehose and CloudWatch (${boto3.cloudWatchProtocol}), with botocore errors`, async () => {
			await boto3RoundTrip(boto3.command, `boto-${index}`, boto3.cloudWatchProtocol);
		}, 60_000);
	});
}

testAbsentClients(awsClis, boto3s);

test('which clients ran', () => {
	// Recorded for the reader of the test output: the suite above is only as good as what ran.
	for (const aws of awsClis.clients) {
		const protocol = cliCloudWatchProtocols.get(aws.command) ?? 'not measured';
		console.log(`third-party clients: ran ${aws.command}: ${aws.version}, CloudWatch ${protocol}`);
	}

	for (const boto3 of boto3s.clients) {
		console.log(
			`third-party clients: ran boto3 ${boto3.boto3} (botocore ${boto3.botocore}) at ${boto3.command}, CloudWatch ${boto3.cloudWatchProtocol}`,
		);
	}

	expectClientsRan(awsClis, boto3s);

	// A protocol serve does not speak, or a CLI v3, is a new convention to learn, not a client to skip.
	for (const aws of awsClis.clients) expect([1, 2]).toContain(aws.major);
	for (const boto3 of boto3s.clients) expect(PROTOCOLS).toContain(boto3.cloudWatchProtocol);
});

/**
 * Firehose and CloudWatch from real third-party clients against the wire server, unmodified, with
 * signatures verified for real (credential scope `firehose` / `monitoring`): the AWS CLI (Debian's
 * `awscli` v2 when installed, else whichever `aws` is on PATH) and boto3 (Debian's `python3-boto3`, else
 * the `python3` on PATH). Firehose travels as JSON 1.1; CloudWatch as these botocore versions send it —
 * the form-encoded awsQuery protocol, answered in XML. See third-party-clients.test.ts for Kinesis.
 */
import {execFile, execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';

const KEY = {accessKeyId: 'AKIAKINESISTOPCLI002', secretAccessKey: 'third-party/firehose+secret'};
const ROLE = 'arn:aws:iam::000000000000:role/firehose-delivery';
const BUCKET = 'landing';

function works(command: string, args: string[]) {
	try {
		execFileSync(command, args, {stdio: 'pipe', timeout: 30_000});
		return true;
	} catch {
		return false;
	}
}

// Test dependencies that .ci/run installs from Debian when missing; without them these tests fail.
const aws = ['/usr/bin/aws', 'aws'].find((command) => works(command, ['--version'])) ?? 'aws';
const python =
	['/usr/bin/python3', 'python3'].find((command) => works(command, ['-c', 'import boto3'])) ??
	'python3';

/**
 * The engines' clock: real time plus a skew the tests move forward to reach the 60-second buffering
 * interval (the least botocore lets a client ask for) at once. An injected clock also means Firehose
 * only acts when the test calls tick(). Signatures are still checked against the real time.
 */
/**
 * A newer boto3 (on PATH, e.g. from pip), whose botocore sends CloudWatch calls in Smithy RPC v2 CBOR
 * rather than awsQuery; undefined when there is none.
 */
const RPC_V2_CHECK =
	"import botocore.session; assert botocore.session.get_session().get_service_model('cloudwatch').protocol == 'smithy-rpc-v2-cbor'";
const modernPython = ['python3', '/usr/local/bin/python3'].find((command) =>
	works(command, ['-c', RPC_V2_CHECK]),
);

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

const cli = (service: string, args: string[]) =>
	runClient(aws, [service, ...args, '--endpoint-url', endpoint, '--output', 'json']);

/** Runs the CLI and insists on success, answering its JSON output. */
async function cliOk(service: string, args: string[]) {
	const result = await cli(service, args);
	if (result.status !== 0) {
		throw new Error(`aws ${service} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
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

describe('the AWS CLI', () => {
	test('firehose: create-delivery-stream, put-record, put-record-batch, describe, errors', async () => {
		const destination = JSON.stringify({
			RoleARN: ROLE,
			BucketARN: `arn:aws:s3:::${BUCKET}`,
			Prefix: 'cli/',
			BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 60},
		});
		const created = await cliOk('firehose', [
			'create-delivery-stream',
			'--delivery-stream-name',
			'cli',
			'--extended-s3-destination-configuration',
			destination,
		]);
		expect(created.DeliveryStreamARN).toBe(
			'arn:aws:firehose:us-east-1:000000000000:deliverystream/cli',
		);
		const put = await cliOk('firehose', [
			'put-record',
			'--delivery-stream-name',
			'cli',
			'--record',
			JSON.stringify({Data: Buffer.from('from the CLI\n').toString('base64')}),
		]);
		expect(put.RecordId).toEqual(expect.any(String));
		const batch = await cliOk('firehose', [
			'put-record-batch',
			'--delivery-stream-name',
			'cli',
			'--records',
			JSON.stringify([{Data: Buffer.from('and a batch\n').toString('base64')}]),
		]);
		expect(batch.FailedPutCount).toBe(0);
		const described = await cliOk('firehose', [
			'describe-delivery-stream',
			'--delivery-stream-name',
			'cli',
		]);
		expect(described.DeliveryStreamDescription).toMatchObject({
			DeliveryStreamName: 'cli',
			DeliveryStreamStatus: 'ACTIVE',
			VersionId: '1',
		});
		// The CLI prints timestamps as ISO 8601: it read the epoch seconds as a timestamp.
		expect(described.DeliveryStreamDescription.CreateTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
		expect((await cliOk('firehose', ['list-delivery-streams'])).DeliveryStreamNames).toContain(
			'cli',
		);

		const objects = await delivered('cli/');
		expect(objects).toHaveLength(1);
		expect(backend.firehose.getObject(BUCKET, objects[0].key)?.toString()).toBe(
			'from the CLI\nand a batch\n',
		);

		const missing = await cli('firehose', [
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
		const statistics = await cliOk('cloudwatch', [
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

		const data = await cliOk('cloudwatch', [
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

		const listed = await cliOk('cloudwatch', [
			'list-metrics',
			'--namespace',
			'AWS/Kinesis',
			'--metric-name',
			'IncomingBytes',
		]);
		expect(listed.Metrics).toContainEqual({
			Namespace: 'AWS/Kinesis',
			MetricName: 'IncomingBytes',
			Dimensions: [{Name: 'StreamName', Value: 'metered'}],
		});

		const bad = await cli('cloudwatch', [
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

		// awsQuery's own names for signature failures.
		const wrongSecret = await runClient(
			aws,
			['cloudwatch', 'list-metrics', '--endpoint-url', endpoint, '--output', 'json'],
			{AWS_SECRET_ACCESS_KEY: 'not-the-secret', AWS_MAX_ATTEMPTS: '1'},
		);
		expect(wrongSecret.status).not.toBe(0);
		expect(wrongSecret.stderr).toContain('(SignatureDoesNotMatch)');
		expect(wrongSecret.stderr).toContain('The request signature we calculated does not match');
	}, 120_000);
});

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

describe('boto3', () => {
	test("Firehose and CloudWatch (awsQuery) from Debian's boto3, with botocore errors", async () => {
		await boto3RoundTrip(python, 'boto', 'query');
	}, 60_000);

	test.skipIf(!modernPython)(
		'the same from a newer boto3, whose CloudWatch calls are Smithy RPC v2 CBOR',
		async () => {
			await boto3RoundTrip(modernPython!, 'boto-cbor', 'smithy-rpc-v2-cbor');
		},
		60_000,
	);
});

test('which clients ran', () => {
	console.log(
		`third-party clients: aws=${aws} python=${python} rpc-v2-cbor python=${modernPython ?? 'none'}`,
	);
	expect(aws).toBeTruthy();
});

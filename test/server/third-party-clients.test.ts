/**
 * Real third-party clients against the wire server, unmodified: every AWS CLI and boto3 found on this
 * machine (PATH's, and Debian's `awscli` and `python3-boto3` in /usr/bin where those are other ones;
 * see ../helpers/third-party-clients.ts), each tested against its own conventions. They speak JSON 1.1
 * over HTTP/1.1 and sign with botocore's SigV4, which the server verifies for real here. A client that
 * is not installed is named in the output with the reason; .ci/run installs Debian's and requires them.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {
	type AwsCli,
	blobArgument,
	expectClientsRan,
	testAbsentClients,
	findAwsClis,
	findBoto3s,
} from '../helpers/third-party-clients.js';

const KEY = {accessKeyId: 'AKIAKINESISTOPCLI001', secretAccessKey: 'third-party/client+secret'};

const awsClis = findAwsClis();
const boto3s = findBoto3s();

let engine: KinesisEngine;
let server: KinesisServer;
let endpoint: string;
let home: string;
let putsInPlace = 0;

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), 'kinesis-top-clients-'));
	engine = new KinesisEngine({enforceLimits: false});
	// Counts the PutRecords bodies serve reads in place (server/put-records-json.ts).
	const {putBatch} = engine;
	engine.putBatch = async (input, batch) => {
		putsInPlace++;
		return putBatch.call(engine, input, batch);
	};

	server = new KinesisServer({engine, port: 0, verifySignatures: [KEY]});
	endpoint = await server.start();
});

afterAll(async () => {
	await server?.stop();
	await engine?.close();
	rmSync(home, {recursive: true, force: true});
});

/** The clients' environment: the key, a region, and no configuration of the machine's own. */
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
	options: {env?: NodeJS.ProcessEnv; input?: string} = {},
): Promise<Run> {
	return new Promise((resolve) => {
		const child = execFile(
			command,
			args,
			{env: options.env ?? environment(), timeout: 60_000, maxBuffer: 16 * 1024 * 1024},
			(error, stdout, stderr) => {
				const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({status, stdout, stderr});
			},
		);
		if (options.input !== undefined) child.stdin?.end(options.input);
	});
}

function cli(aws: AwsCli, args: string[], env?: NodeJS.ProcessEnv) {
	return runClient(
		aws.command,
		['kinesis', ...args, '--endpoint-url', endpoint, '--output', 'json'],
		{env},
	);
}

/** Runs the CLI and insists on success, answering its JSON output. */
async function cliOk(aws: AwsCli, args: string[], env?: NodeJS.ProcessEnv) {
	const result = await cli(aws, args, env);
	if (result.status !== 0) {
		throw new Error(
			`${aws.command} kinesis ${args.join(' ')} exited ${result.status}: ${result.stderr}`,
		);
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as any;
}

for (const [index, aws] of awsClis.clients.entries()) {
	describe(`the AWS CLI ${aws.release} at ${aws.command}`, () => {
		test('creates, puts, reads, splits, merges, lists and deletes', async () => {
			const stream = `cli-${index}`;
			await cliOk(aws, ['create-stream', '--stream-name', stream, '--shard-count', '1']);
			const put = await cliOk(aws, [
				'put-record',
				'--stream-name',
				stream,
				'--partition-key',
				'pk',
				'--data',
				blobArgument(aws, 'hello from the AWS CLI'),
			]);
			expect(put.ShardId).toBe('shardId-000000000000');
			// The setting that makes v2 read blobs as v1 does (v1 reads them so whatever it says).
			const rawConfig = join(home, `raw-in-base64-out-${index}`);
			writeFileSync(rawConfig, '[default]\ncli_binary_format = raw-in-base64-out\n');
			await cliOk(
				aws,
				['put-record', '--stream-name', stream, '--partition-key', 'pk', '--data', 'raw text'],
				environment({AWS_CONFIG_FILE: rawConfig}),
			);
			const {ShardIterator} = await cliOk(aws, [
				'get-shard-iterator',
				'--stream-name',
				stream,
				'--shard-id',
				'shardId-000000000000',
				'--shard-iterator-type',
				'TRIM_HORIZON',
			]);
			const records = await cliOk(aws, ['get-records', '--shard-iterator', ShardIterator]);
			// Both CLIs print blobs in their output as base64.
			expect(
				records.Records.map((record: {Data: string}) =>
					Buffer.from(record.Data, 'base64').toString(),
				),
			).toEqual(['hello from the AWS CLI', 'raw text']);
			expect(records.Records[0].SequenceNumber).toBe(put.SequenceNumber);
			// The arrival time parses, whichever way the CLI prints it (v1: epoch seconds, v2: ISO 8601).
			const arrival: unknown = records.Records[0].ApproximateArrivalTimestamp;
			const arrivalMs = typeof arrival === 'number' ? arrival * 1000 : Date.parse(String(arrival));
			expect(Math.abs(arrivalMs - Date.now())).toBeLessThan(10 * 60_000);

			await cliOk(aws, [
				'split-shard',
				'--stream-name',
				stream,
				'--shard-to-split',
				'shardId-000000000000',
				'--new-starting-hash-key',
				String(2n ** 127n),
			]);
			const split = await cliOk(aws, ['list-shards', '--stream-name', stream]);
			expect(split.Shards.map((shard: {ShardId: string}) => shard.ShardId)).toEqual([
				'shardId-000000000000',
				'shardId-000000000001',
				'shardId-000000000002',
			]);
			expect(split.Shards[1].ParentShardId).toBe('shardId-000000000000');

			await cliOk(aws, [
				'merge-shards',
				'--stream-name',
				stream,
				'--shard-to-merge',
				'shardId-000000000001',
				'--adjacent-shard-to-merge',
				'shardId-000000000002',
			]);
			const merged = await cliOk(aws, ['list-shards', '--stream-name', stream]);
			expect(merged.Shards).toHaveLength(4);
			expect(merged.Shards[3]).toMatchObject({
				ShardId: 'shardId-000000000003',
				ParentShardId: 'shardId-000000000001',
				AdjacentParentShardId: 'shardId-000000000002',
			});

			const summary = await cliOk(aws, ['describe-stream-summary', '--stream-name', stream]);
			expect(summary.StreamDescriptionSummary.OpenShardCount).toBe(1);
			await cliOk(aws, ['delete-stream', '--stream-name', stream]);
			expect((await cliOk(aws, ['list-streams'])).StreamNames).not.toContain(stream);
		}, 120_000);

		test('prints AWS-shaped errors: a missing stream, a wrong secret, an unknown key', async () => {
			const missing = await cli(aws, ['describe-stream', '--stream-name', 'no-such-stream']);
			expect(missing.status).not.toBe(0);
			expect(missing.stderr).toContain(
				'An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: ' +
					'Stream no-such-stream under account 000000000000 not found.',
			);
			const wrongSecret = await cli(
				aws,
				['list-streams'],
				environment({AWS_SECRET_ACCESS_KEY: 'not-the-secret', AWS_MAX_ATTEMPTS: '1'}),
			);
			expect(wrongSecret.stderr).toContain('(InvalidSignatureException)');
			expect(wrongSecret.stderr).toContain('The request signature we calculated does not match');
			const unknownKey = await cli(
				aws,
				['list-streams'],
				environment({AWS_ACCESS_KEY_ID: 'AKIANOBODY0000000000', AWS_MAX_ATTEMPTS: '1'}),
			);
			expect(unknownKey.stderr).toContain('(UnrecognizedClientException)');
			expect(unknownKey.stderr).toContain('The security token included in the request is invalid.');
		}, 60_000);
	});
}

const BOTO3_SCRIPT = String.raw`
import json, sys, time
import boto3
from botocore.exceptions import ClientError

kinesis = boto3.client("kinesis", endpoint_url=sys.argv[1], region_name="us-east-1")
name = sys.argv[2]
out = {}
kinesis.create_stream(StreamName=name, ShardCount=2)
out["status"] = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
put = kinesis.put_records(StreamName=name, Records=[
    {"Data": ("record %d" % i).encode(), "PartitionKey": "key-%d" % i} for i in range(20)
])
out["failed"] = put["FailedRecordCount"]
one = kinesis.put_record(StreamName=name, Data=b"\x00\x01\xfe\xff", PartitionKey="binary")
data = []
for shard in kinesis.list_shards(StreamName=name)["Shards"]:
    iterator = kinesis.get_shard_iterator(
        StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator, Limit=100)
    for record in page["Records"]:
        data.append(record["Data"].hex())
        out["arrival_is_datetime"] = hasattr(record["ApproximateArrivalTimestamp"], "year")
        out["arrival_age_s"] = abs(time.time() - record["ApproximateArrivalTimestamp"].timestamp())
out["data"] = sorted(data)
out["binary_shard"] = one["ShardId"]
kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey="85070591730234615865843651857942052864")
kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000002", AdjacentShardToMerge="shardId-000000000003")
out["shards"] = [shard["ShardId"] for shard in kinesis.list_shards(StreamName=name)["Shards"]]
try:
    kinesis.describe_stream(StreamName="nope")
except ClientError as error:
    out["missing"] = [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    kinesis.get_records(ShardIterator="not-an-iterator")
except ClientError as error:
    out["bad_iterator"] = error.response["Error"]["Code"]
kinesis.delete_stream(StreamName=name)
out["streams_after_delete"] = kinesis.list_streams()["StreamNames"]
print(json.dumps(out))
`;

for (const [index, boto3] of boto3s.clients.entries()) {
	describe(`boto3 ${boto3.boto3} (botocore ${boto3.botocore}) at ${boto3.command}`, () => {
		test('the same round trip from Python, with botocore errors', async () => {
			const stream = `boto-${index}`;
			const inPlaceBefore = putsInPlace;
			const result = await runClient(boto3.command, ['-c', BOTO3_SCRIPT, endpoint, stream]);
			expect(result.stderr).toBe('');
			expect(result.status).toBe(0);
			// botocore's PutRecords body is in the form serve reads in place, not the generic path.
			expect(putsInPlace - inPlaceBefore).toBe(1);
			const out = JSON.parse(result.stdout);
			expect(out.status).toBe('ACTIVE');
			expect(out.failed).toBe(0);
			const expected = [
				...Array.from({length: 20}, (_, i) => Buffer.from(`record ${i}`).toString('hex')),
				'0001feff',
			].sort();
			expect(out.data).toEqual(expected);
			expect(out.arrival_is_datetime).toBe(true);
			expect(out.arrival_age_s).toBeLessThan(600);
			expect(out.shards).toEqual([
				'shardId-000000000000',
				'shardId-000000000001',
				'shardId-000000000002',
				'shardId-000000000003',
				'shardId-000000000004',
			]);
			expect(out.missing).toEqual(['ResourceNotFoundException', 400]);
			expect(out.bad_iterator).toBe('InvalidArgumentException');
			// Only this test's stream: another client's test may have left its own behind on failing.
			expect(out.streams_after_delete).not.toContain(stream);
		}, 60_000);
	});
}

testAbsentClients(awsClis, boto3s);

test('which clients ran', () => {
	// Recorded for the reader of the test output: the suite above is only as good as what ran.
	for (const aws of awsClis.clients)
		console.log(`third-party clients: ran ${aws.command}: ${aws.version}`);
	for (const boto3 of boto3s.clients) {
		console.log(
			`third-party clients: ran boto3 ${boto3.boto3} (botocore ${boto3.botocore}) at ${boto3.command}`,
		);
	}

	expectClientsRan(awsClis, boto3s);

	// blobArgument knows the conventions of v1 and v2 only: a v3 must be learnt first.
	for (const aws of awsClis.clients) expect([1, 2]).toContain(aws.major);
});

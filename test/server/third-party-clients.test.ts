/**
 * Real third-party clients against the wire server, unmodified: the AWS CLI (v2 from Debian's `awscli`
 * package when installed, else whichever `aws` is on PATH) and boto3 (Debian's `python3-boto3`, else the
 * `python3` on PATH). Both speak JSON 1.1 over HTTP/1.1 and sign with botocore's SigV4, which the server
 * verifies for real here. Skipped, saying so, where the clients are not installed (.ci/run installs them).
 */
import {execFile, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';

const KEY = {accessKeyId: 'AKIAKINESISTOPCLI001', secretAccessKey: 'third-party/client+secret'};

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

let engine: KinesisEngine;
let server: KinesisServer;
let endpoint: string;
let home: string;

beforeAll(async () => {
	home = mkdtempSync(join(tmpdir(), 'kinesis-top-clients-'));
	engine = new KinesisEngine({enforceLimits: false});
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

async function cli(args: string[], env?: NodeJS.ProcessEnv) {
	return runClient(aws, ['kinesis', ...args, '--endpoint-url', endpoint, '--output', 'json'], {
		env,
	});
}

/** Runs the CLI and insists on success, answering its JSON output. */
async function cliOk(args: string[]) {
	const result = await cli(args);
	if (result.status !== 0) {
		throw new Error(`aws kinesis ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as any;
}

describe('the AWS CLI', () => {
	test('creates, puts, reads, splits, merges, lists and deletes', async () => {
		await cliOk(['create-stream', '--stream-name', 'cli', '--shard-count', '1']);
		const put = await cliOk([
			'put-record',
			'--stream-name',
			'cli',
			'--partition-key',
			'pk',
			'--data',
			Buffer.from('hello from the AWS CLI').toString('base64'),
		]);
		expect(put.ShardId).toBe('shardId-000000000000');
		const {ShardIterator} = await cliOk([
			'get-shard-iterator',
			'--stream-name',
			'cli',
			'--shard-id',
			'shardId-000000000000',
			'--shard-iterator-type',
			'TRIM_HORIZON',
		]);
		const records = await cliOk(['get-records', '--shard-iterator', ShardIterator]);
		expect(records.Records).toHaveLength(1);
		expect(Buffer.from(records.Records[0].Data, 'base64').toString()).toBe(
			'hello from the AWS CLI',
		);
		expect(records.Records[0].SequenceNumber).toBe(put.SequenceNumber);

		await cliOk([
			'split-shard',
			'--stream-name',
			'cli',
			'--shard-to-split',
			'shardId-000000000000',
			'--new-starting-hash-key',
			String(2n ** 127n),
		]);
		const split = await cliOk(['list-shards', '--stream-name', 'cli']);
		expect(split.Shards.map((shard: {ShardId: string}) => shard.ShardId)).toEqual([
			'shardId-000000000000',
			'shardId-000000000001',
			'shardId-000000000002',
		]);
		expect(split.Shards[1].ParentShardId).toBe('shardId-000000000000');

		await cliOk([
			'merge-shards',
			'--stream-name',
			'cli',
			'--shard-to-merge',
			'shardId-000000000001',
			'--adjacent-shard-to-merge',
			'shardId-000000000002',
		]);
		const merged = await cliOk(['list-shards', '--stream-name', 'cli']);
		expect(merged.Shards).toHaveLength(4);
		expect(merged.Shards[3]).toMatchObject({
			ShardId: 'shardId-000000000003',
			ParentShardId: 'shardId-000000000001',
			AdjacentParentShardId: 'shardId-000000000002',
		});

		const summary = await cliOk(['describe-stream-summary', '--stream-name', 'cli']);
		expect(summary.StreamDescriptionSummary.OpenShardCount).toBe(1);
		await cliOk(['delete-stream', '--stream-name', 'cli']);
		expect((await cliOk(['list-streams'])).StreamNames).not.toContain('cli');
	}, 120_000);

	test('prints AWS-shaped errors: a missing stream, a wrong secret, an unknown key', async () => {
		const missing = await cli(['describe-stream', '--stream-name', 'no-such-stream']);
		expect(missing.status).not.toBe(0);
		expect(missing.stderr).toContain(
			'An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: ' +
				'Stream no-such-stream under account 000000000000 not found.',
		);
		const wrongSecret = await cli(
			['list-streams'],
			environment({AWS_SECRET_ACCESS_KEY: 'not-the-secret', AWS_MAX_ATTEMPTS: '1'}),
		);
		expect(wrongSecret.stderr).toContain('(InvalidSignatureException)');
		expect(wrongSecret.stderr).toContain('The request signature we calculated does not match');
		const unknownKey = await cli(
			['list-streams'],
			environment({AWS_ACCESS_KEY_ID: 'AKIANOBODY0000000000', AWS_MAX_ATTEMPTS: '1'}),
		);
		expect(unknownKey.stderr).toContain('(UnrecognizedClientException)');
		expect(unknownKey.stderr).toContain('The security token included in the request is invalid.');
	}, 60_000);
});

const BOTO3_SCRIPT = String.raw`
import json, sys
import boto3
from botocore.exceptions import ClientError

kinesis = boto3.client("kinesis", endpoint_url=sys.argv[1], region_name="us-east-1")
out = {}
kinesis.create_stream(StreamName="boto", ShardCount=2)
out["status"] = kinesis.describe_stream_summary(StreamName="boto")["StreamDescriptionSummary"]["StreamStatus"]
put = kinesis.put_records(StreamName="boto", Records=[
    {"Data": ("record %d" % i).encode(), "PartitionKey": "key-%d" % i} for i in range(20)
])
out["failed"] = put["FailedRecordCount"]
one = kinesis.put_record(StreamName="boto", Data=b"\x00\x01\xfe\xff", PartitionKey="binary")
data = []
for shard in kinesis.list_shards(StreamName="boto")["Shards"]:
    iterator = kinesis.get_shard_iterator(
        StreamName="boto", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator, Limit=100)
    for record in page["Records"]:
        data.append(record["Data"].hex())
        out["arrival_is_datetime"] = hasattr(record["ApproximateArrivalTimestamp"], "year")
out["data"] = sorted(data)
out["binary_shard"] = one["ShardId"]
kinesis.split_shard(StreamName="boto", ShardToSplit="shardId-000000000000", NewStartingHashKey="85070591730234615865843651857942052864")
kinesis.merge_shards(StreamName="boto", ShardToMerge="shardId-000000000002", AdjacentShardToMerge="shardId-000000000003")
out["shards"] = [shard["ShardId"] for shard in kinesis.list_shards(StreamName="boto")["Shards"]]
try:
    kinesis.describe_stream(StreamName="nope")
except ClientError as error:
    out["missing"] = [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    kinesis.get_records(ShardIterator="not-an-iterator")
except ClientError as error:
    out["bad_iterator"] = error.response["Error"]["Code"]
kinesis.delete_stream(StreamName="boto")
out["streams_after_delete"] = kinesis.list_streams()["StreamNames"]
print(json.dumps(out))
`;

describe('boto3', () => {
	test('the same round trip from Python, with botocore errors', async () => {
		const result = await runClient(python, ['-c', BOTO3_SCRIPT, endpoint]);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const out = JSON.parse(result.stdout);
		expect(out.status).toBe('ACTIVE');
		expect(out.failed).toBe(0);
		const expected = [
			...Array.from({length: 20}, (_, i) => Buffer.from(`record ${i}`).toString('hex')),
			'0001feff',
		].sort();
		expect(out.data).toEqual(expected);
		expect(out.arrival_is_datetime).toBe(true);
		expect(out.shards).toEqual([
			'shardId-000000000000',
			'shardId-000000000001',
			'shardId-000000000002',
			'shardId-000000000003',
			'shardId-000000000004',
		]);
		expect(out.missing).toEqual(['ResourceNotFoundException', 400]);
		expect(out.bad_iterator).toBe('InvalidArgumentException');
		expect(out.streams_after_delete).toEqual([]);
	}, 60_000);
});

test('which clients ran', () => {
	// Recorded for the reader of the test output: the suite above is only as good as what ran.
	expect(existsSync(home)).toBe(true);
	console.log(`third-party clients: aws=${aws ?? 'missing'} python=${python ?? 'missing'}`);
});

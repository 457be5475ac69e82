/**
 * serve's DynamoDB (the embedded dynalite behind the router): the calls a KCL worker makes on its lease
 * table over the wire, with the SDK's DynamoDB client — CreateTable, DescribeTable, PutItem, conditional
 * UpdateItem (taken and refused), Scan — on the port that answers Kinesis too; the signature checks
 * serve makes for every service; and the tables kept in a data directory across a restart.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
	CreateTableCommand,
	DescribeTableCommand,
	DynamoDBClient,
	ListTablesCommand,
	PutItemCommand,
	ScanCommand,
	UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {ListStreamsCommand, KinesisClient} from '@aws-sdk/client-kinesis';
import {NodeHttp2Handler} from '@smithy/node-http-handler';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {EmbeddedDynamoDb} from '../../source/server/embedded-dynamodb.js';
import {KinesisServer} from '../../source/server/server.js';
import {waitUntilActive} from '../helpers/kcl-leases.js';

const KEY = {accessKeyId: 'AKIDDYNAMO', secretAccessKey: 'dynamo-secret'};

const clientFor = (endpoint: string, credentials = KEY) =>
	new DynamoDBClient({endpoint, region: 'us-east-1', credentials, maxAttempts: 1});

/** The table as KCL creates it, once ACTIVE: what CreateTable answers is still CREATING. */
async function createLeaseTable(client: DynamoDBClient, table: string) {
	const {TableDescription} = await client.send(
		new CreateTableCommand({
			TableName: table,
			KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
			AttributeDefinitions: [{AttributeName: 'leaseKey', AttributeType: 'S'}],
			BillingMode: 'PAY_PER_REQUEST',
		}),
	);
	expect(TableDescription?.TableStatus).toBe('CREATING');
	await waitUntilActive(client, table);
}

/** KCL's renewal: the counter bumped only if the lease is still this worker's at the counter it saw. */
const renew = (table: string, owner: string, counter: number) =>
	new UpdateItemCommand({
		TableName: table,
		Key: {leaseKey: {S: 'shardId-000000000000'}},
		UpdateExpression: 'SET leaseCounter = leaseCounter + :one',
		ConditionExpression: 'leaseOwner = :owner AND leaseCounter = :counter',
		ExpressionAttributeValues: {
			':one': {N: '1'},
			':owner': {S: owner},
			':counter': {N: String(counter)},
		},
		ReturnValues: 'ALL_NEW',
	});

describe('serve answers DynamoDB on its port', () => {
	let backend: LocalBackend;
	let dynamodb: EmbeddedDynamoDb;
	let server: KinesisServer;
	let client: DynamoDBClient;
	let endpoint: string;

	beforeAll(async () => {
		backend = LocalBackend.open({region: 'eu-west-1', accountId: '123456789012'});
		dynamodb = EmbeddedDynamoDb.open({region: 'eu-west-1', accountId: '123456789012'});
		server = new KinesisServer({engine: backend.kinesis, port: 0, dynamodb});
		endpoint = await server.start();
		client = clientFor(endpoint);
	});

	afterAll(async () => {
		client.destroy();
		await server.stop();
		await dynamodb.close();
		await backend.close();
	});

	test('a lease table created, described, written, conditionally updated and scanned', async () => {
		await createLeaseTable(client, 'app');
		const {Table} = await client.send(new DescribeTableCommand({TableName: 'app'}));
		expect(Table).toMatchObject({
			TableName: 'app',
			TableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/app',
			TableStatus: 'ACTIVE',
			KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
		});
		await client.send(
			new PutItemCommand({
				TableName: 'app',
				Item: {
					leaseKey: {S: 'shardId-000000000000'},
					leaseOwner: {S: 'worker-1'},
					leaseCounter: {N: '1'},
					checkpoint: {S: 'TRIM_HORIZON'},
				},
				ConditionExpression: 'attribute_not_exists(leaseKey)',
			}),
		);
		const renewed = await client.send(renew('app', 'worker-1', 1));
		expect(renewed.Attributes?.leaseCounter).toEqual({N: '2'});
		// The counter it saw is stale now: refused as DynamoDB refuses it.
		const refused = await client.send(renew('app', 'worker-1', 1)).catch((error: Error) => error);
		expect(refused).toMatchObject({name: 'ConditionalCheckFailedException'});
		expect((refused as Error).message).toMatch(/conditional request failed/i);
		const {Items} = await client.send(new ScanCommand({TableName: 'app'}));
		expect(Items).toEqual([
			{
				leaseKey: {S: 'shardId-000000000000'},
				leaseOwner: {S: 'worker-1'},
				leaseCounter: {N: '2'},
				checkpoint: {S: 'TRIM_HORIZON'},
			},
		]);
	});

	test('a missing table is ResourceNotFoundException', async () => {
		const error = await client
			.send(new DescribeTableCommand({TableName: 'nowhere'}))
			.catch((error: Error) => error);
		expect(error).toMatchObject({name: 'ResourceNotFoundException'});
	});

	test('over HTTP/2 too, as the port speaks it', async () => {
		const overHttp2 = new DynamoDBClient({
			endpoint,
			region: 'us-east-1',
			credentials: KEY,
			requestHandler: new NodeHttp2Handler(),
		});
		try {
			await createLeaseTable(overHttp2, 'over-h2');
			const {TableNames} = await overHttp2.send(new ListTablesCommand({}));
			expect(TableNames).toContain('over-h2');
		} finally {
			overHttp2.destroy();
		}
	});

	test('Kinesis is still answered on the same port', async () => {
		const kinesis = new KinesisClient({endpoint, region: 'us-east-1', credentials: KEY});
		try {
			expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
		} finally {
			kinesis.destroy();
		}
	});

	test('a request without a signature is refused before DynamoDB sees it', async () => {
		const response = await fetch(endpoint, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-amz-json-1.0',
				'x-amz-target': 'DynamoDB_20120810.ListTables',
			},
			body: '{}',
		});
		expect(response.status).toBe(400);
		expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
		expect(await response.json()).toMatchObject({__type: 'MissingAuthenticationTokenException'});
	});
});

describe('serve --verify-signatures checks DynamoDB signatures too', () => {
	let backend: LocalBackend;
	let dynamodb: EmbeddedDynamoDb;
	let server: KinesisServer;
	let endpoint: string;

	beforeAll(async () => {
		backend = LocalBackend.open();
		dynamodb = EmbeddedDynamoDb.open();
		server = new KinesisServer({
			engine: backend.kinesis,
			port: 0,
			dynamodb,
			verifySignatures: [KEY],
		});
		endpoint = await server.start();
	});

	afterAll(async () => {
		await server.stop();
		await dynamodb.close();
		await backend.close();
	});

	test('the right key is answered, a wrong one refused', async () => {
		const right = clientFor(endpoint);
		const wrong = clientFor(endpoint, {...KEY, secretAccessKey: 'not-it'});
		try {
			await createLeaseTable(right, 'signed');
			const error = await wrong
				.send(new DescribeTableCommand({TableName: 'signed'}))
				.catch((error: Error) => error);
			expect(error).toMatchObject({name: 'InvalidSignatureException'});
		} finally {
			right.destroy();
			wrong.destroy();
		}
	});
});

describe('the tables of a data directory', () => {
	const directories: string[] = [];
	afterEach(() => {
		for (const directory of directories.splice(0))
			rmSync(directory, {recursive: true, force: true});
	});

	test('are there again after a restart', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'kt-dynamodb-'));
		directories.push(directory);
		const start = async () => {
			const dynamodb = EmbeddedDynamoDb.open({directory});
			const backend = LocalBackend.open();
			const server = new KinesisServer({engine: backend.kinesis, port: 0, dynamodb});
			const client = clientFor(await server.start());
			return {
				client,
				async stop() {
					client.destroy();
					await server.stop();
					await dynamodb.close();
					await backend.close();
				},
			};
		};

		const first = await start();
		await createLeaseTable(first.client, 'kept');
		await first.client.send(
			new PutItemCommand({
				TableName: 'kept',
				Item: {leaseKey: {S: 'shardId-000000000001'}, checkpoint: {S: '49590'}},
			}),
		);
		await first.stop();
		const second = await start();
		try {
			const {Items} = await second.client.send(new ScanCommand({TableName: 'kept'}));
			expect(Items).toEqual([{leaseKey: {S: 'shardId-000000000001'}, checkpoint: {S: '49590'}}]);
		} finally {
			await second.stop();
		}
	});
});

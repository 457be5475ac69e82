/**
 * The consumer-source methods of the driver contract (DynamoDB tables, Lambda mappings), run against
 * the local driver reading a DynamoDB named as AWS_ENDPOINT_URL_DYNAMODB would name it and reading its
 * own embedded DynamoDB, and against the AWS driver pointed at `kinesis-top serve` for Kinesis and at
 * dynalite and the Lambda endpoint for the rest, and at serve's own embedded DynamoDB; and what each
 * answers where there is no DynamoDB or Lambda at all.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {AwsDriver} from '../source/driver/aws-driver.js';
import {DriverError} from '../source/driver/driver.js';
import {LocalDriver} from '../source/driver/local-driver.js';
import {openDriver} from '../source/driver/open-driver.js';
import {LocalBackend} from '../source/engine/local-backend.js';
import {EmbeddedDynamoDb} from '../source/server/embedded-dynamodb.js';
import {KinesisServer} from '../source/server/server.js';
import {consumerSourcesContract, MAPPINGS, STREAM_ARN} from './driver-contract-consumers.js';
import {dynamoDbClientAt, startDynalite} from './helpers/dynalite.js';
import {startLambdaEndpoint} from './helpers/lambda-endpoint.js';

consumerSourcesContract('LocalDriver with a DynamoDB and a Lambda endpoint', async () => {
	const dynamodb = await startDynalite();
	// Small pages, so that paging is exercised.
	const lambda = await startLambdaEndpoint(MAPPINGS, {pageSize: 2});
	const driver = await openDriver(
		{local: true, inMemory: true},
		{AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint, AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint},
	);
	expect(driver).toBeInstanceOf(LocalDriver);
	return {
		driver,
		dynamodb,
		async cleanup() {
			await driver.close();
			await dynamodb.stop();
			await lambda.stop();
		},
	};
});

consumerSourcesContract('AwsDriver → serve, dynalite and a Lambda endpoint', async () => {
	const backend = LocalBackend.open();
	const server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
	const endpoint = await server.start();
	const dynamodb = await startDynalite();
	const lambda = await startLambdaEndpoint(MAPPINGS, {pageSize: 2});
	const driver = new AwsDriver({
		region: 'us-east-1',
		environment: {},
		endpoints: {
			kinesis: endpoint,
			firehose: endpoint,
			cloudwatch: endpoint,
			dynamodb: dynamodb.endpoint,
			lambda: lambda.endpoint,
		},
	});
	return {
		driver,
		dynamodb,
		async cleanup() {
			await driver.close();
			await server.stop();
			await backend.close();
			await dynamodb.stop();
			await lambda.stop();
		},
	};
});

/** A DynamoDB client of the test's own, writing into the DynamoDB at `endpoint`. */
function writerAt(endpoint: string, stop: () => Promise<void> = async () => undefined) {
	const client = dynamoDbClientAt(endpoint);
	return {
		endpoint,
		client,
		async stop() {
			client.destroy();
			await stop();
		},
	};
}

consumerSourcesContract(
	'AwsDriver → serve with its embedded DynamoDB, and a Lambda endpoint',
	async () => {
		const backend = LocalBackend.open();
		const embedded = EmbeddedDynamoDb.open();
		const server = new KinesisServer({
			engine: backend.kinesis,
			firehose: backend.firehose,
			dynamodb: embedded,
			port: 0,
		});
		const endpoint = await server.start();
		const lambda = await startLambdaEndpoint(MAPPINGS, {pageSize: 2});
		const driver = new AwsDriver({
			region: 'us-east-1',
			environment: {},
			endpoints: {
				kinesis: endpoint,
				firehose: endpoint,
				cloudwatch: endpoint,
				dynamodb: endpoint,
				lambda: lambda.endpoint,
			},
		});
		return {
			driver,
			dynamodb: writerAt(endpoint),
			async cleanup() {
				await driver.close();
				await server.stop();
				await embedded.close();
				await backend.close();
				await lambda.stop();
			},
		};
	},
);

consumerSourcesContract('LocalDriver with its own embedded DynamoDB', async () => {
	const lambda = await startLambdaEndpoint(MAPPINGS, {pageSize: 2});
	const driver = await openDriver(
		{local: true, inMemory: true},
		{AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint},
	);
	expect(driver).toBeInstanceOf(LocalDriver);
	const own = (driver as LocalDriver).localDynamoDb!;
	return {
		driver,
		dynamodb: writerAt(await own.endpoint()),
		async cleanup() {
			await driver.close();
			await lambda.stop();
		},
	};
});

describe('consumer sources where the backend has no DynamoDB or Lambda', () => {
	test('the local engine alone: no tables, no mappings, an unknown table not found', async () => {
		const driver = LocalDriver.open();
		try {
			expect(await driver.listTables()).toEqual([]);
			expect(await driver.listEventSourceMappings(STREAM_ARN)).toEqual([]);
			const error = await driver.describeTable('kcl-app').catch((error: unknown) => error);
			expect(error).toBeInstanceOf(DriverError);
			expect((error as DriverError).code).toBe('ResourceNotFoundException');
		} finally {
			await driver.close();
		}
	});

	test('the local engine with only a DynamoDB named: no mappings, and AWS itself never asked', async () => {
		const dynamodb = await startDynalite();
		// No credentials anywhere: a call to AWS's Lambda would fail with MissingCredentials.
		const driver = await openDriver(
			{local: true, inMemory: true},
			{
				AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
				AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
				AWS_CONFIG_FILE: '/nonexistent/config',
			},
		);
		try {
			expect(await driver.listEventSourceMappings(STREAM_ARN)).toEqual([]);
			expect(await driver.listTables()).toEqual([]);
		} finally {
			await driver.close();
			await dynamodb.stop();
		}
	});

	describe('the AWS driver against a server without DynamoDB (--endpoint): not offered', () => {
		let backend: LocalBackend;
		let server: KinesisServer;
		let driver: AwsDriver;

		beforeAll(async () => {
			backend = LocalBackend.open();
			server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
			driver = new AwsDriver({
				endpoint: await server.start(),
				region: 'us-east-1',
				environment: {},
				maxAttempts: 1,
			});
		});

		afterAll(async () => {
			await driver.close();
			await server.stop();
			await backend.close();
		});

		test('DynamoDB and Lambda calls are UnknownOperationException, naming the operation', async () => {
			for (const call of [
				() => driver.listTables(),
				() => driver.listEventSourceMappings(STREAM_ARN),
			]) {
				const error = await call().catch((error: unknown) => error);
				expect(error).toBeInstanceOf(DriverError);
				expect((error as DriverError).code).toBe('UnknownOperationException');
				expect((error as DriverError).message).toMatch(
					/^(ListTables|ListEventSourceMappings) is not offered by this endpoint/,
				);
			}
		});
	});
});

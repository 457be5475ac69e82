/**
 * The AWS driver's Firehose and CloudWatch clients: where they send requests (the SDK's per-service
 * endpoint variables) and a describe that survives CloudWatch failing.
 */
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {DriverError} from '../../source/driver/driver.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';

const VARIABLES = [
	'AWS_ENDPOINT_URL',
	'AWS_ENDPOINT_URL_KINESIS',
	'AWS_ENDPOINT_URL_FIREHOSE',
	'AWS_ENDPOINT_URL_CLOUDWATCH',
] as const;

let backend: LocalBackend;
let server: KinesisServer;
let endpoint: string;
/** Answers every request as CloudWatch refusing it for lack of permission. */
let denying: Server;
let denyingEndpoint: string;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
const drivers: AwsDriver[] = [];

beforeAll(async () => {
	backend = LocalBackend.open();
	server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
	endpoint = await server.start();
	backend.firehose.createDeliveryStream({
		DeliveryStreamName: 'hose',
		ExtendedS3DestinationConfiguration: {
			RoleARN: 'arn:aws:iam::000000000000:role/firehose',
			BucketARN: 'arn:aws:s3:::bucket',
			BufferingHints: {SizeInMBs: 16, IntervalInSeconds: 600},
		},
	});
	denying = createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			response.writeHead(403, {
				'content-type': 'application/x-amz-json-1.0',
				'x-amzn-query-error': 'AccessDenied;Sender',
			});
			response.end(JSON.stringify({__type: 'AccessDenied', message: 'User is not authorized'}));
		});
	});
	await new Promise<void>((resolve) => {
		denying.listen(0, '127.0.0.1', resolve);
	});
	denyingEndpoint = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
});

afterEach(async () => {
	for (const driver of drivers.splice(0)) await driver.close();
	for (const name of VARIABLES) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
});

afterAll(async () => {
	await server.stop();
	await backend.close();
	await new Promise((resolve) => {
		denying.close(resolve);
	});
});

/** A driver configured by the SDK's endpoint variables alone (no --endpoint). */
function driverFromEnvironment(variables: Partial<Record<(typeof VARIABLES)[number], string>>) {
	for (const name of VARIABLES) delete process.env[name];
	Object.assign(process.env, variables);
	const driver = new AwsDriver({region: 'us-east-1', maxAttempts: 1, environment: process.env});
	drivers.push(driver);
	return driver;
}

describe('AwsDriver: Firehose and CloudWatch', () => {
	test('--endpoint sends all three services to the one URL', async () => {
		const driver = new AwsDriver({endpoint, region: 'us-east-1', environment: {}});
		drivers.push(driver);
		expect(await driver.listDeliveryStreams()).toEqual(['hose']);
		const series = await driver.getMetrics({
			queries: [
				{
					namespace: 'AWS/Firehose',
					metricName: 'IncomingRecords',
					dimensions: {DeliveryStreamName: 'hose'},
					statistic: 'Sum',
					periodSeconds: 60,
				},
			],
			start: new Date(Date.now() - 600_000),
			end: new Date(),
		});
		expect(series).toHaveLength(1);
	});

	test('ListDeliveryStreams is followed through every page', async () => {
		const names = Array.from({length: 230}, (_, i) => `many-${String(i).padStart(3, '0')}`);
		for (const name of names) {
			backend.firehose.createDeliveryStream({
				DeliveryStreamName: name,
				ExtendedS3DestinationConfiguration: {
					RoleARN: 'arn:aws:iam::000000000000:role/firehose',
					BucketARN: 'arn:aws:s3:::bucket',
				},
			});
		}

		try {
			const driver = new AwsDriver({endpoint, region: 'us-east-1', environment: {}});
			drivers.push(driver);
			expect(await driver.listDeliveryStreams()).toEqual(['hose', ...names].sort());
		} finally {
			for (const name of names) backend.firehose.deleteDeliveryStream({DeliveryStreamName: name});
		}
	});

	test('AWS_ENDPOINT_URL_FIREHOSE and AWS_ENDPOINT_URL_CLOUDWATCH each route their service', async () => {
		const driver = driverFromEnvironment({
			AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:1',
			AWS_ENDPOINT_URL_FIREHOSE: endpoint,
			AWS_ENDPOINT_URL_CLOUDWATCH: denyingEndpoint,
		});
		expect(await driver.listDeliveryStreams()).toEqual(['hose']);
		const denied = await driver
			.getMetrics({
				queries: [
					{
						namespace: 'AWS/Kinesis',
						metricName: 'IncomingRecords',
						dimensions: {StreamName: 's'},
						statistic: 'Sum',
						periodSeconds: 60,
					},
				],
				start: new Date(Date.now() - 600_000),
				end: new Date(),
			})
			.catch((error: unknown) => error);
		expect(denied).toBeInstanceOf(DriverError);
		expect((denied as DriverError).code).toBe('AccessDenied');
		// Kinesis went to its own (closed) endpoint.
		await expect(driver.listStreams()).rejects.toMatchObject({code: 'NetworkingError'});
	});

	test('CloudWatch refusing leaves the buffer at the hints; the describe still answers', async () => {
		const driver = driverFromEnvironment({
			AWS_ENDPOINT_URL_FIREHOSE: endpoint,
			AWS_ENDPOINT_URL_CLOUDWATCH: denyingEndpoint,
		});
		const detail = await driver.describeDeliveryStream('hose');
		expect(detail.DeliveryStreamName).toBe('hose');
		expect(detail.Buffer).toEqual({
			Estimate: true,
			SizeLimitBytes: 16 * 1024 * 1024,
			IntervalMillis: 600_000,
		});
	});

	test('CloudWatch unreachable: the same', async () => {
		const driver = driverFromEnvironment({
			AWS_ENDPOINT_URL_FIREHOSE: endpoint,
			AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:1',
		});
		expect((await driver.describeDeliveryStream('hose')).Buffer).toEqual({
			Estimate: true,
			SizeLimitBytes: 16 * 1024 * 1024,
			IntervalMillis: 600_000,
		});
	});

	test('with CloudWatch readable the buffer is estimated from it', async () => {
		await backend.firehose.putRecordBatch({
			DeliveryStreamName: 'hose',
			Records: [{Data: Buffer.from('12345')}, {Data: Buffer.from('678')}],
		});
		const driver = driverFromEnvironment({AWS_ENDPOINT_URL: endpoint});
		expect((await driver.describeDeliveryStream('hose')).Buffer).toMatchObject({
			Estimate: true,
			BufferedBytes: 8,
			BufferedRecords: 2,
			FailedDeliveries: 0,
		});
	});
});

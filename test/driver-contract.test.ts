/**
 * The driver contract, run against the local engine in this process (in memory and on disk) and against
 * the AWS driver talking to `kinesis-top serve` over the real wire protocol, over HTTP/2 and HTTP/1.1.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {AwsDriver} from '../source/driver/aws-driver.js';
import {LocalDriver} from '../source/driver/local-driver.js';
import type {KinesisEngine} from '../source/engine/engine.js';
import type {FirehoseEngine} from '../source/engine/firehose/firehose-engine.js';
import {LocalBackend} from '../source/engine/local-backend.js';
import {KinesisServer} from '../source/server/server.js';
import {driverContract, type DeliveryStreamSpec} from './driver-contract.js';

/** The Driver has no CreateDeliveryStream: the suite's delivery streams are made by the engine. */
const deliveryStreamCreator =
	(firehose: FirehoseEngine) =>
	async ({name, sizeInMBs, intervalInSeconds}: DeliveryStreamSpec) => {
		firehose.createDeliveryStream({
			DeliveryStreamName: name,
			DeliveryStreamType: 'DirectPut',
			ExtendedS3DestinationConfiguration: {
				RoleARN: 'arn:aws:iam::000000000000:role/firehose-delivery',
				BucketARN: 'arn:aws:s3:::kt-contract',
				BufferingHints: {SizeInMBs: sizeInMBs, IntervalInSeconds: intervalInSeconds},
			},
		});
	};

/** The Driver has no RegisterStreamConsumer either: the engine registers the suite's consumers. */
const consumerRegistrar =
	(engine: KinesisEngine) => async (streamArn: string, consumerName: string) => {
		engine.registerStreamConsumer({StreamARN: streamArn, ConsumerName: consumerName});
	};

driverContract('LocalDriver in memory', async () => {
	const driver = LocalDriver.open();
	return {
		driver,
		createDeliveryStream: deliveryStreamCreator(driver.firehose),
		registerConsumer: consumerRegistrar(driver.engine),
		cleanup: () => driver.close(),
	};
});

driverContract('LocalDriver on disk', async () => {
	const dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-contract-'));
	const driver = LocalDriver.open({dataDirectory});
	return {
		driver,
		createDeliveryStream: deliveryStreamCreator(driver.firehose),
		registerConsumer: consumerRegistrar(driver.engine),
		async cleanup() {
			await driver.close();
			rmSync(dataDirectory, {recursive: true, force: true});
		},
	};
});

/** The AWS driver (the SDK v3 Kinesis, Firehose and CloudWatch clients) against `serve` in this process. */
function awsDriverAgainstServe(httpVersion: '1.1' | '2') {
	return async () => {
		const backend = LocalBackend.open();
		const server = new KinesisServer({
			engine: backend.kinesis,
			firehose: backend.firehose,
			port: 0,
		});
		const endpoint = await server.start();
		const driver = new AwsDriver({endpoint, region: 'us-east-1', httpVersion, environment: {}});
		return {
			driver,
			createDeliveryStream: deliveryStreamCreator(backend.firehose),
			registerConsumer: consumerRegistrar(backend.kinesis),
			async cleanup() {
				await driver.close();
				await server.stop();
				await backend.close();
			},
		};
	};
}

driverContract('AwsDriver → serve over HTTP/2', awsDriverAgainstServe('2'));
driverContract('AwsDriver → serve over HTTP/1.1', awsDriverAgainstServe('1.1'));

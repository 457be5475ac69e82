/**
 * The driver contract against Kinesis implementations we did not write, with the HTTP version left to
 * the driver: kinesalite speaks HTTP/1.1 only (the driver must find that out), kinesis-mock speaks h2c
 * (and answers HTTP/2 badly when each call has a connection of its own, which the driver must not do).
 * What an emulator lacks is tested as such: the driver names it UnknownOperationException.
 */
import {afterAll, beforeAll} from 'vitest';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {driverContract, type DriverUnderTest} from '../driver-contract.js';
import {startKinesalite, startKinesisMock, type Emulator} from '../helpers/emulators.js';

const noDeliveryStreams = async () => {
	throw new Error('no Firehose here: the delivery-stream cases do not run');
};

function against(
	start: () => Promise<Emulator>,
	registerConsumer: DriverUnderTest['registerConsumer'] | undefined,
) {
	return async (): Promise<DriverUnderTest> => {
		const emulator = await start();
		const driver = new AwsDriver({
			endpoint: emulator.endpoint,
			region: 'us-east-1',
			environment: {},
			credentials: {accessKeyId: 'kinesis-top', secretAccessKey: 'kinesis-top'},
		});
		return {
			driver,
			createDeliveryStream: noDeliveryStreams,
			registerConsumer:
				registerConsumer ??
				(async () => {
					throw new Error('no consumers here');
				}),
			async cleanup() {
				await driver.close();
				await emulator.stop();
			},
		};
	};
}

driverContract(
	'AwsDriver → kinesalite (HTTP/1.1 only)',
	against(startKinesalite, undefined),
	{
		childShards: false,
		onDemand: false,
		updateShardCount: false,
		consumers: false,
		metrics: false,
		firehose: false,
	},
	{mergeLowerShardFirst: true, splitsClosedShards: true},
);

let kinesisMock: Emulator | undefined;
beforeAll(async () => {
	kinesisMock = await startKinesisMock();
}, 90_000);
afterAll(async () => kinesisMock?.stop());

driverContract(
	'AwsDriver → kinesis-mock (h2c)',
	async () => {
		const driver = new AwsDriver({
			endpoint: kinesisMock!.endpoint,
			region: 'us-east-1',
			environment: {},
			credentials: {accessKeyId: 'kinesis-top', secretAccessKey: 'kinesis-top'},
		});
		const {KinesisClient, RegisterStreamConsumerCommand} = await import('@aws-sdk/client-kinesis');
		const registrar = new KinesisClient({
			endpoint: kinesisMock!.endpoint,
			region: 'us-east-1',
			credentials: {accessKeyId: 'kinesis-top', secretAccessKey: 'kinesis-top'},
			requestHandler: driver.client.config.requestHandler,
		});
		return {
			driver,
			createDeliveryStream: noDeliveryStreams,
			async registerConsumer(streamArn, consumerName) {
				await registrar.send(
					new RegisterStreamConsumerCommand({StreamARN: streamArn, ConsumerName: consumerName}),
				);
			},
			async cleanup() {
				await driver.close();
			},
		};
	},
	{metrics: false, firehose: false},
	{
		mergeLowerShardFirst: true,
		ownScalingBoundaries: true,
		badIteratorIsServerFault: true,
		foreignSequenceNotFound: true,
		scaleLimitIsInvalidArgument: true,
	},
);

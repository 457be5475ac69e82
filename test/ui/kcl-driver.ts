/**
 * A console's driver with a KCL application to show: the bundled engine with the stream `orders`, and
 * its lease table `orders-app` in dynalite (leases in KCL's item format), read through the local
 * driver's table source as AWS_ENDPOINT_URL_DYNAMODB would have it. Closed after the test.
 */
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {startDynalite} from '../helpers/dynalite.js';
import {createLeaseTable, putLeases, type LeaseSpec} from '../helpers/kcl-leases.js';
import {afterTest} from './render-app.js';

export const LEASE_TABLE = 'orders-app';

export async function kclDriver(leases: LeaseSpec[], shardCount = 2) {
	const dynamodb = await startDynalite();
	const sources = new AwsDriver({
		region: 'us-east-1',
		environment: {},
		endpoints: {dynamodb: dynamodb.endpoint},
	});
	const driver = LocalDriver.open(
		{enforceLimits: false},
		{tables: sources, close: () => sources.close()},
	);
	afterTest(async () => {
		await driver.close();
		await dynamodb.stop();
	});
	await driver.createStream('orders', {mode: 'PROVISIONED', shardCount});
	await createLeaseTable(dynamodb.client, LEASE_TABLE);
	await putLeases(dynamodb.client, LEASE_TABLE, leases);
	return {driver, dynamodb};
}

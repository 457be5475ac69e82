/**
 * The driver contract, run against the local engine in this process (in memory and on disk) and against
 * the AWS driver talking to `kinesis-top serve` over the real wire protocol, over HTTP/2 and HTTP/1.1.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {AwsDriver} from '../source/driver/aws-driver.js';
import {LocalDriver} from '../source/driver/local-driver.js';
import {KinesisEngine} from '../source/engine/engine.js';
import {KinesisServer} from '../source/server/server.js';
import {driverContract} from './driver-contract.js';

driverContract('LocalDriver in memory', async () => {
	const driver = LocalDriver.open();
	return {driver, cleanup: () => driver.close()};
});

driverContract('LocalDriver on disk', async () => {
	const dataDirectory = mkdtempSync(join(tmpdir(), 'kinesis-top-contract-'));
	const driver = LocalDriver.open({dataDirectory});
	return {
		driver,
		async cleanup() {
			await driver.close();
			rmSync(dataDirectory, {recursive: true, force: true});
		},
	};
});

/** The AWS driver (the SDK v3 Kinesis client) against `kinesis-top serve` in this process. */
function awsDriverAgainstServe(httpVersion: '1.1' | '2') {
	return async () => {
		const engine = new KinesisEngine();
		const server = new KinesisServer({engine, port: 0});
		const endpoint = await server.start();
		const driver = new AwsDriver({endpoint, region: 'us-east-1', httpVersion, environment: {}});
		return {
			driver,
			async cleanup() {
				await driver.close();
				await server.stop();
				await engine.close();
			},
		};
	};
}

driverContract('AwsDriver → serve over HTTP/2', awsDriverAgainstServe('2'));
driverContract('AwsDriver → serve over HTTP/1.1', awsDriverAgainstServe('1.1'));

/** The driver contract, run against the local engine in this process: in memory and on disk. */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {LocalDriver} from '../source/driver/local-driver.js';
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

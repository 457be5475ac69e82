/**
 * The local driver gets AWS's input validation too: the console on `--local` answers a bad name or an
 * out-of-range count as AWS would, from the same generated model constraints `serve` uses.
 */
import {afterEach, expect, test} from 'vitest';
import {DriverError} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';

let driver: LocalDriver | undefined;
afterEach(async () => {
	await driver?.close();
	driver = undefined;
});

async function failure(promise: Promise<unknown>) {
	const error = await promise.then(
		() => undefined,
		(error_: unknown) => error_,
	);
	expect(error).toBeInstanceOf(DriverError);
	return error as DriverError;
}

test('a stream name outside the pattern, and a shard count below 1, as AWS words them', async () => {
	driver = LocalDriver.open();
	const badName = await failure(driver.createStream('a b', {mode: 'PROVISIONED', shardCount: 1}));
	expect(badName.code).toBe('ValidationException');
	expect(badName.message).toBe(
		"1 validation error detected: Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
	);
	const noShards = await failure(driver.createStream('s', {mode: 'PROVISIONED', shardCount: 0}));
	expect(noShards.code).toBe('ValidationException');
	expect(noShards.message).toBe(
		"1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
	);
	expect(await driver.listStreams()).toEqual([]);
});

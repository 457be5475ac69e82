import {describe, expect, test} from 'vitest';
import {parseCommandLine} from '../../source/commands/command-line.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {openDriver} from '../../source/driver/open-driver.js';
import {KinesisEngine} from '../../source/engine/engine.js';
import {KinesisServer} from '../../source/server/server.js';
import {temporaryDirectory} from './helpers.js';

describe('choosing the backend', () => {
	test('the backend flags become BackendOptions', () => {
		expect(
			parseCommandLine(['--local', '--no-limits', '--region', 'eu-west-1', 'streams']).backend,
		).toEqual({
			local: true,
			dataDirectory: undefined,
			inMemory: false,
			enforceLimits: false,
			endpoint: undefined,
			httpVersion: 'auto',
			region: 'eu-west-1',
			profile: undefined,
			readOnly: false,
		});
		expect(
			parseCommandLine(['streams', '--local', '--data-dir', '/tmp/x', '--read-only']).backend,
		).toMatchObject({local: true, dataDirectory: '/tmp/x', enforceLimits: true, readOnly: true});
	});

	test('--http1 and --http2 force the HTTP version to endpoints; together, or with --local, they are usage errors', () => {
		const endpoint = ['--endpoint', 'http://127.0.0.1:1'];
		expect(parseCommandLine(['streams', ...endpoint, '--http1']).backend.httpVersion).toBe('1.1');
		expect(parseCommandLine(['streams', ...endpoint, '--http2']).backend.httpVersion).toBe('2');
		expect(() => parseCommandLine(['streams', ...endpoint, '--http1', '--http2'])).toThrow(
			/--http1 and --http2/,
		);
		expect(() => parseCommandLine(['streams', '--local', '--http2'])).toThrow(/bundled engine/);
	});

	test('--max-memory is read once, for the bundled engine only', () => {
		expect(
			parseCommandLine(['--local', '--in-memory', '--max-memory', '2GiB', 'streams']).backend,
		).toMatchObject({local: true, inMemory: true, maxMemoryBytes: 2 * 2 ** 30});
		expect(() => parseCommandLine(['--max-memory', '1G', 'streams'])).toThrow(
			'--data-dir, --in-memory, --max-memory and --no-limits are for the bundled engine: add --local',
		);
		expect(() => parseCommandLine(['--local', '--max-memory', 'big'])).toThrow(
			'--max-memory must be a size such as 512MiB, 2GiB, 1G or a number of bytes, not "big"',
		);
	});

	test('the in-memory engine keeps to --max-memory and says so through the driver', async () => {
		const driver = await openDriver({
			local: true,
			inMemory: true,
			enforceLimits: false,
			maxMemoryBytes: 2 ** 20,
		});
		try {
			await driver.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
			expect(driver.backendNotice?.()).toBeUndefined();
			const data = new Uint8Array(10_000);
			for (let put = 0; put < 30; put++) {
				await driver.putRecords(
					's',
					Array.from({length: 10}, (_, i) => ({PartitionKey: `k${i}`, Data: data})),
				);
			}

			// 3 MB were put against a 1 MiB budget.
			expect(driver.backendNotice?.()).toEqual({
				summary: 'trimming early: 1 MiB memory budget',
				detail: expect.stringMatching(/^records trimmed before their retention/) as string,
			});
			const shard = (await driver.describeStream('s')).Shards[0].ShardId;
			const iterator = await driver.getShardIterator('s', shard, {type: 'TRIM_HORIZON'});
			const kept = (await driver.getRecords(iterator, 10_000)).Records.length;
			expect(kept * 10_000).toBeLessThanOrEqual(2 ** 20);
			expect(kept).toBeGreaterThan(0);
		} finally {
			await driver.close();
		}
	});

	test('--local opens the engine, in memory or in the data directory, with or without limits', async () => {
		const inMemory = await openDriver({local: true, inMemory: true, enforceLimits: false});
		try {
			expect(inMemory).toBeInstanceOf(LocalDriver);
			expect((inMemory as LocalDriver).engine.enforceLimits).toBe(false);
			expect(inMemory.target).toMatchObject({
				backend: 'local',
				location: 'in memory',
				readOnly: false,
			});
		} finally {
			await inMemory.close();
		}

		const dataDirectory = temporaryDirectory();
		const onDisk = await openDriver({local: true, dataDirectory, readOnly: true});
		try {
			expect(onDisk.target).toMatchObject({
				backend: 'local',
				location: dataDirectory,
				readOnly: true,
			});
			await expect(onDisk.createStream('s', {mode: 'PROVISIONED', shardCount: 1})).rejects.toThrow(
				/read-only mode/,
			);
		} finally {
			await onDisk.close();
		}
	});

	test('the default data directory follows XDG_DATA_HOME', async () => {
		const base = temporaryDirectory();
		const driver = await openDriver({local: true}, {XDG_DATA_HOME: base});
		try {
			expect(driver.target.location).toBe(`${base}/kinesis-top`);
		} finally {
			await driver.close();
		}
	});

	test('--endpoint opens the AWS driver against that endpoint', async () => {
		const engine = new KinesisEngine({enforceLimits: false});
		const server = new KinesisServer({engine, port: 0});
		const endpoint = await server.start();
		const driver = await openDriver({endpoint, region: 'eu-west-1'}, {});
		try {
			expect(driver).toBeInstanceOf(AwsDriver);
			expect(driver.target).toMatchObject({
				backend: 'endpoint',
				location: endpoint,
				region: 'eu-west-1',
			});
			await driver.createStream('remote', {mode: 'PROVISIONED', shardCount: 1});
			expect(await driver.listStreams()).toEqual(['remote']);
		} finally {
			await driver.close();
			await server.stop();
			await engine.close();
		}
	});
});

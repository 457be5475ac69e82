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

import {describe, expect, test} from 'vitest';
import type {StreamDescription} from '../../source/driver/driver.js';
import {localCli} from './helpers.js';

describe('kinesis-top create and delete', () => {
	test('create --shards N makes a provisioned stream with N shards', async () => {
		const {ok} = localCli();
		expect(await ok(['create', 'orders', '--shards', '3'])).toBe(
			'created stream orders (3 shards)\n',
		);
		const description = JSON.parse(await ok(['describe', 'orders', '--json'])) as StreamDescription;
		expect(description.Shards).toHaveLength(3);
		expect(description.StreamModeDetails.StreamMode).toBe('PROVISIONED');
	});

	test('create --on-demand makes an on-demand stream; --json prints its description', async () => {
		const {ok} = localCli();
		const description = JSON.parse(
			await ok(['create', 'clicks', '--on-demand', '--json']),
		) as StreamDescription;
		expect(description.StreamName).toBe('clicks');
		expect(description.StreamModeDetails.StreamMode).toBe('ON_DEMAND');
		expect(description.Shards).toHaveLength(4);
	});

	test('creating a stream that exists is ResourceInUseException, status 1', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 'orders', '--shards', '1']);
		const outcome = await cli(['create', 'orders', '--shards', '1']);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toBe(
			'error: ResourceInUseException: Stream orders under account 000000000000 already exists.\n',
		);
	});

	test('create needs exactly one of --shards and --on-demand, and a whole number of shards', async () => {
		const {cli} = localCli();
		for (const argv of [
			['create', 'orders'],
			['create', 'orders', '--shards', '2', '--on-demand'],
			['create', 'orders', '--shards', '0'],
			['create', 'orders', '--shards', 'two'],
			['create', 'orders', '--shards', '1.5'],
		]) {
			const outcome = await cli(argv);
			expect(outcome.status, argv.join(' ')).toBe(2);
			expect(outcome.stderr).toMatch(/^error: .*\n\n.*Usage/s);
		}

		expect((await cli(['streams', '--json'])).stdout).toBe('[]\n');
	});

	test('delete removes the stream and its records', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 'orders', '--shards', '1']);
		await ok(['put', 'orders', '--key', 'k', '--data', 'hello']);
		expect(await ok(['delete', 'orders'])).toBe('deleted stream orders\n');
		expect(JSON.parse(await ok(['streams', '--json']))).toEqual([]);
		expect((await cli(['delete', 'orders'])).stderr).toMatch(/^error: ResourceNotFoundException: /);
		await ok(['create', 'orders', '--shards', '1']);
		expect(await ok(['tail', 'orders', '--from', 'trim-horizon', '--no-follow'])).toBe('');
	});
});

import {createServer, type AddressInfo} from 'node:net';
import {describe, expect, test, vi} from 'vitest';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {localCli, runRaw, temporaryDirectory} from './helpers.js';

describe('exit status and error messages', () => {
	test('--read-only refuses every change with AccessDeniedException and still reads', async () => {
		const {ok, cli} = localCli();
		await ok(['create', 's', '--shards', '2']);
		for (const argv of [
			['create', 't', '--shards', '1'],
			['delete', 's'],
			['put', 's', '--data', 'x'],
			['split', 's', 'shardId-000000000000'],
			['merge', 's', 'shardId-000000000000', 'shardId-000000000001'],
			['scale', 's', '--shards', '3'],
		]) {
			const outcome = await cli(['--read-only', ...argv]);
			expect(outcome.status, argv.join(' ')).toBe(1);
			expect(outcome.stderr).toMatch(
				/^error: AccessDeniedException: kinesis-top is in read-only mode: \w+ is not allowed \(started with --read-only\)\.\n$/,
			);
		}

		const summaries = JSON.parse(
			(await cli(['--read-only', 'streams', '--json'])).stdout,
		) as unknown[];
		expect(summaries).toHaveLength(1);
		expect((await cli(['--read-only', 'describe', 's'])).status).toBe(0);
		expect((await cli(['--read-only', 'tail', 's', '--no-follow'])).status).toBe(0);
		expect(await ok(['tail', 's', '--from', 'trim-horizon', '--no-follow'])).toBe('');
		expect((await ok(['describe', 's', '--json'])).match(/"ShardId"/g)).toHaveLength(2);
	});

	test('usage errors print the error and the help on stderr and exit 2', async () => {
		const {cli} = localCli();
		const cases: Array<[string[], string]> = [
			[['frobnicate'], 'unknown command "frobnicate"'],
			[['describe'], 'describe needs STREAM'],
			[['merge', 's', 'a'], 'merge needs ADJACENT_SHARD'],
			[['describe', 's', 'extra'], 'too many arguments for describe: extra'],
			[['streams', '--bogus'], 'unknown flag --bogus'],
			[['streams', '-x'], 'unknown flag -x'],
			[['streams', '--shards', '2'], '--shards does not apply to streams'],
			[['tail', 's', '--from'], '--from needs a value'],
			[['tail', 's', '--limit', 'ten'], '--limit must be a whole number of at least 1, not "ten"'],
			[['tail', 's', '--limit', '1', '--limit', '2'], 'The flag --limit can only be set once.'],
			[['--demo', 'streams'], '--demo does not apply to streams'],
		];
		for (const [argv, message] of cases) {
			const outcome = await cli(argv);
			expect(outcome.status, argv.join(' ')).toBe(2);
			expect(outcome.stdout).toBe('');
			expect(outcome.stderr.split('\n')[0]).toBe(`error: ${message}`);
			expect(outcome.stderr).toContain('Commands');
		}
	});

	test('backend flags that contradict each other are usage errors', async () => {
		const directory = temporaryDirectory();
		for (const argv of [
			['--local', '--endpoint', 'http://localhost:4567', 'streams'],
			['--local', '--data-dir', directory, '--in-memory', 'streams'],
			['--data-dir', directory, 'streams'],
			['--no-limits', 'streams'],
			['--endpoint', 'not a url', 'streams'],
		]) {
			const outcome = await runRaw(argv);
			expect(outcome.status, argv.join(' ')).toBe(2);
		}
	});

	test('an endpoint nobody answers at is a networking error, exit 1', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const {port} = closed.address() as AddressInfo;
		await new Promise((resolve) => closed.close(resolve));
		const outcome = await runRaw([
			'--endpoint',
			`http://127.0.0.1:${port}`,
			'--retry-for',
			'0',
			'streams',
		]);
		expect(outcome.status).toBe(1);
		expect(outcome.stderr).toMatch(/^error: NetworkingError: ECONNREFUSED\b.*\n$/);
	});

	test('a data directory in use by another engine is reported with its message, exit 1', async () => {
		const {dataDirectory, cli} = localCli();
		const holder = LocalDriver.open({dataDirectory});
		try {
			const outcome = await cli(['streams']);
			expect(outcome.status).toBe(1);
			expect(outcome.stderr).toBe(
				`error: the data directory ${dataDirectory} is in use by kinesis-top process ${process.pid}\n`,
			);
		} finally {
			await holder.close();
		}

		expect((await cli(['streams'])).status).toBe(0);
	});

	test('--in-memory keeps nothing between runs', async () => {
		expect((await runRaw(['--local', '--in-memory', 'create', 's', '--shards', '1'])).status).toBe(
			0,
		);
		expect((await runRaw(['--local', '--in-memory', 'streams', '--json'])).stdout).toBe('[]\n');
	});

	test('--help prints the help on stdout, --version the version; both exit 0', async () => {
		const help = await runRaw(['--help']);
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^A terminal console for Amazon Kinesis/);
		expect(help.stdout).toContain('tail STREAM');
		expect((await runRaw(['tail', '-h'])).stdout).toBe(help.stdout);
		const version = await runRaw(['--version']);
		expect(version.status).toBe(0);
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
	});

	test('without a command and without a terminal, the console refuses with exit 2', async () => {
		const openConsole = vi.fn(async () => undefined);
		const outcome = await runRaw(['--local', '--in-memory'], {io: {isTTY: false, openConsole}});
		expect(outcome.status).toBe(2);
		expect(outcome.stderr).toMatch(/^error: the console needs a terminal.*kinesis-top streams/);
		expect(openConsole).not.toHaveBeenCalled();
	});

	test('without a command, on a terminal, the console gets the driver and the demo flags', async () => {
		const openConsole = vi.fn(async () => undefined);
		const directory = temporaryDirectory();
		const outcome = await runRaw(
			['--local', '--data-dir', directory, '--read-only', '--demo', '--demo-rate', '50'],
			{io: {isTTY: true, openConsole}},
		);
		expect(outcome.status).toBe(0);
		expect(openConsole).toHaveBeenCalledOnce();
		const [[options]] = openConsole.mock.calls as unknown as Array<
			[{driver: {target: {backend: string; readOnly: boolean}}; demo: boolean; demoRate?: number}]
		>;
		expect(options.demo).toBe(true);
		expect(options.demoRate).toBe(50);
		expect(options.driver.target).toMatchObject({backend: 'local', readOnly: true});
		expect(
			(await runRaw(['--local', '--demo-rate', 'x'], {io: {isTTY: true, openConsole}})).status,
		).toBe(2);
	});
});

/**
 * One definition of "transient" (throttling, 5xx, the network: a retryable DriverError), and every
 * retry loop keeps to it: a transient failure is retried, anything else — access denied here — is
 * shown at once, with no second attempt. The loops: the producers' batch loop, the tail, the pollers,
 * resharding's wait for ACTIVE (the driver's retry wrapper has its own tests in retry.test.ts).
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {DriverError, type Driver} from '../../source/driver/driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {isTransient} from '../../source/driver/transient.js';
import {Poller} from '../../source/monitor/poller.js';
import {sendWithRetries} from '../../source/put/batch-retries.js';
import {executeReshard, type ReshardProgress} from '../../source/reshard/execute.js';
import {TailSession} from '../../source/tail/tail-session.js';
import {errorText} from '../../source/ui/components/status-line.js';

const denied = () => new DriverError('AccessDeniedException', 'not authorized', false);
const unavailable = () => new DriverError('ServiceUnavailable', 'slow down', true);

afterEach(() => {
	vi.useRealTimers();
});

test('transient: a retryable DriverError, and nothing else', () => {
	expect(isTransient(unavailable())).toBe(true);
	expect(isTransient(new DriverError('NetworkingError', 'ECONNREFUSED 127.0.0.1:1', true))).toBe(
		true,
	);
	expect(isTransient(denied())).toBe(false);
	expect(isTransient(new Error('a bug'))).toBe(false);
	expect(isTransient({code: 'ThrottlingException', retryable: true})).toBe(false);
});

describe('the producers’ batch loop', () => {
	test('access denied rejects after one call', async () => {
		let calls = 0;
		const send = async () => {
			calls++;
			throw denied();
		};
		await expect(sendWithRetries(['a'], send, new Set(), {minBackoffMs: 1})).rejects.toMatchObject({
			code: 'AccessDeniedException',
		});
		expect(calls).toBe(1);
	});

	test('a 5xx is sent again, and the batch lands', async () => {
		let calls = 0;
		const send = async (batch: string[]) => {
			if (++calls === 1) throw unavailable();
			return batch.map(() => ({}));
		};
		expect(await sendWithRetries(['a', 'b'], send, new Set(), {minBackoffMs: 1})).toEqual([{}, {}]);
		expect(calls).toBe(2);
	});
});

describe('the tail', () => {
	const drivers: Driver[] = [];
	afterEach(async () => {
		for (const driver of drivers.splice(0)) await driver.close();
	});

	/** A stream of one shard whose GetRecords fails with `failure()` on its first `times` calls. */
	async function failingReads(failure: () => DriverError, times: number) {
		const local = LocalDriver.open({enforceLimits: false});
		drivers.push(local);
		await local.createStream('s', {mode: 'PROVISIONED', shardCount: 1});
		await local.putRecords('s', [{PartitionKey: 'k', Data: new TextEncoder().encode('r')}]);
		const driver = Object.create(local) as Driver;
		let calls = 0;
		driver.getRecords = async (...args) => {
			if (++calls <= times) throw failure();
			return local.getRecords(...args);
		};
		return {driver, calls: () => calls};
	}

	const tail = (driver: Driver) =>
		new TailSession(driver, 's', {
			from: {type: 'TRIM_HORIZON'},
			follow: false,
			minBackoffMs: 1,
			maxBackoffMs: 1,
			idlePollMs: 1,
			catchUpPollMs: 1,
		});

	test('access denied ends it at once with the error', async () => {
		const {driver, calls} = await failingReads(denied, Infinity);
		const end = await tail(driver).start();
		expect(end).toMatchObject({reason: 'error', error: {code: 'AccessDeniedException'}});
		expect(calls()).toBe(1);
	});

	test('a 5xx is ridden out and the record read', async () => {
		const {driver, calls} = await failingReads(unavailable, 2);
		const session = tail(driver);
		const records: string[] = [];
		const reading = (async () => {
			for await (const batch of session) {
				for (const record of batch.records) records.push(new TextDecoder().decode(record.Data));
			}
		})();
		expect(await session.start()).toEqual({reason: 'drained'});
		await reading;
		expect(records).toEqual(['r']);
		expect(calls()).toBeGreaterThan(2);
	});
});

describe('a poller', () => {
	test('access denied is shown, not retried: no further load', async () => {
		vi.useFakeTimers();
		let loads = 0;
		const poller = new Poller(
			async () => {
				loads++;
				throw denied();
			},
			{intervalMs: 100},
		);
		poller.start();
		await vi.advanceTimersByTimeAsync(10_000);
		poller.stop();
		expect(loads).toBe(1);
		const error = poller.getState().error!;
		expect(error).toMatchObject({code: 'AccessDeniedException', failures: 1});
		expect(error.retryAt).toBeUndefined();
		expect(errorText(error)).toBe('✖ AccessDeniedException: not authorized · not retried');
	});

	test('a 5xx is retried after the backoff, and the value comes', async () => {
		vi.useFakeTimers();
		let loads = 0;
		const poller = new Poller(
			async () => {
				if (++loads === 1) throw unavailable();
				return 'value';
			},
			{intervalMs: 100},
		);
		poller.start();
		await vi.advanceTimersByTimeAsync(0);
		expect(poller.getState().error?.retryAt).toBeInstanceOf(Date);
		expect(errorText(poller.getState().error!)).toMatch(/· retry at \d\d:\d\d:\d\d$/);
		await vi.advanceTimersByTimeAsync(200);
		poller.stop();
		expect(loads).toBe(2);
		expect(poller.getState()).toMatchObject({value: 'value', error: undefined});
	});
});

describe('resharding’s wait for ACTIVE', () => {
	/** A driver whose split is accepted and whose DescribeStreamSummary answers from `looks`, in turn. */
	function reshardDriver(looks: Array<DriverError | 'UPDATING' | 'ACTIVE'>) {
		let calls = 0;
		const driver = {
			target: {backend: 'aws', region: 'us-east-1'},
			splitShard: async () => undefined,
			async describeStreamSummary() {
				const look = looks[Math.min(calls++, looks.length - 1)];
				if (look instanceof DriverError) throw look;
				return {StreamStatus: look};
			},
		} as unknown as Driver;
		return {driver, calls: () => calls};
	}

	async function split(driver: Driver) {
		const progress: ReshardProgress[] = [];
		await executeReshard(
			driver,
			's',
			{action: 'split', shardId: 'shardId-000000000000', newStartingHashKey: 1n},
			{auditDirectory: undefined, onProgress: (step) => progress.push(step), pollMs: 1},
		);
		return progress.at(-1);
	}

	test('access denied while looking ends the wait at once, saying why', async () => {
		const {driver, calls} = reshardDriver(['UPDATING', denied()]);
		expect(await split(driver)).toMatchObject({
			phase: 'failed',
			error:
				"the change was accepted, but the stream's status cannot be read: AccessDeniedException: not authorized",
		});
		expect(calls()).toBe(2);
	});

	test('a 5xx while looking is looked past, until ACTIVE', async () => {
		const {driver, calls} = reshardDriver([unavailable(), 'UPDATING', unavailable(), 'ACTIVE']);
		expect(await split(driver)).toMatchObject({phase: 'done'});
		expect(calls()).toBe(4);
	});
});

/**
 * A following tail through the retrying driver, against an endpoint that accepts and never answers: each
 * request is cut after the attempt timeout, the outage is reported once, and the tail keeps trying
 * until it is stopped (it never ends by itself, and never hangs unreported).
 */
import {createServer, type AddressInfo, type Socket} from 'node:net';
import {afterEach, expect, test} from 'vitest';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {retrying, type RetryReport} from '../../source/driver/retry.js';
import {TailSession} from '../../source/tail/tail-session.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

test('a following tail against a silent endpoint reports the outage once and goes on until stopped', async () => {
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise((resolve) => server.close(resolve));
	});
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const aws = new AwsDriver({
		endpoint: url,
		region: 'us-east-1',
		maxAttempts: 1,
		attemptTimeoutMs: 100,
		credentials: {accessKeyId: 'a', secretAccessKey: 'b'},
	});
	cleanups.push(() => aws.close());
	let attempts = 0;
	const describe = aws.describeStream.bind(aws);
	aws.describeStream = async (...args) => {
		attempts++;
		return describe(...args);
	};

	const reports: RetryReport[] = [];
	const driver = retrying(aws, {
		retryForMs: Number.POSITIVE_INFINITY,
		onReport: (report) => reports.push(report),
		minBackoffMs: 10,
		maxBackoffMs: 50,
	});
	const session = new TailSession(driver, 's', {from: {type: 'TRIM_HORIZON'}});
	void session.start();
	await waitFor(() => reports.length > 0, {message: 'the outage report'});
	expect(reports).toEqual([
		expect.objectContaining({
			kind: 'retrying',
			attempt: 2,
			error: expect.objectContaining({
				code: 'TimeoutError',
				message: `no answer from ${url} within 0.1 s`,
			}) as unknown,
		}),
	]);
	// Several more attempts time out: still one report, and the tail has not ended.
	const reported = attempts;
	await waitFor(() => attempts >= reported + 3, {message: 'more attempts'});
	expect(reports).toHaveLength(1);
	expect(session.ended).toBeUndefined();
	session.stop();
	expect(await session.finished).toEqual({reason: 'stopped'});
});

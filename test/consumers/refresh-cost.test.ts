/**
 * Issue 17 §5: what one refresh of the consumers model costs for a stream of 200 shards read by three
 * KCL applications (plus an enhanced fan-out consumer and Lambda mappings), counted at the wire: the AWS
 * driver talks to `serve` (Kinesis, CloudWatch), dynalite (DynamoDB) and the Lambda endpoint through
 * proxies that count each API call.
 */
import {BatchWriteItemCommand} from '@aws-sdk/client-dynamodb';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {ConsumerLag} from '../../source/consumers/consumer-lag.js';
import type {Driver} from '../../source/driver/driver.js';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {LocalBackend} from '../../source/engine/local-backend.js';
import {KinesisServer} from '../../source/server/server.js';
import {MAPPINGS} from '../driver-contract-consumers.js';
import {startCountingProxy, type CountingProxy} from '../helpers/counting-proxy.js';
import {startDynalite, type Dynalite} from '../helpers/dynalite.js';
import {createLeaseTable, leaseItem} from '../helpers/kcl-leases.js';
import {startLambdaEndpoint, type LambdaEndpoint} from '../helpers/lambda-endpoint.js';

const SHARDS = 200;
const APPLICATIONS = ['clicks-enricher', 'clicks-archiver', 'clicks-alerts'];

let backend: LocalBackend;
let server: KinesisServer;
let dynamodb: Dynalite;
let lambda: LambdaEndpoint;
let proxies: CountingProxy[];
let driver: AwsDriver;

beforeAll(async () => {
	backend = LocalBackend.open({enforceLimits: false});
	server = new KinesisServer({engine: backend.kinesis, firehose: backend.firehose, port: 0});
	const kinesis = await server.start();
	dynamodb = await startDynalite();
	backend.kinesis.createStream({
		StreamName: 'clicks',
		ShardCount: SHARDS,
		StreamModeDetails: {StreamMode: 'PROVISIONED'},
	});
	const {StreamARN} = backend.kinesis.describeStreamSummary({StreamName: 'clicks'});
	backend.kinesis.registerStreamConsumer({StreamARN, ConsumerName: 'dashboard'});
	lambda = await startLambdaEndpoint(
		MAPPINGS.map((mapping) => ({...mapping, EventSourceArn: StreamARN})),
	);
	for (const table of APPLICATIONS) {
		await createLeaseTable(dynamodb.client, table);
		const items = Array.from({length: SHARDS}, (_, index) =>
			leaseItem({
				shardId: `shardId-${String(index).padStart(12, '0')}`,
				owner: `worker-${index % 4}`,
				checkpoint: 'TRIM_HORIZON',
			}),
		);
		for (let start = 0; start < items.length; start += 25) {
			await dynamodb.client.send(
				new BatchWriteItemCommand({
					RequestItems: {
						[table]: items.slice(start, start + 25).map((Item) => ({PutRequest: {Item}})),
					},
				}),
			);
		}
	}

	proxies = await Promise.all(
		[kinesis, dynamodb.endpoint, lambda.endpoint].map((endpoint) => startCountingProxy(endpoint)),
	);
	const [kinesisProxy, dynamodbProxy, lambdaProxy] = proxies;
	driver = new AwsDriver({
		region: 'us-east-1',
		environment: {},
		httpVersion: '1.1',
		endpoints: {
			kinesis: kinesisProxy.endpoint,
			cloudwatch: kinesisProxy.endpoint,
			dynamodb: dynamodbProxy.endpoint,
			lambda: lambdaProxy.endpoint,
		},
	});
}, 120_000);

afterAll(async () => {
	await driver.close();
	for (const proxy of proxies) await proxy.stop();
	await server.stop();
	await backend.close();
	await dynamodb.stop();
	await lambda.stop();
}, 60_000);

const allCalls = () => {
	const calls: Record<string, number> = {};
	for (const proxy of proxies) {
		for (const [operation, count] of Object.entries(proxy.calls)) {
			calls[operation] = (calls[operation] ?? 0) + count;
		}
	}

	return calls;
};

/**
 * A Driver that remembers every answer `driver` gave, and one that gives them again at once: the
 * model's own CPU, without the servers' (which run in this process too), is measured on the replay.
 */
function recording(driver: Driver) {
	const answers = new Map<string, unknown>();
	// The metrics window moves with the clock: one answer serves every getMetrics.
	const keyOf = (method: string, args: unknown[]) =>
		method === 'getMetrics'
			? method
			: `${method} ${JSON.stringify(args.filter((arg) => !(arg instanceof AbortSignal)))}`;
	const wrap = (answer: (method: string, args: unknown[], call: () => unknown) => unknown) =>
		new Proxy(driver, {
			get(target, property, receiver) {
				const value = Reflect.get(target, property, receiver) as unknown;
				if (typeof value !== 'function' || typeof property !== 'string') return value;
				return (...args: unknown[]) =>
					answer(property, args, () => (value as (...a: unknown[]) => unknown).apply(target, args));
			},
		});
	const recorder = wrap(async (method, args, call) => {
		const answer = await call();
		answers.set(keyOf(method, args), answer);
		return answer;
	});
	const replay = wrap(async (method, args) => {
		const key = keyOf(method, args);
		if (!answers.has(key)) throw new Error(`no recorded answer for ${key}`);
		return answers.get(key);
	});
	return {recorder, replay};
}

const total = (calls: Record<string, number>) =>
	Object.values(calls).reduce((sum, count) => sum + count, 0);

let replay: Driver;

test('a refresh for 200 shards and 3 applications costs 108 calls; discovery once, then cached', async () => {
	const recorded = recording(driver);
	replay = recorded.replay;
	const model = new ConsumerLag(recorded.recorder, 'clicks');
	const first = await model.refresh();
	expect(first.applications.map((app) => app.name).sort()).toEqual([...APPLICATIONS].sort());
	expect(first.applications.every((app) => app.shards.length === SHARDS)).toBe(true);
	const discovery = allCalls();
	// Discovery: one ListTables, a DescribeTable and a one-page sample Scan per table.
	expect(discovery.ListTables).toBe(1);
	expect(discovery.DescribeTable).toBe(APPLICATIONS.length);
	expect(discovery.Scan).toBe(APPLICATIONS.length * 2);

	for (const proxy of proxies) proxy.reset();
	const started = performance.now();
	const second = await model.refresh();
	const elapsed = performance.now() - started;
	const calls = allCalls();
	expect(calls).toEqual({
		DescribeStreamSummary: 1,
		ListShards: 1,
		// One page of leases per application.
		Scan: 3,
		ListStreamConsumers: 1,
		'GET event-source-mappings': 1,
		GetMetricData: 1,
		// The lag reads: 50 shards a refresh, one iterator and one record each, shared by the three
		// applications at the same checkpoint.
		GetShardIterator: 50,
		GetRecords: 50,
	});
	expect(total(calls)).toBe(108);
	// The next 50 shards were measured, not the same ones again: 100 of 200 by now.
	const measured = second.applications[0].shards.filter((shard) => shard.lagMillis !== undefined);
	expect(measured).toHaveLength(100);
	console.log(
		`refresh of 200 shards × 3 applications: ${total(calls)} calls, ${elapsed.toFixed(0)} ms`,
	);
}, 120_000);

test("the model's own CPU for such a refresh stays within 100 ms", async () => {
	// The same two refreshes, answered from memory: what is left is the model's work.
	const model = new ConsumerLag(replay, 'clicks');
	await model.refresh();
	const before = process.cpuUsage();
	const snapshot = await model.refresh();
	const used = process.cpuUsage(before);
	const milliseconds = (used.user + used.system) / 1000;
	expect(snapshot.applications).toHaveLength(3);
	expect(
		snapshot.applications[0].shards.filter((shard) => shard.lagMillis !== undefined),
	).toHaveLength(100);
	console.log(
		`the model's CPU for one refresh of 200 shards × 3 applications: ${milliseconds.toFixed(1)} ms`,
	);
	expect(milliseconds).toBeLessThan(100);
});

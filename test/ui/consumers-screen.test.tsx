/**
 * The Consumers screen at 80×24: `c` on a stream and `:consumers NAME` list every consumer (a KCL
 * application from its lease table in dynalite, an EFO consumer, the Lambda mappings) with lag, trend and
 * status; Enter opens a KCL application shard by shard, sortable by lag, with its workers.
 */
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {AwsDriver} from '../../source/driver/aws-driver.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {MAPPINGS} from '../driver-contract-consumers.js';
import {startDynalite, type Dynalite} from '../helpers/dynalite.js';
import {createLeaseTable, putLeases} from '../helpers/kcl-leases.js';
import {startLambdaEndpoint, type LambdaEndpoint} from '../helpers/lambda-endpoint.js';
import {cleanUp, expectFits, keys, renderApp} from './render-app.js';

afterEach(cleanUp);

describe('Consumers screen', () => {
	let dynamodb: Dynalite;
	let lambda: LambdaEndpoint;
	let driver: LocalDriver;

	beforeAll(async () => {
		dynamodb = await startDynalite();
		lambda = await startLambdaEndpoint(MAPPINGS);
		const sources = new AwsDriver({
			region: 'us-east-1',
			environment: {},
			endpoints: {dynamodb: dynamodb.endpoint, lambda: lambda.endpoint},
		});
		driver = LocalDriver.open(
			{enforceLimits: false},
			{tables: sources, mappings: sources, close: () => sources.close()},
		);
		await driver.createStream('orders', {mode: 'PROVISIONED', shardCount: 3});
		const {records} = await driver.putRecords('orders', [
			{PartitionKey: 'a', Data: Buffer.from('one'), ExplicitHashKey: '0'},
			{PartitionKey: 'a', Data: Buffer.from('two'), ExplicitHashKey: '0'},
		]);
		const {StreamARN} = await driver.describeStreamSummary('orders');
		driver.engine.registerStreamConsumer({StreamARN, ConsumerName: 'dashboard'});
		await createLeaseTable(dynamodb.client, 'orders-enricher');
		await putLeases(dynamodb.client, 'orders-enricher', [
			{
				shardId: 'shardId-000000000000',
				owner: 'worker-1',
				checkpoint: records[0].SequenceNumber!,
			},
			{shardId: 'shardId-000000000001', owner: 'worker-1', checkpoint: 'LATEST'},
			{shardId: 'shardId-000000000002', checkpoint: 'TRIM_HORIZON'},
		]);
	}, 60_000);

	afterAll(async () => {
		await driver.close();
		await dynamodb.stop();
		await lambda.stop();
	});

	test('c on a stream lists its consumers; Enter opens one shard by shard; s sorts by lag', async () => {
		const app = renderApp(driver);
		await app.untilText('› orders');
		app.press('c');
		const list = await app.untilText(/orders-enricher +KCL/);
		expect(list).toMatch(/CONSUMER +TYPE +LAG +TREND +STATUS/);
		expect(list).toMatch(/orders-enricher +KCL +\S+ .*1 worker · unowned/);
		expect(list).toMatch(/dashboard +EFO .*ACTIVE/);
		expect(list).toMatch(/enrich +LAMBDA .*Enabled · PROBLEM: Function c/);
		expectFits(app);

		app.press(keys.enter);
		const detail = await app.untilText(/orders-enricher \(KCL 1\.x\) on orders: 3 shards, by lag/);
		expect(detail).toMatch(/workers: worker-1 2/);
		expect(detail).toMatch(/SHARD +OWNER +CHECKPOINT +LAG +RENEW\/M +DIAGNOSIS/);
		// By lag: shard 0 has a record waiting after its checkpoint; shard 2 none holds.
		const rows = app.lines().filter((line) => /^[› ] \d+ /.test(line));
		expect(rows[0]).toMatch(/^› 0 +worker-1 +…\d{11} +\S+/);
		expect(app.frame()).toMatch(/ 2 +- +TRIM_HORIZON +0ms +- +unowned: no worker holds/);
		expectFits(app);
		app.press('s');
		await app.untilText('3 shards, by shard');
		expect(app.lines().filter((line) => /^[› ] \d+ /.test(line))[1]).toMatch(
			/^ {2}1 +worker-1 +LATEST/,
		);
	});

	test(':consumers NAME opens the screen; a Lambda mapping shows its settings', async () => {
		const app = renderApp(driver);
		await app.untilText('› orders');
		app.press(':');
		await app.untilText(/^: {2}streams stream/m);
		app.type('consumers orders');
		await app.untilText(/^:consumers orders/m);
		app.press(keys.enter);
		await app.untilText(/enrich +LAMBDA/);
		await app.selectDown('enrich ');

		app.press(keys.enter);
		const detail = await app.untilText('Batch size      100 · parallelization 1');
		expect(detail).toContain('On error        bisect on · retries 2 · max age none');
		expect(detail).toContain('On failure      arn:aws:sqs:us-east-1:000000000000:dlq');
		expect(detail).toContain('⚠ PROBLEM: Function call failed');
		expectFits(app);
	});

	test('the iterator-age alert applies to each consumer lag: said once it is crossed', async () => {
		const app = renderApp(driver, {alertIteratorAgeMs: 1});
		await app.untilText('› orders');
		app.press('c');
		// The KCL application has records waiting (seconds old); the others have no lag published.
		const frame = await app.untilText('⚠ consumer lag above 1ms: orders-enricher');
		expect(frame).not.toMatch(/lag above 1ms: .*dashboard/);
		expectFits(app);
	});
});

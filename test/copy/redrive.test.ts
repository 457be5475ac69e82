import {afterEach, expect, test} from 'vitest';
import {executeRedrive, redrivePreview, selectForRedrive} from '../../source/copy/redrive.js';
import {LocalDriver} from '../../source/driver/local-driver.js';
import {readOnly} from '../../source/driver/read-only-driver.js';
import type {BufferedRecord} from '../../source/tail/tail-buffer.js';
import {TailSession} from '../../source/tail/tail-session.js';
import {temporaryDirectory} from '../commands/helpers.js';
import {auditEntries} from '../helpers/audit-log.js';

const drivers: LocalDriver[] = [];
afterEach(async () => {
	for (const driver of drivers.splice(0)) await driver.close();
});

async function buffered(driver: LocalDriver, stream: string) {
	const session = new TailSession(driver, stream, {
		from: {type: 'TRIM_HORIZON'},
		follow: false,
		catchUpPollMs: 1,
	});
	const records: BufferedRecord[] = [];
	for await (const batch of session) {
		for (const record of batch.records) {
			records.push({seq: records.length, shardId: batch.shardId, record});
		}
	}

	return records;
}

test('marks: none is everything, two a range, others themselves', () => {
	const records = Array.from({length: 6}, (_, seq): BufferedRecord => ({
		seq,
		shardId: 's',
		record: {
			SequenceNumber: String(seq),
			PartitionKey: 'k',
			Data: new Uint8Array(),
			ApproximateArrivalTimestamp: new Date(0),
		},
	}));
	const seqs = (marks: number[]) =>
		selectForRedrive(records, new Set(marks)).map((each) => each.seq);
	expect(seqs([])).toEqual([0, 1, 2, 3, 4, 5]);
	expect(seqs([4, 1])).toEqual([1, 2, 3, 4]);
	expect(seqs([5])).toEqual([5]);
	expect(seqs([0, 2, 5])).toEqual([0, 2, 5]);
});

test('re-drives the chosen records in order per key, with a preview and an audit line', async () => {
	const driver = LocalDriver.open({enforceLimits: false});
	drivers.push(driver);
	await driver.createStream('orders', {mode: 'PROVISIONED', shardCount: 2});
	await driver.createStream('staging', {mode: 'PROVISIONED', shardCount: 1});
	await driver.putRecords(
		'orders',
		Array.from({length: 40}, (_, n) => ({
			PartitionKey: `k-${n % 4}`,
			Data: Buffer.from(String(n)),
		})),
	);
	const records = await buffered(driver, 'orders');
	const chosen = selectForRedrive(records, new Set([5, 30]));
	const plan = {
		sourceStream: 'orders',
		records: chosen,
		destination: 'staging',
		key: {kind: 'keep'} as const,
	};
	expect(redrivePreview(plan)).toMatchObject({
		count: 26,
		sameStream: false,
		text: 're-drive 26 records (from 2 shards of orders) to staging, keys keep, order per key kept',
	});
	const directory = temporaryDirectory();
	const outcome = await executeRedrive(driver, plan, {auditDirectory: directory});
	expect(outcome).toMatchObject({ok: true, progress: {copied: 26}});
	const copied = await buffered(driver, 'staging');
	expect(copied.map((each) => Buffer.from(each.record.Data).toString()).sort()).toEqual(
		chosen.map((each) => Buffer.from(each.record.Data).toString()).sort(),
	);
	for (const key of ['k-0', 'k-1', 'k-2', 'k-3']) {
		const numbers = copied
			.filter((each) => each.record.PartitionKey === key)
			.map((each) => Number(Buffer.from(each.record.Data).toString()));
		expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
	}

	expect(auditEntries(directory)).toEqual([
		expect.objectContaining({
			stream: 'staging',
			action: 're-drive 26 of 26 records from orders (keys keep)',
			result: 'ok',
		}),
	]);

	// Read-only: refused by the driver, said in the outcome and in the audit log.
	const refused = await executeRedrive(readOnly(driver), plan, {auditDirectory: directory});
	expect(refused).toMatchObject({
		ok: false,
		error: expect.stringMatching(/^AccessDeniedException: /),
	});
	expect(auditEntries(directory)).toHaveLength(2);
});

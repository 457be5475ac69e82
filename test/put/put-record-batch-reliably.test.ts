import {describe, expect, test} from 'vitest';
import {
	DriverError,
	type Driver,
	type FirehoseRecord,
	type PutRecordBatchOutput,
	type PutRecordBatchResponseEntry,
} from '../../source/driver/driver.js';
import {putRecordBatchReliably} from '../../source/put/put-record-batch-reliably.js';

type Answer = (records: FirehoseRecord[]) => PutRecordBatchOutput | Error;

/** A driver whose putRecordBatch answers from `script`, one entry per call, recording what it got. */
function scripted(script: Answer[]) {
	const calls: string[][] = [];
	const driver = {
		async putRecordBatch(_name: string, records: FirehoseRecord[]) {
			calls.push(records.map((record) => Buffer.from(record.Data).toString()));
			const answer = script.shift()?.(records);
			if (!answer) throw new Error('unexpected call');
			if (answer instanceof Error) throw answer;
			return answer;
		},
	} as unknown as Driver;
	return {driver, calls};
}

const output = (entries: PutRecordBatchResponseEntry[]): PutRecordBatchOutput => ({
	FailedPutCount: entries.filter((entry) => entry.ErrorCode !== undefined).length,
	Encrypted: false,
	RequestResponses: entries,
});
const ok = (records: FirehoseRecord[]) =>
	output(records.map((record) => ({RecordId: `id-${Buffer.from(record.Data).toString()}`})));
const slowDown = {ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.'};
const records = (...texts: string[]) => texts.map((text) => ({Data: Buffer.from(text)}));
const fast = {minBackoffMs: 1, maxBackoffMs: 2};

describe('putRecordBatchReliably', () => {
	test('throttled records are retried, alone, until accepted; results in input order', async () => {
		const {driver, calls} = scripted([
			() => output([{RecordId: 'id-a'}, slowDown, {RecordId: 'id-c'}, slowDown]),
			() => output([slowDown, {RecordId: 'id-d'}]),
			ok,
		]);
		let throttled = 0;
		const results = await putRecordBatchReliably(driver, 'hose', records('a', 'b', 'c', 'd'), {
			...fast,
			onThrottled: (count) => (throttled += count),
		});
		expect(calls).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['b']]);
		expect(results.map((result) => result.RecordId)).toEqual(['id-a', 'id-b', 'id-c', 'id-d']);
		expect(throttled).toBe(3);
	});

	test('a whole request refused for throughput is sent again', async () => {
		const {driver, calls} = scripted([
			() => new DriverError('ServiceUnavailableException', 'Slow down.', true),
			ok,
		]);
		const results = await putRecordBatchReliably(driver, 'hose', records('a'), fast);
		expect(calls).toHaveLength(2);
		expect(results).toEqual([{RecordId: 'id-a'}]);
	});

	test('InternalFailure is retried a few times, then reported', async () => {
		const failure = {ErrorCode: 'InternalFailure', ErrorMessage: 'boom'};
		const {driver, calls} = scripted(Array.from({length: 4}, () => () => output([failure])));
		const results = await putRecordBatchReliably(driver, 'hose', records('a'), {
			...fast,
			maxFailureRetries: 3,
		});
		expect(calls).toHaveLength(4);
		expect(results).toEqual([failure]);
	});

	test('a call that fails for good rejects with its error', async () => {
		const missing = new DriverError('ResourceNotFoundException', 'Firehose hose not found.');
		const {driver} = scripted([() => missing]);
		await expect(putRecordBatchReliably(driver, 'hose', records('a'), fast)).rejects.toBe(missing);
	});

	test('an aborted signal stops the retries', async () => {
		const controller = new AbortController();
		const {driver} = scripted([
			() => {
				controller.abort(new Error('stopped'));
				return output([slowDown]);
			},
		]);
		await expect(
			putRecordBatchReliably(driver, 'hose', records('a'), {...fast, signal: controller.signal}),
		).rejects.toThrow('stopped');
	});
});

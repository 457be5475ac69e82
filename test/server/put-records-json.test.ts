import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {KinesisEngine} from '../../source/engine/engine.js';
import type {PutRecordsOutput} from '../../source/kinesis/types.js';
import {kinesisActions} from '../../source/server/kinesis-api.js';
import {toWire} from '../../source/server/shapes.js';
import {waitFor} from '../helpers/wait-for.js';

const json = (output: unknown) => kinesisActions.PutRecords.json!(output);
const stringified = (output: unknown) => Buffer.from(JSON.stringify(toWire(output, 'json')));

describe('PutRecords JSON answer', () => {
	test('is what JSON.stringify writes, for written and failed entries alike', () => {
		const outputs: PutRecordsOutput[] = [
			{
				FailedRecordCount: 0,
				Records: [{ShardId: 'shardId-000000000000', SequenceNumber: '49' + '1'.repeat(54)}],
				EncryptionType: 'NONE',
			},
			{
				FailedRecordCount: 2,
				Records: [
					{
						ErrorCode: 'ProvisionedThroughputExceededException',
						ErrorMessage: 'Rate "ex\\ceeded" é\n',
					},
					{ShardId: 'shardId-000000000001', SequenceNumber: '4912'},
					{ErrorCode: 'InternalFailure', ErrorMessage: 'x'},
				],
				EncryptionType: 'KMS',
			},
			{FailedRecordCount: 0, Records: [], EncryptionType: 'NONE'},
			{
				FailedRecordCount: 0,
				Records: [{ShardId: 'shardId-000000000002', SequenceNumber: '7'}],
			} as never,
		];
		for (const output of outputs) expect(json(output)).toEqual(stringified(output));
	});

	test('is what JSON.stringify writes for any mix of written and failed entries (property)', () => {
		const written = fc.record({
			ShardId: fc.constantFrom(
				'shardId-000000000000',
				'shardId-000000000001',
				'shardId-000000000017',
			),
			SequenceNumber: fc.stringMatching(/^[1-9]\d{0,55}$/),
		});
		const failed = fc.record({
			ErrorCode: fc.constantFrom('InternalFailure', 'ProvisionedThroughputExceededException'),
			ErrorMessage: fc.string(),
		});
		fc.assert(
			fc.property(
				fc.array(fc.oneof(written, failed), {maxLength: 8}),
				fc.constantFrom('NONE', 'KMS', undefined),
				(Records, EncryptionType) => {
					const FailedRecordCount = Records.filter((record) => 'ErrorCode' in record).length;
					const output = {FailedRecordCount, Records, EncryptionType} as PutRecordsOutput;
					expect(json(output)).toEqual(stringified(output));
				},
			),
			{numRuns: 2000},
		);
	});

	test('is what JSON.stringify writes for a real put', async () => {
		const engine = new KinesisEngine({enforceLimits: false});
		try {
			engine.createStream({StreamName: 's', ShardCount: 3});
			await waitFor(
				() => engine.describeStreamSummary({StreamName: 's'}).StreamStatus === 'ACTIVE',
				{message: 'the stream ACTIVE'},
			);
			const Records = Array.from({length: 1500}, (_, index) => ({
				PartitionKey: `key-${index}`,
				Data: Buffer.from([index % 256]),
			}));
			for (let put = 0; put < 3; put++) {
				const output = await engine.putRecords({
					StreamName: 's',
					Records: Records.slice(put * 500, put * 500 + 500),
				});
				expect(json(output)).toEqual(stringified(output));
			}
		} finally {
			await engine.close();
		}
	});
});

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

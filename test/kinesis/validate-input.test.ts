/**
 * The validator over the generated table, directly: the wording and order of AWS's messages for each
 * kind of constraint. (test/server/conformance-validation.test.ts checks them over the wire.)
 */
import {describe, expect, test} from 'vitest';
import {inputValidationMessage, modelActions} from '../../source/kinesis/validate-input.js';

const one = (problem: string) => `1 validation error detected: ${problem}`;

describe('inputValidationMessage', () => {
	test('a valid input, and an action the model does not know, pass', () => {
		expect(
			inputValidationMessage('PutRecords', {
				StreamName: 's',
				Records: [{PartitionKey: 'k', Data: new Uint8Array(3), ExplicitHashKey: '0'}],
			}),
		).toBeUndefined();
		expect(inputValidationMessage('CreateChannel', {ChannelName: 'a b'})).toBeUndefined();
	});

	test('the model knows every Kinesis action of today, StreamARN-era ones included', () => {
		for (const action of ['PutRecords', 'UpdateMaxRecordSize', 'TagResource', 'SubscribeToShard']) {
			expect(modelActions).toContain(action);
		}
	});

	test('ranges: the value, quoted', () => {
		expect(inputValidationMessage('ListShards', {MaxResults: 0})).toBe(
			one(
				"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
			),
		);
		expect(inputValidationMessage('UpdateMaxRecordSize', {MaxRecordSizeInKiB: 10_241})).toBe(
			one(
				"Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240",
			),
		);
	});

	test('a blob is shown as the Java buffer AWS holds', () => {
		const data = new Uint8Array(10 * 1024 * 1024 + 1);
		expect(inputValidationMessage('PutRecord', {PartitionKey: 'k', Data: data})).toBe(
			one(
				"Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760",
			),
		);
	});

	test("a map's values breaking their rule are reported for the map, as {key=value}", () => {
		expect(
			inputValidationMessage('TagResource', {
				ResourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
				Tags: {a: 'v'.repeat(257)},
			}),
		).toBe(
			one(
				`Value '{a=${'v'.repeat(257)}}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]`,
			),
		);
	});

	test('nested structures and list items are named by their path', () => {
		expect(
			inputValidationMessage('SubscribeToShard', {
				ConsumerARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1',
				ShardId: 'shardId-000000000000',
				StartingPosition: {Type: 'NOW'},
			}),
		).toMatch(
			/^1 validation error detected: Value 'NOW' at 'startingPosition.type' failed to satisfy constraint: Member must satisfy enum value set: \[/,
		);
		expect(
			inputValidationMessage('PutRecords', {
				Records: [{PartitionKey: 'k', Data: new Uint8Array(0)}, {Data: new Uint8Array(0)}],
			}),
		).toBe(
			one(
				"Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null",
			),
		);
	});

	test('at most 10 problems, counted', () => {
		const records = Array.from({length: 20}, () => ({PartitionKey: ''}));
		const message = inputValidationMessage('PutRecords', {Records: records})!;
		expect(message).toMatch(/^10 validation errors detected: /);
		expect(message.split('; ')).toHaveLength(10);
	});
});

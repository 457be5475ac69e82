/**
 * The Firehose control and data plane as AWS answers it: descriptions, listing, tags, UpdateDestination
 * with its version check, validation with AWS's exception names and wording, and the per-record and
 * per-request limits of PutRecord / PutRecordBatch.
 */
import {describe, expect, test} from 'vitest';
import {KinesisError} from '../../../source/engine/errors.js';
import type {FirehoseEngine} from '../../../source/engine/firehose/firehose-engine.js';
import {
	ACCOUNT,
	BUCKET_ARN,
	bytes,
	createDirectPut,
	destination,
	firehose,
	MiB,
	ROLE,
	START,
} from './helpers.js';

const NAME = 'audit';

/** The KinesisError `action` throws (sync or async), checked for code and, if given, exact message. */
async function failure(action: () => unknown, code: string, message?: string | RegExp) {
	let caught: unknown;
	try {
		await action();
	} catch (error) {
		caught = error;
	}

	expect(caught, 'expected a KinesisError').toBeInstanceOf(KinesisError);
	const error = caught as KinesisError;
	expect(error.code).toBe(code);
	if (typeof message === 'string') expect(error.message).toBe(message);
	else if (message) expect(error.message).toMatch(message);
	return error;
}

const notFound = (name: string) => `Firehose ${name} under account ${ACCOUNT} not found.`;

describe('CreateDeliveryStream / DescribeDeliveryStream', () => {
	test('describes a DirectPut stream with its extended S3 destination and AWS defaults', () => {
		const {engine} = firehose();
		const {DeliveryStreamARN} = createDirectPut(engine, NAME, {Prefix: 'audit/'});
		expect(DeliveryStreamARN).toBe(`arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/${NAME}`);
		const defaults = {
			RoleARN: ROLE,
			BucketARN: BUCKET_ARN,
			Prefix: 'audit/',
			BufferingHints: {SizeInMBs: 5, IntervalInSeconds: 300},
			CompressionFormat: 'UNCOMPRESSED',
			EncryptionConfiguration: {NoEncryptionConfig: 'NoEncryption'},
			CloudWatchLoggingOptions: {Enabled: false},
		};
		expect(engine.describeDeliveryStream({DeliveryStreamName: NAME})).toEqual({
			DeliveryStreamDescription: {
				DeliveryStreamName: NAME,
				DeliveryStreamARN,
				DeliveryStreamStatus: 'ACTIVE',
				DeliveryStreamEncryptionConfiguration: {Status: 'DISABLED'},
				DeliveryStreamType: 'DirectPut',
				VersionId: '1',
				CreateTimestamp: new Date(START),
				Destinations: [
					{
						DestinationId: 'destinationId-000000000001',
						S3DestinationDescription: defaults,
						ExtendedS3DestinationDescription: {
							...defaults,
							ProcessingConfiguration: {Enabled: false, Processors: []},
							S3BackupMode: 'Disabled',
						},
					},
				],
				HasMoreDestinations: false,
			},
		});
	});

	test('a plain S3DestinationConfiguration is delivered and described the same way', () => {
		const {engine} = firehose();
		engine.createDeliveryStream({
			DeliveryStreamName: NAME,
			S3DestinationConfiguration: {RoleARN: ROLE, BucketARN: BUCKET_ARN, CompressionFormat: 'GZIP'},
		});
		const [destinationDescription] = engine.describeDeliveryStream({DeliveryStreamName: NAME})
			.DeliveryStreamDescription.Destinations;
		expect(destinationDescription.ExtendedS3DestinationDescription.CompressionFormat).toBe('GZIP');
		expect(destinationDescription.S3DestinationDescription.BucketARN).toBe(BUCKET_ARN);
	});

	test('CREATING for createDelayMs, refusing data until ACTIVE; DELETING for deleteDelayMs', async () => {
		const {engine, clock} = firehose({createDelayMs: 5000, deleteDelayMs: 3000});
		createDirectPut(engine, NAME);
		const status = () =>
			engine.describeDeliveryStream({DeliveryStreamName: NAME}).DeliveryStreamDescription
				.DeliveryStreamStatus;
		expect(status()).toBe('CREATING');
		await failure(
			() => engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('x')}}),
			'ResourceNotFoundException',
			notFound(NAME),
		);
		await failure(
			() => engine.deleteDeliveryStream({DeliveryStreamName: NAME}),
			'ResourceInUseException',
		);
		clock.advance(5000);
		expect(status()).toBe('ACTIVE');
		engine.deleteDeliveryStream({DeliveryStreamName: NAME});
		expect(status()).toBe('DELETING');
		clock.advance(3000);
		await failure(
			() => engine.describeDeliveryStream({DeliveryStreamName: NAME}),
			'ResourceNotFoundException',
			notFound(NAME),
		);
	});

	test('a second stream of the same name is ResourceInUseException', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME);
		await failure(
			() => createDirectPut(engine, NAME),
			'ResourceInUseException',
			`Firehose ${NAME} under accountId ${ACCOUNT} already exists`,
		);
	});

	test('unknown delivery streams are ResourceNotFoundException everywhere', async () => {
		const {engine} = firehose();
		const name = 'missing';
		for (const action of [
			() => engine.describeDeliveryStream({DeliveryStreamName: name}),
			() => engine.deleteDeliveryStream({DeliveryStreamName: name}),
			() => engine.putRecord({DeliveryStreamName: name, Record: {Data: bytes('x')}}),
			() => engine.putRecordBatch({DeliveryStreamName: name, Records: [{Data: bytes('x')}]}),
			() => engine.listTagsForDeliveryStream({DeliveryStreamName: name}),
			() => engine.tagDeliveryStream({DeliveryStreamName: name, Tags: [{Key: 'k'}]}),
			() => engine.untagDeliveryStream({DeliveryStreamName: name, TagKeys: ['k']}),
			() => engine.bufferState(name),
			() =>
				engine.updateDestination({
					DeliveryStreamName: name,
					CurrentDeliveryStreamVersionId: '1',
					DestinationId: 'destinationId-000000000001',
					ExtendedS3DestinationUpdate: {Prefix: 'x/'},
				}),
		]) {
			await failure(action, 'ResourceNotFoundException', notFound(name));
		}
	});
});

describe('validation', () => {
	test('delivery stream names: 1–64 characters of [a-zA-Z0-9._-]', async () => {
		const {engine} = firehose();
		await failure(
			() => createDirectPut(engine, 'bad name!'),
			'ValidationException',
			"1 validation error detected: Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9._-]+",
		);
		await failure(
			() => createDirectPut(engine, 'x'.repeat(65)),
			'ValidationException',
			`1 validation error detected: Value '${'x'.repeat(65)}' at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64`,
		);
		expect(createDirectPut(engine, 'x'.repeat(64)).DeliveryStreamARN).toMatch(/x{64}$/);
	});

	test('BufferingHints: SizeInMBs 1–128, IntervalInSeconds 0–900, each problem reported', async () => {
		const {engine} = firehose();
		await failure(
			() => createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 0, IntervalInSeconds: 60}}),
			'ValidationException',
			"1 validation error detected: Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1",
		);
		await failure(
			() =>
				createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 129, IntervalInSeconds: 901}}),
			'ValidationException',
			"2 validation errors detected: Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128; Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
		);
		await failure(
			() => createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 5, IntervalInSeconds: -1}}),
			'ValidationException',
			/intervalInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 0$/,
		);
		createDirectPut(engine, 'edges-low', {BufferingHints: {SizeInMBs: 1, IntervalInSeconds: 0}});
		createDirectPut(engine, 'edges-high', {
			BufferingHints: {SizeInMBs: 128, IntervalInSeconds: 900},
		});
	});

	test('RoleARN and BucketARN are required and must be ARNs', async () => {
		const {engine} = firehose();
		await failure(
			() =>
				engine.createDeliveryStream({
					DeliveryStreamName: NAME,
					ExtendedS3DestinationConfiguration: {BucketARN: BUCKET_ARN} as never,
				}),
			'ValidationException',
			"1 validation error detected: Value null at 'extendedS3DestinationConfiguration.roleARN' failed to satisfy constraint: Member must not be null",
		);
		await failure(
			() => createDirectPut(engine, NAME, {BucketARN: 'my-bucket'}),
			'ValidationException',
			"1 validation error detected: Value 'my-bucket' at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}",
		);
	});

	test('enumerations: CompressionFormat, DeliveryStreamType', async () => {
		const {engine} = firehose();
		await failure(
			() => createDirectPut(engine, NAME, {CompressionFormat: 'BROTLI' as never}),
			'ValidationException',
			"1 validation error detected: Value 'BROTLI' at 'extendedS3DestinationConfiguration.compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]",
		);
		await failure(
			() =>
				engine.createDeliveryStream({
					DeliveryStreamName: NAME,
					DeliveryStreamType: 'Carrier' as never,
					ExtendedS3DestinationConfiguration: destination(),
				}),
			'ValidationException',
			/Value 'Carrier' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: \[DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource\]$/,
		);
	});

	test('exactly one destination; other destinations and unsupported features are InvalidArgumentException', async () => {
		const {engine} = firehose();
		await failure(
			() => engine.createDeliveryStream({DeliveryStreamName: NAME}),
			'InvalidArgumentException',
		);
		await failure(
			() =>
				engine.createDeliveryStream({
					DeliveryStreamName: NAME,
					ExtendedS3DestinationConfiguration: destination(),
					S3DestinationConfiguration: destination(),
				}),
			'InvalidArgumentException',
		);
		await failure(
			() =>
				engine.createDeliveryStream({
					DeliveryStreamName: NAME,
					HttpEndpointDestinationConfiguration: {EndpointConfiguration: {Url: 'https://x'}},
				}),
			'InvalidArgumentException',
			/HttpEndpointDestinationConfiguration is not supported by the local engine/,
		);
		await failure(
			() => createDirectPut(engine, NAME, {CompressionFormat: 'Snappy'}),
			'InvalidArgumentException',
			/CompressionFormat Snappy is not supported/,
		);
		await failure(
			() =>
				createDirectPut(engine, NAME, {
					ProcessingConfiguration: {Enabled: true, Processors: [{Type: 'Lambda'}]},
				}),
			'InvalidArgumentException',
			/Processor type Lambda is not supported/,
		);
	});

	test('prefix rules: expressions need an ErrorOutputPrefix, which then needs error-output-type', async () => {
		const {engine} = firehose();
		await failure(
			() => createDirectPut(engine, NAME, {Prefix: 'y=!{timestamp:yyyy}/'}),
			'InvalidArgumentException',
			'ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.',
		);
		await failure(
			() =>
				createDirectPut(engine, NAME, {
					Prefix: 'y=!{timestamp:yyyy}/',
					ErrorOutputPrefix: 'e/!{timestamp:yyyy}/',
				}),
			'InvalidArgumentException',
			/must include at least one !\{firehose:error-output-type\}/,
		);
		await failure(
			() => createDirectPut(engine, NAME, {Prefix: 'p/!{firehose:error-output-type}/'}),
			'InvalidArgumentException',
			/can only be used in the ErrorOutputPrefix/,
		);
		await failure(
			() => createDirectPut(engine, NAME, {Prefix: 'p/!{nonsense/', ErrorOutputPrefix: 'e/'}),
			'InvalidArgumentException',
			/the sequence !\{ can only appear in !\{namespace:value\} expressions/,
		);
	});

	test('KinesisStreamAsSource needs its configuration, and only it may have one', async () => {
		const {engine} = firehose();
		await failure(
			() =>
				engine.createDeliveryStream({
					DeliveryStreamName: NAME,
					DeliveryStreamType: 'DirectPut',
					KinesisStreamSourceConfiguration: {
						KinesisStreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`,
						RoleARN: ROLE,
					},
					ExtendedS3DestinationConfiguration: destination(),
				}),
			'InvalidArgumentException',
			'KinesisSourceStreamConfig is only applicable for KinesisStreamAsSource stream type.',
		);
		await failure(
			() =>
				engine.createDeliveryStream({
					DeliveryStreamName: NAME,
					DeliveryStreamType: 'KinesisStreamAsSource',
					KinesisStreamSourceConfiguration: {KinesisStreamARN: 'stream/s', RoleARN: ROLE},
					ExtendedS3DestinationConfiguration: destination(),
				}),
			'ValidationException',
			/Value 'stream\/s' at 'kinesisStreamSourceConfiguration.kinesisStreamARN'/,
		);
	});
});

describe('ListDeliveryStreams', () => {
	test('alphabetical, Limit (default 10), ExclusiveStartDeliveryStreamName, HasMoreDeliveryStreams', () => {
		const {engine} = firehose();
		const names = Array.from({length: 12}, (_, i) => `s-${String(i).padStart(2, '0')}`).reverse();
		for (const name of names) createDirectPut(engine, name);
		const first = engine.listDeliveryStreams();
		expect(first.DeliveryStreamNames).toEqual(names.slice().reverse().slice(0, 10));
		expect(first.HasMoreDeliveryStreams).toBe(true);
		expect(
			engine.listDeliveryStreams({
				ExclusiveStartDeliveryStreamName: first.DeliveryStreamNames.at(-1),
			}),
		).toEqual({DeliveryStreamNames: ['s-10', 's-11'], HasMoreDeliveryStreams: false});
		expect(engine.listDeliveryStreams({Limit: 12}).HasMoreDeliveryStreams).toBe(false);
	});
});

describe('tags', () => {
	test('tag, list (key order, paged), untag; at most 50', async () => {
		const {engine} = firehose();
		engine.createDeliveryStream({
			DeliveryStreamName: NAME,
			ExtendedS3DestinationConfiguration: destination(),
			Tags: [{Key: 'team', Value: 'a'}],
		});
		engine.tagDeliveryStream({
			DeliveryStreamName: NAME,
			Tags: [{Key: 'env', Value: 'prod'}, {Key: 'team', Value: 'b'}, {Key: 'cost'}],
		});
		expect(engine.listTagsForDeliveryStream({DeliveryStreamName: NAME})).toEqual({
			Tags: [{Key: 'cost'}, {Key: 'env', Value: 'prod'}, {Key: 'team', Value: 'b'}],
			HasMoreTags: false,
		});
		expect(
			engine.listTagsForDeliveryStream({
				DeliveryStreamName: NAME,
				ExclusiveStartTagKey: 'cost',
				Limit: 1,
			}),
		).toEqual({Tags: [{Key: 'env', Value: 'prod'}], HasMoreTags: true});
		engine.untagDeliveryStream({DeliveryStreamName: NAME, TagKeys: ['env', 'absent']});
		expect(
			engine.listTagsForDeliveryStream({DeliveryStreamName: NAME}).Tags.map((tag) => tag.Key),
		).toEqual(['cost', 'team']);
		const many = Array.from({length: 48}, (_, i) => ({Key: `k${i}`, Value: 'v'}));
		engine.tagDeliveryStream({DeliveryStreamName: NAME, Tags: many});
		await failure(
			() => engine.tagDeliveryStream({DeliveryStreamName: NAME, Tags: [{Key: 'one-too-many'}]}),
			'LimitExceededException',
		);
		await failure(
			() => engine.tagDeliveryStream({DeliveryStreamName: NAME, Tags: [{Key: 'aws:reserved'}]}),
			'ValidationException',
			/Value 'aws:reserved' at 'tags.1.member.key'/,
		);
	});
});

describe('UpdateDestination', () => {
	const update = (engine: FirehoseEngine, version: string, prefix: string) =>
		engine.updateDestination({
			DeliveryStreamName: NAME,
			CurrentDeliveryStreamVersionId: version,
			DestinationId: 'destinationId-000000000001',
			ExtendedS3DestinationUpdate: {Prefix: prefix},
		});

	test('merges the update, bumps VersionId and LastUpdateTimestamp; a stale version is ConcurrentModificationException', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 2, IntervalInSeconds: 120}});
		clock.advance(1000);
		update(engine, '1', 'new/');
		const description = engine.describeDeliveryStream({
			DeliveryStreamName: NAME,
		}).DeliveryStreamDescription;
		expect(description.VersionId).toBe('2');
		expect(description.LastUpdateTimestamp).toEqual(new Date(START + 1000));
		expect(description.Destinations[0].ExtendedS3DestinationDescription).toMatchObject({
			Prefix: 'new/',
			BufferingHints: {SizeInMBs: 2, IntervalInSeconds: 120},
		});
		await failure(
			() => update(engine, '1', 'again/'),
			'ConcurrentModificationException',
			`Cannot update firehose: ${NAME} since the current version id: 2 and specified version id: 1 do not match`,
		);
		await failure(
			() =>
				engine.updateDestination({
					DeliveryStreamName: NAME,
					CurrentDeliveryStreamVersionId: '2',
					DestinationId: 'destinationId-000000000001',
					ExtendedS3DestinationUpdate: {BufferingHints: {SizeInMBs: 200}},
				}),
			'ValidationException',
			"1 validation error detected: Value '200' at 'extendedS3DestinationUpdate.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128",
		);
		expect(
			engine.describeDeliveryStream({DeliveryStreamName: NAME}).DeliveryStreamDescription.VersionId,
		).toBe('2');
	});
});

describe('PutRecord / PutRecordBatch limits', () => {
	test('a record is at most 1,000 KiB', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME);
		const ok = await engine.putRecord({
			DeliveryStreamName: NAME,
			Record: {Data: Buffer.alloc(1_024_000)},
		});
		expect(ok.RecordId).toEqual(expect.any(String));
		expect(ok.Encrypted).toBe(false);
		await failure(
			() => engine.putRecord({DeliveryStreamName: NAME, Record: {Data: Buffer.alloc(1_024_001)}}),
			'ValidationException',
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000",
		);
		await failure(
			() =>
				engine.putRecordBatch({
					DeliveryStreamName: NAME,
					Records: [{Data: bytes('ok')}, {Data: Buffer.alloc(1_024_001)}],
				}),
			'ValidationException',
			/at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000$/,
		);
	});

	test('a batch has 1–500 records and at most 4 MiB', async () => {
		const {engine} = firehose();
		createDirectPut(engine, NAME);
		await failure(
			() => engine.putRecordBatch({DeliveryStreamName: NAME, Records: []}),
			'ValidationException',
			/at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1$/,
		);
		await failure(
			() =>
				engine.putRecordBatch({
					DeliveryStreamName: NAME,
					Records: Array.from({length: 501}, () => ({Data: bytes('x')})),
				}),
			'ValidationException',
			/at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
		);
		const full = await engine.putRecordBatch({
			DeliveryStreamName: NAME,
			Records: Array.from({length: 500}, () => ({Data: bytes('x')})),
		});
		expect(full.FailedPutCount).toBe(0);
		expect(new Set(full.RequestResponses.map((response) => response.RecordId)).size).toBe(500);
		await failure(
			() =>
				engine.putRecordBatch({
					DeliveryStreamName: NAME,
					Records: Array.from({length: 5}, () => ({Data: Buffer.alloc(1_000_000)})),
				}),
			'InvalidArgumentException',
			'Records size exceeds 4 MB limit',
		);
	});

	test('over 5 MiB/s, records fail alone with ServiceUnavailableException "Slow down."', async () => {
		const {engine, clock} = firehose({bucketDirectory: undefined});
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 128, IntervalInSeconds: 900}});
		const record = {Data: Buffer.alloc(1_000_000)};
		const first = await engine.putRecordBatch({
			DeliveryStreamName: NAME,
			Records: [record, record, record, record],
		});
		expect(first.FailedPutCount).toBe(0);
		// 5,000,000 bytes in after the first record here; 5 MiB is 5,242,880: exactly that is allowed.
		const second = await engine.putRecordBatch({
			DeliveryStreamName: NAME,
			Records: [
				record,
				{Data: Buffer.alloc(5 * MiB - 5_000_000 + 1)},
				{Data: Buffer.alloc(5 * MiB - 5_000_000)},
				{Data: bytes('x')},
			],
		});
		const slowDown = {ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.'};
		expect(second).toEqual({
			FailedPutCount: 2,
			Encrypted: false,
			RequestResponses: [
				{RecordId: expect.any(String)},
				slowDown,
				{RecordId: expect.any(String)},
				slowDown,
			],
		});
		await failure(
			() => engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('x')}}),
			'ServiceUnavailableException',
			'Slow down.',
		);
		expect(engine.bufferState(NAME).bufferedBytes).toBe(5 * MiB);
		clock.advance(1000);
		await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('x')}});
	});

	test('over 500,000 records/s or 2,000 requests/s is throttled; enforceLimits false lifts it', async () => {
		const {engine, clock} = firehose();
		createDirectPut(engine, NAME, {BufferingHints: {SizeInMBs: 128, IntervalInSeconds: 900}});
		const tiny = Array.from({length: 500}, () => ({Data: new Uint8Array(0)}));
		for (let i = 0; i < 1000; i++) {
			const output = await engine.putRecordBatch({DeliveryStreamName: NAME, Records: tiny});
			expect(output.FailedPutCount).toBe(0);
		}

		const over = await engine.putRecordBatch({DeliveryStreamName: NAME, Records: tiny.slice(0, 2)});
		expect(over.FailedPutCount).toBe(2);
		clock.advance(1000);
		for (let i = 0; i < 2000; i++) {
			await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('r')}});
		}

		await failure(
			() => engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('r')}}),
			'ServiceUnavailableException',
		);
		engine.enforceLimits = false;
		await engine.putRecord({DeliveryStreamName: NAME, Record: {Data: bytes('r')}});
	});
});

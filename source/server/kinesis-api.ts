/**
 * The Kinesis Data Streams API (Kinesis_20131202) over the engine: each action's input shape, and how
 * its input and output translate to and from the engine's calls. No Kinesis semantics live here.
 */
import type {KinesisEngine, ShardFilter} from '../engine/engine.js';
import {invalidArgument} from '../engine/errors.js';
import type {PutRecordsOutput} from '../kinesis/types.js';
import type {Input, ServiceAction} from './action.js';
import {featureActions} from './kinesis-api-features.js';
import {
	putOutcomeJson,
	putRecordsJson,
	readPutRecordsJson,
	releaseBatch,
} from './put-records-json.js';
import type {Shape} from './shapes.js';

export type Action = ServiceAction<KinesisEngine>;

const streamRef: Record<string, Shape> = {StreamName: 'string', StreamARN: 'string'};
const ref = (input: Input) => ({StreamName: input.StreamName, StreamARN: input.StreamARN});

/** Pages through `items` after `after` (exclusive), AWS-style. */
function page<T>(items: T[], keyOf: (item: T) => string, after: string | undefined, limit: number) {
	const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after);
	const from = start === -1 ? items.length : start;
	const slice = items.slice(from, from + limit);
	return {slice, more: from + limit < items.length};
}

/**
 * A page size as given, or the default. Its range is the model's (1–10,000, or 1–50 for tags): the
 * engine checks it with every other constraint before the action runs (engine/input-validation.ts),
 * which is why the engine calls below get the whole input, paging members included.
 */
const pageSize = (value: number | undefined, fallback: number) => value ?? fallback;

const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
function decodeToken(token: string): {stream: string; after?: string; filter?: ShardFilter} {
	try {
		const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
		if (typeof value?.stream === 'string') return value;
	} catch {
		// Falls through to the error below.
	}

	throw invalidArgument(`Invalid NextToken: ${token}.`);
}

export const kinesisActions: Record<string, Action> = {
	CreateStream: {
		shape: {
			StreamName: 'string',
			ShardCount: 'integer',
			StreamModeDetails: {structure: {StreamMode: 'string'}},
			Tags: 'map',
			MaxRecordSizeInKiB: 'integer',
			WarmThroughputMiBps: 'integer',
			RecordDistributionStrategy: 'string',
		},
		run(engine, input) {
			engine.createStream(input as Parameters<KinesisEngine['createStream']>[0]);
			return {};
		},
	},
	DeleteStream: {
		shape: {...streamRef, EnforceConsumerDeletion: 'boolean'},
		run(engine, input) {
			engine.deleteStream({...ref(input), EnforceConsumerDeletion: input.EnforceConsumerDeletion});
			return {};
		},
	},
	DescribeStream: {
		shape: {...streamRef, Limit: 'integer', ExclusiveStartShardId: 'string'},
		run(engine, input) {
			const description = engine.describeStream(input);
			const limit = pageSize(input.Limit, 100);
			const {slice, more} = page(
				description.Shards,
				(shard) => shard.ShardId,
				input.ExclusiveStartShardId,
				limit,
			);
			return {StreamDescription: {...description, Shards: slice, HasMoreShards: more}};
		},
	},
	DescribeStreamSummary: {
		shape: streamRef,
		run: (engine, input) => ({StreamDescriptionSummary: engine.describeStreamSummary(ref(input))}),
	},
	ListStreams: {
		shape: {Limit: 'integer', ExclusiveStartStreamName: 'string', NextToken: 'string'},
		run(engine, input) {
			const limit = pageSize(input.Limit, 100);
			const after =
				input.NextToken === undefined
					? input.ExclusiveStartStreamName
					: decodeToken(input.NextToken).after;
			const {slice, more} = page(engine.listStreams(input), (name) => name, after, limit);
			return {
				StreamNames: slice,
				HasMoreStreams: more,
				...(more ? {NextToken: encodeToken({stream: '', after: slice.at(-1)})} : {}),
				StreamSummaries: slice.map((name) => {
					const summary = engine.describeStreamSummary({StreamName: name});
					return {
						StreamName: name,
						StreamARN: summary.StreamARN,
						StreamStatus: summary.StreamStatus,
						StreamModeDetails: summary.StreamModeDetails,
						StreamCreationTimestamp: summary.StreamCreationTimestamp,
					};
				}),
			};
		},
	},
	ListShards: {
		shape: {
			...streamRef,
			NextToken: 'string',
			ExclusiveStartShardId: 'string',
			MaxResults: 'integer',
			StreamCreationTimestamp: 'timestamp',
			ShardFilter: {structure: {Type: 'string', ShardId: 'string', Timestamp: 'timestamp'}},
		},
		run(engine, input) {
			// A NextToken names the stream and the filter it was made with: AWS refuses either beside it.
			if (
				input.NextToken !== undefined &&
				(input.StreamName !== undefined ||
					input.StreamARN !== undefined ||
					input.ShardFilter !== undefined)
			) {
				throw invalidArgument('NextToken and StreamName cannot be provided together.');
			}

			const token = input.NextToken === undefined ? undefined : decodeToken(input.NextToken);
			const stream = token ? {StreamName: token.stream} : ref(input);
			const limit = pageSize(input.MaxResults, 1000);
			// In a token, a filter's Timestamp is kept as epoch milliseconds (JSON has no Date).
			const given = input.ShardFilter as ShardFilter | undefined;
			const filter = token
				? token.filter
				: given && {
						...given,
						...(given.Timestamp === undefined ? {} : {Timestamp: Number(given.Timestamp)}),
					};
			const shards = engine.listShards({...input, ...stream, ShardFilter: filter});
			const after = token ? token.after : input.ExclusiveStartShardId;
			const {slice, more} = page(shards, (shard) => shard.ShardId, after, limit);
			const name = stream.StreamName ?? engine.describeStreamSummary(stream).StreamName;
			return {
				Shards: slice,
				...(more
					? {NextToken: encodeToken({stream: name, after: slice.at(-1)?.ShardId, filter})}
					: {}),
			};
		},
	},
	IncreaseStreamRetentionPeriod: {
		shape: {...streamRef, RetentionPeriodHours: 'integer'},
		run(engine, input) {
			engine.increaseStreamRetentionPeriod({
				...ref(input),
				RetentionPeriodHours: input.RetentionPeriodHours,
			});
			return {};
		},
	},
	DecreaseStreamRetentionPeriod: {
		shape: {...streamRef, RetentionPeriodHours: 'integer'},
		run(engine, input) {
			engine.decreaseStreamRetentionPeriod({
				...ref(input),
				RetentionPeriodHours: input.RetentionPeriodHours,
			});
			return {};
		},
	},
	AddTagsToStream: {
		shape: {...streamRef, Tags: 'map'},
		run(engine, input) {
			engine.addTagsToStream({...ref(input), Tags: input.Tags ?? {}});
			return {};
		},
	},
	RemoveTagsFromStream: {
		shape: {...streamRef, TagKeys: {list: 'string'}},
		run(engine, input) {
			engine.removeTagsFromStream({...ref(input), TagKeys: input.TagKeys ?? []});
			return {};
		},
	},
	ListTagsForStream: {
		shape: {...streamRef, ExclusiveStartTagKey: 'string', Limit: 'integer'},
		run(engine, input) {
			const limit = pageSize(input.Limit, 50);
			const {slice, more} = page(
				engine.listTagsForStream(input),
				(tag) => tag.Key,
				input.ExclusiveStartTagKey,
				limit,
			);
			return {Tags: slice, HasMoreTags: more};
		},
	},
	PutRecord: {
		shape: {
			...streamRef,
			Data: 'blob',
			PartitionKey: 'string',
			ExplicitHashKey: 'string',
			SequenceNumberForOrdering: 'string',
		},
		run: (engine, input) => engine.putRecord(input as Parameters<KinesisEngine['putRecord']>[0]),
	},
	PutRecords: {
		shape: {
			...streamRef,
			Records: {
				list: {structure: {Data: 'blob', PartitionKey: 'string', ExplicitHashKey: 'string'}},
			},
		},
		run: (engine, input) => engine.putRecords({...ref(input), Records: input.Records ?? []}),
		json: (output) => putRecordsJson(output as PutRecordsOutput),
		direct(engine, body) {
			const read = readPutRecordsJson(body);
			if (!read) return undefined;
			return async () => {
				try {
					return putOutcomeJson(await engine.putBatch({StreamName: read.streamName}, read.batch));
				} finally {
					releaseBatch(read.batch);
				}
			};
		},
	},
	GetShardIterator: {
		shape: {
			...streamRef,
			ShardId: 'string',
			ShardIteratorType: 'string',
			StartingSequenceNumber: 'string',
			Timestamp: 'timestamp',
		},
		run: (engine, input) =>
			engine.getShardIterator(input as Parameters<KinesisEngine['getShardIterator']>[0]),
	},
	GetRecords: {
		shape: {ShardIterator: 'string', Limit: 'integer', StreamARN: 'string'},
		run: (engine, input) => engine.getRecords(input as Parameters<KinesisEngine['getRecords']>[0]),
	},
	SplitShard: {
		shape: {...streamRef, ShardToSplit: 'string', NewStartingHashKey: 'string'},
		run(engine, input) {
			engine.splitShard(input as Parameters<KinesisEngine['splitShard']>[0]);
			return {};
		},
	},
	MergeShards: {
		shape: {...streamRef, ShardToMerge: 'string', AdjacentShardToMerge: 'string'},
		run(engine, input) {
			engine.mergeShards(input as Parameters<KinesisEngine['mergeShards']>[0]);
			return {};
		},
	},
	UpdateShardCount: {
		shape: {...streamRef, TargetShardCount: 'integer', ScalingType: 'string'},
		run: (engine, input) =>
			engine.updateShardCount(input as Parameters<KinesisEngine['updateShardCount']>[0]),
	},
	...featureActions,
};

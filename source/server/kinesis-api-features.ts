/**
 * The rest of the Kinesis Data Streams API over the engine, beside the stream and record actions of
 * kinesis-api.ts: enhanced fan-out consumers and SubscribeToShard (an event stream), stream settings,
 * tags and policies by ARN, account settings and limits, channels. Input shapes and translation only;
 * the semantics are the engine's.
 */
import type {KinesisEngine} from '../engine/engine.js';
import {EventStreamOutput, eventsOf} from './event-stream.js';
import type {Action} from './kinesis-api.js';
import type {Shape} from './shapes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Input = Record<string, any>;
type Engine = KinesisEngine;

const streamRef: Record<string, Shape> = {StreamName: 'string', StreamARN: 'string'};
const consumerRef: Record<string, Shape> = {
	StreamARN: 'string',
	ConsumerName: 'string',
	ConsumerARN: 'string',
};
const resource: Record<string, Shape> = {ResourceARN: 'string'};
const channelRef: Record<string, Shape> = {ChannelARN: 'string'};
const deadLetterQueue: Shape = {
	structure: {BucketARN: 'string', ExpectedBucketOwner: 'string', ErrorOutputPrefix: 'string'},
};
const logging: Shape = {
	structure: {
		CloudWatchLogs: {
			structure: {Enabled: 'boolean', LogGroupName: 'string', LogStreamName: 'string'},
		},
	},
};
const freshness: Shape = {structure: {DataFreshnessInSeconds: 'integer'}};

/** An action whose answer is empty (`{}`). */
const done = (call: (engine: Engine, input: Input) => void) => (engine: Engine, input: Input) => {
	call(engine, input);
	return {};
};

export const featureActions: Record<string, Action> = {
	// ─── Enhanced fan-out ─────────────────────────────────────────────────────────────────────
	RegisterStreamConsumer: {
		shape: {StreamARN: 'string', ConsumerName: 'string', Tags: 'map'},
		run: (engine, input) => engine.registerStreamConsumer(input),
	},
	DeregisterStreamConsumer: {
		shape: consumerRef,
		run: done((engine, input) => engine.deregisterStreamConsumer(input)),
	},
	DescribeStreamConsumer: {
		shape: consumerRef,
		run: (engine, input) => engine.describeStreamConsumer(input),
	},
	ListStreamConsumers: {
		shape: {
			StreamARN: 'string',
			NextToken: 'string',
			MaxResults: 'integer',
			StreamCreationTimestamp: 'timestamp',
		},
		run: (engine, input) => engine.listStreamConsumers(input),
	},
	SubscribeToShard: {
		shape: {
			ConsumerARN: 'string',
			ShardId: 'string',
			StartingPosition: {
				structure: {Type: 'string', SequenceNumber: 'string', Timestamp: 'timestamp'},
			},
			DryRun: 'boolean',
		},
		run(engine, input) {
			const controller = new AbortController();
			const subscription = engine.subscribeToShard(input, {signal: controller.signal});
			return new EventStreamOutput({}, eventsOf('SubscribeToShardEvent', subscription), () => {
				controller.abort();
				subscription.cancel();
			});
		},
	},

	// ─── Stream settings ──────────────────────────────────────────────────────────────────────
	StartStreamEncryption: {
		shape: {...streamRef, EncryptionType: 'string', KeyId: 'string'},
		run: done((engine, input) => engine.startStreamEncryption(input)),
	},
	StopStreamEncryption: {
		shape: {...streamRef, EncryptionType: 'string', KeyId: 'string'},
		run: done((engine, input) => engine.stopStreamEncryption(input)),
	},
	EnableEnhancedMonitoring: {
		shape: {...streamRef, ShardLevelMetrics: {list: 'string'}},
		run: (engine, input) => engine.enableEnhancedMonitoring(input),
	},
	DisableEnhancedMonitoring: {
		shape: {...streamRef, ShardLevelMetrics: {list: 'string'}},
		run: (engine, input) => engine.disableEnhancedMonitoring(input),
	},
	UpdateStreamMode: {
		shape: {
			StreamARN: 'string',
			StreamModeDetails: {structure: {StreamMode: 'string'}},
			WarmThroughputMiBps: 'integer',
		},
		run: done((engine, input) => engine.updateStreamMode(input)),
	},
	UpdateMaxRecordSize: {
		shape: {StreamARN: 'string', MaxRecordSizeInKiB: 'integer'},
		run: done((engine, input) => engine.updateMaxRecordSize(input)),
	},
	UpdateStreamWarmThroughput: {
		shape: {...streamRef, WarmThroughputMiBps: 'integer'},
		run: (engine, input) => engine.updateStreamWarmThroughput(input),
	},
	UpdateStreamRecordDistributionStrategy: {
		shape: {StreamARN: 'string', RecordDistributionStrategy: 'string'},
		run: done((engine, input) => engine.updateStreamRecordDistributionStrategy(input)),
	},

	// ─── Resources by ARN ─────────────────────────────────────────────────────────────────────
	TagResource: {
		shape: {...resource, Tags: 'map'},
		run: done((engine, input) => engine.tagResource(input)),
	},
	UntagResource: {
		shape: {...resource, TagKeys: {list: 'string'}},
		run: done((engine, input) => engine.untagResource(input)),
	},
	ListTagsForResource: {
		shape: resource,
		run: (engine, input) => engine.listTagsForResource(input),
	},
	PutResourcePolicy: {
		shape: {...resource, Policy: 'string'},
		run: done((engine, input) => engine.putResourcePolicy(input)),
	},
	GetResourcePolicy: {
		shape: resource,
		run: (engine, input) => engine.getResourcePolicy(input),
	},
	DeleteResourcePolicy: {
		shape: resource,
		run: done((engine, input) => engine.deleteResourcePolicy(input)),
	},

	// ─── Account ──────────────────────────────────────────────────────────────────────────────
	DescribeLimits: {
		shape: {},
		run: (engine) => engine.describeLimits(),
	},
	DescribeAccountSettings: {
		shape: {},
		run: (engine) => engine.describeAccountSettings(),
	},
	UpdateAccountSettings: {
		shape: {MinimumThroughputBillingCommitment: {structure: {Status: 'string'}}},
		run: (engine, input) => engine.updateAccountSettings(input),
	},

	// ─── Channels ─────────────────────────────────────────────────────────────────────────────
	CreateChannel: {
		shape: {
			ChannelName: 'string',
			ServiceExecutionRoleARN: 'string',
			StreamConfigurationList: {
				list: {
					structure: {
						StreamARN: 'string',
						RecordConfiguration: {
							structure: {RecordFormatType: 'string', GSRSchemaARN: 'string'},
						},
					},
				},
			},
			S3DestinationConfiguration: {
				structure: {
					DataFreshnessInSeconds: 'integer',
					DeadLetterQueueS3Configuration: deadLetterQueue,
					StorageConfiguration: {
						structure: {
							BucketARN: 'string',
							ExpectedBucketOwner: 'string',
							OutputKeyTemplate: 'string',
							StorageClass: 'string',
							CompressionType: 'string',
						},
					},
				},
			},
			S3TablesDestinationConfiguration: {
				structure: {
					DataFreshnessInSeconds: 'integer',
					DeadLetterQueueS3Configuration: deadLetterQueue,
					S3TablesConfigurationList: {
						list: {
							structure: {
								TableBucketARN: 'string',
								Namespace: 'string',
								TableName: 'string',
								CompressionType: 'string',
								PartitionSpec: {
									structure: {
										PartitionFields: {
											list: {structure: {Transform: 'string', SourceName: 'string'}},
										},
									},
								},
							},
						},
					},
				},
			},
			EncryptionConfiguration: {structure: {EncryptionType: 'string', KeyId: 'string'}},
			Tags: 'map',
			LoggingConfiguration: logging,
		},
		run: (engine, input) => engine.createChannel(input),
	},
	DeleteChannel: {
		shape: channelRef,
		run: done((engine, input) => engine.deleteChannel(input)),
	},
	DescribeChannel: {
		shape: channelRef,
		run: (engine, input) => engine.describeChannel(input),
	},
	ListChannels: {
		shape: {
			StreamFilter: {
				list: {structure: {StreamARN: 'string', StreamCreationTimestamp: 'timestamp'}},
			},
			MaxResults: 'integer',
			NextToken: 'string',
		},
		run: (engine, input) => engine.listChannels(input),
	},
	UpdateChannel: {
		shape: {
			...channelRef,
			S3DestinationConfiguration: freshness,
			S3TablesDestinationConfiguration: freshness,
			LoggingConfiguration: logging,
		},
		run: (engine, input) => engine.updateChannel(input),
	},
};

/**
 * A stream's state: its shards (open and closed, with lineage and hash-key ranges), its status timeline,
 * and the sequence counter every record of it is numbered from. Knows how to route a hash key to an
 * open shard and how to describe itself in AWS's shapes; persistence and validation live in the engine.
 */
import {
	bigIntToHashKey,
	compareHashKeys,
	evenHashKeyRanges,
	type HashKeyWords,
} from '../kinesis/hash-key.js';
import type {ShardLog} from './log/shard-log.js';
import {PerSecondMeter} from './per-second-meter.js';
import {
	AwsSequenceFormatter,
	LegacySequenceFormatter,
	shardIdOf,
	type SequenceFormatter,
} from './sequence-number.js';
import type {SequenceLayout} from '../kinesis/sequence-number.js';
import type {
	RecordDistributionStrategy,
	Shard,
	StreamMode,
	StreamStatus,
	Tag,
} from '../kinesis/types.js';

/** What the stream's metadata keeps of a consumer. */
export type ConsumerMetadata = {
	name: string;
	/** Registration time, ms; its whole seconds are part of the ARN. */
	createdAt: number;
	/** Until when the consumer shows CREATING, or when its deregistration completes. */
	transition?: {status: 'CREATING' | 'DELETING'; until: number};
	tags: Tag[];
	/** The resource policy attached with PutResourcePolicy, a JSON document. */
	policy?: string;
};

/** What the stream's metadata keeps of these settings (all optional: older metadata has none). */
export type StreamSettingsMetadata = {
	maxRecordSizeKiB?: number;
	recordDistribution?: RecordDistributionStrategy;
	/** Scaling from `fromMiBps` to `targetMiBps`, done at `until`. */
	warmThroughput?: {targetMiBps: number; fromMiBps: number; until: number};
	/** From which stream counter on records are written with which encryption. */
	encryptionChanges?: Array<{fromCounter: number; type: 'NONE' | 'KMS'}>;
	/** When encryption was started / stopped / the mode switched (for the per-24-hours limits). */
	encryptionStarts?: number[];
	encryptionStops?: number[];
	modeSwitches?: number[];
	/** The resource policy attached with PutResourcePolicy, a JSON document. */
	policy?: string;
};

export type ShardState = {
	index: number;
	id: string;
	parentId?: string;
	adjacentParentId?: string;
	start: bigint;
	end: bigint;
	startKey: HashKeyWords;
	/** Counter of the first record the shard may hold; its StartingSequenceNumber. */
	startingCounter: number;
	/** Set once the shard is closed by a split or merge: no record of it has a counter ≥ this. */
	endingCounter?: number;
	closedAt?: number;
	/** `aws` layout: the second its sequence numbers give as the shard's creation. */
	createdSeconds?: number;
	log: ShardLog;
	sequence: SequenceFormatter;
	writes: PerSecondMeter;
	reads: PerSecondMeter;
};

/** What the metadata file keeps of a shard (the records live in its log). */
export type ShardMetadata = {
	index: number;
	parentId?: string;
	adjacentParentId?: string;
	start: string;
	end: string;
	startingCounter: number;
	endingCounter?: number;
	closedAt?: number;
	/** Streams of the `aws` layout only (absent in metadata written before it existed). */
	createdSeconds?: number;
};

export type StreamMetadata = {
	name: string;
	createdAt: number;
	mode: StreamMode;
	retentionHours: number;
	tags: Tag[];
	nextShardIndex: number;
	nextCounter: number;
	encryption: {type: 'NONE' | 'KMS'; keyId?: string};
	shardLevelMetrics: string[];
	/** Until when the stream shows a transitional status (CREATING, UPDATING, DELETING). */
	transition?: {status: StreamStatus; until: number};
	scalingHistory: number[];
	shards: ShardMetadata[];
	/** Enhanced fan-out consumers (absent in metadata written before they existed). */
	consumers?: ConsumerMetadata[];
	/** Settings beyond the original ones: record size, distribution, warm throughput, policy… */
	settings?: StreamSettingsMetadata;
	/** The sequence number layout; absent in metadata written before AWS's was adopted (`legacy`). */
	sequenceLayout?: SequenceLayout;
};

export type OpenLog = (shardIndex: number) => ShardLog;

export class Stream {
	readonly shards: ShardState[] = [];
	/** Open shards ordered by starting hash key: the routing table. */
	private open: ShardState[] = [];
	readonly sequenceLayout: SequenceLayout;
	nextCounter: number;
	nextShardIndex: number;
	mode: StreamMode;
	retentionHours: number;
	tags: Tag[];
	encryption: {type: 'NONE' | 'KMS'; keyId?: string};
	shardLevelMetrics: string[];
	transition?: {status: StreamStatus; until: number};
	scalingHistory: number[];
	consumers: ConsumerMetadata[];
	settings: StreamSettingsMetadata;
	/** Newest arrival time handed out: arrival times never go backwards within a stream. */
	lastArrival = 0;
	/** Where the AUTO record distribution strategy sends the next record. */
	private rotation = 0;

	constructor(
		readonly name: string,
		readonly createdAt: number,
		readonly arn: string,
		metadata: Omit<StreamMetadata, 'name' | 'createdAt' | 'shards'>,
	) {
		this.sequenceLayout = metadata.sequenceLayout ?? 'legacy';
		this.nextCounter = metadata.nextCounter;
		this.nextShardIndex = metadata.nextShardIndex;
		this.mode = metadata.mode;
		this.retentionHours = metadata.retentionHours;
		this.tags = metadata.tags;
		this.encryption = metadata.encryption;
		this.shardLevelMetrics = metadata.shardLevelMetrics;
		this.transition = metadata.transition;
		this.scalingHistory = metadata.scalingHistory;
		this.consumers = metadata.consumers ?? [];
		this.settings = metadata.settings ?? {};
	}

	/** A new stream with `count` shards dividing the key space evenly, as CreateStream makes them. */
	static create(
		name: string,
		createdAt: number,
		arn: string,
		mode: StreamMode,
		count: number,
		openLog: OpenLog,
	) {
		const stream = new Stream(name, createdAt, arn, {
			mode,
			retentionHours: 24,
			tags: [],
			nextShardIndex: 0,
			// Counter 0 is the first shards' StartingSequenceNumber and no record's, so that, as in AWS,
			// it sorts before every record: AFTER_SEQUENCE_NUMBER of it (or of a subscription's
			// continuation before any record) starts at the first record.
			nextCounter: 1,
			encryption: {type: 'NONE'},
			shardLevelMetrics: [],
			scalingHistory: [],
			sequenceLayout: 'aws',
		});
		const createdSeconds = Math.floor(createdAt / 1000);
		for (const range of evenHashKeyRanges(count)) {
			stream.addShard({...range, startingCounter: 0, createdSeconds}, openLog);
		}

		return stream;
	}

	static fromMetadata(metadata: StreamMetadata, arn: string, openLog: OpenLog) {
		const stream = new Stream(metadata.name, metadata.createdAt, arn, metadata);
		for (const shard of metadata.shards) {
			stream.restoreShard(shard, openLog(shard.index));
		}

		stream.reindex();
		// Records may have been appended after the metadata was last written: count on from the newest.
		for (const shard of stream.shards) {
			stream.nextCounter = Math.max(stream.nextCounter, shard.log.lastAppendedCounter + 1);
			stream.lastArrival = Math.max(stream.lastArrival, shard.log.lastVisibleArrival ?? 0);
		}

		return stream;
	}

	toMetadata(): StreamMetadata {
		return {
			name: this.name,
			createdAt: this.createdAt,
			mode: this.mode,
			retentionHours: this.retentionHours,
			tags: this.tags,
			nextShardIndex: this.nextShardIndex,
			nextCounter: this.nextCounter,
			encryption: this.encryption,
			shardLevelMetrics: this.shardLevelMetrics,
			transition: this.transition,
			scalingHistory: this.scalingHistory,
			consumers: this.consumers,
			settings: this.settings,
			...(this.sequenceLayout === 'aws' ? {sequenceLayout: this.sequenceLayout} : {}),
			shards: this.shards.map((shard) => ({
				index: shard.index,
				parentId: shard.parentId,
				adjacentParentId: shard.adjacentParentId,
				start: String(shard.start),
				end: String(shard.end),
				startingCounter: shard.startingCounter,
				endingCounter: shard.endingCounter,
				closedAt: shard.closedAt,
				createdSeconds: shard.createdSeconds,
			})),
		};
	}

	status(now: number): StreamStatus {
		return this.transition && now < this.transition.until ? this.transition.status : 'ACTIVE';
	}

	get openShards(): readonly ShardState[] {
		return this.open;
	}

	shard(index: number): ShardState | undefined {
		const shard = this.shards[index];
		return shard?.index === index ? shard : this.shards.find((each) => each.index === index);
	}

	/** The open shard whose HashKeyRange contains `key`. */
	route(key: HashKeyWords): ShardState {
		const open = this.open;
		let low = 0;
		let high = open.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >>> 1;
			if (compareHashKeys(open[mid].startKey, key) <= 0) low = mid;
			else high = mid - 1;
		}

		return open[low];
	}

	/** The next open shard in turn: the AUTO record distribution strategy, which ignores keys. */
	routeEvenly(): ShardState {
		this.rotation = (this.rotation + 1) % this.open.length;
		return this.open[this.rotation];
	}

	addShard(
		range: {
			start: bigint;
			end: bigint;
			startingCounter: number;
			parentId?: string;
			adjacentParentId?: string;
			createdSeconds?: number;
		},
		openLog: OpenLog,
	): ShardState {
		const index = this.nextShardIndex++;
		const shard = this.restoreShard(
			{...range, index, start: String(range.start), end: String(range.end)},
			openLog(index),
		);
		this.reindex();
		return shard;
	}

	close(shard: ShardState, counter: number, now: number) {
		shard.endingCounter = counter;
		shard.closedAt = now;
		this.reindex();
	}

	/** Removes a shard entirely (undoing a reshard that could not be saved). */
	forget(shard: ShardState) {
		this.shards.splice(this.shards.indexOf(shard), 1);
		this.reindex();
	}

	reopen(shard: ShardState) {
		shard.endingCounter = undefined;
		shard.closedAt = undefined;
		this.reindex();
	}

	/** Shards as DescribeStream/ListShards show them: closed shards disappear once their data has expired. */
	visibleShards(now: number): ShardState[] {
		const cutoff = now - this.retentionHours * 3_600_000;
		return this.shards.filter((shard) => shard.closedAt === undefined || shard.closedAt >= cutoff);
	}

	describeShard(shard: ShardState): Shard {
		const described: Shard = {
			ShardId: shard.id,
			HashKeyRange: {StartingHashKey: String(shard.start), EndingHashKey: String(shard.end)},
			SequenceNumberRange: {
				StartingSequenceNumber: shard.sequence.format(
					shard.startingCounter,
					(shard.createdSeconds ?? 0) * 1000,
				),
			},
		};
		if (shard.parentId) described.ParentShardId = shard.parentId;
		if (shard.adjacentParentId) described.AdjacentParentShardId = shard.adjacentParentId;
		if (shard.endingCounter !== undefined) {
			described.SequenceNumberRange.EndingSequenceNumber = shard.sequence.format(
				shard.endingCounter,
				shard.closedAt ?? 0,
			);
		}

		return described;
	}

	/** Shards created from `shard` by a split or merge. */
	childrenOf(shard: ShardState) {
		return this.shards.filter(
			(each) => each.parentId === shard.id || each.adjacentParentId === shard.id,
		);
	}

	private restoreShard(metadata: ShardMetadata, log: ShardLog): ShardState {
		const start = BigInt(metadata.start);
		const shard: ShardState = {
			index: metadata.index,
			id: shardIdOf(metadata.index),
			parentId: metadata.parentId,
			adjacentParentId: metadata.adjacentParentId,
			start,
			end: BigInt(metadata.end),
			startKey: bigIntToHashKey(start),
			startingCounter: metadata.startingCounter,
			endingCounter: metadata.endingCounter,
			closedAt: metadata.closedAt,
			createdSeconds: metadata.createdSeconds,
			log,
			sequence:
				this.sequenceLayout === 'aws'
					? new AwsSequenceFormatter(
							metadata.createdSeconds ?? Math.floor(this.createdAt / 1000),
							metadata.index,
						)
					: new LegacySequenceFormatter(this.createdAt, metadata.index),
			writes: new PerSecondMeter(),
			reads: new PerSecondMeter(),
		};
		this.shards.push(shard);
		this.shards.sort((a, b) => a.index - b.index);
		return shard;
	}

	private reindex() {
		this.open = this.shards
			.filter((shard) => shard.endingCounter === undefined)
			.sort((a, b) => (a.start < b.start ? -1 : 1));
	}
}

/**
 * The engine's streams and where they are kept: the streams by name and, with a data directory, the
 * metadata file (the streams, the account's settings and the channels), the group commit and the segment
 * cache; in memory only, the memory budget. It finishes deletions whose DELETING time has passed, trims
 * what retention has expired, and saves the metadata so that memory and disk agree.
 */
import type {AccountMetadata} from './account.js';
import type {ChannelMetadata} from './channels.js';
import type {Clock} from './clock.js';
import type {EngineOptions} from './engine-options.js';
import {limitExceeded, saveOrUndo} from './errors.js';
import {LIMITS} from '../kinesis/limits.js';
import {DataDirectory} from './log/data-directory.js';
import {DiskFailures} from './log/disk-failures.js';
import {GroupCommit} from './log/group-commit.js';
import {FreeBuffers} from './log/free-buffers.js';
import {SegmentCache} from './log/segment-cache.js';
import {ShardLog} from './log/shard-log.js';
import {DEFAULT_MEMORY_BUDGET_BYTES, MemoryBudget} from './memory-budget.js';
import {shardIdOf} from './sequence-number.js';
import {Stream, type OpenLog, type StreamMetadata} from './stream.js';

type Metadata = {
	version: 1;
	streams: StreamMetadata[];
	account?: AccountMetadata;
	channels?: ChannelMetadata[];
};

/** What the metadata file keeps beside the streams: the account's settings and the channels. */
export type SavedAlongside = {
	account: {toMetadata(): AccountMetadata; restore(metadata: AccountMetadata | undefined): void};
	channels: {
		toMetadata(): ChannelMetadata[];
		restore(metadata: ChannelMetadata[] | undefined): void;
	};
};

export type StoreIdentity = {clock: Clock; region: string; accountId: string};

/** With a data directory and no budget given: the segment cache, as before the memory budget existed. */
const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
const HOUR_MS = 3_600_000;
const MAX_FREE_BUFFER_BYTES = 256 * 1024 * 1024;

export class StreamStore {
	readonly streams = new Map<string, Stream>();
	readonly directory: DataDirectory | undefined;
	readonly commit: GroupCommit | undefined;
	private readonly cache: SegmentCache;
	/** Memory-only mode's budget; undefined with a data directory (the cache is bounded instead). */
	readonly memory: MemoryBudget | undefined;
	/**
	 * Memory-only mode: dropped segments' buffers, kept for new ones (free-buffers.ts) — at most half
	 * the budget, and 256 MiB, beside it. A log that trims as it appends needs a segment's worth or two;
	 * a deleted stream's memory is kept for the next one instead of going back to the system.
	 */
	private readonly freeBuffers: FreeBuffers | undefined;
	readonly diskFailures = new DiskFailures();
	private readonly clock: Clock;
	private readonly region: string;
	private readonly accountId: string;
	private lastTrim = 0;

	/** Opens the data directory, if any, and loads what it holds (the streams and `alongside`). */
	constructor(
		identity: StoreIdentity,
		private readonly options: EngineOptions,
		private readonly alongside: SavedAlongside,
	) {
		this.clock = identity.clock;
		this.region = identity.region;
		this.accountId = identity.accountId;
		const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
		this.cache = new SegmentCache(
			options.cacheBytes ?? options.memoryBudgetBytes ?? DEFAULT_CACHE_BYTES,
		);
		this.memory = options.dataDirectory
			? undefined
			: new MemoryBudget(budget, () => this.clock.now());
		this.freeBuffers = options.dataDirectory
			? undefined
			: new FreeBuffers(Math.min(MAX_FREE_BUFFER_BYTES, Math.floor(budget / 2)));
		if (options.dataDirectory) {
			this.directory = DataDirectory.open(options.dataDirectory, {files: options.files});
			try {
				this.commit = new GroupCommit(
					options.syncEveryWrite ?? false,
					options.syncIntervalMs ?? 200,
					this.diskFailures,
				);
				this.load();
			} catch (error) {
				this.commit?.close();
				this.directory.release();
				throw error;
			}
		}
	}

	/** Waits for pending writes, closes every file and releases the data directory. */
	async close() {
		await this.commit?.drain();
		this.commit?.close();
		for (const stream of this.streams.values()) {
			for (const shard of stream.shards) shard.log.close();
		}

		this.directory?.release();
	}

	checkShardLimit(additional: number) {
		let current = 0;
		for (const stream of this.streams.values()) current += stream.openShards.length;
		if (current + additional > LIMITS.accountShardLimit) {
			throw limitExceeded(
				`This request would exceed the shard limit for the account ${this.accountId} in ${this.region}. Current shard count for the account: ${current}. Limit: ${LIMITS.accountShardLimit}. Number of additional shards that would have resulted from this request: ${additional}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
			);
		}
	}

	/** Retention: drops whole expired segments, at most once a second. */
	trimExpired(now: number) {
		if (now - this.lastTrim < 1000) return;
		this.lastTrim = now;
		let dropped = 0;
		for (const stream of this.streams.values()) {
			const cutoff = now - stream.retentionHours * HOUR_MS;
			for (const shard of stream.shards) dropped += shard.log.trim(cutoff);
		}

		// The metadata keeps each stream's counter: once the records that carried the highest counters
		// are gone from disk, only it stops a restart from numbering records again from a lower one.
		if (dropped > 0) this.save();
		this.memory?.keep(this.streams.values());
	}

	/** Finishes deletions whose DELETING time has passed. */
	settle() {
		const now = this.clock.now();
		for (const stream of this.streams.values()) {
			if (stream.transition?.status === 'DELETING' && now >= stream.transition.until) {
				this.remove(stream);
			}
		}
	}

	remove(stream: Stream) {
		this.streams.delete(stream.name);
		this.save();
		for (const shard of stream.shards) shard.log.close(true);
		if (this.directory) {
			this.directory.removeOrphans(new Set(this.streamDirectories()));
		}
	}

	arnOf(name: string) {
		return `arn:aws:kinesis:${this.region}:${this.accountId}:stream/${name}`;
	}

	logOpener(name: string, createdAt: number): OpenLog {
		const streamDirectory = this.directory?.streamDirectory(name, createdAt);
		return (index) =>
			new ShardLog({
				directory: streamDirectory && `${streamDirectory}/${shardIdOf(index)}`,
				segmentBytes: this.segmentBytes(),
				cache: this.cache,
				freeBuffers: this.freeBuffers,
				files: this.options.files,
			});
	}

	/**
	 * Segments are what the memory budget trims, whole, and an open one cannot go without its newest
	 * records: in memory, a segment is at most 1/16 of the budget (down to 64 KiB), so a small budget is
	 * kept by trimming old segments rather than everything a shard holds.
	 */
	private segmentBytes() {
		const bytes = this.options.segmentBytes ?? 16 * 1024 * 1024;
		if (!this.memory) return bytes;
		return Math.min(bytes, Math.max(64 * 1024, Math.floor(this.memory.budgetBytes / 16)));
	}

	private streamDirectories() {
		return [...this.streams.values()].map((stream) =>
			this.directory!.streamDirectory(stream.name, stream.createdAt),
		);
	}

	private load() {
		const metadata = this.directory!.readMetadata<Metadata>();
		for (const saved of metadata?.streams ?? []) {
			const stream = Stream.fromMetadata(
				saved,
				this.arnOf(saved.name),
				this.logOpener(saved.name, saved.createdAt),
			);
			this.streams.set(stream.name, stream);
		}

		this.alongside.account.restore(metadata?.account);
		this.alongside.channels.restore(metadata?.channels);
		this.directory!.removeOrphans(new Set(this.streamDirectories()));
	}

	save() {
		if (!this.directory) return;
		const metadata: Metadata = {
			version: 1,
			streams: [...this.streams.values()].map((stream) => stream.toMetadata()),
			account: this.alongside.account.toMetadata(),
			channels: this.alongside.channels.toMetadata(),
		};
		this.directory.writeMetadata(metadata);
	}

	/** Saves the metadata; if that fails, undoes the in-memory change so memory and disk agree. */
	saveOrUndo(undo: () => void) {
		saveOrUndo(() => this.save(), undo);
	}
}

/**
 * The bundled local Amazon Data Firehose engine. Each public method named after a Firehose API action
 * reproduces it: validation, errors (exception name and wording), effect. Delivery streams buffer
 * records durably and deliver them to a local directory per S3 bucket when a buffering hint is reached,
 * naming objects as Firehose does; a delivery stream can also read a local Kinesis stream
 * (KinesisStreamAsSource) through a {@link KinesisEngine}.
 *
 * Time: everything time-based (buffer intervals, retries, source polling) happens in {@link tick},
 * against the engine's {@link Clock}. With the system clock the engine ticks itself every
 * `tickIntervalMs` (250 ms); with an injected clock (tests) nothing happens until `tick()` is called,
 * which makes interval and retry behaviour exact. A buffer that reaches its size hint is closed and
 * handed to delivery by the put itself.
 *
 * On disk (with a data directory):
 *
 * ```
 * DATA/firehose/owner.json, metadata.json       the lock and the delivery streams (atomically replaced)
 * DATA/firehose/delivery-streams/NAME.CREATED/  the durable buffers (see buffer-log.ts)
 * DATA/buckets/BUCKET/KEY                       delivered objects (or `bucketDirectory`)
 * ```
 *
 * Guarantee: PutRecord / PutRecordBatch resolve once the accepted records are written to the OS (see
 * buffer-log.ts for the sync policy); an accepted record is delivered at least once, also across a crash
 * or restart. Delivery is in buffer order; a buffer whose delivery fails is retried with backoff
 * (`retryBaseDelayMs` doubling up to `retryMaxDelayMs`, AWS's 5-second cadence) and, after
 * `maxDeliveryAttempts` attempts or `retryDurationMs`, written under the error output prefix instead
 * (error output type `s3-failed`, one JSON document per record in Firehose's error record format) — AWS
 * itself retries S3 for 24 hours and then drops the data; writing it under the error prefix is this
 * engine's choice so nothing is lost silently. Buffers behind a failing one wait, as in Firehose.
 *
 * This class is the engine's face: it builds the parts and hands each action to the part that does it —
 * the delivery streams' actions (delivery-stream-actions.ts) and tags (delivery-stream-tags.ts), the
 * write path into buffers (buffering.ts), delivery to the buckets (delivery.ts) and time (ticks.ts) —
 * over the delivery streams as kept and persisted (delivery-streams.ts).
 */
import {systemClock, type Clock} from '../clock.js';
import {MetricsRecorder} from '../metrics.js';
import {Buffering} from './buffering.js';
import {DeliveryStreamActions} from './delivery-stream-actions.js';
import {DeliveryStreamTags} from './delivery-stream-tags.js';
import {DeliveryStreams} from './delivery-streams.js';
import {Delivery} from './delivery.js';
import {FirehoseMetrics} from './firehose-metrics.js';
import type {FirehoseEngineOptions} from './firehose-options.js';
import {join} from 'node:path';
import {
	DirectoryObjectStore,
	MemoryObjectStore,
	type ObjectStore,
	type StoredObject,
} from './object-store.js';
import {Ticks} from './ticks.js';
import type {BufferState} from './types.js';
import type {
	CreateDeliveryStreamInput,
	DeliveryStreamDescription,
	DescribeDeliveryStreamInput,
	FirehoseRecord,
	ListDeliveryStreamsInput,
	ListTagsForDeliveryStreamInput,
	PutRecordBatchInput,
	PutRecordBatchOutput,
	PutRecordOutput,
	Tag,
	UpdateDestinationInput,
} from '../../kinesis/firehose-types.js';

export type {FirehoseEngineOptions} from './firehose-options.js';

export class FirehoseEngine {
	readonly region: string;
	readonly accountId: string;
	readonly clock: Clock;
	enforceLimits: boolean;
	/** The delivery streams, their buffers' files and the metadata (delivery-streams.ts). */
	private readonly deliveryStreams: DeliveryStreams;
	private readonly store: ObjectStore;
	/** CloudWatch metrics: the Kinesis engine's recorder when given one, else this engine's own. */
	readonly metrics: MetricsRecorder;
	private readonly firehoseMetrics: FirehoseMetrics;
	private readonly actions: DeliveryStreamActions;
	private readonly tags: DeliveryStreamTags;
	private readonly buffering: Buffering;
	private readonly delivery: Delivery;
	private readonly ticks: Ticks;
	private closed = false;

	constructor(options: FirehoseEngineOptions = {}) {
		const kinesis = options.kinesis;
		this.clock = options.clock ?? systemClock;
		this.metrics = options.kinesis?.metrics ?? new MetricsRecorder({clock: this.clock});
		this.firehoseMetrics = new FirehoseMetrics(this.metrics, () =>
			this.deliveryStreams.streams.values(),
		);
		this.region = options.region ?? options.kinesis?.region ?? 'us-east-1';
		this.accountId = options.accountId ?? options.kinesis?.accountId ?? '000000000000';
		this.enforceLimits = options.enforceLimits ?? true;
		const bucketDirectory =
			options.bucketDirectory ??
			(options.dataDirectory ? join(options.dataDirectory, 'buckets') : undefined);
		this.store = bucketDirectory
			? new DirectoryObjectStore(bucketDirectory)
			: new MemoryObjectStore(options.memoryBucketBytes);
		// Opens the data directory, if any, and recovers the delivery streams and their buffers.
		this.deliveryStreams = new DeliveryStreams(this, options);
		const {clock, accountId, deliveryStreams, firehoseMetrics} = this;
		this.actions = new DeliveryStreamActions({clock, accountId, options, deliveryStreams, kinesis});
		this.tags = new DeliveryStreamTags(accountId, deliveryStreams);
		this.delivery = new Delivery({
			clock,
			options,
			deliveryStreams,
			store: this.store,
			firehoseMetrics,
		});
		this.buffering = new Buffering({
			clock,
			deliveryStreams,
			delivery: this.delivery,
			firehoseMetrics,
			limits: this,
		});
		this.ticks = new Ticks({
			clock,
			deliveryStreams,
			buffering: this.buffering,
			delivery: this.delivery,
			firehoseMetrics,
			kinesis,
		});

		const realClock = options.clock === undefined || options.clock === systemClock;
		const tickEvery = options.tickIntervalMs ?? (realClock ? 250 : 0);
		if (tickEvery > 0) this.ticks.every(tickEvery, () => void this.tick());
		const syncEvery = options.syncIntervalMs ?? 200;
		if (deliveryStreams.onDisk && !options.syncEveryWrite && syncEvery > 0) {
			this.ticks.every(syncEvery, () => deliveryStreams.syncBuffers());
		}
	}

	/**
	 * Calls `listener` when writing a buffer file or the metadata fails (disk-failures.ts says how often),
	 * for `serve` to log; the put that hit it has its records fail with InternalFailure either way.
	 */
	onDiskFailure(listener: (message: string) => void): () => void {
		return this.deliveryStreams.diskFailures.listen(listener);
	}

	/** The directory buckets are kept in, or undefined when delivered objects are kept in memory. */
	get bucketDirectory() {
		return this.store.directory;
	}

	/**
	 * Stops the timers, waits for deliveries in flight, syncs and closes the buffer files and releases
	 * the data directory. Buffered records are not delivered: they are durable and the next engine on the
	 * same directory delivers them.
	 */
	async close() {
		if (this.closed) return;
		this.closed = true;
		this.delivery.stop();
		this.firehoseMetrics.detach();
		await this.ticks.stop();
		await Promise.all(
			[...this.deliveryStreams.streams.values()].map((stream) => stream.delivering),
		);
		this.deliveryStreams.close();
	}

	// ─── Delivery streams (delivery-stream-actions.ts) ────────────────────────────────────────

	/**
	 * CreateDeliveryStream: DirectPut or KinesisStreamAsSource, with one S3 (or extended S3) destination.
	 * The stream shows CREATING for `createDelayMs`, then ACTIVE.
	 */
	createDeliveryStream(input: CreateDeliveryStreamInput): {DeliveryStreamARN: string} {
		return this.actions.createDeliveryStream(input);
	}

	/**
	 * DeleteDeliveryStream: the stream shows DELETING for `deleteDelayMs`, then is gone with its buffered
	 * data (as in AWS, records not yet delivered are not delivered). Not allowed while CREATING.
	 */
	deleteDeliveryStream(input: {DeliveryStreamName: string; AllowForceDelete?: boolean}) {
		this.actions.deleteDeliveryStream(input);
	}

	/** DescribeDeliveryStream: the AWS DeliveryStreamDescription, with its one S3 destination. */
	describeDeliveryStream(input: DescribeDeliveryStreamInput): {
		DeliveryStreamDescription: DeliveryStreamDescription;
	} {
		return this.actions.describeDeliveryStream(input);
	}

	/** ListDeliveryStreams: names in alphabetical order, by type, after a name, at most Limit (10). */
	listDeliveryStreams(input: ListDeliveryStreamsInput = {}): {
		DeliveryStreamNames: string[];
		HasMoreDeliveryStreams: boolean;
	} {
		return this.actions.listDeliveryStreams(input);
	}

	/**
	 * UpdateDestination: merges an S3 / extended S3 update into the destination when
	 * CurrentDeliveryStreamVersionId is the current VersionId (else ConcurrentModificationException),
	 * then increments the VersionId. Buffered records are delivered with the new settings.
	 */
	updateDestination(input: UpdateDestinationInput) {
		this.actions.updateDestination(input);
	}

	// ─── Tags (delivery-stream-tags.ts) ───────────────────────────────────────────────────────

	/** TagDeliveryStream: adds or replaces tags, at most 50 per delivery stream. */
	tagDeliveryStream(input: {DeliveryStreamName: string; Tags: Tag[]}) {
		this.tags.tagDeliveryStream(input);
	}

	/** UntagDeliveryStream: removes the tags with these keys (keys it does not have are ignored). */
	untagDeliveryStream(input: {DeliveryStreamName: string; TagKeys: string[]}) {
		this.tags.untagDeliveryStream(input);
	}

	/** ListTagsForDeliveryStream: tags in key order, after ExclusiveStartTagKey, at most Limit (50). */
	listTagsForDeliveryStream(input: ListTagsForDeliveryStreamInput): {
		Tags: Tag[];
		HasMoreTags: boolean;
	} {
		return this.tags.listTagsForDeliveryStream(input);
	}

	// ─── Records (buffering.ts) ───────────────────────────────────────────────────────────────

	/**
	 * PutRecord: one record into the delivery stream's buffer. Throttling (over the stream's records/s,
	 * bytes/s or requests/s quota) is a ServiceUnavailableException. Resolves once the record is durable.
	 */
	putRecord(input: {DeliveryStreamName: string; Record: FirehoseRecord}): Promise<PutRecordOutput> {
		return this.buffering.putRecord(input);
	}

	/**
	 * PutRecordBatch: up to 500 records and 4 MiB. Records over the stream's throughput quota fail alone
	 * (ServiceUnavailableException, "Slow down."), as do records that could not be written
	 * (InternalFailure); `FailedPutCount` counts them. Resolves once the accepted records are durable.
	 */
	putRecordBatch(input: PutRecordBatchInput): Promise<PutRecordBatchOutput> {
		return this.buffering.putRecordBatch(input);
	}

	// ─── Local introspection ──────────────────────────────────────────────────────────────────

	/** The live buffer of a delivery stream, for the console (local only; AWS has no such API). */
	bufferState(name: string): BufferState {
		return this.buffering.bufferState(name);
	}

	/** Objects delivered to `bucket` (a bucket name, or its ARN), key order. */
	listObjects(bucket: string, prefix?: string): StoredObject[] {
		return this.store.list(bucketName(bucket), prefix);
	}

	/** An object's bytes as delivered (compressed if the destination compresses), or undefined. */
	getObject(bucket: string, key: string): Buffer | undefined {
		return this.store.get(bucketName(bucket), key);
	}

	/**
	 * Everything time-based, at the clock's current time: finishes deletions, reads source streams (once
	 * a second per shard), closes buffers whose interval (or size) hint is reached, and delivers closed
	 * buffers whose (re)try is due. Resolves when those deliveries are done. The engine calls it itself
	 * with the system clock; tests call it after moving a ManualClock.
	 */
	tick(): Promise<void> {
		return this.ticks.tick();
	}
}

const bucketName = (bucket: string) =>
	bucket.startsWith('arn:') ? bucket.slice(bucket.lastIndexOf(':') + 1) : bucket;

/**
 * One delivery stream's state: its configuration, the open buffer taking records, the closed buffers
 * waiting to be delivered (in order; the head one is being delivered or retried), and the counters the
 * console shows. The FirehoseEngine drives it; this file only holds and describes it.
 */
import type {DiskWriteError} from '../log/file-system.js';
import {PerSecondMeter} from '../per-second-meter.js';
import type {BufferedRecord, BufferFile, BufferLog} from './buffer-log.js';
import {settingsOf, type DeliverySettings, type StoredDestination} from './destination.js';
import type {KinesisSource, SourceMetadata} from './kinesis-source.js';
import type {Delivery, DeliveryError} from './types.js';
import type {DeliveryStreamStatus, DeliveryStreamType, Tag} from '../../kinesis/firehose-types.js';

/** How many of its latest objects a delivery stream remembers for the console (BufferState). */
const LAST_DELIVERIES_KEPT = 20;

export type Transition = {status: 'CREATING' | 'DELETING'; until: number};

export type DeliveryStreamMetadata = {
	name: string;
	createdAt: number;
	type: DeliveryStreamType;
	versionId: number;
	lastUpdatedAt?: number;
	destination: StoredDestination;
	directPut?: {ThroughputHintInMBs?: number};
	tags: Tag[];
	transition?: Transition;
	source?: SourceMetadata;
};

/** A buffer: the open one takes records; once closed (by size or interval) it waits for delivery. */
export class RecordBuffer {
	readonly records: BufferedRecord[] = [];
	bytes = 0;
	oldestArrival = Number.POSITIVE_INFINITY;
	/** When the buffer took its first record (Firehose's clock): the interval hint counts from here. */
	openedAt = Number.POSITIVE_INFINITY;
	/** Failed delivery attempts so far. */
	attempts = 0;
	firstFailureAt: number | undefined;
	nextAttemptAt = 0;
	/** Set when delivery gave up (to the attempts made): the records go to the error output prefix. */
	attemptsBeforeErrorOutput: number | undefined;
	lastError: DeliveryError | undefined;

	constructor(readonly file: BufferFile | undefined) {}

	get toErrorOutput() {
		return this.attemptsBeforeErrorOutput !== undefined;
	}

	/** Takes records (already written to the file) at `now`. */
	add(records: BufferedRecord[], now: number) {
		if (records.length > 0 && this.records.length === 0) this.openedAt = now;
		for (const record of records) {
			this.records.push(record);
			this.bytes += record.data.length;
			if (record.arrivalMs < this.oldestArrival) this.oldestArrival = record.arrivalMs;
		}
	}
}

export class DeliveryStream {
	destination: StoredDestination;
	settings: DeliverySettings;
	versionId: number;
	lastUpdatedAt: number | undefined;
	tags: Tag[];
	transition: Transition | undefined;
	open: RecordBuffer | undefined;
	readonly closed: RecordBuffer[] = [];
	nextFileNumber = 1;
	nextOrdinal = 0;
	/** Set once the delivery stream is gone: deliveries in flight must not touch its files. */
	removed = false;
	/** Set when a buffer file of it failed to sync: it accepts no records until a restart. */
	diskFailure: DiskWriteError | undefined;
	readonly writes = new PerSecondMeter();
	readonly requests = new PerSecondMeter();
	readonly lastDeliveries: Delivery[] = [];
	failedDeliveries = 0;
	errorOutputDeliveries = 0;
	lastError: DeliveryError | undefined;
	/** The delivery loop, while it runs. */
	delivering: Promise<void> | undefined;
	deliverAgain = false;

	constructor(
		readonly metadata: DeliveryStreamMetadata,
		readonly arn: string,
		readonly log: BufferLog | undefined,
		readonly source: KinesisSource | undefined,
	) {
		this.destination = metadata.destination;
		this.settings = settingsOf(metadata.destination);
		this.versionId = metadata.versionId;
		this.lastUpdatedAt = metadata.lastUpdatedAt;
		this.tags = metadata.tags;
		this.transition = metadata.transition;
	}

	get name() {
		return this.metadata.name;
	}

	get createdAt() {
		return this.metadata.createdAt;
	}

	get type() {
		return this.metadata.type;
	}

	status(now: number): DeliveryStreamStatus {
		if (!this.transition) return 'ACTIVE';
		if (this.transition.status === 'CREATING' && now >= this.transition.until) {
			this.transition = undefined;
			return 'ACTIVE';
		}

		return this.transition.status;
	}

	setDestination(destination: StoredDestination) {
		this.destination = destination;
		this.settings = settingsOf(destination);
	}

	recordDelivery(delivery: Delivery) {
		this.lastDeliveries.push(delivery);
		if (this.lastDeliveries.length > LAST_DELIVERIES_KEPT) {
			this.lastDeliveries.shift();
		}
	}

	toMetadata(): DeliveryStreamMetadata {
		return {
			...this.metadata,
			versionId: this.versionId,
			...(this.lastUpdatedAt === undefined ? {} : {lastUpdatedAt: this.lastUpdatedAt}),
			destination: this.destination,
			tags: this.tags,
			transition: this.transition,
			...(this.source ? {source: this.source.toMetadata()} : {}),
		};
	}
}

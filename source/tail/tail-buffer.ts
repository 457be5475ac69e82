/**
 * The records a live view keeps: a ring buffer of fixed capacity, in records and in bytes of data (so
 * 5,000 records of 1 MiB cannot fill the machine). Appending never blocks and never grows memory past
 * either cap; once full, each new record pushes out the oldest, and those are counted so the view can
 * say how many it no longer holds.
 */
import type {KinesisRecord} from '../driver/driver.js';
import type {TailEntry} from './tail-entries.js';

export const DEFAULT_TAIL_BUFFER_SIZE = 5000;
/** The most `--tail-buffer` allows: 200,000 records of up to 1 MiB could already fill a small machine. */
export const MAX_TAIL_BUFFER_SIZE = 200_000;
/** Data held at most, whatever the record count (the newest record is always kept). */
export const DEFAULT_TAIL_BUFFER_BYTES = 64 * 1024 * 1024;

export type BufferedRecord = {
	/** Position in arrival order since the buffer was created (or cleared): a stable key. */
	readonly seq: number;
	readonly shardId: string;
	readonly record: KinesisRecord;
	/** Its decoded entries, once a view has needed them (tail-entries.ts). */
	entries?: TailEntry[];
};

export class TailBuffer {
	readonly capacity: number;
	private readonly slots: Array<BufferedRecord | undefined>;
	private head = 0;
	private count = 0;
	private receivedCount = 0;
	private droppedCount = 0;
	private bytes = 0;

	constructor(
		capacity = DEFAULT_TAIL_BUFFER_SIZE,
		readonly maxBytes = DEFAULT_TAIL_BUFFER_BYTES,
	) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`the buffer size must be a whole number from 1, not ${capacity}`);
		}

		this.capacity = capacity;
		this.slots = new Array<BufferedRecord | undefined>(capacity);
	}

	/** Records held now. */
	get size() {
		return this.count;
	}

	/** Records ever appended. */
	get received() {
		return this.receivedCount;
	}

	/** Records pushed out to make room (appended minus held). */
	get dropped() {
		return this.droppedCount;
	}

	append(shardId: string, records: readonly KinesisRecord[]) {
		for (const record of records) {
			const entry = {seq: this.receivedCount++, shardId, record};
			const size = record.Data.length;
			while (this.count > 0 && (this.count >= this.capacity || this.bytes + size > this.maxBytes)) {
				this.dropOldest();
			}

			this.slots[(this.head + this.count) % this.capacity] = entry;
			this.count++;
			this.bytes += size;
		}
	}

	private dropOldest() {
		this.bytes -= this.slots[this.head]!.record.Data.length;
		this.slots[this.head] = undefined;
		this.head = (this.head + 1) % this.capacity;
		this.count--;
		this.droppedCount++;
	}

	/** The records held, oldest first (a copy). */
	toArray(): BufferedRecord[] {
		const out = new Array<BufferedRecord>(this.count);
		for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.head + i) % this.capacity]!;
		return out;
	}

	/** Empties the buffer and resets its counters. */
	clear() {
		this.slots.fill(undefined);
		this.head = 0;
		this.count = 0;
		this.receivedCount = 0;
		this.droppedCount = 0;
		this.bytes = 0;
	}
}

/**
 * The Firehose engine's delivery streams and where they are kept: the streams by name and, with a data
 * directory, the metadata file and each stream's durable buffers (buffer-log.ts), recovered on start.
 * It finds a stream as the actions do, finishes deletions whose DELETING time has passed, saves the
 * metadata so that memory and disk agree, syncs the buffers (the interval policy) and reports disk failures.
 */
import {readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import type {Clock} from '../clock.js';
import {saveOrUndo} from '../errors.js';
import {DataDirectory} from '../log/data-directory.js';
import {DiskFailures} from '../log/disk-failures.js';
import {DiskWriteError} from '../log/file-system.js';
import {BufferLog} from './buffer-log.js';
import {DeliveryStream, RecordBuffer, type DeliveryStreamMetadata} from './delivery-stream.js';
import {deliveryStreamNotFound} from './errors.js';
import type {FirehoseEngineOptions} from './firehose-options.js';
import {KinesisSource} from './kinesis-source.js';

type Metadata = {version: 1; deliveryStreams: DeliveryStreamMetadata[]};

export type DeliveryStreamsIdentity = {clock: Clock; region: string; accountId: string};

export class DeliveryStreams {
	readonly streams = new Map<string, DeliveryStream>();
	readonly diskFailures = new DiskFailures();
	private readonly directory: DataDirectory | undefined;
	private readonly clock: Clock;
	private readonly region: string;
	private readonly accountId: string;

	/** Opens the data directory's `firehose/`, if any, and recovers the delivery streams it holds. */
	constructor(
		identity: DeliveryStreamsIdentity,
		private readonly options: FirehoseEngineOptions,
	) {
		this.clock = identity.clock;
		this.region = identity.region;
		this.accountId = identity.accountId;
		if (options.dataDirectory) {
			this.directory = DataDirectory.open(join(options.dataDirectory, 'firehose'), {
				files: options.files,
			});
			try {
				this.load();
			} catch (error) {
				this.closeFiles();
				this.directory.release();
				throw error;
			}
		}
	}

	/** Whether the buffers are kept on disk (and need the interval policy's background sync). */
	get onDisk() {
		return this.directory !== undefined;
	}

	/** Saves the metadata, closes the buffer files and releases the data directory. */
	close() {
		try {
			this.save();
		} finally {
			this.closeFiles();
			this.directory?.release();
		}
	}

	/** Builds a delivery stream from its metadata, recovering its durable buffers. */
	open(metadata: DeliveryStreamMetadata): DeliveryStream {
		const log = this.directory
			? new BufferLog(
					this.streamDirectory(metadata.name, metadata.createdAt),
					!!this.options.syncEveryWrite,
					this.options.files,
				)
			: undefined;
		const source = metadata.source ? new KinesisSource(metadata.source) : undefined;
		const stream = new DeliveryStream(metadata, this.arnOf(metadata.name), log, source);
		if (!log) return stream;
		const recovered = log.recover();
		recovered.forEach((file, index) => {
			const last = index === recovered.length - 1;
			let openedAt = Number.POSITIVE_INFINITY;
			for (const record of file.records) {
				openedAt = Math.min(openedAt, record.arrivalMs);
				stream.nextOrdinal = Math.max(stream.nextOrdinal, record.ordinal + 1);
				if (source && record.source) {
					const slash = record.source.lastIndexOf('/');
					source.advance(record.source.slice(0, slash), record.source.slice(slash + 1));
				}
			}

			// The interval counts from the oldest record again (its first put is not on disk).
			const buffer = new RecordBuffer(log.reopen(file, last));
			buffer.add(file.records, Math.min(openedAt, this.clock.now()));
			if (last) stream.open = buffer;
			else stream.closed.push(buffer);
			stream.nextFileNumber = Math.max(stream.nextFileNumber, file.number + 1);
		});
		return stream;
	}

	/** The delivery stream named `name` (validated by the caller), or ResourceNotFoundException. */
	streamOf(name: string, forData = false): DeliveryStream {
		this.settle();
		const stream = this.streams.get(name);
		if (!stream) throw deliveryStreamNotFound(name, this.accountId);
		if (forData && stream.status(this.clock.now()) === 'CREATING') {
			throw deliveryStreamNotFound(name, this.accountId);
		}

		return stream;
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

	remove(stream: DeliveryStream) {
		this.streams.delete(stream.name);
		this.save();
		this.discard(stream);
	}

	/** Drops a delivery stream's buffers and files. */
	discard(stream: DeliveryStream) {
		stream.removed = true;
		for (const buffer of [stream.open, ...stream.closed]) {
			try {
				buffer?.file?.remove();
			} catch {
				// The directory is removed below anyway.
			}
		}

		stream.open = undefined;
		stream.closed.length = 0;
		if (stream.log) rmSync(stream.log.directory, {recursive: true, force: true});
	}

	private arnOf(name: string) {
		return `arn:aws:firehose:${this.region}:${this.accountId}:deliverystream/${name}`;
	}

	private streamDirectory(name: string, createdAt: number) {
		return join(this.directory!.path, 'delivery-streams', `${name}.${createdAt}`);
	}

	private load() {
		const metadata = this.directory!.readMetadata<Metadata>();
		for (const saved of metadata?.deliveryStreams ?? []) {
			this.streams.set(saved.name, this.open(saved));
		}

		// Directories no delivery stream owns were left by a crash during a delete.
		const root = join(this.directory!.path, 'delivery-streams');
		const keep = new Set(
			[...this.streams.values()].map((stream) =>
				this.streamDirectory(stream.name, stream.createdAt),
			),
		);
		let entries: string[] = [];
		try {
			entries = readdirSync(root);
		} catch (error) {
			// ENOENT: no delivery stream was ever created here. Anything else (EACCES, EIO) is reported.
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}

		for (const entry of entries) {
			const path = join(root, entry);
			if (!keep.has(path)) rmSync(path, {recursive: true, force: true});
		}
	}

	save() {
		if (!this.directory) return;
		const metadata: Metadata = {
			version: 1,
			deliveryStreams: [...this.streams.values()].map((stream) => stream.toMetadata()),
		};
		this.directory.writeMetadata(metadata);
	}

	/** Saves the metadata; if that fails, undoes the in-memory change so memory and disk agree. */
	saveOrUndo(undo: () => void) {
		saveOrUndo(() => this.save(), undo);
	}

	/**
	 * Saves source positions in the background; a failure only means re-reading after a restart (the
	 * buffers still hold the records; positions are recovered from them), but it is reported.
	 */
	trySave() {
		try {
			this.save();
		} catch (error) {
			this.diskFailures.report(
				new DiskWriteError(
					'could not save the Firehose metadata',
					error as NodeJS.ErrnoException,
					false,
				),
			);
		}
	}

	/** The interval policy's background sync. A failure is not retried: the stream stops taking records. */
	syncBuffers() {
		for (const stream of this.streams.values()) {
			try {
				stream.open?.file?.sync();
			} catch (error) {
				this.diskFailed(stream, error);
			}
		}
	}

	private closeFiles() {
		for (const stream of this.streams.values()) {
			try {
				stream.open?.file?.close();
			} catch (error) {
				// The records were written; whether they reached the disk is for recovery to find.
				this.diskFailed(stream, error);
			}
		}
	}

	/** Reports a failed write or sync; a failed sync leaves `stream` refusing records until a restart. */
	diskFailed(stream: DeliveryStream | undefined, error: unknown) {
		const failure =
			error instanceof DiskWriteError
				? error
				: new DiskWriteError('could not write', error as NodeJS.ErrnoException, false);
		if (stream && failure.sticky) stream.diskFailure ??= failure;
		this.diskFailures.report(failure);
	}
}

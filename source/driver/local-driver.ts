/** The Driver over the bundled engine, in this process. */
import {KinesisEngine, type EngineOptions} from '../engine/engine.js';
import {KinesisError} from '../engine/errors.js';
import {
	DriverError,
	type CreateStreamOptions,
	type Driver,
	type IteratorStart,
	type PutRecordsRequestEntry,
	type Target,
} from './driver.js';

/** Rejects with an AbortError when `signal` has fired: the engine's calls are too short to interrupt. */
function checkSignal(signal: AbortSignal | undefined) {
	signal?.throwIfAborted();
}

/** Engine errors cross the contract as DriverErrors with the same AWS code. */
async function call<T>(signal: AbortSignal | undefined, action: () => T | Promise<T>): Promise<T> {
	checkSignal(signal);
	try {
		return await action();
	} catch (error) {
		if (error instanceof KinesisError) {
			throw new DriverError(error.code, error.message, error.retryable);
		}

		throw error;
	}
}

export class LocalDriver implements Driver {
	readonly target: Target;

	constructor(
		readonly engine: KinesisEngine,
		readOnly = false,
	) {
		this.target = {
			backend: 'local',
			region: engine.region,
			account: engine.accountId,
			location: engine.dataDirectory ?? 'in memory',
			readOnly,
		};
	}

	static open(options: EngineOptions = {}) {
		return new LocalDriver(new KinesisEngine(options));
	}

	listStreams(signal?: AbortSignal) {
		return call(signal, () => this.engine.listStreams());
	}

	describeStreamSummary(name: string, signal?: AbortSignal) {
		return call(signal, () => this.engine.describeStreamSummary({StreamName: name}));
	}

	describeStream(name: string, signal?: AbortSignal) {
		return call(signal, () => this.engine.describeStream({StreamName: name}));
	}

	createStream(name: string, options: CreateStreamOptions, signal?: AbortSignal) {
		return call(signal, () =>
			this.engine.createStream({
				StreamName: name,
				StreamModeDetails: {StreamMode: options.mode},
				ShardCount: options.mode === 'PROVISIONED' ? options.shardCount : undefined,
			}),
		);
	}

	deleteStream(name: string, signal?: AbortSignal) {
		return call(signal, () => this.engine.deleteStream({StreamName: name}));
	}

	putRecords(name: string, records: PutRecordsRequestEntry[], signal?: AbortSignal) {
		return call(signal, async () => {
			const output = await this.engine.putRecords({StreamName: name, Records: records});
			return {failedRecordCount: output.FailedRecordCount, records: output.Records};
		});
	}

	getShardIterator(name: string, shardId: string, from: IteratorStart, signal?: AbortSignal) {
		return call(
			signal,
			() =>
				this.engine.getShardIterator({
					StreamName: name,
					ShardId: shardId,
					ShardIteratorType: from.type,
					StartingSequenceNumber: 'sequenceNumber' in from ? from.sequenceNumber : undefined,
					Timestamp: from.type === 'AT_TIMESTAMP' ? from.timestamp : undefined,
				}).ShardIterator,
		);
	}

	getRecords(iterator: string, limit?: number, signal?: AbortSignal) {
		return call(signal, () => this.engine.getRecords({ShardIterator: iterator, Limit: limit}));
	}

	splitShard(name: string, shardId: string, newStartingHashKey: string, signal?: AbortSignal) {
		return call(signal, () =>
			this.engine.splitShard({
				StreamName: name,
				ShardToSplit: shardId,
				NewStartingHashKey: newStartingHashKey,
			}),
		);
	}

	mergeShards(name: string, shardId: string, adjacentShardId: string, signal?: AbortSignal) {
		return call(signal, () =>
			this.engine.mergeShards({
				StreamName: name,
				ShardToMerge: shardId,
				AdjacentShardToMerge: adjacentShardId,
			}),
		);
	}

	updateShardCount(name: string, targetShardCount: number, signal?: AbortSignal) {
		return call(signal, () => {
			this.engine.updateShardCount({
				StreamName: name,
				TargetShardCount: targetShardCount,
				ScalingType: 'UNIFORM_SCALING',
			});
		});
	}

	close() {
		return this.engine.close();
	}
}

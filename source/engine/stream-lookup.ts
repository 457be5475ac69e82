/**
 * Finding what a request names, as every Kinesis action does: the stream (by StreamName or StreamARN,
 * with the model's checks on the name) and a shard of it, each with AWS's ResourceNotFoundException and
 * its wording when there is none.
 */
import type {Clock} from './clock.js';
import {invalidArgument, resourceNotFound, streamNotFound, validationError} from './errors.js';
import {LIMITS} from '../kinesis/limits.js';
import {shardIndexOf} from '../kinesis/shard-id.js';
import {shardIdOf} from './sequence-number.js';
import type {ShardState, Stream} from './stream.js';
import type {StreamStore} from './stream-store.js';
import {Validation} from './validation.js';
import type {StreamRef} from '../kinesis/types.js';

const STREAM_NAME = /^[a-zA-Z0-9_.-]+$/;

export class StreamLookup {
	constructor(
		private readonly store: StreamStore,
		private readonly clock: Clock,
		private readonly accountId: string,
	) {}

	/** The stream a request names; `forData`: one still CREATING is not found either (as AWS's data calls). */
	streamOf(ref: StreamRef, forData = false): Stream {
		let name = ref.StreamName;
		if (ref.StreamARN !== undefined) {
			const match = /^arn:aws[\w-]*:kinesis:[\w-]+:\d{12}:stream\/(.+)$/.exec(ref.StreamARN);
			if (!match) {
				throw validationError([
					{
						value: ref.StreamARN,
						at: 'streamARN',
						constraint:
							'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
					},
				]);
			}

			name = match[1];
		}

		if (name === undefined) {
			throw invalidArgument('Either StreamName or StreamARN should be provided.');
		}

		this.validateStreamName(name, 'streamName');
		this.store.settle();
		const stream = this.store.streams.get(name);
		if (!stream || (ref.StreamARN !== undefined && ref.StreamARN !== stream.arn)) {
			throw streamNotFound(name, this.accountId);
		}

		if (forData && stream.status(this.clock.now()) === 'CREATING') {
			throw streamNotFound(name, this.accountId);
		}

		return stream;
	}

	shardOf(stream: Stream, shardId: string, wording: 'does not exist' | 'not found'): ShardState {
		const index = shardIndexOf(shardId);
		const shard = index === undefined ? undefined : stream.shard(index);
		if (!shard) {
			const id = index === undefined ? shardId : shardIdOf(index);
			throw resourceNotFound(
				wording === 'does not exist'
					? `Shard ${id} in stream ${stream.name} under account ${this.accountId} does not exist`
					: `Could not find shard ${id} in stream ${stream.name} under account ${this.accountId}.`,
			);
		}

		return shard;
	}

	private validateStreamName(name: string, at: string) {
		if (typeof name !== 'string') {
			const validation = new Validation();
			validation.required(undefined, at);
			validation.check();
		}

		const problems = [];
		if (name.length < 1) {
			problems.push({
				value: name,
				at,
				constraint: 'Member must have length greater than or equal to 1',
			});
		}

		if (name.length > LIMITS.maxStreamNameLength) {
			problems.push({
				value: name,
				at,
				constraint: `Member must have length less than or equal to ${LIMITS.maxStreamNameLength}`,
			});
		}

		if (!STREAM_NAME.test(name)) {
			problems.push({
				value: name,
				at,
				constraint: 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
			});
		}

		if (problems.length > 0) throw validationError(problems);
	}
}

/**
 * What AWS checks of a sequence number a client sends, with AWS's answers (recorded against AWS by
 * kinesalite's tests): GetShardIterator's StartingSequenceNumber (and SubscribeToShard's, which goes
 * through GetShardIterator) and PutRecord's SequenceNumberForOrdering. The syntactic rule
 * (`0|([1-9]\d{0,128})`) is input validation and comes before these.
 */
import {invalidArgument} from './errors.js';
import {decodeAwsSequenceNumber, decodeSequenceNumber} from '../kinesis/sequence-number.js';
import {shardIdOf} from './sequence-number.js';
import type {ShardState, Stream} from './stream.js';

/**
 * The counter `sequence` encodes, once it is known to be a number of `shard`: AWS refuses one that
 * encodes another shard, one of no layout it knows ("is invalid."), and one of another stream or of an
 * earlier incarnation of this one ("did not come from this stream").
 */
export function counterOfStartingSequenceNumber(
	stream: Stream,
	shard: ShardState,
	sequence: string,
	accountId: string,
): number {
	const where = `used in GetShardIterator on shard ${shard.id} in stream ${stream.name} under account ${accountId}`;
	const decoded = decodeSequenceNumber(sequence, stream.sequenceLayout);
	if (!decoded) throw invalidArgument(`StartingSequenceNumber ${sequence} ${where} is invalid.`);
	if (decoded.shardIndex !== shard.index) {
		throw invalidArgument(
			`Invalid StartingSequenceNumber. It encodes ${shardIdOf(decoded.shardIndex)}, while it was used in a call to a shard with ${shard.id}`,
		);
	}

	const fromThisStream =
		stream.sequenceLayout === 'aws'
			? decoded.version === 2 && decoded.createdAt === shard.createdSeconds
			: decoded.createdAt === stream.createdAt;
	if (!fromThisStream || decoded.counter === undefined) {
		throw invalidArgument(
			`StartingSequenceNumber ${decoded.shown} ${where} is invalid because it did not come from this stream.`,
		);
	}

	return decoded.counter;
}

/**
 * PutRecord's SequenceNumberForOrdering: AWS refuses a number of no layout it knows, or one whose
 * arrival time is still to come. Any number it accepts is honoured without more: a record's number is
 * greater than every earlier one of its shard and of the shard's parents, and records of one partition
 * key go to one shard (or, after a reshard, to its children), which is what AWS guarantees.
 */
export function checkSequenceNumberForOrdering(
	stream: Stream,
	sequence: string,
	now: number,
	accountId: string,
) {
	const decoded =
		decodeAwsSequenceNumber(sequence) ??
		(stream.sequenceLayout === 'legacy' ? decodeSequenceNumber(sequence, 'legacy') : undefined);
	if (!decoded || (decoded.arrivalSeconds ?? 0) * 1000 > now) {
		throw invalidArgument(
			`ExclusiveMinimumSequenceNumber ${sequence} used in PutRecord on stream ${stream.name} under account ${accountId} is invalid.`,
		);
	}
}

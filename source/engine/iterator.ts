/**
 * Shard iterators. AWS's are opaque and expire five minutes after they are issued; their bytes, as
 * kinesalite recorded them, are eight bytes 0…01 and then 16-byte blocks (encrypted, it seems) whose
 * number grows with the stream name's length: 152 + ⌊(name length + 2) / 16⌋ × 16 bytes in all, in
 * standard base64. Ours have that shape: the header, then AES-256-CBC over the time of issue, the
 * stream, the shard, the position (the stream-wide counter of the next record to return) and the
 * stream's creation, so any engine over the same data directory can resume one after a restart, and a
 * client cannot forge or alter one (the decryption or the fields' shapes fail: "Invalid ShardIterator.").
 */
import {createCipheriv, createDecipheriv, createHash} from 'node:crypto';
import {invalidArgument} from './errors.js';
import {shardIdOf} from './sequence-number.js';

export type IteratorState = {
	streamName: string;
	streamCreatedAt: number;
	shardIndex: number;
	/** The next record returned is the first with counter ≥ this. */
	position: number;
	issuedAt: number;
};

const HEADER = Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]);
/** Fixed, so iterators outlive a restart; they are opaque, not secret. */
const KEY = createHash('sha256').update('kinesis-top shard iterator key').digest();
const IV = createHash('sha256').update('kinesis-top shard iterator iv').digest().subarray(0, 16);
/** The bounds AWS's take (kinesalite): names of 1 to 128 characters. */
const MIN_BYTES = 152;
const MAX_BYTES = 280;
/**
 * `issued (14) / stream / shard id (20) / position (56) / stream created (36)`: as long as AWS's
 * plaintext must be for its iterators to have their length.
 */
const FIELDS = /^(\d{14})\/([a-zA-Z0-9_.-]{1,128})\/shardId-(\d{12})\/(\d{56})\/(\d{36})$/;

export function encodeIterator(state: IteratorState) {
	const plaintext = [
		String(state.issuedAt).padStart(14, '0'),
		state.streamName,
		shardIdOf(state.shardIndex),
		String(state.position).padStart(56, '0'),
		String(state.streamCreatedAt).padStart(36, '0'),
	].join('/');
	const cipher = createCipheriv('aes-256-cbc', KEY, IV);
	return Buffer.concat([HEADER, cipher.update(plaintext, 'utf8'), cipher.final()]).toString(
		'base64',
	);
}

/** The state in an iterator of ours; InvalidArgumentException "Invalid ShardIterator." for any other. */
export function decodeIterator(iterator: string): IteratorState {
	const invalid = () => invalidArgument('Invalid ShardIterator.');
	const bytes = Buffer.from(iterator, 'base64');
	if (
		bytes.length < MIN_BYTES ||
		bytes.length > MAX_BYTES ||
		bytes.toString('base64') !== iterator ||
		!bytes.subarray(0, HEADER.length).equals(HEADER)
	) {
		throw invalid();
	}

	let plaintext: string;
	try {
		const decipher = createDecipheriv('aes-256-cbc', KEY, IV);
		plaintext = Buffer.concat([
			decipher.update(bytes.subarray(HEADER.length)),
			decipher.final(),
		]).toString('utf8');
	} catch {
		throw invalid();
	}

	const fields = FIELDS.exec(plaintext);
	if (!fields) throw invalid();
	const [issuedAt, shardIndex, position, streamCreatedAt] = [
		fields[1],
		fields[3],
		fields[4],
		fields[5],
	].map(Number);
	if (![issuedAt, shardIndex, position, streamCreatedAt].every(Number.isSafeInteger)) {
		throw invalid();
	}

	return {streamName: fields[2], streamCreatedAt, shardIndex, position, issuedAt};
}

/** "Thu Jan 22 01:22:02 UTC 2015", the way Kinesis writes times in ExpiredIteratorException. */
export function amazonUtcString(epochMs: number) {
	const [weekday, day, month, year, time] = new Date(epochMs)
		.toUTCString()
		.replace(',', '')
		.split(' ');
	return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

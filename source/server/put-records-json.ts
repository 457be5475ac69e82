/**
 * PutRecords in JSON 1.1, read and written by hand: the hot path of `serve`.
 *
 * The request is read in place ({@link readPutRecordsJson}) when it is in the form every SDK sends: an
 * object with a `StreamName` and a `Records` list of objects whose members are `Data` and `PartitionKey`
 * strings, with JSON's whitespace anywhere and no escapes, meeting the model's constraints. A first pass
 * finds each record's key and blob; then the blobs are decoded and the keys hashed, all at once with
 * WebAssembly's SIMD where the runtime has it (put-kernels.ts), else in JavaScript. The records go to
 * the engine as a {@link BodyBatch}, with no object, string or view made per record, and the answer is
 * written from what the engine did ({@link putOutcomeJson}), each sequence number's digits straight
 * into it.
 * Any other body (escapes, non-ASCII text, an ExplicitHashKey or StreamARN, other members or types,
 * duplicates, malformed JSON, a broken constraint) is left to the generic path — `JSON.parse`, shapes.ts,
 * the model's checks — with its errors, and answered by {@link putRecordsJson}. Both paths give the same
 * answers and store the same records (tested side by side).
 *
 * Why: on a put of 500 records, `JSON.parse` alone cost more per record than the engine's whole write,
 * and the decoded objects, the keys' strings, the blobs' views and the answer's strings made the
 * garbage collector the largest cost after it.
 */
import type {PutBatch, PutOutcome} from '../engine/put-batch.js';
import {copyBytes, type FrameSource} from '../engine/log/frame.js';
import type {ShardLog} from '../engine/log/shard-log.js';
import type {ShardState} from '../engine/stream.js';
import {hashAsciiBytesInto, hashPartitionKeyInto} from '../kinesis/hash-key.js';
import type {InputRule, StructureRule} from '../kinesis/input-rules.js';
import {kinesisInputRules} from '../kinesis/kinesis-input-constraints.generated.js';
import type {PutRecordsOutput} from '../kinesis/types.js';
import {decodeBase64Into} from './base64.js';
import {takeBuffer} from './message-buffers.js';
import {MAX_KERNEL_KEY_BYTES, putKernels, type PutKernels} from './put-kernels.js';
import {toWire} from './shapes.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
/** Printable ASCII: below it, control characters JSON refuses unescaped; from 0x80, UTF-8. */
const FIRST_PLAIN = 0x20;
const PAST_PLAIN = 0x80;

/**
 * The model's constraints a body read in place must meet, from the generated table the engine's own
 * checks use (kinesis-input-constraints.generated.ts): a body that breaks one is left to the generic
 * path, whose checks word the error.
 */
function putRecordsRule(member: string) {
	const rule = kinesisInputRules.PutRecords.members.find((each) => each.name === member)?.rule;
	if (!rule) throw new Error(`the Kinesis model's PutRecords has no ${member}`);
	return rule;
}

const recordsRule = putRecordsRule('Records') as Extract<InputRule, {type: 'list'}>;
const MAX_RECORDS = recordsRule.max!;
const partitionKeyRule = (recordsRule.member as StructureRule).members.find(
	(member) => member.name === 'PartitionKey',
)!.rule as Extract<InputRule, {type: 'string'}>;
const MIN_PARTITION_KEY = partitionKeyRule.min ?? 0;
const MAX_PARTITION_KEY = partitionKeyRule.max ?? Number.POSITIVE_INFINITY;
const streamNameRule = putRecordsRule('StreamName') as Extract<InputRule, {type: 'string'}>;
/** As the model's checks read a pattern (validate-input.ts): the whole value must match. */
const STREAM_NAME = new RegExp(`^(?:${streamNameRule.pattern ?? '.*'})$`, 'u');
const MIN_STREAM_NAME = streamNameRule.min ?? 0;
const MAX_STREAM_NAME = streamNameRule.max ?? Number.POSITIVE_INFINITY;

const name = (text: string) => Uint8Array.from(text, (character) => character.charCodeAt(0));
const DATA = name('Data');
const PARTITION_KEY = name('PartitionKey');
const STREAM_NAME_MEMBER = name('StreamName');
const RECORDS = name('Records');

/** Thrown inside the reader for anything outside its form; never escapes it. */
const notPlain = new Error('not in the plain form');

/**
 * The scanner is plain functions of (body, position) returning the next position: V8 inlines them into
 * the record loop, where a class with a position field and small result objects cost more than the
 * scanning itself.
 */
function skipSpace(body: Buffer, at: number) {
	for (;;) {
		const c = body[at];
		if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return at;
		at++;
	}
}

/** Whitespace, then `byte`: the position after it. */
function expect(body: Buffer, at: number, byte: number) {
	at = skipSpace(body, at);
	if (body[at] !== byte) throw notPlain;
	return at + 1;
}

/**
 * The end (closing quote) of a string of printable ASCII without escapes whose text starts at `at`.
 * Past the body's end `c` is undefined, no number ≥ FIRST_PLAIN, which ends the loop too.
 */
function plainStringEnd(body: Buffer, at: number) {
	for (;;) {
		const c = body[at];
		if (c === QUOTE) return at;
		if (!(c >= FIRST_PLAIN && c < PAST_PLAIN) || c === BACKSLASH) throw notPlain;
		at++;
	}
}

/** Whether the text from `start` to `end` is `name`. */
function isName(body: Buffer, start: number, end: number, name: Uint8Array) {
	if (end - start !== name.length) return false;
	for (let i = 0; i < name.length; i++) if (body[start + i] !== name[i]) return false;
	return true;
}

/** Text of plain ASCII bytes (its own Latin-1): a stream name, or a key too long for the byte MD5. */
const text = (body: Buffer, start: number, end: number) => body.toString('latin1', start, end);

/** A PutRecords body read in place: the stream it names and its records. */
export type PutRecordsBody = {streamName: string; batch: BodyBatch};

/**
 * The body read in place, or undefined when it is not in the plain form (see the top of this file). The
 * batch is lent: give it back ({@link releaseBatch}) once the put is done with it. One never given back
 * (a request refused before it ran, by its signature say) is left to the garbage collector.
 */
export function readPutRecordsJson(
	body: Buffer,
	kernels: PutKernels | undefined = putKernels,
): PutRecordsBody | undefined {
	const batch = freeBatches.pop() ?? new BodyBatch();
	try {
		return readTop(body, batch, kernels);
	} catch (error) {
		releaseBatch(batch);
		if (error === notPlain) return undefined;
		throw error;
	}
}

/**
 * Batches not lent out. A put's batch, with its decoded data and its records' places, is done with once
 * the engine has written its records; reused, a busy server allocates nothing for them, where a new
 * batch's buffers per put (external memory to V8) made the garbage collector run far more often.
 */
const freeBatches: BodyBatch[] = [];
const MAX_FREE_BATCHES = 16;
/** A batch whose data buffer grew beyond this (for a rare large put) is left to the collector. */
const MAX_KEPT_DATA = 1024 * 1024;
const EMPTY: Buffer = Buffer.alloc(0);
const viewOf = (buffer: Buffer) => new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
const EMPTY_VIEW = viewOf(EMPTY);

export function releaseBatch(batch: BodyBatch) {
	batch.clear();
	if (freeBatches.length < MAX_FREE_BATCHES && batch.dataBytes <= MAX_KEPT_DATA)
		freeBatches.push(batch);
}

function readTop(body: Buffer, batch: BodyBatch, kernels: PutKernels | undefined): PutRecordsBody {
	let streamName: string | undefined;
	let hasRecords = false;
	let at = expect(body, 0, OPEN_OBJECT);
	for (;;) {
		const nameStart = expect(body, at, QUOTE);
		const nameEnd = plainStringEnd(body, nameStart);
		at = expect(body, nameEnd + 1, COLON);
		if (isName(body, nameStart, nameEnd, RECORDS) && !hasRecords) {
			at = readRecords(body, at, batch, kernels);
			hasRecords = true;
		} else if (isName(body, nameStart, nameEnd, STREAM_NAME_MEMBER) && streamName === undefined) {
			const valueStart = expect(body, at, QUOTE);
			const valueEnd = plainStringEnd(body, valueStart);
			streamName = text(body, valueStart, valueEnd);
			if (!isStreamName(streamName)) throw notPlain;
			at = valueEnd + 1;
		} else {
			throw notPlain;
		}

		at = skipSpace(body, at);
		if (body[at] === CLOSE_OBJECT) break;
		if (body[at] !== COMMA) throw notPlain;
		at++;
	}

	if (skipSpace(body, at + 1) !== body.length) throw notPlain;
	if (streamName === undefined || !hasRecords) throw notPlain;
	return {streamName, batch};
}

const isStreamName = (text: string) =>
	text.length >= MIN_STREAM_NAME && text.length <= MAX_STREAM_NAME && STREAM_NAME.test(text);

function readRecords(
	body: Buffer,
	at: number,
	batch: BodyBatch,
	kernels: PutKernels | undefined,
): number {
	at = expect(body, at, OPEN_LIST);
	const bodyView = batch.readFrom(body);
	let count = 0;
	for (;;) {
		if (count === MAX_RECORDS) throw notPlain;
		at = skipSpace(body, at);
		const compactEnd = readCompactRecord(body, bodyView, at, batch, count);
		at = compactEnd === -1 ? readRecord(body, at, batch, count) : compactEnd;
		count++;
		at = skipSpace(body, at);
		if (body[at] === CLOSE_LIST) break;
		if (body[at] !== COMMA) throw notPlain;
		at++;
	}

	batch.count = count;
	if (!batch.decodeAndHash(kernels)) throw notPlain;
	return at + 1;
}

/** Text to find at a position, as little-endian 32-bit words and the bytes left over. */
type Pattern = {length: number; words: Uint32Array; tail: Uint8Array};

function pattern(text: string): Pattern {
	const bytes = Buffer.from(text, 'latin1');
	const whole = bytes.length - (bytes.length % 4);
	const words = new Uint32Array(whole / 4);
	for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(i * 4);
	return {length: bytes.length, words, tail: bytes.subarray(whole)};
}

/** Whether `view` holds `pattern` at `at`: a word at a time. */
function holds(view: DataView, at: number, {length, words, tail}: Pattern) {
	if (at + length > view.byteLength) return false;
	for (let i = 0; i < words.length; i++)
		if (view.getUint32(at + i * 4, true) !== words[i]) return false;
	const rest = at + words.length * 4;
	for (let i = 0; i < tail.length; i++) if (view.getUint8(rest + i) !== tail[i]) return false;
	return true;
}

/** A record's text up to its data, and between its data and its key, in the compact form. */
const COMPACT_HEAD = pattern('{"Data":"');
const COMPACT_MIDDLE = pattern('","PartitionKey":"');

/**
 * Reads the record at `at` as record `index` of `batch` if it is in the compact form the JS, Go and Java
 * SDKs send, `{"Data":"…","PartitionKey":"…"}`: its fixed text checked a word at a time, where the
 * general reader ({@link readRecord}) looks at each byte as JSON. Returns the position after it, or -1
 * for any other form, having stored nothing. What it refuses, the general reader refuses too.
 */
function readCompactRecord(
	body: Buffer,
	bodyView: DataView,
	at: number,
	batch: BodyBatch,
	index: number,
): number {
	if (!holds(bodyView, at, COMPACT_HEAD)) return -1;
	const valueStart = at + COMPACT_HEAD.length;
	const valueEnd = body.indexOf(QUOTE, valueStart);
	if (valueEnd === -1 || !holds(bodyView, valueEnd, COMPACT_MIDDLE)) return -1;
	const keyStart = valueEnd + COMPACT_MIDDLE.length;
	const keyEnd = plainStringEnd(body, keyStart);
	if (body[keyEnd + 1] !== CLOSE_OBJECT) return -1;
	batch.setRecord(index, keyStart, keyEnd, valueStart, valueEnd);
	return keyEnd + 2;
}

/**
 * Reads the record object at `at` as record `index` of `batch`, members in any order, with JSON's
 * whitespace anywhere; returns the position after it.
 */
function readRecord(body: Buffer, at: number, batch: BodyBatch, index: number): number {
	let keyStart = -1;
	let keyEnd = -1;
	let blobStart = -1;
	let blobEnd = -1;
	at = expect(body, at, OPEN_OBJECT);
	for (;;) {
		const nameStart = expect(body, at, QUOTE);
		const nameEnd = plainStringEnd(body, nameStart);
		const valueStart = expect(body, expect(body, nameEnd + 1, COLON), QUOTE);
		if (isName(body, nameStart, nameEnd, DATA) && blobStart === -1) {
			blobStart = valueStart;
			blobEnd = body.indexOf(QUOTE, valueStart);
			if (blobEnd === -1) throw notPlain;
			at = blobEnd + 1;
		} else if (isName(body, nameStart, nameEnd, PARTITION_KEY) && keyStart === -1) {
			keyStart = valueStart;
			keyEnd = plainStringEnd(body, valueStart);
			at = keyEnd + 1;
		} else {
			throw notPlain;
		}

		at = skipSpace(body, at);
		if (body[at] === CLOSE_OBJECT) break;
		if (body[at] !== COMMA) throw notPlain;
		at++;
	}

	if (blobStart === -1 || keyStart === -1) throw notPlain;
	batch.setRecord(index, keyStart, keyEnd, blobStart, blobEnd);
	return at + 1;
}

/**
 * The records of a body read in place, for the engine's write path (engine/put-batch.ts): keys are the
 * body's own ASCII bytes, data the blobs decoded into one buffer.
 */
export class BodyBatch implements PutBatch, FrameSource {
	private body = EMPTY;
	count = 0;
	readonly keyStarts = new Uint32Array(MAX_RECORDS);
	readonly keyEnds = new Uint32Array(MAX_RECORDS);
	/** Where each record's base64 blob is in the body, until the blobs are decoded. */
	readonly blobStarts = new Uint32Array(MAX_RECORDS);
	readonly blobEnds = new Uint32Array(MAX_RECORDS);
	readonly dataEnds = new Uint32Array(MAX_RECORDS);
	/** Each key's MD5 (four words), when the kernels read the records ({@link byKernels}). */
	readonly digests = new Uint32Array(MAX_RECORDS * 4);
	/**
	 * Whether the kernels read the records: then the data buffer holds each record's key before its
	 * data, and the digests are set.
	 */
	private byKernels = false;
	readonly outcomeArrays = {
		shards: new Array<ShardState | undefined>(MAX_RECORDS),
		counters: new Array<number>(MAX_RECORDS).fill(0),
	};
	private data = EMPTY;
	/** DataViews over the body and the data, to copy from (frame.ts's copyBytes). */
	private bodyView = EMPTY_VIEW;
	private dataView = EMPTY_VIEW;

	get dataBytes() {
		return this.data.length;
	}

	/**
	 * Once the records' places are set: decodes their base64 blobs one after the other into the data
	 * buffer (with the kernels, if any, each after its record's key, and the keys hashed too); false if
	 * a blob is not strict base64.
	 */
	decodeAndHash(kernels: PutKernels | undefined) {
		// Keys and decoded blobs are shorter than the body they are read from.
		const room = this.body.length;
		if (this.data.length < room) {
			this.data = Buffer.allocUnsafe(Math.max(room, 64 * 1024));
			this.dataView = viewOf(this.data);
		}

		const work = {data: this.data, dataEnds: this.dataEnds, digests: this.digests};
		const done = kernels?.readRecords(this.body, this, work);
		this.byKernels = done === true;
		if (done !== undefined) return done;
		let at = 0;
		for (let index = 0; index < this.count; index++) {
			at = decodeBase64Into(
				this.bodyView,
				this.blobStarts[index],
				this.blobEnds[index],
				this.dataView,
				at,
			);
			if (at === -1) return false;
			this.dataEnds[index] = at;
		}

		return true;
	}

	/** The body the records are read from; returns a view of it. */
	readFrom(body: Buffer) {
		this.body = body;
		this.bodyView = viewOf(body);
		return this.bodyView;
	}

	/** Forgets the body and the shards, so that a batch waiting for reuse keeps neither alive. */
	clear() {
		this.body = EMPTY;
		this.bodyView = EMPTY_VIEW;
		this.outcomeArrays.shards.fill(undefined, 0, this.count);
		this.count = 0;
		this.byKernels = false;
	}

	/**
	 * Where record `index` starts in the data buffer: where the one before it ends. Its data starts
	 * there, or after its key when the kernels read the records.
	 */
	private dataEndBefore(index: number) {
		return index === 0 ? 0 : this.dataEnds[index - 1];
	}

	private dataStart(index: number) {
		const start = this.dataEndBefore(index);
		return this.byKernels ? start + this.keyLength(index) : start;
	}

	/**
	 * Record `index`: its key, `keyStart`..`keyEnd` of the body (checked against the model's bounds
	 * here), and its blob, `blobStart`..`blobEnd`, decoded once all records are read
	 * ({@link decodeAndHash}).
	 */
	setRecord(index: number, keyStart: number, keyEnd: number, blobStart: number, blobEnd: number) {
		const length = keyEnd - keyStart;
		if (length < MIN_PARTITION_KEY || length > MAX_PARTITION_KEY) throw notPlain;
		this.keyStarts[index] = keyStart;
		this.keyEnds[index] = keyEnd;
		this.blobStarts[index] = blobStart;
		this.blobEnds[index] = blobEnd;
	}

	dataLength(index: number) {
		return this.dataEnds[index] - this.dataStart(index);
	}

	keyLength(index: number) {
		return this.keyEnds[index] - this.keyStarts[index];
	}

	explicitHashKey() {
		return undefined;
	}

	keyBytes(index: number) {
		// ASCII: as many bytes as characters.
		return this.keyLength(index);
	}

	hashKeyInto(index: number, out: Uint32Array) {
		const start = this.keyStarts[index];
		const end = this.keyEnds[index];
		if (this.byKernels && end - start <= MAX_KERNEL_KEY_BYTES) {
			const digests = this.digests;
			const at = index * 4;
			out[0] = digests[at];
			out[1] = digests[at + 1];
			out[2] = digests[at + 2];
			out[3] = digests[at + 3];
		} else if (!hashAsciiBytesInto(this.body, start, end, out)) {
			// Keys too long for one MD5 block go the string's way.
			hashPartitionKeyInto(text(this.body, start, end), out);
		}

		return end - start;
	}

	appendTo(log: ShardLog, index: number, counter: number, arrivalMs: number, keyBytes: number) {
		log.append(counter, arrivalMs, keyBytes, this.dataLength(index), this, index);
	}

	writeKeyAndData(index: number, buffer: Buffer, view: DataView, at: number, keyBytes: number) {
		const start = this.dataEndBefore(index);
		const end = this.dataEnds[index];
		if (this.byKernels) {
			// Key and data, one after the other already.
			copyBytes(this.dataView, start, view, at, end - start);
		} else {
			copyBytes(this.bodyView, this.keyStarts[index], view, at, keyBytes);
			copyBytes(this.dataView, start, view, at + keyBytes, end - start);
		}
	}
}

// ─── The answer ───────────────────────────────────────────────────────────────────────────────

/**
 * What goes before a written entry's SequenceNumber, by what came before the entry: nothing (the first
 * entry), a written entry (whose `"}` it closes) or a failed one. Made once per shard id: a record's
 * text is then two pieces to join (this, and its number), not five.
 */
type EntryHeads = {first: string; afterWritten: string; afterFailed: string};
const entryHeads = new Map<string, EntryHeads>();
/** Shard ids are few per stream, and shared by streams; a bound keeps a long-lived server's cache small. */
const MAX_ENTRY_HEADS = 4096;

function entryHeadsOf(shardId: string) {
	let heads = entryHeads.get(shardId);
	if (!heads) {
		if (entryHeads.size >= MAX_ENTRY_HEADS) entryHeads.clear();
		const head = '{"ShardId":"' + shardId + '","SequenceNumber":"';
		heads = {first: head, afterWritten: '"},' + head, afterFailed: ',' + head};
		entryHeads.set(shardId, heads);
	}

	return heads;
}

/**
 * PutRecords' answer in JSON, written by hand: JSON.stringify took more time per record than the whole
 * engine put. A written record's ShardId and SequenceNumber are made by the engine of digits
 * (sequence-number.ts), so they need no escaping; anything else (a failed entry) is stringified. The
 * pieces are joined once, at the end: no string is made per record, and the engine's (cons) strings
 * are copied once, without being flattened first.
 */
export function putRecordsJson(output: PutRecordsOutput) {
	const records = output.Records;
	const parts = new Array<string>(2 * records.length + 2);
	parts[0] = '{"FailedRecordCount":' + JSON.stringify(output.FailedRecordCount) + ',"Records":[';
	let at = 1;
	// Written entries are ASCII: then the text is its own UTF-8, which latin1 writes faster.
	let ascii = output.EncryptionType === 'NONE' || output.EncryptionType === 'KMS';
	// Whether the last entry was a written one, whose closing `"}` is still to be written.
	let open = false;
	for (let i = 0; i < records.length; i++) {
		const record = records[i];
		if (record.ErrorCode === undefined && record.ErrorMessage === undefined) {
			const heads = entryHeadsOf(record.ShardId);
			parts[at++] = open ? heads.afterWritten : i === 0 ? heads.first : heads.afterFailed;
			parts[at++] = record.SequenceNumber;
			open = true;
		} else {
			ascii = false;
			parts[at++] = open ? '"},' : i === 0 ? '' : ',';
			parts[at++] = JSON.stringify(toWire(record, 'json'));
			open = false;
		}
	}

	parts[at] =
		(open ? '"}' : '') +
		(output.EncryptionType === undefined
			? ']}'
			: '],"EncryptionType":' + JSON.stringify(output.EncryptionType) + '}');
	return Buffer.from(parts.join(''), ascii ? 'latin1' : 'utf8');
}

/** An entry head's bytes, for {@link putOutcomeJson}: shard ids are few, as above. */
const entryHeadBytes = new Map<string, Buffer>();

function entryHeadBytesOf(shardId: string) {
	let head = entryHeadBytes.get(shardId);
	if (!head) {
		if (entryHeadBytes.size >= MAX_ENTRY_HEADS) entryHeadBytes.clear();
		head = Buffer.from('{"ShardId":"' + shardId + '","SequenceNumber":"', 'latin1');
		entryHeadBytes.set(shardId, head);
	}

	return head;
}

/** A sequence number's digits, at most: AWS's are 56, the oldest layout's 56 too. */
const MAX_SEQUENCE_DIGITS = 64;

/**
 * The answer to a put the engine told as a {@link PutOutcome}, byte for byte what {@link putRecordsJson}
 * writes for the same put: written entries straight into one buffer, each sequence number's digits by
 * its shard's formatter, with no string made for them.
 */
export function putOutcomeJson(outcome: PutOutcome): Buffer {
	const {count, shards, failures} = outcome;
	const failed = failures && new Array<string | undefined>(count);
	// Room for each entry: its head (`{"ShardId":"…","SequenceNumber":"`, 32 characters and the id),
	// its digits and `"},`; or a failed entry's text.
	let size = 64;
	for (let i = 0; i < count; i++) {
		const shard = shards[i];
		if (shard) {
			size += 32 + shard.id.length + MAX_SEQUENCE_DIGITS + 3;
		} else {
			failed![i] = JSON.stringify(toWire(failures![i], 'json'));
			size += Buffer.byteLength(failed![i]!) + 1;
		}
	}

	// Reused memory, given back once the answer is written (server.ts).
	const buffer = takeBuffer(size) ?? Buffer.allocUnsafe(size);
	const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
	let at = buffer.write(`{"FailedRecordCount":${outcome.failed},"Records":[`, 0, 'latin1');
	// The put's shards (a few) and their heads, looked up once each.
	const headShards: Array<PutOutcome['shards'][number]> = [];
	const heads: Buffer[] = [];
	for (let i = 0; i < count; i++) {
		if (i > 0) buffer[at++] = COMMA;
		const shard = shards[i];
		if (shard) {
			let which = headShards.indexOf(shard);
			if (which === -1) {
				which = headShards.push(shard) - 1;
				heads.push(entryHeadBytesOf(shard.id));
			}

			const head = heads[which];
			buffer.set(head, at);
			at = shard.sequence.formatInto(
				outcome.counters[i],
				outcome.arrivalMs,
				buffer,
				view,
				at + head.length,
			);
			buffer[at++] = QUOTE;
			buffer[at++] = CLOSE_OBJECT;
		} else {
			at += buffer.write(failed![i]!, at, 'utf8');
		}
	}

	at += buffer.write(`],"EncryptionType":${JSON.stringify(outcome.encryptionType)}}`, at, 'latin1');
	return buffer.subarray(0, at);
}

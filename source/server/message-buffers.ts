/**
 * Memory for request bodies and answers, reused. A body that comes in several chunks (a 500-record put
 * is ~90 KB, read in 64 KB chunks) is gathered into one buffer, and PutRecords' answer (~58 KB) is
 * written into one. Made new for each request, those buffers are external memory that V8 frees only
 * after a collection, and their churn made a busy `serve` collect far more often.
 *
 * A buffer may be given back only when nothing reads it any more: a body read in place by PutRecords
 * (put-records-json.ts), whose records are copied into the log before it answers, and an answer once
 * it is written to the connection. Any other (a body whose blobs may be views into it, kept by the
 * engine; an answer whose connection broke) is simply not given back, and left to the collector.
 */
import {FreeBuffers} from '../engine/log/free-buffers.js';

/** Smaller buffers come from Node's own pool as before; larger ones (rare) are not kept. */
const MIN_LENT_BYTES = 16 * 1024;
const MAX_LENT_BYTES = 1024 * 1024;
/** What is kept for reuse: a body and an answer for each of the puts a busy server answers at once. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;

const free = new FreeBuffers(MAX_KEPT_BYTES);
/** The memory lent out now, so that only it is taken back, and only once. */
const lent = new WeakSet<ArrayBuffer>();

/** A buffer of `bytes` in reused memory, or undefined when `bytes` is outside what is lent. */
export function takeBuffer(bytes: number): Buffer | undefined {
	if (!(bytes >= MIN_LENT_BYTES && bytes <= MAX_LENT_BYTES)) return undefined;
	// Slow: memory of its own, not a part of Node's shared pool.
	const whole = free.take(bytes) ?? Buffer.allocUnsafeSlow(bytes);
	lent.add(whole.buffer as ArrayBuffer);
	return whole.subarray(0, bytes);
}

/** Whether `buffer` is memory from {@link takeBuffer} not given back yet. */
export function isLent(buffer: Buffer | string): buffer is Buffer {
	return typeof buffer !== 'string' && lent.has(buffer.buffer as ArrayBuffer);
}

/**
 * An answer in lent memory is given back once `connection` (a response, an HTTP/2 stream) has written
 * all of it: 'finish' comes after the last write's callback, when the socket no longer reads from it.
 * A connection that breaks first never finishes, and the memory is left to the collector.
 */
export function giveBackOnceWritten(
	connection: {once(event: 'finish', listener: () => void): unknown},
	answer: Buffer | string,
) {
	if (isLent(answer)) connection.once('finish', () => giveBack(answer));
}

/** Gives back memory from {@link takeBuffer}; nothing may read or write `buffer` after this. */
export function giveBack(buffer: Buffer) {
	const memory = buffer.buffer as ArrayBuffer;
	// Given back twice, memory would be lent to two requests at once.
	if (!lent.delete(memory)) return;
	free.give(Buffer.from(memory));
}

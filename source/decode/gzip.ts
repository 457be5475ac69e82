/** Gzip-compressed record data (CloudWatch Logs subscriptions, many producers): found and inflated. */
import {gunzipSync} from 'node:zlib';

/** Inflating stops here: a record is at most 1 MiB, and a gzip bomb must not take the console down. */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/** Whether the bytes start with the gzip magic number (1f 8b) and the deflate method (08). */
export function isGzip(bytes: Uint8Array) {
	return bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/** The inflated bytes; throws on corrupt data or past {@link MAX_INFLATED_BYTES}. */
export function gunzip(bytes: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
	return new Uint8Array(gunzipSync(bytes, {maxOutputLength: maxBytes}));
}

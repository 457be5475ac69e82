/**
 * The record frame, identical in memory and on disk:
 *
 * ```
 * u32 bodyLength | u32 crc32(body) | body = f64 counter | f64 arrivalMs | u16 keyBytes | key (UTF-8) | data
 * ```
 *
 * The length and checksum let recovery find the exact end of the last whole record after a crash and cut
 * a torn or corrupt tail instead of serving it.
 */
import {crc32} from 'node:zlib';

export const FRAME_HEADER_BYTES = 8;
const BODY_FIXED_BYTES = 18;

export type FrameFields = {
	counter: number;
	arrivalMs: number;
	partitionKey: string;
	data: Uint8Array;
};

/** Bytes a frame for this record takes. */
export const frameSize = (partitionKeyBytes: number, dataBytes: number) =>
	FRAME_HEADER_BYTES + BODY_FIXED_BYTES + partitionKeyBytes + dataBytes;

/**
 * Writes a frame at `offset` (the caller has made room: {@link frameSize}) and returns its size. `view`
 * is a DataView over `buffer`. `withChecksum` is false in memory-only mode, where nothing is ever
 * recovered from these bytes. This is the hot path of every put: no allocation, ASCII keys copied by
 * hand (a key whose UTF-8 length equals its length is ASCII).
 */
export function writeFrame(
	buffer: Buffer,
	view: DataView,
	offset: number,
	counter: number,
	arrivalMs: number,
	partitionKey: string,
	keyBytes: number,
	data: Uint8Array,
	withChecksum: boolean,
): number {
	const body = offset + FRAME_HEADER_BYTES;
	const size = frameSize(keyBytes, data.length);
	view.setUint32(offset, size - FRAME_HEADER_BYTES, true);
	view.setFloat64(body, counter, true);
	view.setFloat64(body + 8, arrivalMs, true);
	view.setUint16(body + 16, keyBytes, true);
	const keyStart = body + BODY_FIXED_BYTES;
	if (keyBytes === partitionKey.length) {
		for (let i = 0; i < keyBytes; i++) buffer[keyStart + i] = partitionKey.charCodeAt(i);
	} else {
		buffer.write(partitionKey, keyStart, keyBytes, 'utf8');
	}

	buffer.set(data, keyStart + keyBytes);
	view.setUint32(offset + 4, withChecksum ? crc32(buffer.subarray(body, offset + size)) : 0, true);
	return size;
}

/** The record in the frame at `offset`; `data` is a view into `buffer`, not a copy. */
export function readFrame(buffer: Buffer, offset: number, end: number): FrameFields {
	const body = offset + FRAME_HEADER_BYTES;
	const keyBytes = buffer.readUInt16LE(body + 16);
	const keyStart = body + BODY_FIXED_BYTES;
	return {
		counter: buffer.readDoubleLE(body),
		arrivalMs: buffer.readDoubleLE(body + 8),
		partitionKey: buffer.toString('utf8', keyStart, keyStart + keyBytes),
		data: new Uint8Array(
			buffer.buffer,
			buffer.byteOffset + keyStart + keyBytes,
			end - keyStart - keyBytes,
		),
	};
}

/**
 * Size of the whole, intact frame at `offset`, or 0 when what is there is torn (runs past `end`) or
 * corrupt (bad length or checksum). Used by recovery.
 */
export function checkFrame(buffer: Buffer, offset: number, end: number): number {
	if (end - offset < FRAME_HEADER_BYTES + BODY_FIXED_BYTES) return 0;
	const bodyLength = buffer.readUInt32LE(offset);
	if (bodyLength < BODY_FIXED_BYTES || offset + FRAME_HEADER_BYTES + bodyLength > end) return 0;
	const body = buffer.subarray(
		offset + FRAME_HEADER_BYTES,
		offset + FRAME_HEADER_BYTES + bodyLength,
	);
	if (crc32(body) !== buffer.readUInt32LE(offset + 4)) return 0;
	if (BODY_FIXED_BYTES + buffer.readUInt16LE(offset + FRAME_HEADER_BYTES + 16) > bodyLength)
		return 0;
	return FRAME_HEADER_BYTES + bodyLength;
}

/** Size of the (intact) frame at `offset`: how a reader steps from one frame to the next. */
export function frameLength(buffer: Buffer, offset: number) {
	return FRAME_HEADER_BYTES + buffer.readUInt32LE(offset);
}

/** Frame fields without decoding the key and data: what the index needs. */
export function frameCounter(buffer: Buffer, offset: number) {
	return buffer.readDoubleLE(offset + FRAME_HEADER_BYTES);
}

export function frameArrival(buffer: Buffer, offset: number) {
	return buffer.readDoubleLE(offset + FRAME_HEADER_BYTES + 8);
}

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
 * Writes a frame at `offset` (the caller has made room: {@link frameSize}) and returns its size.
 * `withChecksum` is false in memory-only mode, where nothing is ever recovered from these bytes.
 */
export function writeFrame(
	buffer: Buffer,
	offset: number,
	record: FrameFields,
	keyBytes: number,
	withChecksum: boolean,
): number {
	const body = offset + FRAME_HEADER_BYTES;
	const size = frameSize(keyBytes, record.data.length);
	buffer.writeUInt32LE(size - FRAME_HEADER_BYTES, offset);
	buffer.writeDoubleLE(record.counter, body);
	buffer.writeDoubleLE(record.arrivalMs, body + 8);
	buffer.writeUInt16LE(keyBytes, body + 16);
	buffer.write(record.partitionKey, body + BODY_FIXED_BYTES, keyBytes, 'utf8');
	buffer.set(record.data, body + BODY_FIXED_BYTES + keyBytes);
	buffer.writeUInt32LE(withChecksum ? crc32(buffer.subarray(body, offset + size)) : 0, offset + 4);
	return size;
}

/** The record in the frame at `offset`; `Data` is a view into `buffer`, not a copy. */
export function readFrame(buffer: Buffer, offset: number): FrameFields {
	const size = buffer.readUInt32LE(offset) + FRAME_HEADER_BYTES;
	const body = offset + FRAME_HEADER_BYTES;
	const keyBytes = buffer.readUInt16LE(body + 16);
	const keyStart = body + BODY_FIXED_BYTES;
	return {
		counter: buffer.readDoubleLE(body),
		arrivalMs: buffer.readDoubleLE(body + 8),
		partitionKey: buffer.toString('utf8', keyStart, keyStart + keyBytes),
		data: buffer.subarray(keyStart + keyBytes, offset + size),
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

/** Frame fields without decoding the key and data: what the index needs. */
export function frameCounter(buffer: Buffer, offset: number) {
	return buffer.readDoubleLE(offset + FRAME_HEADER_BYTES);
}

export function frameArrival(buffer: Buffer, offset: number) {
	return buffer.readDoubleLE(offset + FRAME_HEADER_BYTES + 8);
}

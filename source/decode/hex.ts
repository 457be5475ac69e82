/** Hex dumps in the `hexdump -C` layout: offset, bytes in hex, and the printable ASCII beside them. */

const hexByte = (byte: number) => byte.toString(16).padStart(2, '0');
const printable = (byte: number) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.');

/** The widest dump line for `bytesPerLine`: offset (8), gaps, hex columns and the ASCII column. */
export function hexLineWidth(bytesPerLine: number) {
	return 8 + 2 + bytesPerLine * 3 + Math.floor((bytesPerLine - 1) / 8) + 1 + bytesPerLine + 2;
}

/** The most bytes per line (16, 8 or 4) whose dump fits in `width` columns. */
export function bytesPerLineFor(width: number) {
	for (const candidate of [16, 8]) if (hexLineWidth(candidate) <= width) return candidate;
	return 4;
}

export function hexLineCount(length: number, bytesPerLine: number) {
	return Math.max(1, Math.ceil(length / bytesPerLine));
}

/** Lines [from, from + count) of the dump: only what is on screen is ever formatted. */
export function hexDump(
	bytes: Uint8Array,
	bytesPerLine = 16,
	from = 0,
	count = hexLineCount(bytes.length, bytesPerLine),
): string[] {
	const lines: string[] = [];
	const last = Math.min(from + count, hexLineCount(bytes.length, bytesPerLine));
	for (let line = from; line < last; line++) {
		const offset = line * bytesPerLine;
		const chunk = bytes.subarray(offset, offset + bytesPerLine);
		let hex = '';
		let ascii = '';
		for (let i = 0; i < bytesPerLine; i++) {
			if (i > 0) hex += i % 8 === 0 ? '  ' : ' ';
			hex += i < chunk.length ? hexByte(chunk[i]) : '  ';
			if (i < chunk.length) ascii += printable(chunk[i]);
		}

		lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  |${ascii}|`);
	}

	return lines;
}

/** Up to `maxBytes` as space-separated hex on one line, with an ellipsis when there is more. */
export function hexInline(bytes: Uint8Array, maxBytes = 64): string {
	const shown = Array.from(bytes.subarray(0, maxBytes), hexByte).join(' ');
	return bytes.length > maxBytes ? `${shown} …` : shown;
}

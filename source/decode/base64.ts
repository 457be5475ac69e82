/** Base64, the form record data takes in the AWS APIs and in `kinesis-top tail` output. */

export function toBase64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The base64 text cut into lines of `width` characters. */
export function base64Lines(bytes: Uint8Array, width: number): string[] {
	const text = toBase64(bytes);
	const size = Math.max(4, width);
	const lines: string[] = [];
	for (let i = 0; i < text.length; i += size) lines.push(text.slice(i, i + size));
	return lines.length > 0 ? lines : [''];
}

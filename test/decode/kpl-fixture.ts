/**
 * KPL aggregates built by hand, byte by byte, for the decoder tests: the magic, an AggregatedRecord
 * written with a minimal protobuf writer, and the MD5 of it as the trailer.
 */
import {createHash} from 'node:crypto';

const encoder = new TextEncoder();

export function varint(value: number): number[] {
	const bytes: number[] = [];
	let rest = value;
	while (rest >= 0x80) {
		bytes.push((rest % 0x80) | 0x80);
		rest = Math.floor(rest / 0x80);
	}

	bytes.push(rest);
	return bytes;
}

/** A length-delimited field (wire type 2). */
export function lengthField(field: number, value: Uint8Array | string): number[] {
	const bytes = typeof value === 'string' ? encoder.encode(value) : value;
	return [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];
}

/** A varint field (wire type 0). */
export function varintField(field: number, value: number): number[] {
	return [...varint(field * 8), ...varint(value)];
}

export type UserRecord = {
	partitionKeyIndex: number;
	explicitHashKeyIndex?: number;
	data: string | Uint8Array;
	tags?: Array<[string, string]>;
};

export function aggregatedRecord(
	partitionKeys: string[],
	explicitHashKeys: string[],
	records: UserRecord[],
): Uint8Array {
	const body: number[] = [];
	for (const key of partitionKeys) body.push(...lengthField(1, key));
	for (const key of explicitHashKeys) body.push(...lengthField(2, key));
	for (const record of records) {
		const inner = [
			...varintField(1, record.partitionKeyIndex),
			...(record.explicitHashKeyIndex === undefined
				? []
				: varintField(2, record.explicitHashKeyIndex)),
			...lengthField(3, record.data),
			...(record.tags ?? []).flatMap(([key, value]) =>
				lengthField(4, Uint8Array.from([...lengthField(1, key), ...lengthField(2, value)])),
			),
		];
		body.push(...lengthField(3, Uint8Array.from(inner)));
	}

	const message = Uint8Array.from(body);
	const digest = createHash('md5').update(message).digest();
	return Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2, ...message, ...digest]);
}

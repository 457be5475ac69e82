/**
 * KPL aggregated records, as the Kinesis Producer Library writes them and the KCL reads them: the magic
 * bytes F3 89 9A C2, a protobuf `AggregatedRecord`, and the MD5 of that protobuf as a 16-byte trailer.
 *
 *   message AggregatedRecord { repeated string partition_key_table = 1;
 *                              repeated string explicit_hash_key_table = 2;
 *                              repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                    required bytes data = 3; repeated Tag tags = 4; }
 *   message Tag { required string key = 1; optional string value = 2; }
 *
 * As the KCL does, data that starts with the magic but whose digest does not match is not an aggregate:
 * it is an ordinary record that happens to start with those bytes.
 */
import {createHash} from 'node:crypto';
import {ProtobufError, ProtoReader, WireType} from './protobuf.js';

export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const DIGEST_BYTES = 16;

export type KplTag = {key: string; value?: string};

/** One user record of an aggregate, with its own partition key (and explicit hash key, if any). */
export type KplUserRecord = {
	partitionKey: string;
	explicitHashKey?: string;
	data: Uint8Array;
	tags: KplTag[];
};

export function hasKplMagic(bytes: Uint8Array) {
	return (
		bytes.length >= KPL_MAGIC.length + DIGEST_BYTES &&
		KPL_MAGIC.every((byte, i) => bytes[i] === byte)
	);
}

/** Whether the bytes are a KPL aggregate: the magic and a matching MD5 trailer. */
export function isKplAggregate(bytes: Uint8Array) {
	if (!hasKplMagic(bytes)) return false;
	const body = bytes.subarray(KPL_MAGIC.length, bytes.length - DIGEST_BYTES);
	const trailer = bytes.subarray(bytes.length - DIGEST_BYTES);
	const digest = createHash('md5').update(body).digest();
	return digest.every((byte, i) => byte === trailer[i]);
}

/**
 * The user records of a KPL aggregate, in order; undefined when the bytes are not an aggregate.
 * Throws a ProtobufError when the digest matches but the message inside is malformed.
 */
export function deaggregate(bytes: Uint8Array): KplUserRecord[] | undefined {
	if (!isKplAggregate(bytes)) return undefined;
	const reader = new ProtoReader(bytes, KPL_MAGIC.length, bytes.length - DIGEST_BYTES);
	const partitionKeys: string[] = [];
	const explicitHashKeys: string[] = [];
	const records: Array<{
		partitionKeyIndex?: number;
		explicitHashKeyIndex?: number;
		data: Uint8Array;
		tags: KplTag[];
	}> = [];
	while (!reader.done()) {
		const {field, wireType} = reader.tag();
		if (field === 1 && wireType === WireType.lengthDelimited) partitionKeys.push(reader.string());
		else if (field === 2 && wireType === WireType.lengthDelimited)
			explicitHashKeys.push(reader.string());
		else if (field === 3 && wireType === WireType.lengthDelimited)
			records.push(readRecord(reader.message()));
		else reader.skip(wireType);
	}

	return records.map((record, i) => {
		const partitionKey =
			record.partitionKeyIndex === undefined ? undefined : partitionKeys[record.partitionKeyIndex];
		if (partitionKey === undefined) {
			throw new ProtobufError(`user record ${i}: partition key index out of the table`);
		}

		const explicitHashKey =
			record.explicitHashKeyIndex === undefined
				? undefined
				: explicitHashKeys[record.explicitHashKeyIndex];
		return {partitionKey, explicitHashKey, data: record.data, tags: record.tags};
	});
}

function readRecord(reader: ProtoReader) {
	let partitionKeyIndex: number | undefined;
	let explicitHashKeyIndex: number | undefined;
	let data: Uint8Array = new Uint8Array(0);
	const tags: KplTag[] = [];
	while (!reader.done()) {
		const {field, wireType} = reader.tag();
		if (field === 1 && wireType === WireType.varint) partitionKeyIndex = reader.varint();
		else if (field === 2 && wireType === WireType.varint) explicitHashKeyIndex = reader.varint();
		else if (field === 3 && wireType === WireType.lengthDelimited) data = reader.bytesField();
		else if (field === 4 && wireType === WireType.lengthDelimited)
			tags.push(readTag(reader.message()));
		else reader.skip(wireType);
	}

	return {partitionKeyIndex, explicitHashKeyIndex, data, tags};
}

function readTag(reader: ProtoReader): KplTag {
	const tag: KplTag = {key: ''};
	while (!reader.done()) {
		const {field, wireType} = reader.tag();
		if (field === 1 && wireType === WireType.lengthDelimited) tag.key = reader.string();
		else if (field === 2 && wireType === WireType.lengthDelimited) tag.value = reader.string();
		else reader.skip(wireType);
	}

	return tag;
}

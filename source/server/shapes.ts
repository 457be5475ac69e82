/**
 * Just enough of each action's input shape to do what AWS's deserializer does before any business
 * logic: reject a member of the wrong type with SerializationException, decode blobs and timestamps as
 * the wire format carries them, and ignore unknown members, as AWS ignores them.
 *
 * | format | blob                     | timestamp                                               |
 * | ------ | ------------------------ | ------------------------------------------------------- |
 * | json   | base64 string            | epoch seconds, a number (fractions are milliseconds)    |
 * | cbor   | CBOR byte string         | epoch milliseconds, a number (tag 1 or untagged), as the |
 * |        |                          | AWS SDK for Java v1 and v2 write them                   |
 * | rpcv2  | CBOR byte string         | epoch seconds, tag 1 over a number (Smithy RPC v2 CBOR) |
 *
 * `any` passes a member through undecoded: for configuration the engine itself validates or refuses
 * (Firehose's non-S3 destinations, say), where spelling out AWS's whole shape would buy nothing.
 */
import {Tag} from 'cbor-x';
import {base64Error, decodeBase64, decodeBase64List} from './base64.js';

export type Shape =
	| 'string'
	| 'integer'
	| 'boolean'
	| 'blob'
	| 'timestamp'
	| 'map'
	| 'any'
	| {list: Shape}
	| {structure: Record<string, Shape>};

/**
 * A value of the wrong type, answered as AWS's JSON front end (Coral) words it, e.g. `class
 * java.lang.Boolean can not be converted to an String` or `Start of structure or map found where not
 * expected.` — as kinesalite recorded them from AWS. They name no member: AWS's do not.
 */
export class SerializationError extends Error {}

/** How Coral names a JSON value it cannot convert (a JSON number is its TruncatingBigNumber). */
function javaClassOf(value: unknown) {
	if (typeof value === 'boolean') return 'class java.lang.Boolean';
	if (typeof value === 'string') return 'class java.lang.String';
	return 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';
}

/** A list or an object where a scalar was expected. */
function nestingError(value: unknown) {
	return new SerializationError(
		Array.isArray(value)
			? 'Start of list found where not expected'
			: 'Start of structure or map found where not expected.',
	);
}

const isNested = (value: unknown) =>
	typeof value === 'object' && value !== null && !(value instanceof Uint8Array);

/** How a protocol carries blobs and timestamps: see the table above. */
export type WireFormat = 'json' | 'cbor' | 'rpcv2';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Where a value sits in the input, for error messages: text, or how to make it when it is needed; a list
 * item's decoder also gets its index, which follows the list's path (`Records[3]`).
 */
type Path = string | (() => string);
const pathText = (path: Path, index?: number) => {
	const text = typeof path === 'string' ? path : path();
	return index === undefined ? text : `${text}[${index}]`;
};

/** Checks and converts `value` against `shape`; throws SerializationError as AWS would. */
export function decode(
	value: unknown,
	shape: Shape,
	path: Path,
	format: WireFormat = 'json',
): unknown {
	return decoderOf(shape)(value, path, format);
}

/**
 * One shape's check and conversion. Each structure and list shape gets its own, made once: a put's 500
 * records then go through a closure that knows its members, instead of dispatching on the shape anew
 * for each record and member.
 */
type Decoder = (value: unknown, path: Path, format: WireFormat, index?: number) => unknown;

const compiled = new WeakMap<object, Decoder>();

function decoderOf(shape: Shape): Decoder {
	if (typeof shape !== 'object') return primitiveDecoders[shape];
	// A structure's decoder is kept by its member table, so `{structure: table}` made per request hits.
	const key = 'list' in shape ? shape : shape.structure;
	let decoder = compiled.get(key);
	if (!decoder) {
		decoder = 'list' in shape ? listDecoder(shape.list) : structureDecoder(shape.structure);
		compiled.set(key, decoder);
	}

	return decoder;
}

function listDecoder(itemShape: Shape): Decoder {
	let item: Decoder | undefined;
	let blobsTogether: BlobsTogether | null | undefined;
	return (value, path, format, index) => {
		if (value === null || value === undefined) return undefined;
		if (!Array.isArray(value)) {
			if (typeof value === 'object' && !(value instanceof Uint8Array)) throw nestingError(value);
			throw new SerializationError('Expected list or null');
		}

		// Each item's path is this list's path and the item's index, spelled out only for an error
		// message: nothing is made for each of 500 good records.
		const listPath: Path = index === undefined ? path : () => pathText(path, index);
		if (format === 'json') {
			blobsTogether ??= blobsTogetherOf(itemShape);
			const decoded = blobsTogether && decodeBlobsTogether(value, blobsTogether, listPath);
			if (decoded) return decoded;
		}

		item ??= decoderOf(itemShape);
		const decoded = new Array<unknown>(value.length);
		for (let i = 0; i < value.length; i++) decoded[i] = item(value[i], listPath, format, i);
		return decoded;
	};
}

/**
 * A JSON list of structures with blob members (PutRecords' records, PutRecordBatch's): its items are
 * decoded with their blobs left as text, and then every blob of the list is decoded in one call
 * (base64.ts). `item` is the structure's decoder that leaves its blobs as they are (text, once their
 * type is checked); `blobs` names those members.
 */
type BlobsTogether = {item: Decoder; blobs: string[]};

function blobsTogetherOf(itemShape: Shape): BlobsTogether | null {
	if (typeof itemShape !== 'object' || !('structure' in itemShape)) return null;
	const members = itemShape.structure;
	const blobs = Object.keys(members).filter((member) => members[member] === 'blob');
	if (blobs.length === 0) return null;
	return {item: structureDecoder(members, blobText), blobs};
}

/**
 * The list decoded, or undefined when any item is not what its shape asks: the caller then decodes it
 * item by item, as before, which finds the first problem in AWS's order and says what it is.
 */
function decodeBlobsTogether(list: unknown[], together: BlobsTogether, path: Path) {
	const decoded = new Array<Record<string, unknown> | undefined>(list.length);
	try {
		for (let i = 0; i < list.length; i++) {
			decoded[i] = together.item(list[i], path, 'json', i) as Record<string, unknown> | undefined;
		}
	} catch (error) {
		if (error instanceof SerializationError) return undefined;
		throw error;
	}

	const texts: string[] = [];
	for (const entry of decoded) {
		if (!entry) continue;
		for (const member of together.blobs) {
			const text = entry[member];
			if (text !== undefined) texts.push(text as string);
		}
	}

	const blobs = decodeBase64List(texts);
	if (!blobs) return undefined;
	let next = 0;
	for (const entry of decoded) {
		if (!entry) continue;
		for (const member of together.blobs) {
			if (entry[member] !== undefined) entry[member] = blobs[next++];
		}
	}

	return decoded;
}

/** A JSON blob's type checked, its text kept for {@link decodeBlobsTogether}. */
const blobText: Decoder = (value) => {
	if (value === null || value === undefined) return undefined;
	if (typeof value !== 'string') throw new SerializationError();
	return value;
};

/**
 * A structure's decoder: each member's decoder (`blob` for blob members: see {@link blobText}), run by
 * code made once for the structure that reads `value.Name` — `value[name]` in a loop over the members
 * is a load V8 cannot specialise, and for a put's 500 records it cost more than the decoding.
 */
function structureDecoder(members: Record<string, Shape>, blob?: Decoder): Decoder {
	let names: string[] | undefined;
	let decoders: Decoder[] | undefined;
	let decodeMembers: MembersDecoder | undefined;
	return (value, _path, format) => {
		if (value === null || value === undefined) return undefined;
		if (Array.isArray(value)) throw nestingError(value);
		if (typeof value !== 'object' || value instanceof Uint8Array)
			throw new SerializationError('Expected null');
		if (!names || !decoders || !decodeMembers) {
			names = [];
			for (const member in members) names.push(member);
			decoders = names.map((member) =>
				blob && members[member] === 'blob' ? blob : decoderOf(members[member]),
			);
			decodeMembers = membersDecoder(names);
		}

		return decodeMembers(value as Record<string, unknown>, decoders, format);
	};
}

/** Reads and decodes a structure's members into a new object, members undefined left out. */
type MembersDecoder = (
	value: Record<string, unknown>,
	decoders: Decoder[],
	format: WireFormat,
) => Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function membersDecoder(names: string[]): MembersDecoder {
	if (!names.every((name) => IDENTIFIER.test(name))) {
		return (value, decoders, format) => {
			const decoded: Record<string, unknown> = {};
			for (let i = 0; i < names.length; i++) {
				const member = names[i];
				const memberValue = decoders[i](value[member], member, format);
				if (memberValue !== undefined) decoded[member] = memberValue;
			}

			return decoded;
		};
	}

	// Member names come from the shapes above, and only identifiers get here: nothing is evaluated
	// that is not a property read.
	const reads = names.map(
		(name, i) =>
			`v = decoders[${i}](value.${name}, ${JSON.stringify(name)}, format);\n` +
			`if (v !== undefined) decoded.${name} = v;`,
	);
	return new Function(
		`return (value, decoders, format) => {\nconst decoded = {};\nlet v;\n${reads.join('\n')}\nreturn decoded;\n};`,
	)() as MembersDecoder;
}

const primitiveDecoders: Record<Exclude<Shape, object>, Decoder> = {
	any: (value) => (value === null ? undefined : value),
	string(value) {
		if (value === null || value === undefined) return undefined;
		if (typeof value === 'string') return value;
		if (isNested(value)) throw nestingError(value);
		// Coral's own grammar: "an String".
		throw new SerializationError(`${javaClassOf(value)} can not be converted to an String`);
	},
	integer(value) {
		if (value === null || value === undefined) return undefined;
		if (typeof value === 'number' && Number.isFinite(value)) {
			// Coral truncates a JSON number to the Java int it wants, as kinesalite recorded.
			return Math.max(INT32_MIN, Math.min(INT32_MAX, Math.floor(value)));
		}

		if (isNested(value)) throw nestingError(value);
		throw new SerializationError(`${javaClassOf(value)} can not be converted to an Integer`);
	},
	boolean(value) {
		if (value === null || value === undefined) return undefined;
		if (typeof value === 'boolean') return value;
		if (isNested(value)) throw nestingError(value);
		// A string is shown upper-cased, as AWS shows it.
		throw new SerializationError(
			typeof value === 'string'
				? `'${value.toUpperCase()}' can not be converted to an Boolean`
				: `${javaClassOf(value)} can not be converted to an Boolean`,
		);
	},
	blob(value, path, format, index) {
		if (value === null || value === undefined) return undefined;
		if (format !== 'json') {
			if (!(value instanceof Uint8Array)) {
				throw new SerializationError(`Byte string expected at ${pathText(path, index)}`);
			}

			return value;
		}

		if (typeof value !== 'string') {
			if (isNested(value)) throw nestingError(value);
			throw new SerializationError(`${javaClassOf(value)} can not be converted to a Blob`);
		}

		const bytes = decodeBase64(value);
		if (!bytes) throw new SerializationError(base64Error(value));
		return bytes;
	},
	timestamp(value, _path, format) {
		if (value === null || value === undefined) return undefined;
		const milliseconds =
			value instanceof Date
				? value.getTime()
				: typeof value === 'number'
					? format === 'cbor'
						? value
						: value * 1000
					: Number.NaN;
		// Beyond ±8.64e15 ms a Date is invalid: such a number is not a timestamp.
		const date = new Date(Math.round(milliseconds));
		if (Number.isNaN(date.getTime())) {
			if (isNested(value)) throw nestingError(value);
			throw new SerializationError(
				`${javaClassOf(value)} can not be converted to milliseconds since epoch`,
			);
		}

		return date;
	},
	map(value, path, format) {
		if (value === null || value === undefined) return undefined;
		if (Array.isArray(value)) throw nestingError(value);
		if (typeof value !== 'object' || value instanceof Uint8Array)
			throw new SerializationError('Expected map or null');
		// Kinesis's maps (tags) map strings to strings; a null value is dropped, as AWS drops it.
		const map: Record<string, string> = {};
		for (const [key, entry] of Object.entries(value)) {
			const text = primitiveDecoders.string(entry, path, format);
			if (text !== undefined) map[key] = text as string;
		}

		return map;
	},
};

/**
 * Engine output → wire values. JSON: Dates as epoch seconds, bytes as base64. CBOR: Dates as tag 1 over
 * epoch milliseconds (an unsigned integer: the timestamp AWS's CBOR carries, which the Java SDK reads
 * as milliseconds with or without the tag), bytes as they are (byte strings), and
 * whole numbers beyond 32 bits as BigInts so they are written as CBOR integers, not floats. RPC v2 CBOR:
 * Dates stay Dates, which the CBOR encoder writes as Smithy wants them (tag 1 over epoch seconds).
 */
export function toWire(value: unknown, format: WireFormat = 'json'): unknown {
	if (value instanceof Date) {
		if (format === 'rpcv2') return value;
		return format === 'cbor' ? new Tag(BigInt(value.getTime()), 1) : value.getTime() / 1000;
	}

	if (value instanceof Uint8Array) {
		const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
		return format === 'json' ? bytes.toString('base64') : bytes;
	}

	if (Array.isArray(value)) return value.map((item) => toWire(item, format));
	if (value && typeof value === 'object') {
		// Most objects (a put's 500 results, say) are already wire values: no copy for them.
		if (isWireReady(value, format)) return value;
		const wire: Record<string, unknown> = {};
		for (const key in value) {
			const member = (value as Record<string, unknown>)[key];
			if (member !== undefined) wire[key] = toWire(member, format);
		}

		return wire;
	}

	return isBigForCbor(value, format) ? BigInt(value as number) : value;
}

const isBigForCbor = (value: unknown, format: WireFormat) =>
	format !== 'json' &&
	typeof value === 'number' &&
	Number.isSafeInteger(value) &&
	Math.abs(value) > 0xff_ff_ff_ff;

/** Whether every member of `object` goes on the wire as it is (no undefined members in CBOR). */
function isWireReady(object: object, format: WireFormat) {
	for (const key in object) {
		const member = (object as Record<string, unknown>)[key];
		if (typeof member === 'object' && member !== null) return false;
		if (format !== 'json' && (member === undefined || isBigForCbor(member, format))) return false;
	}

	return true;
}

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

export class SerializationError extends Error {}

/** How a protocol carries blobs and timestamps: see the table above. */
export type WireFormat = 'json' | 'cbor' | 'rpcv2';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Strict base64 (standard alphabet, padded) decoded, or undefined for anything else. Every record of a
 * put goes through here, so instead of a regular expression (which cost more than the whole engine)
 * this lets Node's decoder do the work and checks what it produced: Node's decoder skips or stops at
 * characters outside its alphabets, so a string with any of them decodes to fewer bytes than its
 * length promises; and its alphabet also takes base64url's `-` and `_`, which are refused first.
 */
function decodeBase64(text: string): Buffer | undefined {
	const length = text.length;
	if (length % 4 !== 0 || text.includes('-') || text.includes('_')) return undefined;
	const padding = length === 0 || !text.endsWith('=') ? 0 : text.endsWith('==') ? 2 : 1;
	const bytes = Buffer.from(text, 'base64');
	return bytes.length === (length / 4) * 3 - padding ? bytes : undefined;
}

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
	return (value, path, format, index) => {
		if (value === null || value === undefined) return undefined;
		if (!Array.isArray(value)) {
			throw new SerializationError(
				`Start of list found where not expected at ${pathText(path, index)}`,
			);
		}

		item ??= decoderOf(itemShape);
		// Each item's path is this list's path and the item's index, spelled out only for an error
		// message: nothing is made for each of 500 good records.
		const listPath: Path = index === undefined ? path : () => pathText(path, index);
		const decoded = new Array<unknown>(value.length);
		for (let i = 0; i < value.length; i++) decoded[i] = item(value[i], listPath, format, i);
		return decoded;
	};
}

function structureDecoder(members: Record<string, Shape>): Decoder {
	let names: string[] | undefined;
	let decoders: Decoder[] | undefined;
	return (value, path, format, index) => {
		if (value === null || value === undefined) return undefined;
		if (typeof value !== 'object' || Array.isArray(value)) {
			throw new SerializationError(
				`Start of structure or map found where not expected at ${pathText(path, index)}`,
			);
		}

		if (!names || !decoders) {
			names = [];
			for (const member in members) names.push(member);
			decoders = names.map((member) => decoderOf(members[member]));
		}

		const decoded: Record<string, unknown> = {};
		for (let i = 0; i < names.length; i++) {
			const member = names[i];
			const memberValue = decoders[i]((value as Record<string, unknown>)[member], member, format);
			if (memberValue !== undefined) decoded[member] = memberValue;
		}

		return decoded;
	};
}

const primitiveDecoders: Record<Exclude<Shape, object>, Decoder> = {
	any: (value) => (value === null ? undefined : value),
	string(value) {
		if (value === null || value === undefined) return undefined;
		if (typeof value !== 'string')
			throw new SerializationError(`${typeof value} can not be converted to a String`);
		return value;
	},
	integer(value) {
		if (value === null || value === undefined) return undefined;
		// Kinesis's Integer members are Java ints: a larger number does not deserialize.
		if (
			typeof value !== 'number' ||
			!Number.isInteger(value) ||
			value < INT32_MIN ||
			value > INT32_MAX
		) {
			throw new SerializationError(`${describe(value)} can not be converted to an Integer`);
		}

		return value;
	},
	boolean(value) {
		if (value === null || value === undefined) return undefined;
		if (typeof value !== 'boolean')
			throw new SerializationError(`${describe(value)} can not be converted to a Boolean`);
		return value;
	},
	blob(value, path, format, index) {
		if (value === null || value === undefined) return undefined;
		if (format !== 'json') {
			if (!(value instanceof Uint8Array)) {
				throw new SerializationError(`Byte string expected at ${pathText(path, index)}`);
			}

			return value;
		}

		const bytes = typeof value === 'string' ? decodeBase64(value) : undefined;
		if (!bytes)
			throw new SerializationError(`Base64 encoded blob expected at ${pathText(path, index)}`);
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
			throw new SerializationError(`${describe(value)} can not be converted to a Timestamp`);
		}

		return date;
	},
	map(value, path, _format, index) {
		if (value === null || value === undefined) return undefined;
		if (typeof value !== 'object' || Array.isArray(value)) {
			throw new SerializationError(
				`Start of structure or map found where not expected at ${pathText(path, index)}`,
			);
		}

		for (const entry of Object.values(value as object)) {
			if (typeof entry !== 'string')
				throw new SerializationError(`Map values must be strings at ${pathText(path, index)}`);
		}

		return value;
	},
};

function describe(value: unknown) {
	if (typeof value === 'bigint') return String(value);
	if (value instanceof Uint8Array) return 'byte string';
	try {
		return JSON.stringify(value) ?? typeof value;
	} catch {
		return typeof value;
	}
}

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

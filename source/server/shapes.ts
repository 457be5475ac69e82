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
	// AWS refuses bits left over after the last byte (`aGl=` for `hi`): the last character before
	// the padding must end in as many zero bits as the padding drops.
	if (padding > 0 && BASE64_VALUE.indexOf(text[length - padding - 1]) % (padding === 1 ? 4 : 16))
		return undefined;
	const bytes = Buffer.from(text, 'base64');
	return bytes.length === (length / 4) * 3 - padding ? bytes : undefined;
}

const BASE64_VALUE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Why AWS refuses `text` as a base64 blob, in its words (with its spelling). */
function base64Error(text: string) {
	const refused = `'${text}' can not be converted to a Blob`;
	if (text.length % 4 !== 0) {
		return `${refused}: Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`;
	}

	const bad = /[^a-zA-Z0-9+/=]|=[^=]/.exec(text);
	if (bad) return `${refused}: Invalid Base64 character: '${bad[0][0]}'`;
	return `${refused}: Invalid last non-pad Base64 character dectected`;
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
			if (typeof value === 'object' && !(value instanceof Uint8Array)) throw nestingError(value);
			throw new SerializationError('Expected list or null');
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
	return (value, _path, format) => {
		if (value === null || value === undefined) return undefined;
		if (Array.isArray(value)) throw nestingError(value);
		if (typeof value !== 'object' || value instanceof Uint8Array)
			throw new SerializationError('Expected null');
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

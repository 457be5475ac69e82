/**
 * PutRecords' JSON 1.1 body read without JSON.parse, for the plain form every SDK sends: an object of
 * StreamName, StreamARN and Records, each record an object of Data, PartitionKey and ExplicitHashKey,
 * all strings, with no escapes in the whole body. For such a body it gives exactly what JSON.parse and
 * the shape decoder give (the same members, the same strings, the same bytes), with less work per
 * record: no parsed object to decode again, no Data string that is not needed, and every record's
 * bytes decoded into one buffer instead of one allocation each. Anything else — an escape, another
 * member, a repeated one, a null, a number, a missing Data or PartitionKey, base64 the decoder would
 * refuse, text after the end — returns undefined, and the server takes the general path, which answers
 * it (an error included) as before.
 */
import type {Input} from './action.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const EQUALS = 0x3d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Thrown inside the reader when the body is not in the plain form; caught at its top. */
const NOT_PLAIN = new Error('not a plain PutRecords body');

/** Each base64 character's six bits; -1 for a byte outside the standard alphabet. */
const BASE64 = new Int8Array(256).fill(-1);
for (const [index, character] of [
	...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
].entries()) {
	BASE64[character.charCodeAt(0)] = index;
}

/** A member name as it stands in the body, its closing quote included (the opening one is read first). */
const nameBytes = (name: string) => Buffer.from(name + '"', 'latin1');
const STREAM_NAME = nameBytes('StreamName');
const STREAM_ARN = nameBytes('StreamARN');
const RECORDS = nameBytes('Records');
const DATA = nameBytes('Data');
const PARTITION_KEY = nameBytes('PartitionKey');
const EXPLICIT_HASH_KEY = nameBytes('ExplicitHashKey');

/**
 * A cursor over the body; each read moves `at` past what it read, or throws NOT_PLAIN. Member names are
 * matched byte by byte and Data is decoded from the body's bytes: no string is made but the values kept.
 */
class Reader {
	at = 0;
	constructor(readonly body: Buffer) {}

	/** Skips JSON whitespace, then expects `byte`. */
	expect(byte: number) {
		this.skipSpace();
		if (this.body[this.at] !== byte) throw NOT_PLAIN;
		this.at++;
	}

	/** Skips JSON whitespace, then, if the next byte is `byte`, steps over it. */
	accept(byte: number) {
		this.skipSpace();
		if (this.body[this.at] !== byte) return false;
		this.at++;
		return true;
	}

	skipSpace() {
		const body = this.body;
		let at = this.at;
		for (;;) {
			const byte = body[at];
			if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
			at++;
		}

		this.at = at;
	}

	/** After a member name's opening quote: whether `name` (with its closing quote) is next; if so, steps over it. */
	isName(name: Buffer) {
		const body = this.body;
		const at = this.at;
		for (let i = 0; i < name.length; i++) if (body[at + i] !== name[i]) return false;
		this.at = at + name.length;
		return true;
	}

	/** A string's bounds (after its opening quote, at its closing quote); the body has no escapes. */
	stringBounds(): [number, number] {
		this.expect(QUOTE);
		const start = this.at;
		const end = this.body.indexOf(QUOTE, start);
		if (end === -1) throw NOT_PLAIN;
		this.at = end + 1;
		return [start, end];
	}

	/**
	 * A string of printable ASCII (and DEL), as JSON.parse reads it: control characters would make
	 * JSON.parse fail, and other bytes are left to its UTF-8 decoding.
	 */
	asciiString() {
		const [start, end] = this.stringBounds();
		const body = this.body;
		for (let i = start; i < end; i++) {
			const byte = body[i];
			if (byte < 0x20 || byte > 0x7f) throw NOT_PLAIN;
		}

		return body.toString('latin1', start, end);
	}

	/**
	 * A base64 string decoded into `into` at `offset`; returns the decoded length. It accepts what
	 * shapes.ts's decodeBase64 accepts — whole groups of four characters of the standard alphabet, the
	 * last group padded with one or two `=` — and, like Node's decoder, drops the bits of a last group
	 * that make no whole byte.
	 */
	base64Into(into: Buffer, offset: number) {
		const [start, end] = this.stringBounds();
		const body = this.body;
		const length = end - start;
		if (length % 4 !== 0) throw NOT_PLAIN;
		if (length === 0) return 0;
		const padding = body[end - 1] !== EQUALS ? 0 : body[end - 2] === EQUALS ? 2 : 1;
		let out = offset;
		const whole = end - (padding === 0 ? 0 : 4);
		let i = start;
		for (; i < whole; i += 4) {
			const a = BASE64[body[i]];
			const b = BASE64[body[i + 1]];
			const c = BASE64[body[i + 2]];
			const d = BASE64[body[i + 3]];
			if ((a | b | c | d) < 0) throw NOT_PLAIN;
			into[out++] = (a << 2) | (b >> 4);
			into[out++] = ((b & 0xf) << 4) | (c >> 2);
			into[out++] = ((c & 0x3) << 6) | d;
		}

		if (padding > 0) {
			const a = BASE64[body[i]];
			const b = BASE64[body[i + 1]];
			const c = padding === 1 ? BASE64[body[i + 2]] : 0;
			if ((a | b | c) < 0) throw NOT_PLAIN;
			into[out++] = (a << 2) | (b >> 4);
			if (padding === 1) into[out++] = ((b & 0xf) << 4) | (c >> 2);
		}

		return out - offset;
	}
}

/** Reads one record object into its decoded form, its bytes into `data` at `dataAt`. */
function readRecord(reader: Reader, data: Buffer, dataAt: number) {
	let bytes: Buffer | undefined;
	let partitionKey: string | undefined;
	let explicitHashKey: string | undefined;
	reader.expect(OPEN_BRACE);
	do {
		reader.expect(QUOTE);
		if (bytes === undefined && reader.isName(DATA)) {
			reader.expect(COLON);
			const length = reader.base64Into(data, dataAt);
			bytes = data.subarray(dataAt, dataAt + length);
		} else if (partitionKey === undefined && reader.isName(PARTITION_KEY)) {
			reader.expect(COLON);
			partitionKey = reader.asciiString();
		} else if (explicitHashKey === undefined && reader.isName(EXPLICIT_HASH_KEY)) {
			reader.expect(COLON);
			explicitHashKey = reader.asciiString();
		} else {
			throw NOT_PLAIN;
		}
	} while (reader.accept(COMMA));
	reader.expect(CLOSE_BRACE);
	if (bytes === undefined || partitionKey === undefined) throw NOT_PLAIN;
	// The shape decoder's member order: Data, PartitionKey, ExplicitHashKey.
	return explicitHashKey === undefined
		? {Data: bytes, PartitionKey: partitionKey}
		: {Data: bytes, PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey};
}

/** PutRecords' decoded input from a plain JSON body, or undefined: see above. */
export function readPutRecordsJson(body: Buffer): Input | undefined {
	if (body.indexOf(BACKSLASH) !== -1) return undefined;
	const reader = new Reader(body);
	let streamName: string | undefined;
	let streamArn: string | undefined;
	let records: Input[] | undefined;
	try {
		reader.expect(OPEN_BRACE);
		do {
			reader.expect(QUOTE);
			if (streamName === undefined && reader.isName(STREAM_NAME)) {
				reader.expect(COLON);
				streamName = reader.asciiString();
			} else if (streamArn === undefined && reader.isName(STREAM_ARN)) {
				reader.expect(COLON);
				streamArn = reader.asciiString();
			} else if (records === undefined && reader.isName(RECORDS)) {
				reader.expect(COLON);
				// Every record's bytes go into one buffer: decoded base64 is shorter than the body.
				const data = Buffer.allocUnsafeSlow(Math.ceil((body.length * 3) / 4));
				let dataAt = 0;
				records = [];
				reader.expect(OPEN_BRACKET);
				if (!reader.accept(CLOSE_BRACKET)) {
					do {
						const record = readRecord(reader, data, dataAt);
						dataAt += record.Data.length;
						records.push(record);
					} while (reader.accept(COMMA));
					reader.expect(CLOSE_BRACKET);
				}
			} else {
				throw NOT_PLAIN;
			}
		} while (reader.accept(COMMA));
		reader.expect(CLOSE_BRACE);
		reader.skipSpace();
		if (reader.at !== body.length) return undefined;
	} catch (error) {
		if (error === NOT_PLAIN) return undefined;
		throw error;
	}

	// The shape decoder's member order, and only the members present.
	const input: Input = {};
	if (streamName !== undefined) input.StreamName = streamName;
	if (streamArn !== undefined) input.StreamARN = streamArn;
	if (records !== undefined) input.Records = records;
	return input;
}

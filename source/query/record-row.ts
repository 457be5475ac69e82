/**
 * The row a record is to a query. One instance is reused for every record (the executor's hot path
 * allocates nothing per record it does not keep), and the payload is decoded only when an expression
 * reads `data` — a query over keys and times never pays for JSON.parse.
 */
import type {KinesisRecord} from '../driver/driver.js';
import {decodeRecord} from '../decode/detect.js';
import {isGzip} from '../decode/gzip.js';
import {hasKplMagic} from '../decode/kpl.js';
import type {Payload} from '../decode/payload.js';

const strictDecoder = new TextDecoder('utf-8', {fatal: true});
const EMPTY = new Uint8Array(0);

/** Whether the data needs the full decoding pipeline (KPL aggregate, gzip, CloudWatch Logs inside). */
export function needsUnpacking(data: Uint8Array) {
	// The first byte rules out nearly every record before the full checks (gzip 1f, KPL f3).
	const first = data[0];
	return (first === 0x1f && isGzip(data)) || (first === 0xf3 && hasKplMagic(data));
}

/** The payloads of data that {@link needsUnpacking}: one row each. */
export function unpack(data: Uint8Array): Payload[] {
	return decodeRecord(data);
}

/** A payload's value: its JSON, else its text, else (binary) null. */
export function payloadValue(payload: Payload): unknown {
	return payload.json?.value ?? payload.text ?? null;
}

export class RecordRow {
	shardId = '';
	partitionKey = '';
	sequenceNumber = '';
	/** ApproximateArrivalTimestamp, epoch ms. */
	arrival = 0;
	/** When the executor took the record, epoch ms. */
	proc = 0;
	bytes: Uint8Array = EMPTY;
	private decoded = false;
	private value: unknown = null;

	/** Points the row at a record whose data is its own payload. */
	setRecord(shardId: string, record: KinesisRecord, proc: number) {
		this.shardId = shardId;
		this.partitionKey = record.PartitionKey;
		this.sequenceNumber = record.SequenceNumber;
		this.arrival = record.ApproximateArrivalTimestamp.getTime();
		this.proc = proc;
		this.bytes = record.Data;
		this.decoded = false;
	}

	/** Points the row at one payload unpacked from the record: a KPL user record keeps its own key. */
	setPayload(payload: Payload) {
		this.bytes = payload.bytes;
		if (payload.origin.partitionKey !== undefined) this.partitionKey = payload.origin.partitionKey;
		this.value = payloadValue(payload);
		this.decoded = true;
	}

	get size() {
		return this.bytes.length;
	}

	/** The payload: parsed JSON when it is an object or array, else its text; null when not UTF-8. */
	get data(): unknown {
		if (!this.decoded) {
			this.decoded = true;
			this.value = decodeValue(this.bytes);
		}

		return this.value;
	}
}

function decodeValue(bytes: Uint8Array): unknown {
	let text: string;
	try {
		text = strictDecoder.decode(bytes);
	} catch {
		return null;
	}

	// Only objects and arrays are parsed: a bare `42` or `"x"` payload reads better as the text itself.
	let i = 0;
	while (i < text.length && text.charCodeAt(i) <= 32) i++;
	const first = text.charCodeAt(i);
	if (first === 123 || first === 91) {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text;
		}
	}

	return text;
}

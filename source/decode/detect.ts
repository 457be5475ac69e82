/**
 * The decoding pipeline, auto-detected layer by layer: a record's data is de-aggregated when it is a
 * KPL aggregate, inflated when gzip-compressed, and unpacked into log events when it is a CloudWatch
 * Logs subscription envelope. What comes out is one or more payloads, each then shown as JSON, text or
 * binary (see present.ts). A layer that fails to undo leaves the data as it was, with the error noted.
 */
import {logsEnvelopeOf} from './cloudwatch-logs.js';
import {gunzip, isGzip} from './gzip.js';
import {deaggregate, hasKplMagic} from './kpl.js';
import {Payload, type PayloadOrigin} from './payload.js';

const encoder = new TextEncoder();
const MESSAGE_TYPE_KEY = Buffer.from('"messageType"');

/**
 * Only JSON that names `messageType` can be a CloudWatch Logs envelope. A byte search spares every other
 * record a JSON parse here: a live tail decodes thousands of records a second, and a view parses the
 * ones it shows (or filters) when it needs them.
 */
const mayBeLogsEnvelope = (bytes: Uint8Array) =>
	Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).includes(MESSAGE_TYPE_KEY);

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Every payload in a record's data, in order: at least one. */
export function decodeRecord(data: Uint8Array): Payload[] {
	if (hasKplMagic(data)) {
		try {
			const users = deaggregate(data);
			if (users) {
				return users.flatMap((user, index) =>
					decodeData(user.data, {
						layers: ['kpl'],
						index,
						count: users.length,
						partitionKey: user.partitionKey,
						explicitHashKey: user.explicitHashKey,
						tags: user.tags,
					}),
				);
			}
		} catch (error) {
			return [new Payload(data, {layers: [], error: `KPL aggregate: ${message(error)}`})];
		}
	}

	return decodeData(data, {layers: []});
}

function decodeData(data: Uint8Array, origin: PayloadOrigin): Payload[] {
	let bytes = data;
	let layers = origin.layers;
	if (isGzip(data)) {
		try {
			bytes = gunzip(data);
			layers = [...layers, 'gzip'];
		} catch (error) {
			return [new Payload(data, {...origin, error: `gzip: ${message(error)}`})];
		}
	}

	const payload = new Payload(bytes, layers === origin.layers ? origin : {...origin, layers});
	const envelope = mayBeLogsEnvelope(bytes) && payload.json && logsEnvelopeOf(payload.json.value);
	if (!envelope) return [payload];
	const logLayers = [...layers, 'cloudwatch-logs' as const];
	if (envelope.messageType === 'CONTROL_MESSAGE' || envelope.logEvents.length === 0) {
		return [new Payload(bytes, {...origin, layers: logLayers, note: envelope.messageType})];
	}

	const {owner, logGroup, logStream} = envelope;
	return envelope.logEvents.map(
		(event, index) =>
			new Payload(encoder.encode(event.message), {
				...origin,
				layers: logLayers,
				index,
				count: envelope.logEvents.length,
				logEvent: {...event, owner, logGroup, logStream},
			}),
	);
}

/**
 * One thing to show from a record: the record's own data, one user record of a KPL aggregate, or one
 * log event of a CloudWatch Logs envelope — with how it was reached (the layers undone) and, computed
 * once on first use, its text, its JSON and the format it reads as.
 */
import type {LogEvent} from './cloudwatch-logs.js';
import {looksLikeJson, parseJson} from './json.js';
import type {KplTag} from './kpl.js';
import {decodeUtf8, looksLikeText} from './text.js';

/** What was undone to reach a payload, outermost first. */
export type Layer = 'kpl' | 'gzip' | 'cloudwatch-logs';

export const LAYER_NAMES: Record<Layer, string> = {
	kpl: 'KPL aggregate',
	gzip: 'gzip',
	'cloudwatch-logs': 'CloudWatch Logs',
};

/** json: an object or array; text: readable UTF-8; binary: anything else. */
export type Format = 'json' | 'text' | 'binary';

export type PayloadOrigin = {
	layers: Layer[];
	/** Position among the record's payloads (KPL user records, log events), and how many there are. */
	index?: number;
	count?: number;
	/** A KPL user record's own keys and tags. */
	partitionKey?: string;
	explicitHashKey?: string;
	tags?: KplTag[];
	/** A log event, with where it was logged. */
	logEvent?: LogEvent & {logGroup: string; logStream: string; owner: string};
	/** CONTROL_MESSAGE, for a CloudWatch Logs envelope that carries no events. */
	note?: string;
	/** Why a layer could not be undone (the payload is then the data as it was). */
	error?: string;
};

export class Payload {
	private textCache: string | null | undefined;
	private jsonCache: {value: unknown} | null | undefined;

	constructor(
		readonly bytes: Uint8Array,
		readonly origin: PayloadOrigin = {layers: []},
	) {}

	/** The payload as UTF-8 text; undefined when it is not valid UTF-8. */
	get text(): string | undefined {
		if (this.textCache === undefined) this.textCache = decodeUtf8(this.bytes) ?? null;
		return this.textCache ?? undefined;
	}

	/** The parsed JSON object or array; undefined when the payload is not one. */
	get json(): {value: unknown} | undefined {
		if (this.jsonCache === undefined) {
			const {text} = this;
			this.jsonCache = (text !== undefined && looksLikeJson(text) && parseJson(text)) || null;
		}

		return this.jsonCache ?? undefined;
	}

	get format(): Format {
		if (this.json) return 'json';
		const {text} = this;
		return text !== undefined && looksLikeText(text) ? 'text' : 'binary';
	}
}

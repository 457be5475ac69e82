/**
 * CloudWatch Logs subscription envelopes: what a subscription filter writes to a Kinesis stream (gzip
 * compressed; the gzip layer is undone before this). A DATA_MESSAGE carries a batch of log events; a
 * CONTROL_MESSAGE only checks that the destination is reachable.
 */

export type LogEvent = {id: string; timestamp: number; message: string};

export type LogsEnvelope = {
	messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
	owner: string;
	logGroup: string;
	logStream: string;
	subscriptionFilters: string[];
	logEvents: LogEvent[];
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function isLogEvent(value: unknown): value is LogEvent {
	return (
		isRecord(value) &&
		typeof value.message === 'string' &&
		typeof value.timestamp === 'number' &&
		(value.id === undefined || typeof value.id === 'string')
	);
}

/** The envelope in a parsed JSON value, or undefined when the value is not one. */
export function logsEnvelopeOf(value: unknown): LogsEnvelope | undefined {
	if (!isRecord(value)) return undefined;
	const {messageType, logEvents} = value;
	if (messageType !== 'DATA_MESSAGE' && messageType !== 'CONTROL_MESSAGE') return undefined;
	if (!Array.isArray(logEvents) || !logEvents.every(isLogEvent)) return undefined;
	const text = (field: unknown) => (typeof field === 'string' ? field : '');
	return {
		messageType,
		owner: text(value.owner),
		logGroup: text(value.logGroup),
		logStream: text(value.logStream),
		subscriptionFilters: Array.isArray(value.subscriptionFilters)
			? value.subscriptionFilters.filter((filter): filter is string => typeof filter === 'string')
			: [],
		logEvents: logEvents.map((event) => ({
			id: event.id ?? '',
			timestamp: event.timestamp,
			message: event.message,
		})),
	};
}

/**
 * What `serve` answers before the AWS routing (server.ts calls it first, with the request's body): its
 * own endpoints outside the AWS API — `GET /_health`, and `GET`/`POST`/`DELETE /_faults` to see and
 * change the injected faults at run time — and, for AWS calls, the faults themselves. Neither endpoint
 * needs a signature; no AWS API path starts with `/_`. Answers are JSON; errors have AWS's shape.
 */
import type {KinesisEngine} from '../engine/engine.js';
import type {FirehoseEngine} from '../engine/firehose/firehose-engine.js';
import {injectFault, type HookReply} from './fault-injection.js';
import {
	FaultSettingError,
	parseLatency,
	parseShare,
	type FaultSettings,
	type Faults,
} from './faults.js';
import {healthReply, healthReport} from './health.js';
import type {AnyRequest} from './listener.js';

export type {HookReply} from './fault-injection.js';

/**
 * Called with every request and its body; an answer ends the request there, undefined goes on (and
 * undefined at once, not a promise, when there is nothing to do: the common case costs no await).
 */
export type RequestHook = (
	request: AnyRequest,
	body: Buffer,
) => Promise<HookReply | undefined> | undefined;

const json = (status: number, value: unknown): HookReply => ({
	status,
	body: JSON.stringify(value),
	contentType: 'application/json',
});

const validationError = (message: string) => json(400, {__type: 'ValidationException', message});

const methodNotAllowed = (path: string, allowed: string) => ({
	...json(405, {
		__type: 'MethodNotAllowedException',
		message: `${path} answers ${allowed.replace(/, (\w+)$/, ' and $1')}.`,
	}),
	headers: {Allow: allowed},
});

/** A `POST /_faults` body: `{"stream"?, "throttle"?, "error"?, "latency"?: "20ms" | "latencyMs"?: 20}`. */
function faultChange(body: Buffer): {stream?: string; change: Partial<FaultSettings>} {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		throw new FaultSettingError('the body must be a JSON object');
	}

	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new FaultSettingError('the body must be a JSON object');
	}

	const given = parsed as Record<string, unknown>;
	const known = ['stream', 'throttle', 'error', 'latency', 'latencyMs'];
	const unknown = Object.keys(given).filter((key) => !known.includes(key));
	if (unknown.length > 0) {
		throw new FaultSettingError(
			`unknown members: ${unknown.join(', ')} (known: ${known.join(', ')})`,
		);
	}

	if (given.stream !== undefined && (typeof given.stream !== 'string' || given.stream === '')) {
		throw new FaultSettingError('stream must be a stream or delivery stream name');
	}

	const change: Partial<FaultSettings> = {};
	for (const name of ['throttle', 'error'] as const) {
		if (given[name] !== undefined) change[name] = parseShare(String(given[name]), name);
	}

	if (given.latency !== undefined) change.latencyMs = parseLatency(String(given.latency));
	if (given.latencyMs !== undefined) {
		change.latencyMs = parseLatency(
			typeof given.latencyMs === 'number' ? `${given.latencyMs}ms` : String(given.latencyMs),
		);
	}

	return {stream: given.stream as string | undefined, change};
}

function faultsEndpoint(faults: Faults, request: AnyRequest, body: Buffer, query: URLSearchParams) {
	try {
		switch (request.method) {
			case 'GET': {
				return json(200, faults.view());
			}

			case 'POST': {
				const {stream, change} = faultChange(body);
				faults.update(stream, change);
				return json(200, faults.view());
			}

			case 'DELETE': {
				faults.clear(query.get('stream') ?? undefined);
				return json(200, faults.view());
			}

			default: {
				return methodNotAllowed('/_faults', 'GET, POST, DELETE');
			}
		}
	} catch (error) {
		if (error instanceof FaultSettingError) return validationError(error.message);
		throw error;
	}
}

export function serveEndpoints(options: {
	engine: KinesisEngine;
	firehose?: FirehoseEngine;
	faults: Faults;
	startedAt?: number;
}): RequestHook {
	const startedAt = options.startedAt ?? Date.now();
	return (request, body) => {
		if (request.url?.startsWith('/_')) {
			const url = new URL(request.url, 'http://localhost');
			if (url.pathname === '/_health') {
				if (request.method !== 'GET') return Promise.resolve(methodNotAllowed('/_health', 'GET'));
				return Promise.resolve(
					healthReply(healthReport(options.engine, options.firehose, startedAt)),
				);
			}

			if (url.pathname === '/_faults') {
				return Promise.resolve(faultsEndpoint(options.faults, request, body, url.searchParams));
			}
		}

		return options.faults.active
			? injectFault(options.faults, options.engine, request, body)
			: undefined;
	};
}

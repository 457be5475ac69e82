/**
 * `GET /_health`, outside the AWS API and without a signature, for container health checks and test
 * set-ups waiting for the server: whether it can do its job — for a server with a data directory, that it
 * can still write there (a directory removed or remounted read-only under it cannot take a put) — with
 * how long it has run and what it holds. 200 when ok, 503 when not, as load balancers expect.
 */
import {randomUUID} from 'node:crypto';
import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {KinesisEngine} from '../engine/engine.js';
import type {FirehoseEngine} from '../engine/firehose/firehose-engine.js';
import type {HookReply} from './fault-injection.js';

export type HealthReport = {
	ok: boolean;
	uptimeSeconds: number;
	streams: number;
	deliveryStreams: number;
	dataDirectory: {path: string; writable: boolean} | null;
};

/**
 * Whether a file can be written in `directory` now: written and removed, since permission bits say
 * nothing to root and nothing about a full or read-only file system.
 */
function canWrite(directory: string) {
	const probe = join(directory, `.health-${randomUUID()}`);
	try {
		writeFileSync(probe, '');
		rmSync(probe, {force: true});
		return true;
	} catch {
		return false;
	}
}

export function healthReport(
	engine: KinesisEngine,
	firehose: FirehoseEngine | undefined,
	startedAt: number,
): HealthReport {
	const path = engine.dataDirectory;
	const dataDirectory = path === undefined ? null : {path, writable: canWrite(path)};
	return {
		ok: dataDirectory?.writable ?? true,
		uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
		streams: engine.listStreams().length,
		deliveryStreams: firehose?.listDeliveryStreams({Limit: 10_000}).DeliveryStreamNames.length ?? 0,
		dataDirectory,
	};
}

export function healthReply(report: HealthReport): HookReply {
	return {
		status: report.ok ? 200 : 503,
		body: JSON.stringify(report),
		contentType: 'application/json',
	};
}

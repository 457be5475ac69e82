/**
 * The audit log: every split, merge and scaling kinesis-top executes, and every repair of a KCL lease
 * table, one JSON line each in `audit.log` in the data directory — when, against which backend, which
 * stream (and lease table), what, and how it ended — so that after a night on call there is a record of
 * what was changed from here.
 */
import {appendFile, mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import type {Target} from '../driver/driver.js';

export type AuditEntry = {
	time: string;
	/** local / aws / endpoint, with the region and the account or location. */
	backend: string;
	stream: string;
	/** The KCL lease table a repair wrote to. */
	table?: string;
	action: string;
	result: 'ok' | 'error';
	error?: string;
};

export const AUDIT_FILE = 'audit.log';

export const describeTarget = (target: Target) =>
	[target.backend, target.region, target.account, target.location].filter(Boolean).join(' ');

/** Appends one entry; a log that cannot be written is reported to the caller, never thrown. */
export async function appendAudit(
	directory: string,
	entry: AuditEntry,
): Promise<string | undefined> {
	try {
		await mkdir(directory, {recursive: true});
		await appendFile(join(directory, AUDIT_FILE), JSON.stringify(entry) + '\n');
		return undefined;
	} catch (error) {
		return `could not write the audit log in ${directory}: ${(error as Error).message}`;
	}
}

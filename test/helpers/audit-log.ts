import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {AUDIT_FILE} from '../../source/reshard/audit-log.js';

/** The entries of the audit log in `directory`, oldest first. */
export const auditEntries = (directory: string) =>
	readFileSync(join(directory, AUDIT_FILE), 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as Record<string, string>);

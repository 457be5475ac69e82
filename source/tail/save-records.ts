/**
 * Saves tailed records as an NDJSON file (one {@link tailLine} per record, the format of
 * `kinesis-top tail`), named after the stream and the time, never overwriting a file already there.
 */
import {open} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import type {BufferedRecord} from './tail-buffer.js';
import {tailLine} from './tail-line.js';

const pad = (value: number) => String(value).padStart(2, '0');

/** kinesis-top-STREAM-YYYYMMDD-HHMMSS.ndjson, in local time; unsafe characters in the name become _. */
export function savedFileName(streamName: string, at: Date, attempt = 0) {
	const stamp =
		`${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-` +
		`${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
	const safe = streamName.replace(/[^\w.-]/g, '_');
	return `kinesis-top-${safe}-${stamp}${attempt > 0 ? `-${attempt}` : ''}.ndjson`;
}

/** Writes the records to a new file in `directory`; resolves with its absolute path. */
export async function saveRecords(
	records: readonly BufferedRecord[],
	options: {directory: string; streamName: string; now?: Date},
): Promise<string> {
	const at = options.now ?? new Date();
	for (let attempt = 0; ; attempt++) {
		const path = resolve(join(options.directory, savedFileName(options.streamName, at, attempt)));
		let file;
		try {
			file = await open(path, 'wx');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 100) continue;
			throw error;
		}

		try {
			const chunk: string[] = [];
			for (const {shardId, record} of records) {
				chunk.push(tailLine(shardId, record) + '\n');
				if (chunk.length >= 1000) await file.write(chunk.splice(0).join(''));
			}

			if (chunk.length > 0) await file.write(chunk.join(''));
		} finally {
			await file.close();
		}

		return path;
	}
}

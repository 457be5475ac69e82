/**
 * Saves tailed records (one {@link tailLine} per record, the format of `kinesis-top tail`) or query
 * rows as an NDJSON file, named after the stream and the time, never overwriting a file already there.
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
export function saveRecords(
	records: readonly BufferedRecord[],
	options: {directory: string; streamName: string; now?: Date},
): Promise<string> {
	return saveLines(
		records.map(({shardId, record}) => tailLine(shardId, record)),
		options,
	);
}

/**
 * Writes NDJSON lines (without their line ends) to a new file in `directory`, named after the stream
 * and the time; resolves with its absolute path. Shared by the tail's and the query's save.
 */
export async function saveLines(
	lines: readonly string[],
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
			for (let start = 0; start < lines.length; start += 1000) {
				await file.write(lines.slice(start, start + 1000).join('\n') + '\n');
			}
		} finally {
			await file.close();
		}

		return path;
	}
}

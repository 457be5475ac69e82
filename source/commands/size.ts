/**
 * `--max-memory` sizes: `512MiB`, `2GiB`, `1G`, `300MB`, or a plain number of bytes. The one place a size
 * is read, so every command that takes one accepts the same spellings and refuses the same mistakes.
 * K, M, G and T alone are binary (1G = 1 GiB), as in Docker and the JVM; KB, MB, GB and TB are decimal.
 */
import {UsageError} from './command.js';

const UNITS: Record<string, number> = {
	'': 1,
	b: 1,
	k: 2 ** 10,
	kib: 2 ** 10,
	kb: 1e3,
	m: 2 ** 20,
	mib: 2 ** 20,
	mb: 1e6,
	g: 2 ** 30,
	gib: 2 ** 30,
	gb: 1e9,
	t: 2 ** 40,
	tib: 2 ** 40,
	tb: 1e12,
};

/** Below this, a bare number was almost certainly meant in MiB, and no segment would fit anyway. */
export const MIN_SIZE_BYTES = 2 ** 20;

/** The size in bytes (whole), at least 1 MiB; a UsageError naming `flag` otherwise. */
export function parseSize(text: string, flag: string): number {
	const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
	const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
	if (!match || unit === undefined) {
		throw new UsageError(
			`${flag} must be a size such as 512MiB, 2GiB, 1G or a number of bytes, not "${text}"`,
		);
	}

	const bytes = Math.floor(Number(match[1]) * unit);
	if (!Number.isSafeInteger(bytes) || bytes < MIN_SIZE_BYTES) {
		throw new UsageError(
			`${flag} must be at least 1MiB, not "${text}"${match[2] === '' ? ' (a plain number is bytes: add a unit such as MiB)' : ''}`,
		);
	}

	return bytes;
}

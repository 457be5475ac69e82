import {describe, expect, test} from 'vitest';
import {UsageError} from '../../source/commands/command.js';
import {parseSize} from '../../source/commands/size.js';

describe('--max-memory sizes', () => {
	test('binary units, decimal units and plain bytes', () => {
		expect(parseSize('512MiB', '--max-memory')).toBe(512 * 2 ** 20);
		expect(parseSize('2GiB', '--max-memory')).toBe(2 * 2 ** 30);
		expect(parseSize('1G', '--max-memory')).toBe(2 ** 30);
		expect(parseSize('1g', '--max-memory')).toBe(2 ** 30);
		expect(parseSize('300MB', '--max-memory')).toBe(300_000_000);
		expect(parseSize('1.5GiB', '--max-memory')).toBe(1.5 * 2 ** 30);
		expect(parseSize(' 64 MiB ', '--max-memory')).toBe(64 * 2 ** 20);
		expect(parseSize('1048576', '--max-memory')).toBe(2 ** 20);
	});

	test('a clear error for what is not a size, or too small to hold a segment', () => {
		const message = (text: string) => {
			try {
				parseSize(text, '--max-memory');
			} catch (error) {
				expect(error).toBeInstanceOf(UsageError);
				return (error as Error).message;
			}

			return 'accepted';
		};

		for (const text of ['', 'lots', '512 mebibytes', '-1GiB', '1e9', 'GiB', '0x100MiB']) {
			expect(message(text), text).toBe(
				`--max-memory must be a size such as 512MiB, 2GiB, 1G or a number of bytes, not "${text}"`,
			);
		}

		expect(message('512')).toBe(
			'--max-memory must be at least 1MiB, not "512" (a plain number is bytes: add a unit such as MiB)',
		);
		expect(message('100KiB')).toBe('--max-memory must be at least 1MiB, not "100KiB"');
	});
});

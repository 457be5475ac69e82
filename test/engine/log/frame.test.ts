import {randomBytes} from 'node:crypto';
import {expect, test} from 'vitest';
import {copyBytes} from '../../../source/engine/log/frame.js';

const viewOf = (buffer: Buffer) => new DataView(buffer.buffer, buffer.byteOffset, buffer.length);

test('copyBytes copies exactly the bytes asked, at any offsets and lengths, and nothing around them', () => {
	const source = randomBytes(64);
	for (let length = 0; length <= 21; length++) {
		for (const [from, to] of [
			[0, 0],
			[1, 3],
			[7, 2],
			[13, 11],
		]) {
			const target = Buffer.alloc(64, 0xee);
			copyBytes(viewOf(source), from, viewOf(target), to, length);
			const expected = Buffer.alloc(64, 0xee);
			source.copy(expected, to, from, from + length);
			expect(target).toEqual(expected);
		}
	}
});

import {expect, test} from 'vitest';
import {FreeBuffers} from '../../../source/engine/log/free-buffers.js';

test('gives back the smallest buffer large enough, never one over four times the size asked', () => {
	const free = new FreeBuffers(1 << 20);
	const [small, medium, large] = [4096, 16_384, 65_536].map((size) => Buffer.alloc(size));
	for (const buffer of [large, small, medium]) free.give(buffer);
	expect(free.bytes).toBe(4096 + 16_384 + 65_536);
	expect(free.take(10_000)).toBe(medium);
	// 4 KiB is too small for 5,000 bytes, 64 KiB more than four times it.
	expect(free.take(5000)).toBeUndefined();
	expect(free.take(16_384)).toBe(large);
	expect(free.take(1024)).toBe(small);
	expect(free.bytes).toBe(0);
});

test('keeps no more than its bound', () => {
	const free = new FreeBuffers(10_000);
	free.give(Buffer.alloc(6000));
	free.give(Buffer.alloc(6000));
	expect(free.bytes).toBe(6000);
	free.give(Buffer.alloc(4000));
	expect(free.bytes).toBe(10_000);
});

/**
 * The shard map's rows, as pure functions: shards ordered as a family tree (children under the parent
 * they were split from or merged into, siblings in key-space order) and each shard's hash-key range
 * drawn as a bar across the 128-bit key space — where it starts and how much of it it owns.
 */
import type {Shard} from '../driver/driver.js';
import {HASH_KEY_SPACE, isOpen} from '../kinesis/routing.js';
import {cell} from './format.js';

export type ShardRow = {
	shard: Shard;
	open: boolean;
	depth: number;
	/** Tree drawing before the id: "", "├─", "│ └─", … */
	prefix: string;
	/** For a merged shard: the other parent (AdjacentParentShardId). */
	mergedWith?: string;
};

const start = (shard: Shard) => BigInt(shard.HashKeyRange.StartingHashKey);
const byKeySpace = (a: Shard, b: Shard) => (start(a) < start(b) ? -1 : start(a) > start(b) ? 1 : 0);

/** `shardId-000000000003` → `3`; any other id as it is. */
export function shortShardId(shardId: string) {
	const match = /^shardId-(\d+)$/.exec(shardId);
	return match ? String(Number(match[1])) : shardId;
}

/**
 * Every shard, parents before children: roots (no parent, or a parent already trimmed away) in
 * key-space order, each followed by its children, depth first.
 */
export function shardTree(shards: readonly Shard[]): ShardRow[] {
	const ids = new Set(shards.map((shard) => shard.ShardId));
	const children = new Map<string, Shard[]>();
	const roots: Shard[] = [];
	for (const shard of shards) {
		const parent = shard.ParentShardId;
		if (parent !== undefined && ids.has(parent)) {
			const siblings = children.get(parent) ?? [];
			siblings.push(shard);
			children.set(parent, siblings);
		} else {
			roots.push(shard);
		}
	}

	const rows: ShardRow[] = [];
	const visit = (shard: Shard, depth: number, lead: string, last: boolean) => {
		rows.push({
			shard,
			open: isOpen(shard),
			depth,
			prefix: depth === 0 ? '' : `${lead}${last ? '└─' : '├─'}`,
			mergedWith: shard.AdjacentParentShardId,
		});
		const own = (children.get(shard.ShardId) ?? []).sort(byKeySpace);
		const childLead = depth === 0 ? '' : `${lead}${last ? '  ' : '│ '}`;
		own.forEach((child, i) => visit(child, depth + 1, childLead, i === own.length - 1));
	};

	for (const root of roots.sort(byKeySpace)) visit(root, 0, '', true);
	return rows;
}

/** Where a hash key falls on a bar of `width` cells spanning 0 … 2^128-1, rounded to the nearest cell edge. */
const edge = (key: bigint, width: number) =>
	Number((key * BigInt(width) * 2n + HASH_KEY_SPACE) / (HASH_KEY_SPACE * 2n));

/** The cell a hash key is in, out of `width`. */
export function cellOf(key: bigint, width: number) {
	return Math.min(width - 1, Number((key * BigInt(width)) / HASH_KEY_SPACE));
}

/**
 * The first and last bar cell of a key range: the cells it covers for the most part, so that adjacent
 * ranges never share a cell and each is as wide as its share; a range too small for that still gets
 * the one cell it falls in.
 */
export function barSpan(startKey: bigint, endKey: bigint, width: number) {
	const first = edge(startKey, width);
	const last = edge(endKey + 1n, width) - 1;
	if (last < first) {
		const only = cellOf(startKey, width);
		return {first: only, last: only};
	}

	return {first, last};
}

export const BAR_OPEN = '█';
export const BAR_CLOSED = '░';
export const BAR_EMPTY = '·';
export const BAR_KEY = '◆';

/**
 * The range as a bar of `width` cells: filled (█ open, ░ closed) over the cells it touches, dots
 * elsewhere; `marker`, a hash key inside the range, is drawn as ◆ where it falls.
 */
export function keyRangeBar(shard: Shard, width: number, marker?: bigint): string {
	if (width <= 0) return '';
	const {first, last} = barSpan(
		BigInt(shard.HashKeyRange.StartingHashKey),
		BigInt(shard.HashKeyRange.EndingHashKey),
		width,
	);
	const fill = isOpen(shard) ? BAR_OPEN : BAR_CLOSED;
	const cells: string[] = Array.from({length: width}, (_, i) =>
		i >= first && i <= last ? fill : BAR_EMPTY,
	);
	if (marker !== undefined) cells[cellOf(marker, width)] = BAR_KEY;
	return cells.join('');
}

/** The share of the key space a range owns, as a percentage. */
export function keySpaceShare(shard: Shard) {
	const size =
		BigInt(shard.HashKeyRange.EndingHashKey) - BigInt(shard.HashKeyRange.StartingHashKey) + 1n;
	return Number((size * 100_000n) / HASH_KEY_SPACE) / 1000;
}

export type ShardColumns = {
	id: number;
	bar: number;
	state: number;
	share: number;
	records: number;
	bytes: number;
	load: number;
};

export const SHARD_MARKER_WIDTH = 2;

/** Fixed columns first, dropped right to left on narrow terminals; the bar takes the rest. */
export function shardColumns(width: number, rows: readonly ShardRow[]): ShardColumns {
	const longest = Math.max(
		5,
		...rows.map((row) => row.prefix.length + shortShardId(row.shard.ShardId).length),
	);
	const id = Math.min(longest + 1, Math.max(6, Math.floor(width / 4)));
	const wide = width >= 72;
	const medium = width >= 56;
	const columns = {
		id,
		state: 7,
		share: wide ? 7 : 0,
		records: medium ? 7 : 0,
		bytes: wide ? 12 : 0,
		load: 6,
	};
	const used =
		SHARD_MARKER_WIDTH +
		columns.id +
		columns.state +
		columns.share +
		columns.records +
		columns.bytes +
		columns.load +
		1;
	return {...columns, bar: Math.max(1, width - used)};
}

/** A right-aligned column of `width` whose first character is always a space. */
export const numberColumn = (text: string, width: number) =>
	width > 0 ? ` ${cell(text, width - 1, 'right')}` : '';

export function shardHeader(columns: ShardColumns) {
	return (
		' '.repeat(SHARD_MARKER_WIDTH) +
		cell('SHARD', columns.id) +
		cell(`KEY RANGE 0…2^128`, columns.bar) +
		cell('STATE', columns.state) +
		numberColumn('SHARE', columns.share) +
		numberColumn('IN/S', columns.records) +
		numberColumn('BYTES/S', columns.bytes) +
		numberColumn('LOAD', columns.load)
	);
}

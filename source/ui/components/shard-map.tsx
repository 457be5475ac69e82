/**
 * The shard map: one row per shard, open and closed, as a family tree; each with its hash-key range as
 * a bar across the key space, its state, its share of the key space, and its sampled incoming rate
 * against the per-shard write limit — hot shards highlighted (and marked with `!`, for NO_COLOR).
 */
import {Box, Text} from 'ink';
import {HOT_LOAD, type ShardRate} from '../../monitor/shard-rates.js';
import {cell, formatBytesRate, formatRate} from '../format.js';
import {
	keyRangeBar,
	numberColumn,
	keySpaceShare,
	shardColumns,
	shardHeader,
	shortShardId,
	type ShardRow,
} from '../shard-rows.js';
import {useTheme} from '../theme.js';

export type ShardMapProps = {
	rows: readonly ShardRow[];
	rates: ReadonlyMap<string, ShardRate>;
	selected: number;
	start: number;
	end: number;
	width: number;
	/** Lines available, the column header included. */
	height: number;
	/**
	 * The looked-up key's hash and the shard that owns it (or where the last put went): that row is
	 * marked, and its bar shows where the hash falls when it is known.
	 */
	lookup?: {hashKey?: bigint; shardId?: string};
	empty: string;
};

export function formatLoad(load: number) {
	const percent = `${Math.round(load * 100)}%`;
	return load >= HOT_LOAD ? `${percent}!` : percent;
}

export function ShardMap(props: ShardMapProps) {
	const {rows, rates, selected, start, end, width, height, lookup, empty} = props;
	const theme = useTheme();
	const columns = shardColumns(width, rows);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.muted} wrap="truncate-end">
				{shardHeader(columns)}
			</Text>
			{rows.length === 0 ? (
				<Text color={theme.muted}> {empty}</Text>
			) : (
				rows.slice(start, end).map((row, offset) => {
					const isSelected = start + offset === selected;
					const {shard} = row;
					const rate = row.open ? rates.get(shard.ShardId) : undefined;
					const hot = rate !== undefined && rate.load >= HOT_LOAD;
					const owner = lookup?.shardId === shard.ShardId;
					const marker = isSelected ? '› ' : owner ? '◆ ' : '  ';
					const bar = keyRangeBar(shard, columns.bar - 1, owner ? lookup?.hashKey : undefined);
					const pending = row.open ? '…' : '';
					return (
						<Box key={shard.ShardId}>
							<Text inverse={isSelected} bold={isSelected || owner}>
								{marker}
								{cell(row.prefix + shortShardId(shard.ShardId), columns.id)}
							</Text>
							<Text color={row.open ? theme.accent : theme.muted}>{bar} </Text>
							<Text color={row.open ? theme.ok : theme.muted}>
								{cell(row.open ? 'OPEN' : 'CLOSED', columns.state)}
							</Text>
							<Text>
								{numberColumn(`${keySpaceShare(shard).toFixed(1)}%`, columns.share)}
								{numberColumn(rate ? formatRate(rate.recordsPerSecond) : pending, columns.records)}
								{numberColumn(rate ? formatBytesRate(rate.bytesPerSecond) : pending, columns.bytes)}
							</Text>
							<Text
								color={hot ? theme.danger : undefined}
								bold={hot}
								inverse={hot && theme.noColor}
							>
								{numberColumn(rate ? formatLoad(rate.load) : pending, columns.load)}
							</Text>
						</Box>
					);
				})
			)}
		</Box>
	);
}

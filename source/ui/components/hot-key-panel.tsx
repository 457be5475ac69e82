/**
 * The hottest partition keys of the last minute, from kinesis-top's own sample at the tip of the
 * stream: key, the shard it goes to, records/s with the sketch's possible overcount, bytes/s. What the
 * guided split's "isolate hot key" uses.
 */
import {Box, Text} from 'ink';
import type {HotKey} from '../../monitor/hot-keys.js';
import {escapeControls} from '../../decode/text.js';
import {cell, formatBytesRate, formatRate, truncate} from '../format.js';
import {shortShardId} from '../shard-rows.js';
import {useTheme} from '../theme.js';

export type HotKeyPanelProps = {hotKeys: readonly HotKey[]; width: number; rows: number};

export function HotKeyPanel({hotKeys, width, rows}: HotKeyPanelProps) {
	const theme = useTheme();
	const keyWidth = Math.max(8, width - 40);
	return (
		<Box flexDirection="column" width={width} height={rows + 1}>
			<Text bold color={theme.muted}>
				{truncate('HOT KEYS (last minute, sampled here; ± is the most a count may be over)', width)}
			</Text>
			{hotKeys.length === 0 ? (
				<Text color={theme.muted}> No records sampled yet.</Text>
			) : (
				hotKeys.slice(0, rows).map((hot) => (
					<Text key={hot.key}>
						{'  '}
						{cell(escapeControls(hot.key), keyWidth)}
						{cell(`→ ${shortShardId(hot.shardId)}`, 8)}
						{cell(formatRate(hot.recordsPerSecond), 9, 'right')}
						{cell(hot.errorPerSecond > 0 ? ` ±${formatRate(hot.errorPerSecond)}` : '', 9)}
						{cell(formatBytesRate(hot.bytesPerSecond), 10, 'right')}
					</Text>
				))
			)}
		</Box>
	);
}

/**
 * One stream: its shard map (see ShardMap), the sampled incoming rates, and "which shard owns key X?"
 * (`K`), answered with the engine's own MD5 routing code.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import type {Driver} from '../../driver/driver.js';
import type {ShardRateSamplerOptions} from '../../monitor/shard-rates.js';
import {escapeControls} from '../../decode/text.js';
import {hashKeyOf, owningShard} from '../../kinesis/routing.js';
import {HotKeyPanel} from '../components/hot-key-panel.js';
import {ShardMap} from '../components/shard-map.js';
import {StatusLine} from '../components/status-line.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, useSelection} from '../hooks/use-selection.js';
import {useShardRates} from '../hooks/use-shard-rates.js';
import {useStreamDescription} from '../hooks/use-stream-description.js';
import type {Command} from '../keymap.js';
import {filterLabel, filterList} from '../list-filter.js';
import type {ScreenProps} from '../navigation.js';
import {shardTree, shortShardId} from '../shard-rows.js';
import {formatRetention, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type StreamScreenProps = ScreenProps & {
	driver: Driver;
	stream: string;
	pollIntervalMs?: number;
	rateOptions?: ShardRateSamplerOptions;
	/** Where the last put from the console went: that shard is marked (and the key's hash, if known). */
	lastPut?: {shardId: string; hashKey?: bigint};
};

export function StreamScreen(props: StreamScreenProps) {
	const {driver, stream, width, height, active, filter, navigation} = props;
	const theme = useTheme();
	const description = useStreamDescription(driver, stream, props.pollIntervalMs);
	const rates = useShardRates(driver, stream, props.rateOptions);
	const [lookup, setLookup] = useState<{key: string; hashKey: bigint}>();

	const shards = description.value?.Shards;
	const tree = useMemo(() => shardTree(shards ?? []), [shards]);
	const rows = useMemo(
		() =>
			filterList(tree, filter, (row) => [
				row.shard.ShardId,
				shortShardId(row.shard.ShardId),
				row.open ? 'OPEN' : 'CLOSED',
			]),
		[tree, filter],
	);
	const ids = useMemo(() => rows.map((row) => row.shard.ShardId), [rows]);
	const owner = lookup && shards ? owningShard(shards, lookup.hashKey) : undefined;
	const headLines = lookup ? 4 : 2;
	// The hot keys take the bottom lines when there is room for them and the shards.
	const hotKeyRows = height >= 18 ? 3 : 0;
	const panelLines = hotKeyRows > 0 ? hotKeyRows + 1 : 0;
	const selection = useSelection(ids, height - headLines - panelLines - 1);
	const {move, name: selectedShard} = selection;

	const askKey = useCallback(() => {
		navigation.openPrompt({
			label: 'partition key: ',
			placeholder: 'which shard does it go to? (MD5 of the key, as Kinesis routes)',
			validate: (value) => (value.length > 256 ? 'a partition key is 1–256 characters' : undefined),
			onSubmit: (key) => {
				if (key.length === 0 || key.length > 256) return;
				setLookup({key, hashKey: hashKeyOf(key)});
			},
		});
	}, [navigation]);

	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				move(command);
				return;
			}

			switch (command) {
				case 'tail': {
					if (selectedShard) navigation.push({kind: 'tail', stream, shardId: selectedShard});
					break;
				}

				case 'lookup': {
					askKey();
					break;
				}

				case 'put': {
					navigation.push({kind: 'put', stream});
					break;
				}

				case 'split':
				case 'merge': {
					if (selectedShard) {
						// The hottest key going to this shard, for the split's "isolate hot key".
						const hotKey = rates.hotKeys.find((hot) => hot.shardId === selectedShard);
						navigation.push({
							kind: 'reshard',
							stream,
							action: command,
							shardId: selectedShard,
							hotKey: hotKey?.key,
						});
					}

					break;
				}

				case 'scale': {
					navigation.push({kind: 'reshard', stream, action: 'scale'});
					break;
				}

				case 'metrics': {
					navigation.push({kind: 'metrics', stream});
					break;
				}

				case 'filter': {
					navigation.openFilter();
					break;
				}
			}
		},
		[move, selectedShard, navigation, stream, askKey, rates.hotKeys],
	);
	useScreenCommands(onCommand, active);

	const value = description.value;
	const open = tree.filter((row) => row.open).length;
	const title = value
		? `${stream} · ${value.StreamStatus} · ${value.StreamModeDetails.StreamMode} · ${open} open of ${tree.length} shards · ${formatRetention(value.RetentionPeriodHours)} retention${filterLabel(filter)}`
		: `${stream} · loading…`;
	const sampling = rates.error
		? `Rate sampling failed: ${rates.error} (retrying)`
		: 'Rates sampled by kinesis-top (reading LATEST, 5 s) · limit 1,000 rec/s, 1 MiB/s';
	const empty = description.error
		? 'Could not describe the stream (see above).'
		: !value
			? 'Loading shards…'
			: 'No shard matches the filter (esc clears it).';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<StatusLine title={title} error={description.error} width={width} />
			<Text color={rates.error ? theme.warning : theme.muted}>{truncate(sampling, width)}</Text>
			{lookup && (
				<>
					<Text bold>
						{truncate(
							`key "${escapeControls(lookup.key)}" → ${owner ? `shard ${shortShardId(owner.ShardId)} (${owner.ShardId})` : 'no open shard covers it'}`,
							width,
						)}
					</Text>
					<Text>{truncate(`MD5 hash of the key: ${lookup.hashKey}`, width)}</Text>
				</>
			)}
			<ShardMap
				rows={rows}
				rates={rates.rates}
				selected={selection.index}
				start={selection.start}
				end={selection.end}
				width={width}
				height={height - headLines - panelLines}
				lookup={lookup ? {hashKey: lookup.hashKey, shardId: owner?.ShardId} : props.lastPut}
				empty={empty}
			/>
			{hotKeyRows > 0 && <HotKeyPanel hotKeys={rates.hotKeys} width={width} rows={hotKeyRows} />}
		</Box>
	);
}

/**
 * One record in full: every piece of metadata (shard, sequence number, arrival time, partition key and
 * its MD5 hash key, the layers decoded), then the whole payload — decoded as the tail showed it, `d`
 * cycling, `p` pretty or compact JSON — scrolled as one list of lines.
 */
import {Box, Text} from 'ink';
import {useCallback, useMemo, useState} from 'react';
import {LAYER_NAMES} from '../../decode/payload.js';
import {nextDecodeMode, payloadLines, type DecodeMode, type Line} from '../../decode/present.js';
import {escapeControls} from '../../decode/text.js';
import {hashKeyOf} from '../../kinesis/routing.js';
import type {TailEntry} from '../../tail/tail-entries.js';
import {Segments} from '../components/segments.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, movementStep} from '../hooks/use-selection.js';
import type {Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';
import {shortShardId} from '../shard-rows.js';
import {displayWidth, wrapToWidth} from '../../display-width.js';
import {cell, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type RecordScreenProps = ScreenProps & {
	stream: string;
	entry: TailEntry;
	initialMode: DecodeMode;
};

const LABEL_WIDTH = 18;

/** The metadata, as label/value pairs. */
export function recordFields(stream: string, entry: TailEntry): Array<[string, string]> {
	const {record, shardId} = entry.buffered;
	const {payload} = entry;
	const {origin} = payload;
	const fields: Array<[string, string]> = [
		['Stream', stream],
		['Shard', `${shardId} (${shortShardId(shardId)})`],
		['Sequence number', record.SequenceNumber],
		['Arrival', record.ApproximateArrivalTimestamp.toISOString()],
		['Partition key', escapeControls(record.PartitionKey)],
		['Hash key (MD5)', String(hashKeyOf(record.PartitionKey))],
	];
	if (record.EncryptionType && record.EncryptionType !== 'NONE') {
		fields.push(['Encryption', record.EncryptionType]);
	}

	fields.push(['Data', `${record.Data.length.toLocaleString('en-US')} bytes`]);
	if (origin.layers.length > 0) {
		const position =
			origin.index !== undefined && origin.count !== undefined
				? ` (${origin.index + 1} of ${origin.count})`
				: '';
		const note = origin.note ? ` ${origin.note}` : '';
		fields.push([
			'Decoded',
			`${origin.layers.map((layer) => LAYER_NAMES[layer]).join(' → ')}${note}${position}`,
		]);
		fields.push(['Payload', `${payload.bytes.length.toLocaleString('en-US')} bytes`]);
	}

	if (origin.partitionKey !== undefined) {
		fields.push(['User record key', escapeControls(origin.partitionKey)]);
		fields.push([
			'User hash key',
			origin.explicitHashKey ?? `${hashKeyOf(origin.partitionKey)} (MD5)`,
		]);
	}

	for (const tag of origin.tags ?? []) {
		fields.push(['Tag', escapeControls(`${tag.key}=${tag.value ?? ''}`)]);
	}

	if (origin.logEvent) {
		const event = origin.logEvent;
		fields.push(['Log group', escapeControls(event.logGroup)]);
		fields.push(['Log stream', escapeControls(event.logStream)]);
		fields.push([
			'Log event',
			`${new Date(event.timestamp).toISOString()} · id ${escapeControls(event.id)}`,
		]);
		if (event.owner) fields.push(['Account', escapeControls(event.owner)]);
	}

	if (origin.error) fields.push(['Not decoded', origin.error]);
	return fields;
}

export function RecordScreen(props: RecordScreenProps) {
	const {stream, entry, width, height, active} = props;
	const theme = useTheme();
	const [mode, setMode] = useState<DecodeMode>(props.initialMode);
	const [pretty, setPretty] = useState(true);
	const [offset, setOffset] = useState(0);

	const fields = useMemo(() => recordFields(stream, entry), [stream, entry]);
	const source = useMemo(
		() => payloadLines(entry.payload, mode, {pretty, width}),
		[entry.payload, mode, pretty, width],
	);
	const heading = `── payload: ${source.representation}${source.representation === 'json' ? (pretty ? ', pretty' : ', compact') : ''}${mode === 'auto' ? ' (auto)' : ''} · ${source.count.toLocaleString('en-US')} lines `;
	const metaLines: Line[] = [
		// A long value (a 256-character key, in Japanese 512 columns) wraps under itself, none hidden.
		...fields.flatMap(([label, value]) =>
			wrapToWidth(value, Math.max(8, width - LABEL_WIDTH)).map((text, i): Line => [
				{kind: 'note', text: cell(i === 0 ? label : '', LABEL_WIDTH)},
				{kind: 'text', text},
			]),
		),
		[{kind: 'note', text: heading + '─'.repeat(Math.max(0, width - displayWidth(heading)))}],
	];
	const total = metaLines.length + source.count;
	const viewHeight = Math.max(1, height - 1);
	const maxOffset = Math.max(0, total - viewHeight);
	const top = Math.min(offset, maxOffset);

	const onCommand = useCallback(
		(command: Command) => {
			if (isMovement(command)) {
				const by = movementStep(command, Math.max(1, viewHeight - 1));
				setOffset((current) => Math.min(Math.max(Math.min(current, maxOffset) + by, 0), maxOffset));
				return;
			}

			if (command === 'decode') setMode(nextDecodeMode);
			if (command === 'pretty') setPretty((value) => !value);
		},
		[viewHeight, maxOffset],
	);
	useScreenCommands(onCommand, active);

	const bottom = Math.min(total, top + viewHeight);
	const visible: Line[] = [];
	for (let i = top; i < Math.min(bottom, metaLines.length); i++) visible.push(metaLines[i]);
	const from = Math.max(0, top - metaLines.length);
	const to = bottom - metaLines.length;
	if (to > from) visible.push(...source.lines(from, to));
	const range = total > viewHeight ? ` · lines ${top + 1}–${bottom} of ${total}` : '';
	const title = `Record · ${stream} · shard ${shortShardId(entry.buffered.shardId)} · decode ${mode}${range}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.accent}>
				{truncate(title, width)}
			</Text>
			{visible.map((line, i) => (
				<Text key={top + i} wrap="truncate-end">
					<Segments line={line} />
				</Text>
			))}
		</Box>
	);
}

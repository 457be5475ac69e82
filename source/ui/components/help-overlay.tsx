/** The `?` screen: every binding, grouped by where it applies, generated from the keymap. */
import {Box, Text} from 'ink';
import {keyLabel, SCOPE_ORDER, SCOPE_TITLES, type Binding} from '../keymap.js';
import {cell, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type HelpLine = {kind: 'title' | 'binding'; text: string; dangerous?: boolean};

const KEYS_WIDTH = 16;

export function helpLines(keymap: readonly Binding[]): HelpLine[] {
	const lines: HelpLine[] = [];
	for (const scope of SCOPE_ORDER) {
		const bindings = keymap.filter((binding) => binding.scope === scope);
		if (bindings.length === 0) continue;
		lines.push({kind: 'title', text: SCOPE_TITLES[scope]});
		for (const binding of bindings) {
			const keys = cell(binding.keys.map(keyLabel).join(', '), KEYS_WIDTH);
			const flag = binding.dangerous ? ' (!) changes data' : '';
			lines.push({
				kind: 'binding',
				text: `  ${keys} ${binding.description}${flag}`,
				dangerous: binding.dangerous,
			});
		}
	}

	return lines;
}

export type HelpOverlayProps = {
	keymap: readonly Binding[];
	readOnly: boolean;
	width: number;
	height: number;
	/** First line shown (the help scrolls). */
	offset?: number;
};

export function HelpOverlay({keymap, readOnly, width, height, offset = 0}: HelpOverlayProps) {
	const theme = useTheme();
	const lines = helpLines(keymap);
	const footnote = readOnly ? 'Read-only: actions that change data are not offered.' : '';
	const room = Math.max(0, height - (footnote ? 2 : 1));
	const top = Math.min(offset, Math.max(0, lines.length - room));
	const range =
		lines.length > room
			? ` · ${top + 1}–${Math.min(lines.length, top + room)} of ${lines.length}, j/k scroll`
			: '';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.accent}>
				{truncate(`Keys — press ? or esc to close${range}`, width)}
			</Text>
			{lines.slice(top, top + room).map((line, i) =>
				line.kind === 'title' ? (
					<Text key={top + i} bold>
						{truncate(line.text, width)}
					</Text>
				) : (
					<Text key={top + i} color={line.dangerous ? theme.danger : undefined}>
						{truncate(line.text, width)}
					</Text>
				),
			)}
			{footnote && <Text color={theme.muted}>{truncate(footnote, width)}</Text>}
		</Box>
	);
}

/** The `?` screen: every binding, grouped by where it applies, generated from the keymap. */
import {Box, Text} from 'ink';
import {keyLabel, SCOPE_TITLES, type Binding, type Scope} from '../keymap.js';
import {cell, truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type HelpOverlayProps = {
	keymap: readonly Binding[];
	readOnly: boolean;
	width: number;
	height: number;
};

const SCOPES: Scope[] = ['global', 'streams', 'help'];
const KEYS_WIDTH = 14;

export function HelpOverlay({keymap, readOnly, width, height}: HelpOverlayProps) {
	const theme = useTheme();
	const lines: Array<{kind: 'title' | 'binding'; text: string; dangerous?: boolean}> = [];
	for (const scope of SCOPES) {
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

	const footnote = readOnly ? 'Read-only: actions that change data are not offered.' : '';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.accent}>
				{truncate('Keys — press ? or esc to close', width)}
			</Text>
			{lines.slice(0, Math.max(0, height - (footnote ? 2 : 1))).map((line, i) =>
				line.kind === 'title' ? (
					<Text key={i} bold>
						{truncate(line.text, width)}
					</Text>
				) : (
					<Text key={i} color={line.dangerous ? theme.danger : undefined}>
						{truncate(line.text, width)}
					</Text>
				),
			)}
			{footnote && <Text color={theme.muted}>{truncate(footnote, width)}</Text>}
		</Box>
	);
}

/** The `?` help for one screen: its lines (see help-lines.ts) under a title, scrolled if too tall. */
import {Box, Text} from 'ink';
import {helpFootnote, helpLines, helpRoom, helpTitle} from '../help-lines.js';
import type {Binding, Scope} from '../keymap.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type HelpOverlayProps = {
	keymap: readonly Binding[];
	/** The screen the help was opened from: its keys come first, its name is the title. */
	scope: Scope;
	/** Every screen's keys after the screen's own and the global ones. */
	all?: boolean;
	readOnly: boolean;
	width: number;
	height: number;
	/** First line shown (the help scrolls). */
	offset?: number;
};

export function HelpOverlay(props: HelpOverlayProps) {
	const {keymap, scope, all = false, readOnly, width, height, offset = 0} = props;
	const theme = useTheme();
	const lines = helpLines(keymap, scope, all);
	const footnote = helpFootnote(lines, readOnly);
	const room = helpRoom(height, footnote);
	const top = Math.min(offset, Math.max(0, lines.length - room));
	const shown = lines.slice(top, top + room);
	const title = helpTitle(scope, all, {top, shown: shown.length, total: lines.length});
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold color={theme.accent}>
				{truncate(title, width)}
			</Text>
			{shown.map((line, i) =>
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

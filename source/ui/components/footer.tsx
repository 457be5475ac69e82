/**
 * The bottom line: key hints for what can be done here, generated from the keymap (the pinned ones —
 * help and quit — always shown), or a notice (a saved file, an unknown command) until the next key.
 */
import {Box, Text} from 'ink';
import {Fragment} from 'react';
import {fittingHints, footerHints, type Binding, type Scope} from '../keymap.js';
import {useTheme} from '../theme.js';

export type Notice = {text: string; tone: 'info' | 'error'};

export type FooterProps = {
	scopes: readonly Scope[];
	keymap: readonly Binding[];
	width: number;
	notice?: Notice;
};

export function Footer({scopes, keymap, width, notice}: FooterProps) {
	const theme = useTheme();
	if (notice) {
		return (
			<Box width={width}>
				<Text color={notice.tone === 'error' ? theme.danger : theme.accent} wrap="truncate-end">
					{notice.text}
				</Text>
			</Box>
		);
	}

	const hints = fittingHints(footerHints(scopes, keymap), width);
	return (
		<Box width={width}>
			<Text wrap="truncate-end">
				{hints.map(({keys, hint}, i) => (
					<Fragment key={`${keys} ${hint}`}>
						{i > 0 && '  '}
						<Text bold color={theme.accent}>
							{keys}
						</Text>
						<Text color={theme.muted}> {hint}</Text>
					</Fragment>
				))}
			</Text>
		</Box>
	);
}

/** The bottom line: key hints for what can be done here, generated from the keymap. */
import {Box, Text} from 'ink';
import {Fragment} from 'react';
import {footerHints, type Binding, type Scope} from '../keymap.js';
import {useTheme} from '../theme.js';

export type FooterProps = {
	scopes: readonly Scope[];
	keymap: readonly Binding[];
	width: number;
};

/** As many hints as fit in `width`, in keymap order. */
export function fittingHints(hints: Array<{keys: string; hint: string}>, width: number) {
	const shown = [];
	let used = 0;
	for (const hint of hints) {
		const size = (shown.length > 0 ? 2 : 0) + hint.keys.length + 1 + hint.hint.length;
		if (used + size > width) break;
		used += size;
		shown.push(hint);
	}

	return shown;
}

export function Footer({scopes, keymap, width}: FooterProps) {
	const theme = useTheme();
	const hints = fittingHints(footerHints(scopes, keymap), width);
	return (
		<Box width={width}>
			<Text>
				{hints.map(({keys, hint}, i) => (
					<Fragment key={hint}>
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

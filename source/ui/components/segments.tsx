/** A decoded line: its segments coloured by kind (JSON syntax colour), plain under NO_COLOR. */
import {Text} from 'ink';
import type {Line, SegmentKind} from '../../decode/present.js';
import {useTheme, type Theme} from '../theme.js';

export function segmentColor(kind: SegmentKind, theme: Theme): string | undefined {
	switch (kind) {
		case 'key': {
			return theme.accent;
		}

		case 'string': {
			return theme.ok;
		}

		case 'number': {
			return theme.warning;
		}

		case 'literal': {
			return theme.danger;
		}

		case 'punctuation':
		case 'note': {
			return theme.muted;
		}

		default: {
			return undefined;
		}
	}
}

export function Segments({line}: {line: Line}) {
	const theme = useTheme();
	return (
		<>
			{line.map((segment, i) => {
				const color = segmentColor(segment.kind, theme);
				return color ? (
					<Text key={i} color={color}>
						{segment.text}
					</Text>
				) : (
					segment.text
				);
			})}
		</>
	);
}

/** The help as a screen: the keys of the screen below it, scrolled with the usual movement keys. */
import {useCallback, useState} from 'react';
import {HelpOverlay} from '../components/help-overlay.js';
import {helpFootnote, helpLines, helpRoom} from '../help-lines.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, movementStep} from '../hooks/use-selection.js';
import type {Binding, Command, Scope} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';

export type HelpScreenProps = Pick<ScreenProps, 'width' | 'height' | 'active'> & {
	keymap: readonly Binding[];
	/** The screen the help was opened from. */
	scope: Scope;
	readOnly: boolean;
};

export function HelpScreen({keymap, scope, readOnly, width, height, active}: HelpScreenProps) {
	const [offset, setOffset] = useState(0);
	const [all, setAll] = useState(false);
	const lines = helpLines(keymap, scope, all);
	const room = helpRoom(height, helpFootnote(lines, readOnly));
	const maxOffset = Math.max(0, lines.length - room);
	const onCommand = useCallback(
		(command: Command) => {
			if (command === 'allKeys') {
				// Back to the top: the screen's own keys, which stay first either way.
				setAll((current) => !current);
				setOffset(0);
				return;
			}

			if (!isMovement(command)) return;
			const by = movementStep(command, room);
			setOffset((current) => Math.min(Math.max(current + by, 0), maxOffset));
		},
		[room, maxOffset],
	);
	useScreenCommands(onCommand, active);
	return (
		<HelpOverlay
			keymap={keymap}
			scope={scope}
			all={all}
			readOnly={readOnly}
			width={width}
			height={height}
			offset={offset}
		/>
	);
}

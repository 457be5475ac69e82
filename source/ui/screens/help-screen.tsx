/** The help as a screen: the keymap's every binding, scrolled with the usual movement keys. */
import {useCallback, useState} from 'react';
import {HelpOverlay, helpLines} from '../components/help-overlay.js';
import {useScreenCommands} from '../hooks/use-keymap.js';
import {isMovement, movementStep} from '../hooks/use-selection.js';
import type {Binding, Command} from '../keymap.js';
import type {ScreenProps} from '../navigation.js';

export type HelpScreenProps = Pick<ScreenProps, 'width' | 'height' | 'active'> & {
	keymap: readonly Binding[];
	readOnly: boolean;
};

export function HelpScreen({keymap, readOnly, width, height, active}: HelpScreenProps) {
	const [offset, setOffset] = useState(0);
	const room = Math.max(1, height - (readOnly ? 2 : 1));
	const maxOffset = Math.max(0, helpLines(keymap).length - room);
	const onCommand = useCallback(
		(command: Command) => {
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
			readOnly={readOnly}
			width={width}
			height={height}
			offset={offset}
		/>
	);
}

/**
 * The one-line prompt at the bottom of the screen: `:` commands, `/` filters and the short questions
 * (which partition key? from where?). It reports every change, so a filter applies as it is typed.
 */
import {Box, Text} from 'ink';
import {useEffect, useRef} from 'react';
import {usePromptState} from '../hooks/use-prompt-state.js';
import {usePrompt, type Completion} from '../hooks/use-prompt.js';
import type {Binding} from '../keymap.js';
import {displayWidth, truncateStartToWidth} from '../../display-width.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type PromptRequest = {
	/** Shown before the text: ":", "/", "partition key: ". */
	label: string;
	initial?: string;
	/** Shown dimmed while nothing is typed: what is expected. */
	placeholder?: string;
	complete?: (value: string) => Completion;
	/** Every change of the text (a live filter). */
	onChange?: (value: string) => void;
	/** A problem with the text as it stands (shown after it, in the danger colour). */
	validate?: (value: string) => string | undefined;
	onSubmit: (value: string) => void;
	onCancel?: () => void;
	/** Earlier answers, oldest first, recalled with ↑ and ↓. */
	history?: readonly string[];
};

export type PromptProps = {
	request: PromptRequest;
	width: number;
	isActive: boolean;
	keymap: readonly Binding[];
	/** The prompt is done (submitted or cancelled): its owner closes it. */
	onClose: () => void;
	/** Ctrl+C: quit the console, prompt or not. */
	onQuit: () => void;
};

export function Prompt({request, width, isActive, keymap, onClose, onQuit}: PromptProps) {
	const theme = useTheme();
	const [state, dispatch] = usePromptState(request.initial);
	const {onChange, onSubmit, onCancel, complete, validate, history} = request;
	useEffect(() => {
		onChange?.(state.value);
	}, [onChange, state.value]);
	// Until this prompt is unmounted its key handler may still see keys: after Enter or Esc, none count.
	const done = useRef(false);
	usePrompt(
		state,
		dispatch,
		{
			onSubmit: (value) => {
				if (done.current) return;
				done.current = true;
				onClose();
				onSubmit(value);
			},
			onCancel: () => {
				if (done.current) return;
				done.current = true;
				onClose();
				onCancel?.();
			},
			onQuit,
			complete,
			history,
		},
		{isActive, keymap},
	);

	const error = validate?.(state.value);
	const head = request.label + state.value;
	// The end of a long answer stays in view, where the typing happens; measured in columns, so the
	// cursor after Japanese or emoji text is still on the line.
	const shown = truncateStartToWidth(head, Math.max(1, width - 1));
	const rest = Math.max(0, width - displayWidth(shown) - 1);
	const aside = error
		? `  ${error}`
		: state.candidates.length > 1
			? `  ${state.candidates.join('  ')}`
			: state.value === '' && request.placeholder
				? ` ${request.placeholder}`
				: '';
	return (
		<Box width={width}>
			<Text bold>{shown}</Text>
			<Text inverse> </Text>
			{aside && (
				<Text color={error ? theme.danger : theme.muted} dimColor={!error && theme.noColor}>
					{truncate(aside, rest)}
				</Text>
			)}
		</Box>
	);
}
